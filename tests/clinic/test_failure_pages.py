"""What a visitor sees when something goes wrong: the clinic's page, its phone and a way home."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

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


def test_the_too_many_requests_page_names_the_clinic_phone_and_links_home(rf):
    page = render_to_string("429.html", request=rf.get("/"))

    assert "Too many requests" in page
    assert settings.CLINIC_PHONE in page
    assert HOME_LINK in page
