"""What a visitor sees when something goes wrong: the clinic's page, its phone and a way home."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clinic.core.ratelimits import LimitedAction
from tests.clinic.test_rate_limits import per_email_limit, start_data
from tests.factories import ReferringProviderFactory, StaffUserFactory

HOME_LINK = 'href="/"'


def assert_is_a_clinic_page(response, heading: str) -> str:
    page = response.content.decode()
    assert heading in page
    assert settings.CLINIC_PHONE in page
    assert HOME_LINK in page
    for debug_sign in ("Traceback", "Request Method", "DEBUG = True", "settings.py", "Django administration"):
        assert debug_sign not in page
    return page


@pytest.mark.django_db
def test_a_page_that_does_not_exist_says_so_with_the_clinic_phone(client):
    response = client.get("/patients/Jane-Doe-1980-02-29/")

    assert response.status_code == 404
    page = assert_is_a_clinic_page(response, "Page not found")
    assert "Jane-Doe" not in page
    assert 'class="navbar' in page  # the public site's layout


@pytest.mark.django_db
def test_a_staff_member_on_a_missing_staff_page_stays_in_the_staff_layout(client):
    client.force_login(StaffUserFactory())

    response = client.get("/staff/no-such-page/")

    assert response.status_code == 404
    page = assert_is_a_clinic_page(response, "Page not found")
    assert "Pain Clinic Portal: staff" in page  # the admin's header
    assert 'id="user-tools"' in page


@pytest.mark.django_db
def test_a_page_someone_may_not_open_says_so_with_the_clinic_phone(client):
    client.force_login(StaffUserFactory())  # signed in, but not a referring provider

    response = client.get(reverse("referrals:list"))

    assert response.status_code == 403
    assert_is_a_clinic_page(response, "This page is not available to you")


@pytest.mark.django_db
def test_a_request_for_another_host_gets_the_clinic_page_not_a_bare_error(client):
    response = client.get("/", HTTP_HOST="portal.attacker.example")

    assert response.status_code == 400
    assert_is_a_clinic_page(response, "This request could not be read")


@pytest.mark.django_db
def test_a_form_sent_without_its_security_cookie_asks_to_send_it_again():
    provider = ReferringProviderFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(provider.user)

    response = browser.post(reverse("referrals:new"), {"first_name": "Ana"})

    assert response.status_code == 403
    assert_is_a_clinic_page(response, "Please send the form again")


def test_a_page_that_breaks_shows_the_clinic_page_without_the_error_or_the_database(settings):
    """Not marked django_db: the 500 page must not touch the database (any query here fails the test)."""
    settings.ROOT_URLCONF = "tests.clinic.urls_with_a_failing_page"

    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    page = assert_is_a_clinic_page(response, "Something went wrong on our side")
    assert "Jane Doe" not in page
    assert "RuntimeError" not in page
    assert "911" in page


# Every source of a 429: a rate limit on a form, a rate limit on a sign-in, a sign-in lockout (axes).
def _a_limited_form(client):
    typed = start_data("ana.lopez@example.org")
    for _ in range(per_email_limit(LimitedAction.INTAKE_START)):
        client.post(reverse("new_patient"), typed)
    return client.post(reverse("new_patient"), typed), typed


def _a_limited_sign_in(client):
    staff = StaffUserFactory()
    typed = {"username": staff.username, "password": "guess-1"}
    # A new address each time, so axes (per account and address) never locks: the rate limit stops it.
    for n in range(per_email_limit(LimitedAction.STAFF_SIGN_IN)):
        client.post(reverse("admin:login"), typed, REMOTE_ADDR=f"198.51.100.{n + 1}")
    return client.post(reverse("admin:login"), typed, REMOTE_ADDR="192.0.2.50"), typed


def _a_locked_out_sign_in(client):
    provider = ReferringProviderFactory()
    typed = {"username": provider.user.email, "password": "guess-2"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("referrals:login"), typed)
    return client.post(reverse("referrals:login"), typed), typed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("too_many", "heading"),
    [
        (_a_limited_form, "Please wait a few minutes"),
        (_a_limited_sign_in, "Please wait a few minutes"),
        (_a_locked_out_sign_in, "Too many sign-in attempts"),
    ],
)
def test_every_too_many_requests_page_is_the_clinics_and_says_when_to_try_again(client, too_many, heading):
    response, typed = too_many(client)

    assert response.status_code == 429
    page = assert_is_a_clinic_page(response, heading)
    minutes = re.search(r"Please try again in (\d+) minutes?\.", page)
    assert minutes is not None and 1 <= int(minutes.group(1)) <= 60
    # What was typed is only ever in the hidden fields that send the form again; no sign-in's.
    shown = re.sub(r'<input type="hidden" name="[^"]+" value="[^"]*">', "", page)
    for value in typed.values():
        assert value not in shown
    if "password" in typed:
        assert 'type="hidden"' not in page
