"""The patient's open draft: one rule (a draft not past its expiry), whether or not the nightly sweep
has marked an old draft expired yet."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from appointments.selectors import intake_link
from intake.models import Intake, IntakeStatus
from intake.selectors import open_draft_for_patient
from intake.services import intake_invite, intake_start
from intake.tokens import resume_url
from tests.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _past_expiry(**fields) -> Intake:
    """A draft whose time ran out an hour ago; the sweep has not run, so its status is still draft."""
    return IntakeFactory.create(expires_at=timezone.now() - datetime.timedelta(hours=1), **fields)


def test_a_draft_past_its_expiry_is_not_the_patients_open_draft_before_the_sweep_marks_it():
    patient = PatientFactory()
    _past_expiry(patient=patient, email=patient.email)

    assert open_draft_for_patient(patient=patient) is None

    current = IntakeFactory(patient=patient, email=patient.email)
    assert open_draft_for_patient(patient=patient) == current


def test_the_appointment_email_does_not_offer_a_draft_past_its_expiry():
    patient = PatientFactory()
    stale = _past_expiry(patient=patient, email=patient.email)

    assert intake_link(patient=patient) == settings.SITE_URL + reverse("new_patient")
    assert intake_link(patient=patient) != resume_url(stale.public_id)

    current = IntakeFactory(patient=patient, email=patient.email)
    assert intake_link(patient=patient) == resume_url(current.public_id)


def test_inviting_a_patient_whose_draft_ran_out_starts_a_new_draft():
    patient = PatientFactory()
    stale = _past_expiry(patient=patient, email=patient.email)

    invited = intake_invite(patient=patient)

    assert invited.pk != stale.pk and invited.is_open


def test_starting_again_after_the_draft_ran_out_starts_a_new_draft():
    stale = _past_expiry()

    started = intake_start(
        first_name=stale.first_name,
        last_name=stale.last_name,
        date_of_birth=stale.date_of_birth,
        email=stale.email,
    )

    assert started.pk != stale.pk and started.is_open


def test_an_intake_is_open_exactly_when_it_is_among_the_open_drafts():
    intakes = [
        IntakeFactory(),
        _past_expiry(),
        IntakeFactory(status=IntakeStatus.EXPIRED),
        IntakeFactory(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now()),
    ]

    assert [intake.is_open for intake in intakes] == [True, False, False, False]
    assert set(Intake.objects.open_drafts()) == {intakes[0]}
