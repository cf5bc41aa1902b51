from datetime import date

from django.db import transaction

from .models import Patient


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
