"""The intake's links: each is a core signed link (clinic.core.links) for the intake's public id."""

import uuid

from django.conf import settings
from django.urls import reverse

from clinic.core.links import INTAKE_RESUME, INTAKE_STEP_FORM, link_open, link_opens, link_sign


def resume_token(public_id: uuid.UUID) -> str:
    return link_sign(INTAKE_RESUME, public_id)


def resume_url(public_id: uuid.UUID) -> str:
    """The absolute link for emails: opening it verifies the email and resumes the intake."""
    return settings.SITE_URL + reverse("intake:resume", args=[resume_token(public_id)])


def read_resume_token(token: str) -> uuid.UUID:
    return link_open(INTAKE_RESUME, token).public_id


def step_form_key(public_id: uuid.UUID) -> str:
    return link_sign(INTAKE_STEP_FORM, public_id)


def step_form_key_opens(key: object, public_id: uuid.UUID) -> bool:
    """True when `key` came from a page of this intake served within the step-form lifetime."""
    return link_opens(INTAKE_STEP_FORM, key, public_id)
