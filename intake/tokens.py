"""Signed, expiring patient links. The token carries the intake's public id and nothing else."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "intake.resume-link"
# Carried in every step form, so a patient whose browser dropped its session (closed, restarted)
# loses nothing when they press Save. A day is longer than anyone keeps one page open.
STEP_FORM_SALT = "intake.step-form"
STEP_FORM_MAX_AGE = timedelta(hours=24)


class LinkExpired(Exception):
    """A genuine link that is too old. `public_id` lets the patient ask for a new one."""

    def __init__(self, public_id: uuid.UUID) -> None:
        self.public_id = public_id
        super().__init__("intake link expired")


class LinkInvalid(Exception):
    """A tampered, truncated or made-up link."""


def resume_token(public_id: uuid.UUID) -> str:
    return signing.dumps(str(public_id), salt=SALT, compress=False)


def resume_url(public_id: uuid.UUID) -> str:
    """The absolute link for emails: opening it verifies the email and resumes the intake."""
    return settings.SITE_URL + reverse("intake:resume", args=[resume_token(public_id)])


def read_resume_token(token: str) -> uuid.UUID:
    max_age = timedelta(days=settings.INTAKE_LINK_MAX_AGE_DAYS)
    try:
        return uuid.UUID(signing.loads(token, salt=SALT, max_age=max_age))
    except signing.SignatureExpired:
        try:
            raise LinkExpired(uuid.UUID(signing.loads(token, salt=SALT))) from None
        except (signing.BadSignature, ValueError, TypeError):
            raise LinkInvalid from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None


def step_form_key(public_id: uuid.UUID) -> str:
    return signing.dumps(str(public_id), salt=STEP_FORM_SALT, compress=False)


def step_form_key_opens(key: object, public_id: uuid.UUID) -> bool:
    """True when `key` came from a page of this intake served within STEP_FORM_MAX_AGE."""
    if not isinstance(key, str) or not key:
        return False
    try:
        return signing.loads(key, salt=STEP_FORM_SALT, max_age=STEP_FORM_MAX_AGE) == str(public_id)
    except signing.BadSignature:
        return False
