"""Signed, expiring links: the one rule for every token the portal emails or puts in a page.

A token is signed with the salt of its purpose and carries one public id and, for a token that must
stop working elsewhere, what it is bound to (the address an email went to, the browser session a
form was shown in), nothing else. Every purpose, its salt and its lifetime are in the table below.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse


@dataclass(frozen=True)
class LinkPurpose:
    salt: str
    # Read when a link is opened, so a changed setting applies to links already sent.
    max_age: Callable[[], timedelta]


def _days(setting: str) -> Callable[[], timedelta]:
    return lambda: timedelta(days=getattr(settings, setting))


def _hours(setting: str) -> Callable[[], timedelta]:
    return lambda: timedelta(hours=getattr(settings, setting))


def _fixed(age: timedelta) -> Callable[[], timedelta]:
    return lambda: age


INTAKE_RESUME = LinkPurpose("intake.resume-link", _days("INTAKE_LINK_MAX_AGE_DAYS"))
# Carried in every intake step form, so a patient whose browser dropped its session loses nothing
# when they press Save. A day is longer than anyone keeps one page open.
INTAKE_STEP_FORM = LinkPurpose("intake.step-form", _fixed(timedelta(hours=24)))
PROVIDER_EMAIL = LinkPurpose("referrals.provider-email", _fixed(timedelta(days=3)))
APPOINTMENT_VERIFY = LinkPurpose("appointments.verify", _hours("APPOINTMENT_VERIFY_LINK_MAX_AGE_HOURS"))
APPOINTMENT_MANAGE = LinkPurpose("appointments.manage", _days("APPOINTMENT_LINK_MAX_AGE_DAYS"))
# Given by the intake (or an invitation) so a known patient need not identify again to ask for a visit.
KNOWN_PATIENT = LinkPurpose("appointments.patient", _days("APPOINTMENT_LINK_MAX_AGE_DAYS"))
# A document stored when a referral form was refused for another field, carried in the form shown
# again so it need not be sent twice; bound to the session, so a copied token opens nothing.
KEPT_UPLOAD = LinkPurpose("referrals.kept-upload", _fixed(timedelta(hours=24)))


class LinkInvalid(Exception):
    """A tampered, truncated or made-up link, or one for another purpose or record."""


class LinkExpired(Exception):
    """A genuine link that is too old. `public_id` lets the person ask for a new one."""

    def __init__(self, public_id: uuid.UUID) -> None:
        self.public_id = public_id
        super().__init__("link expired")


@dataclass(frozen=True)
class OpenedLink:
    public_id: uuid.UUID
    bound_to: str


def link_sign(purpose: LinkPurpose, public_id: uuid.UUID, *, bound_to: str = "") -> str:
    value = [str(public_id), bound_to] if bound_to else str(public_id)
    return signing.dumps(value, salt=purpose.salt, compress=False)


def _opened(value: object) -> OpenedLink:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
        public_id, bound_to = value
    elif isinstance(value, str):
        public_id, bound_to = value, ""
    else:
        raise LinkInvalid
    try:
        return OpenedLink(uuid.UUID(public_id), bound_to)
    except ValueError:
        raise LinkInvalid from None


def link_open(purpose: LinkPurpose, token: object) -> OpenedLink:
    """What a token of `purpose` carries. Raises LinkExpired or LinkInvalid, for any input."""
    if not isinstance(token, str) or not token:
        raise LinkInvalid
    try:
        return _opened(signing.loads(token, salt=purpose.salt, max_age=purpose.max_age()))
    except signing.SignatureExpired:
        expired = _opened(signing.loads(token, salt=purpose.salt))
        raise LinkExpired(expired.public_id) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None


def link_opens(purpose: LinkPurpose, token: object, public_id: uuid.UUID) -> bool:
    """True when `token` is a live link of `purpose` for exactly this record."""
    try:
        return link_open(purpose, token).public_id == public_id
    except (LinkExpired, LinkInvalid):
        return False


def known_patient_request_path(patient_public_id: uuid.UUID) -> str:
    """The appointment request form for a patient the clinic already knows (no identity questions)."""
    return f"{reverse('request_appointment')}?patient={link_sign(KNOWN_PATIENT, patient_public_id)}"
