"""Signed, expiring patient links. A token carries one public id and its purpose, nothing else.

- verify: a new patient's emailed link that confirms their email and so their request;
- manage: view or withdraw a request, cancel or ask for another time for its appointment;
- patient: issued by the intake (or an invitation) so a known patient need not identify again.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

VERIFY_SALT = "appointments.verify"
MANAGE_SALT = "appointments.manage"
PATIENT_SALT = "appointments.patient"


class LinkExpired(Exception):
    """A genuine link that is too old."""


class LinkInvalid(Exception):
    """A tampered, truncated, made-up link, or one for another request."""


def _dumps(public_id: uuid.UUID, salt: str) -> str:
    return signing.dumps(str(public_id), salt=salt, compress=False)


def _loads(token: str, salt: str, max_age: timedelta) -> uuid.UUID:
    try:
        return uuid.UUID(signing.loads(token, salt=salt, max_age=max_age))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None


def verify_token(request_public_id: uuid.UUID) -> str:
    return _dumps(request_public_id, VERIFY_SALT)


def read_verify_token(token: str) -> uuid.UUID:
    return _loads(token, VERIFY_SALT, timedelta(hours=settings.APPOINTMENT_VERIFY_LINK_MAX_AGE_HOURS))


def verify_url(request_public_id: uuid.UUID) -> str:
    return settings.SITE_URL + reverse("appointments:verify", args=[verify_token(request_public_id)])


def manage_token(request_public_id: uuid.UUID) -> str:
    return _dumps(request_public_id, MANAGE_SALT)


def read_manage_token(token: str, *, public_id: uuid.UUID) -> uuid.UUID:
    """The request the token is for; LinkInvalid when it names another request than the URL."""
    signed_id = _loads(token, MANAGE_SALT, timedelta(days=settings.APPOINTMENT_LINK_MAX_AGE_DAYS))
    if signed_id != public_id:
        raise LinkInvalid
    return signed_id


def manage_path(request_public_id: uuid.UUID) -> str:
    return reverse("appointments:manage", args=[request_public_id, manage_token(request_public_id)])


def manage_url(request_public_id: uuid.UUID) -> str:
    return settings.SITE_URL + manage_path(request_public_id)


def patient_token(patient_public_id: uuid.UUID) -> str:
    return _dumps(patient_public_id, PATIENT_SALT)


def read_patient_token(token: str) -> uuid.UUID:
    return _loads(token, PATIENT_SALT, timedelta(days=settings.APPOINTMENT_LINK_MAX_AGE_DAYS))


def request_path_for_patient(patient_public_id: uuid.UUID) -> str:
    """The request form for a patient the clinic already knows (no identity questions asked)."""
    return f"{reverse('request_appointment')}?patient={patient_token(patient_public_id)}"


def request_url_for_patient(patient_public_id: uuid.UUID) -> str:
    """The absolute link the intake (or an invitation email) gives a known patient to ask for a visit."""
    return f"{settings.SITE_URL}{request_path_for_patient(patient_public_id)}"
