import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.core.clinical import red_flags
from tests.factories import PDF_BYTES, PNG_BYTES, ReferringProviderFactory

VALID_NPI = "1234567893"


def red_flag_answers(**yes: str) -> dict:
    """Every red-flag question answered no, except those given."""
    return {question.key: yes.get(question.key, "no") for question in red_flags.QUESTIONS}


def referral_post(**overrides) -> dict:
    """A complete, valid referral form submission."""
    data = {
        "submission_token": str(uuid.uuid4()),
        "patient_first_name": "Maria",
        "patient_last_name": "Lopez",
        "patient_date_of_birth": "1961-04-12",
        "patient_sex": "female",
        "patient_phone": "(217) 555-0143",
        "patient_email": "maria.lopez@mail.example",
        "patient_language": "es",
        "insurance_carrier": "Blue Cross",
        "insurance_member_id": "XJH123456789",
        "insurance_group": "G-100",
        "reason": "Left L5 radicular pain for 4 months despite PT.",
        "diagnosis_codes": "M54.16, m5126",
        "requested_service": "epidural_steroid_injection",
        "requested_service_other": "",
        "urgency": "routine",
        "location": "",
        "pain_onset": "2025-01-10",
        "physical_therapy_weeks": "8",
        "medications_tried": "Naproxen, gabapentin",
        "other_conservative_care": "",
        "imaging_type": "mri",
        "imaging_date": "2025-03-01",
        "blood_thinner": "yes",
        "blood_thinner_names": "Eliquis 5 mg twice daily",
        "devices": ["pacemaker"],
        "diabetes": "yes_insulin",
        "contrast_allergy": "no",
    }
    for key, answer in red_flag_answers().items():
        data[f"rf_{key}"] = answer
    data.update(overrides)
    return data


def pdf(name: str = "notes.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


@pytest.fixture
def provider():
    return ReferringProviderFactory()


@pytest.fixture
def provider_client(client, provider):
    client.force_login(provider.user)
    return client
