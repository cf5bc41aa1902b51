import os

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import need

pytestmark = pytest.mark.django_db


@override_settings(REDIS_URL="")
def test_healthz_reports_the_database_and_no_redis_when_none_is_configured(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
        "alert_recipients": "none",
        "escalation_recipients": "none",
    }


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_fails_when_redis_is_unreachable(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_healthz_reports_a_reachable_redis(client, settings):
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "Redis (REDIS_URL)")
    settings.REDIS_URL = redis_url

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["redis"] == "ok"
