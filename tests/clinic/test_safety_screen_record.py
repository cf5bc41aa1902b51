"""One stored safety screen per intake or referral, with its inputs and the rules' version."""

import uuid

import pytest
import time_machine

from clinic.core.clinical.procedure_safety import RULES_VERSION
from clinic.core.clinical.red_flags import QUESTIONS
from clinic.core.models import SafetyScreenRecord
from clinic.core.selectors import safety_screen_for_patient
from intake import services as intake_services
from referrals.services import referral_accept, referral_submit
from tests.factories import (
    IntakeFactory,
    PatientFactory,
    ReferringProviderFactory,
    StaffUserFactory,
    stored_safety_screen,
)

pytestmark = pytest.mark.django_db


def codes(record):
    return {flag["code"] for flag in record.flags}


def test_saving_the_medications_stores_the_screen_with_its_inputs_and_rules_version():
    patient = PatientFactory()
    intake = IntakeFactory(patient=patient)

    intake_services.intake_save_medications(
        intake=intake,
        answers={"blood_thinner": "yes", "opioids": "no"},
        medications=[{"name": "Eliquis 5 mg twice daily"}],
        allergies=[],
    )

    record = SafetyScreenRecord.objects.get(source="intake", source_id=intake.public_id)
    assert record.patient == patient
    assert record.inputs["medications"] == ["Eliquis 5 mg twice daily"]
    assert record.rules_version == RULES_VERSION
    assert "drug:apixaban" in codes(record)
    assert [reason["code"] for reason in record.defer_reasons] == ["drug:apixaban"]
    decisions = {flag["code"]: flag["decision"] for flag in record.flags}
    assert decisions["drug:apixaban"] == "defer"
    # The intake's own list shows the same result.
    intake.refresh_from_db()
    assert intake.safety_flags == record.flags


def test_saving_the_history_again_replaces_the_one_stored_screen():
    intake = IntakeFactory(patient=PatientFactory())
    intake_services.intake_save_step(
        intake=intake, step="history", answers={"infection_signs": ["current_fever"]}
    )
    intake_services.intake_save_step(intake=intake, step="history", answers={"pregnant": "not_sure"})

    record = SafetyScreenRecord.objects.get(source_id=intake.public_id)
    assert "infection_defer" not in codes(record)
    assert "pregnancy_possible" in codes(record)
    assert record.inputs["pregnant"] == "not_sure"


def test_blood_thinner_yes_with_only_a_supplement_named_is_still_flagged():
    intake = IntakeFactory(patient=PatientFactory())
    intake_services.intake_save_medications(
        intake=intake, answers={"blood_thinner": "yes"}, medications=[{"name": "fish oil"}], allergies=[]
    )
    record = SafetyScreenRecord.objects.get(source_id=intake.public_id)
    assert "blood_thinner_unnamed" in codes(record)
    assert "blood_thinner_unnamed" in {reason["code"] for reason in record.defer_reasons}


def _referral_data(**safety_answers):
    import datetime

    return {
        "patient_first_name": "Ana",
        "patient_last_name": "Ruiz",
        "patient_date_of_birth": datetime.date(1960, 3, 1),
        "patient_sex": "female",
        "patient_phone": "+12175550143",
        "patient_email": "ana.ruiz@mail.example",
        "insurance_carrier": "Blue Cross",
        "insurance_member_id": "XJH123",
        "reason": "Low back pain for 6 months.",
        "diagnosis_codes": ["M54.16"],
        "requested_service": "epidural_steroid_injection",
        "red_flag_answers": {question.key: "no" for question in QUESTIONS},
        "safety_answers": {"blood_thinner": "no", "devices": [], "diabetes": "no", **safety_answers},
    }


def test_a_submitted_referral_stores_its_screen_and_accepting_gives_it_to_the_patient():
    provider = ReferringProviderFactory()
    referral, _created = referral_submit(
        provider=provider,
        submission_token=uuid.uuid4(),
        data=_referral_data(blood_thinner="yes", blood_thinner_names="Xarelto 20 mg"),
    )
    record = SafetyScreenRecord.objects.get(source="referral", source_id=referral.public_id)
    assert record.patient is None
    assert record.inputs["medications"] == ["Xarelto 20 mg"]
    assert record.rules_version == RULES_VERSION
    assert "drug:rivaroxaban" in codes(record)

    referral_accept(referral=referral, by=StaffUserFactory(), create_patient=True)

    record.refresh_from_db()
    referral.refresh_from_db()
    assert record.patient == referral.patient
    assert safety_screen_for_patient(referral.patient) == record


def test_the_patients_own_intake_is_preferred_over_a_newer_referral():
    patient = PatientFactory()
    with time_machine.travel("2026-03-01 10:00Z"):
        intake = stored_safety_screen(patient, source="intake")
    with time_machine.travel("2026-04-01 10:00Z"):
        stored_safety_screen(patient, source="referral", medications=["warfarin"])

    assert safety_screen_for_patient(patient) == intake


def test_with_no_intake_the_latest_referral_screen_is_used():
    patient = PatientFactory()
    with time_machine.travel("2026-03-01 10:00Z"):
        stored_safety_screen(patient, source="referral")
    with time_machine.travel("2026-04-01 10:00Z"):
        newer = stored_safety_screen(patient, source="referral", medications=["warfarin"])

    assert safety_screen_for_patient(patient) == newer
    assert safety_screen_for_patient(PatientFactory()) is None


def test_the_intake_and_referral_pages_show_the_stored_screen_defer_first_with_its_version(
    client, django_assert_max_num_queries
):
    from django.urls import reverse

    from clinic.core.roles import CLINICIAN
    from tests.factories import ReferralFactory

    client.force_login(StaffUserFactory(role=CLINICIAN))
    intake = IntakeFactory(patient=PatientFactory())
    intake_services.intake_save_medications(
        intake=intake,
        answers={"blood_thinner": "yes", "opioids": "yes"},
        medications=[{"name": "Xarelto"}],
        allergies=[],
    )
    with django_assert_max_num_queries(30):
        page = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()
    assert "Defer a procedure: On rivaroxaban (anticoagulant)" in page
    assert page.index("On rivaroxaban") < page.index("Takes opioid pain medicine")
    assert f"rules {RULES_VERSION}" in page

    referral = ReferralFactory()
    stored_safety_screen(None, source="referral", source_id=referral.public_id, pregnant="yes")
    with django_assert_max_num_queries(30):
        page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()
    assert "Defer a procedure: Possible pregnancy" in page and f"rules {RULES_VERSION}" in page
