import os
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import OutboundEmail
from tests.conftest import need
from tests.factories import OutboundEmailFactory

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
        "oldest_due_email_seconds": None,
    }


@override_settings(REDIS_URL="")
def test_healthz_reports_how_long_the_oldest_due_email_has_waited(client, django_assert_max_num_queries):
    now = timezone.now()
    OutboundEmailFactory(send_after=now - timedelta(minutes=7))
    OutboundEmailFactory(send_after=now - timedelta(minutes=2))
    # Neither a reminder for later, nor one already sent or given up on, is waiting.
    OutboundEmailFactory(send_after=now + timedelta(hours=3))
    OutboundEmailFactory(
        send_after=now - timedelta(days=2), status=OutboundEmail.Status.SENT, sent_at=now - timedelta(days=2)
    )
    OutboundEmailFactory(send_after=now - timedelta(days=3), status=OutboundEmail.Status.FAILED)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert 7 * 60 <= response.json()["oldest_due_email_seconds"] < 8 * 60


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
