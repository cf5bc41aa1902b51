import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from .clinical import procedure_safety
from .models import Patient, SafetyScreenRecord


def patient_create(**fields) -> Patient:
    with transaction.atomic():
        patient = Patient(**fields)
        patient.full_clean()
        patient.save()
    return patient


def patient_match_or_create(
    *, first_name: str, last_name: str, date_of_birth: date, email: str, **other_fields
) -> Patient:
    """The Patient with this name, date of birth and (verified) email, or a new one.

    Used where the person proved the email is theirs; the other fields only fill a new record.
    """
    existing = Patient.objects.filter(
        first_name__iexact=first_name,
        last_name__iexact=last_name,
        date_of_birth=date_of_birth,
        email__iexact=email,
    ).first()
    if existing is not None:
        return existing
    return patient_create(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, email=email, **other_fields
    )


def _screen_result(screen: procedure_safety.SafetyScreen) -> dict:
    flags = [
        {
            "code": flag.code,
            "label": flag.label,
            "detail": flag.detail or "",
            "decision": str(procedure_safety.flag_decision(flag.code)),
        }
        for flag in screen.flags
    ]
    return {
        "flags": flags,
        # Stored without a planned procedure: the booking check narrows the device review to RFA.
        "defer_reasons": procedure_safety.procedure_defer_reasons(flags, procedure=None),
        "instructions": [instruction.code for instruction in screen.instructions],
        "medications": [
            {"generic": m.generic, "class": str(m.drug_class), "name": m.matched_name}
            for m in screen.medications
        ],
        "bleeding_risk": str(screen.bleeding_risk or ""),
    }


def safety_screen_store(
    *, source: str, source_id: uuid.UUID, patient: Patient | None, inputs: dict[str, Any]
) -> SafetyScreenRecord:
    """Run the safety screen on `inputs` (`procedure_safety.screen` keyword arguments, JSON-able)
    and store it, with the inputs and the rules' version, as the one screen of this source.

    Raises ValueError for inputs the rules do not know (a bug in the caller, not bad input)."""
    screen = procedure_safety.screen(**inputs)
    with transaction.atomic():
        record, _created = SafetyScreenRecord.objects.select_for_update().get_or_create(
            source=source,
            source_id=source_id,
            defaults={"inputs": {}, "result": {}, "rules_version": "", "computed_at": timezone.now()},
        )
        record.patient = patient or record.patient
        record.inputs = inputs
        record.result = _screen_result(screen)
        record.rules_version = procedure_safety.RULES_VERSION
        record.computed_at = timezone.now()
        record.full_clean()
        record.save()
    return record
