"""intake_invite: the one service staff (admin) and Referrals use to invite a known patient."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.core.models import OutboundEmail
from intake.emails import email_intake_resume
from intake.models import Intake, IntakeStatus
from intake.services import intake_invite
from tests.factories import IntakeFactory, PatientFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_inviting_a_patient_prefills_demographics_and_emails_a_signed_link(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory(first_name="Ada", last_name="Lovelace", city="Springfield", state="IL")
    staff = StaffUserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        intake = intake_invite(patient=patient, invited_by=staff)

    assert intake.status == IntakeStatus.DRAFT
    assert intake.patient == patient
    assert intake.invited_by == staff
    assert (intake.first_name, intake.last_name, intake.date_of_birth) == (
        "Ada",
        "Lovelace",
        patient.date_of_birth,
    )
    assert (intake.email, intake.city, intake.state) == (patient.email, "Springfield", "IL")
    email = OutboundEmail.objects.get(template="intake-invitation")
    assert email.to == patient.email
    assert email.status == OutboundEmail.Status.SENT
    assert set(email.context) == {"resume_url", "expires_on"}
    body = mail.outbox[0].body
    assert "/intake/link/" in body
    # No clinical content, no full name, no ids in clear.
    assert "Lovelace" not in body and str(patient.date_of_birth) not in body
    assert str(intake.public_id) not in body


def test_inviting_again_reuses_the_open_draft_and_sends_one_email_a_day():
    patient = PatientFactory()
    first = intake_invite(patient=patient)
    second = intake_invite(patient=patient)

    assert first.pk == second.pk
    assert Intake.objects.filter(patient=patient).count() == 1
    assert OutboundEmail.objects.filter(template="intake-invitation").count() == 1


def test_invitation_joins_the_callers_transaction_and_is_undone_with_it():
    patient = PatientFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        intake_invite(patient=patient)
        raise RuntimeError("the referral could not be accepted")

    assert not Intake.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_patient_without_email_cannot_be_invited():
    with pytest.raises(ValidationError):
        intake_invite(patient=PatientFactory(email=""))
    assert not Intake.objects.exists()


def test_the_invitation_link_opens_the_prefilled_intake(client):
    patient = PatientFactory(first_name="Grace")
    intake = intake_invite(patient=patient)
    link = OutboundEmail.objects.get(template="intake-invitation").context["resume_url"]

    response = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)

    assert response.status_code == 200
    assert b'value="Grace"' in response.content
    intake.refresh_from_db()
    assert intake.email_verified_at is not None


def test_the_link_s_last_day_is_the_clinic_s_date_not_utc_s(settings):
    # 03:00 UTC on the 16th is still the evening of the 15th in New York.
    settings.TIME_ZONE = "America/New_York"
    intake = IntakeFactory(expires_at=datetime.datetime(2027, 1, 16, 3, 0, tzinfo=datetime.UTC))

    email = email_intake_resume(intake=intake)

    assert email.context["expires_on"] == "2027-01-15"
