"""A signed-in session ends after 15 idle minutes (configurable) and 12 hours after signing in; pages
warn before and let the person stay; signing out ends the session on the server."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.core.roles import FRONT_DESK
from tests.factories import ReferringProviderFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/staff/intake/intake/"


@pytest.fixture
def desk(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    return client


def at(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_fifteen_idle_minutes_sign_staff_out_with_the_reason_and_the_session_is_gone(desk):
    assert desk.get(STAFF_PAGE).status_code == 200
    key = desk.session.session_key

    with at(16):
        response = desk.get(STAFF_PAGE, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert any("signed out after 15 minutes without activity" in m for m in messages_of(response))
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_the_session_but_not_past_twelve_hours(desk):
    for step in range(1, 72):  # a request every 10 minutes
        with at(10 * step):
            assert desk.get(STAFF_PAGE).status_code == 200, f"signed out at {10 * step} minutes"
    with at(12 * 60 + 1):
        response = desk.get(STAFF_PAGE, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert any("at most 12 hours" in m for m in messages_of(response))


def test_asking_how_long_is_left_is_not_activity_but_staying_is(desk):
    desk.get(STAFF_PAGE)
    with at(10):
        left = desk.get(reverse("session_status")).json()["seconds_left"]
        assert 4 * 60 <= left <= 5 * 60
    with at(14):
        kept = desk.post(reverse("session_keep_alive")).json()["seconds_left"]
        assert kept >= 14 * 60
    with at(28):
        assert desk.get(STAFF_PAGE).status_code == 200
    with at(28 + 16):
        assert desk.get(reverse("session_status")).json()["seconds_left"] == 0
        assert desk.get(STAFF_PAGE).status_code == 302


def test_the_idle_limit_is_a_setting(desk, settings):
    settings.SESSION_IDLE_MINUTES = 5
    desk.get(STAFF_PAGE)
    with at(4):
        assert desk.get(STAFF_PAGE).status_code == 200
    with at(10):
        assert desk.get(STAFF_PAGE).status_code == 302


def test_a_referring_provider_idle_for_sixteen_minutes_signs_in_again(client):
    provider = ReferringProviderFactory()
    client.force_login(provider.user)
    assert client.get(reverse("referrals:list")).status_code == 200

    with at(16):
        response = client.get(reverse("referrals:list"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("referrals:login"))
    assert any("signed out after 15 minutes" in m for m in messages_of(response))


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing(desk):
    assert desk.get(STAFF_PAGE).status_code == 200
    stolen = desk.cookies["sessionid"].value

    desk.post(reverse("admin:logout"))

    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get(STAFF_PAGE).status_code == 302


def test_signed_in_pages_carry_the_warning_and_a_patients_do_not(desk, client):
    staff_page = desk.get(STAFF_PAGE).content.decode()
    assert 'id="session-timeout"' in staff_page and "Stay signed in" in staff_page
    assert "js/session-timeout.js" in staff_page

    patient_page = Client().get(reverse("new_patient")).content.decode()
    assert 'id="session-timeout"' not in patient_page
