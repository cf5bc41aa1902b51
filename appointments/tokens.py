"""The appointment links, each a core signed link (clinic.core.links):

- verify: a new patient's emailed link that confirms their email and so their request;
- manage: view or withdraw a request, cancel or ask for another time for its appointment;
- known patient: issued by the intake (or an invitation) so a known patient need not identify again.
"""

import uuid

from django.conf import settings
from django.urls import reverse

from clinic.core.links import (
    APPOINTMENT_MANAGE,
    APPOINTMENT_VERIFY,
    KNOWN_PATIENT,
    LinkInvalid,
    known_patient_request_path,
    link_open,
    link_sign,
)


def verify_token(request_public_id: uuid.UUID) -> str:
    return link_sign(APPOINTMENT_VERIFY, request_public_id)


def read_verify_token(token: str) -> uuid.UUID:
    return link_open(APPOINTMENT_VERIFY, token).public_id


def verify_url(request_public_id: uuid.UUID) -> str:
    return settings.SITE_URL + reverse("appointments:verify", args=[verify_token(request_public_id)])


def manage_token(request_public_id: uuid.UUID) -> str:
    return link_sign(APPOINTMENT_MANAGE, request_public_id)


def read_manage_token(token: str, *, public_id: uuid.UUID) -> uuid.UUID:
    """The request the token is for; LinkInvalid when it names another request than the URL."""
    signed_id = link_open(APPOINTMENT_MANAGE, token).public_id
    if signed_id != public_id:
        raise LinkInvalid
    return signed_id


def manage_path(request_public_id: uuid.UUID) -> str:
    return reverse("appointments:manage", args=[request_public_id, manage_token(request_public_id)])


def manage_url(request_public_id: uuid.UUID) -> str:
    return settings.SITE_URL + manage_path(request_public_id)


def patient_token(patient_public_id: uuid.UUID) -> str:
    return link_sign(KNOWN_PATIENT, patient_public_id)


def read_patient_token(token: str) -> uuid.UUID:
    return link_open(KNOWN_PATIENT, token).public_id


def request_url_for_patient(patient_public_id: uuid.UUID) -> str:
    """The absolute link the intake (or an invitation email) gives a known patient to ask for a visit."""
    return f"{settings.SITE_URL}{known_patient_request_path(patient_public_id)}"
