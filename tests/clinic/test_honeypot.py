"""The honeypot on the public forms: invisible to people, a filled one answered like a success with
nothing stored or sent."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appointments.models import AppointmentRequest
from clinic.core.honeypot import HONEYPOT_FIELD
from clinic.core.models import OutboundEmail
from intake.models import Intake
from referrals.models import ReferringProvider
from tests.factories import LocationFactory, _valid_npi

pytestmark = pytest.mark.django_db

ROBOT = {HONEYPOT_FIELD: "https://cheap-pills.example"}


def start_data() -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": "ana@example.com",
    }


def appointment_data(location) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": "ana@example.com",
        "visit_type": "new_consultation",
        "location": str(location.pk),
        "time_windows": ["morning"],
        "earliest_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "contact_preference": "email",
        "reason": "Low back pain",
    }


def registration_data() -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Reyes",
        "credentials": "MD",
        "npi": _valid_npi(4242),
        "email": "ana.reyes@practice.example",
        "practice_name": "Oak Street Family Medicine",
        "address_line1": "12 Oak Street",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "(217) 555-0101",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
    }


@pytest.mark.parametrize("url_name", ["new_patient", "request_appointment", "referrals:register"])
def test_each_public_form_carries_a_honeypot_people_never_meet(client, url_name):
    LocationFactory()
    page = client.get(reverse(url_name)).content.decode()

    wrapper = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', page, re.S)
    assert wrapper, "no honeypot on the page"
    field = re.search(rf'<input [^>]*name="{HONEYPOT_FIELD}"[^>]*>', wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field and 'type="text"' in field
    assert "Leave this field empty" in wrapper.group(1)
    assert page.count(f'name="{HONEYPOT_FIELD}"') == 1
    # Hidden by the site's stylesheet, never by an inline style (the CSP has no unsafe-inline).
    assert "style=" not in page
    assert "css/site.css" in page


def test_the_stylesheet_moves_the_honeypot_off_the_screen():
    css = open(finders.find("css/site.css")).read()  # noqa: PTH123, SIM115
    rule = re.search(r"\.hp-field\s*\{([^}]*)\}", css).group(1)
    assert "position: absolute" in rule and "left: -10000px" in rule


def test_a_filled_honeypot_on_the_intake_start_looks_sent_but_nothing_is_kept(client):
    real = client.post(reverse("new_patient"), start_data())
    Intake.objects.all().delete()
    OutboundEmail.objects.all().delete()

    robot = client.post(reverse("new_patient"), {**start_data(), **ROBOT})

    assert robot.status_code == real.status_code == 200
    assert robot.templates[0].name == real.templates[0].name == "intake/check_email.html"
    assert "We sent a link to ana@example.com." in robot.content.decode()
    assert not Intake.objects.exists() and not OutboundEmail.objects.exists()


def test_a_filled_honeypot_on_the_appointment_request_looks_sent_but_nothing_is_kept(client):
    location = LocationFactory()

    response = client.post(reverse("request_appointment"), {**appointment_data(location), **ROBOT})

    assert response.status_code == 302 and response["Location"] == reverse("appointments:check_email")
    assert not AppointmentRequest.objects.exists() and not OutboundEmail.objects.exists()
    assert client.post(reverse("request_appointment"), appointment_data(location)).status_code == 302
    assert AppointmentRequest.objects.count() == 1


def test_a_filled_honeypot_on_registration_looks_created_but_no_account_exists(client):
    response = client.post(reverse("referrals:register"), {**registration_data(), **ROBOT})

    assert response.status_code == 302 and response["Location"] == reverse("referrals:register_done")
    assert not User.objects.exists() and not ReferringProvider.objects.exists()
    assert not mail.outbox and not OutboundEmail.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_robot_with_bad_answers_gets_the_form_again_like_anyone(client):
    response = client.post(reverse("new_patient"), {**start_data(), "email": "not an address", **ROBOT})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Intake.objects.exists()


def test_an_empty_honeypot_changes_nothing_for_people(client):
    client.post(reverse("new_patient"), {**start_data(), HONEYPOT_FIELD: ""})
    client.post(reverse("referrals:register"), {**registration_data(), HONEYPOT_FIELD: "  "})

    assert Intake.objects.count() == 1
    assert ReferringProvider.objects.count() == 1
