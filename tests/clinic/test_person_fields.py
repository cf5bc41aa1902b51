"""One list of a person's fields, PERSON_FIELDS beside the Patient, read by every copy of them."""

import datetime

import pytest

from appointments.models import AppointmentRequest
from appointments.services import appointment_request_verify
from clinic.core.models import PERSON_FIELDS, PERSON_IDENTITY_FIELDS, Patient, person_fields_of
from intake.models import Intake, IntakeStep
from intake.services import intake_invite, intake_submit
from referrals.models import Referral
from referrals.services import referral_accept
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    PatientFactory,
    ReferralFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

NOT_PERSON = {"id", "public_id", "created_at", "updated_at"}
EVERY_FIELD = {
    "first_name": "Maria",
    "last_name": "Lopez",
    "date_of_birth": datetime.date(1961, 4, 12),
    "sex_at_birth": "female",
    "preferred_language": "es",
    "email": "maria@example.com",
    "phone": "+12175550143",
    "preferred_contact": "text",
    "address_line1": "1 Main St",
    "address_line2": "Apt 2",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
}


def field_names(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


def test_person_fields_are_every_field_of_a_patient_and_all_of_them_are_on_an_intake():
    assert set(PERSON_FIELDS) == field_names(Patient) - NOT_PERSON
    assert set(PERSON_FIELDS) <= field_names(Intake)
    assert set(PERSON_IDENTITY_FIELDS) <= set(PERSON_FIELDS)
    assert set(EVERY_FIELD) == set(PERSON_FIELDS)


@pytest.mark.parametrize("model", [Referral, AppointmentRequest])
def test_a_records_own_names_for_person_fields_are_real_fields_on_both_sides(model):
    assert set(model.PERSON_ATTRIBUTES) <= set(PERSON_FIELDS)
    assert set(model.PERSON_ATTRIBUTES.values()) <= field_names(model)


def test_every_patient_detail_of_a_referral_is_named_for_the_patient_record():
    patient_details = {name for name in field_names(Referral) if name.startswith("patient_")} - {"patient_id"}
    assert patient_details == set(Referral.PERSON_ATTRIBUTES.values())


def test_a_name_that_is_not_a_person_field_is_refused():
    with pytest.raises(ValueError, match="insurance_carrier"):
        person_fields_of(ReferralFactory.build(), {"insurance_carrier": "insurance_carrier"})


def test_a_submitted_intake_makes_a_patient_with_every_person_field_it_holds():
    intake = IntakeFactory(**EVERY_FIELD, completed_steps=list(IntakeStep.values))

    intake = intake_submit(
        intake=intake, consent_name="Maria Lopez", consent_privacy=True, consent_financial=True
    )

    assert person_fields_of(intake.patient) == EVERY_FIELD


def test_an_invited_intake_starts_with_every_person_field_of_the_patient():
    patient = PatientFactory(**EVERY_FIELD)

    intake = intake_invite(patient=patient)

    assert person_fields_of(intake) == EVERY_FIELD


def test_an_accepted_referral_makes_a_patient_with_every_detail_the_referrer_gave():
    referral = ReferralFactory(
        patient_first_name="Maria",
        patient_last_name="Lopez",
        patient_date_of_birth=datetime.date(1961, 4, 12),
        patient_sex="male",
        patient_language="es",
        patient_email="maria@example.com",
        patient_phone="+12175550143",
    )

    referral_accept(referral=referral, by=StaffUserFactory())

    patient = Patient.objects.get()
    assert person_fields_of(patient, Referral.PERSON_ATTRIBUTES.keys()) == {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": datetime.date(1961, 4, 12),
        "sex_at_birth": "male",
        "preferred_language": "es",
        "email": "maria@example.com",
        "phone": "+12175550143",
    }


def test_a_verified_appointment_request_makes_a_patient_with_its_contact_details():
    request = AppointmentRequestFactory(
        patient=None,
        known_patient=False,
        status="unverified",
        verified_at=None,
        first_name="Maria",
        last_name="Lopez",
        date_of_birth=datetime.date(1961, 4, 12),
        email="maria@example.com",
        phone="+12175550143",
        contact_preference="phone",
    )

    appointment_request_verify(public_id=request.public_id)

    patient = Patient.objects.get()
    assert person_fields_of(patient, AppointmentRequest.PERSON_ATTRIBUTES.keys()) == {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": datetime.date(1961, 4, 12),
        "email": "maria@example.com",
        "phone": "+12175550143",
        "preferred_contact": "phone",
    }
