import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appointments import services, tokens
from appointments.models import AppointmentEvent, AppointmentRequest, RequestStatus
from clinic.core.models import OutboundEmail, Patient
from tests.factories import AppointmentRequestFactory, LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db


def form_data(location, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": "ana@example.com",
        "visit_type": "new_consultation",
        "location": str(location.pk),
        "preferred_days": ["mon", "wed"],
        "time_windows": ["morning"],
        "earliest_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "contact_preference": "email",
        "phone": "",
        "reason": "Low back pain for months",
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    return next(word for word in message.body.split() if word.startswith("http"))


def test_the_home_page_link_leads_to_the_request_form(client):
    LocationFactory()
    response = client.get(reverse("request_appointment"))
    assert response.status_code == 200
    assert "Request an appointment" in response.content.decode()
    assert 'id="appointment-request-form"' in response.content.decode()


def test_a_new_patient_request_waits_for_email_verification(client, django_capture_on_commit_callbacks):
    location = LocationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("request_appointment"), form_data(location))

    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:check_email")
    request = AppointmentRequest.objects.get()
    assert request.status == RequestStatus.UNVERIFIED
    assert request.patient is None
    assert Patient.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert "/appointments/verify/" in link_in(mail.outbox[0])


def test_verifying_the_email_opens_the_request_and_confirms_it_once(
    client, django_capture_on_commit_callbacks
):
    location = LocationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request_appointment"), form_data(location))
    verify_path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")

    assert client.get(verify_path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verify_path)
        client.post(verify_path)  # a second click changes nothing

    request = AppointmentRequest.objects.get()
    assert request.status == RequestStatus.OPEN
    assert request.patient.first_name == "Ana" and request.patient.email == "ana@example.com"
    assert response["Location"].startswith(f"/appointments/r/{request.public_id}/")
    received = OutboundEmail.objects.filter(template="appointment-request-received")
    assert received.count() == 1
    assert len(mail.outbox) == 2
    assert f"/appointments/r/{request.public_id}/" in mail.outbox[1].body
    # No name, no reason in the email.
    assert "Ana" not in mail.outbox[1].body and "back pain" not in mail.outbox[1].body


def test_verification_links_an_existing_patient_with_the_same_identity(client):
    patient = PatientFactory(
        first_name="Ana", last_name="Lopez", date_of_birth=datetime.date(1970, 4, 2), email="ANA@example.com"
    )
    client.post(reverse("request_appointment"), form_data(LocationFactory()))
    request = AppointmentRequest.objects.get()
    services.appointment_request_verify(public_id=request.public_id)
    request.refresh_from_db()
    assert request.patient == patient
    assert Patient.objects.count() == 1


def test_double_submission_creates_one_request(client, django_capture_on_commit_callbacks):
    data = form_data(LocationFactory())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("request_appointment"), data)
        second = client.post(reverse("request_appointment"), data)
    assert first.status_code == second.status_code == 302
    assert AppointmentRequest.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"earliest_date": "2001-01-01"}, "earliest_date", "cannot be in the past"),
        (
            {"earliest_date": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()},
            "earliest_date",
            "within the next year",
        ),
        ({"time_windows": []}, "time_windows", "Choose at least one time of day"),
        ({"contact_preference": "phone"}, "phone", "Give a phone number"),
        ({"visit_type": "procedure"}, "visit_type", "Select a valid choice"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_is_saved(client, overrides, field, message):
    data = form_data(LocationFactory(), **overrides)
    response = client.post(reverse("request_appointment"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert AppointmentRequest.objects.count() == 0
    # What was typed is still there.
    assert 'value="Lopez"' in response.content.decode()


def test_a_known_patient_from_the_intake_link_skips_identity_and_is_confirmed_at_once(
    client, django_capture_on_commit_callbacks
):
    patient = PatientFactory(email="known@example.com")
    url = tokens.request_url_for_patient(patient.public_id).removeprefix("http://127.0.0.1:8000")
    page = client.get(url)
    assert "first_name" not in page.context["form"].fields
    assert "procedure" in dict(page.context["form"].fields["visit_type"].choices)

    data = form_data(LocationFactory(), visit_type="procedure")
    for name in ("first_name", "last_name", "date_of_birth", "email"):
        data.pop(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    request = AppointmentRequest.objects.get()
    assert request.status == RequestStatus.OPEN and request.patient == patient and request.known_patient
    assert response["Location"].startswith(f"/appointments/r/{request.public_id}/")
    assert [m.to for m in mail.outbox] == [["known@example.com"]]


def test_a_tampered_patient_link_falls_back_to_the_plain_form_with_a_message(client):
    response = client.get(reverse("request_appointment") + "?patient=abc:def", follow=True)
    assert response.status_code == 200
    assert "expired or is not valid" in response.content.decode()
    assert "first_name" in response.context["form"].fields


def test_manage_links_that_are_tampered_expired_or_for_another_request_get_a_friendly_page(client):
    mine = AppointmentRequestFactory()
    theirs = AppointmentRequestFactory()
    good = tokens.manage_token(mine.public_id)

    assert client.get(reverse("appointments:manage", args=[mine.public_id, good])).status_code == 200
    tampered = client.get(reverse("appointments:manage", args=[mine.public_id, good[:-2] + "xx"]))
    assert tampered.status_code == 404 and "not valid" in tampered.content.decode()
    other = client.get(reverse("appointments:manage", args=[theirs.public_id, good]))
    assert other.status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400)):
        expired = client.get(reverse("appointments:manage", args=[mine.public_id, good]))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    bad_verify = client.get(reverse("appointments:verify", args=["nonsense"]))
    assert bad_verify.status_code == 404


def test_the_patient_withdraws_a_request_once(client):
    request = AppointmentRequestFactory()
    token = tokens.manage_token(request.public_id)
    url = reverse("appointments:withdraw", args=[request.public_id, token])

    assert client.get(url).status_code == 200
    client.post(url)
    response = client.post(url, follow=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert "already withdrawn" in response.content.decode()
    assert AppointmentEvent.objects.filter(request=request, action="withdrawn").count() == 1
