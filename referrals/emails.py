"""One function per referral email, each called inside the transaction of the change it reports.

Contexts hold the referral number, the patient's initials, a link behind the login and labels
from fixed lists: never a diagnosis, a free-text note or a full name.
"""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clinic.core.emails import email_queue
from clinic.core.models import OutboundEmail, Patient

from .models import DeclineReason, Referral, ReferralEvent, ReferringProvider


def _referral_context(referral: Referral) -> dict:
    return {
        "number": referral.number,
        "initials": referral.patient_initials,
        "referral_url": settings.SITE_URL + reverse("referrals:detail", args=[referral.public_id]),
    }


def _visit_time(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def email_referral_provider_verify(*, provider: ReferringProvider, link: str) -> OutboundEmail:
    # One per link issued: asking again sends a fresh link.
    return email_queue(
        to=provider.user.email,
        template="referral-provider-verify",
        context={"verify_url": link},
        idempotency_key=f"referral-provider-verify:{provider.public_id}:{timezone.now().isoformat()}",
    )


def email_referral_registration_attempt(*, to: str, attempt: uuid.UUID) -> OutboundEmail:
    """Someone tried to register with this account's email or NPI: the owner hears, the person
    registering is told nothing (referring_provider_register)."""
    return email_queue(
        to=to,
        template="referral-registration-attempt",
        context={
            "sign_in_url": settings.SITE_URL + reverse("referrals:login"),
            "reset_url": settings.SITE_URL + reverse("referrals:password_reset"),
        },
        idempotency_key=f"referral-registration-attempt:{attempt}:{to}",
    )


def email_referral_provider_verified(*, provider: ReferringProvider) -> OutboundEmail:
    return email_queue(
        to=provider.user.email,
        template="referral-provider-verified",
        context={"referrals_url": settings.SITE_URL + reverse("referrals:list")},
        idempotency_key=f"referral-provider-verified:{provider.public_id}",
    )


def email_referral_acknowledged(*, referral: Referral) -> OutboundEmail:
    return email_queue(
        to=referral.provider.user.email,
        template="referral-acknowledged",
        context={
            **_referral_context(referral),
            "awaiting_verification": not referral.provider.is_verified,
        },
        idempotency_key=f"referral-acknowledged:{referral.public_id}",
    )


def email_referral_accepted(*, referral: Referral, event: ReferralEvent) -> OutboundEmail:
    return email_queue(
        to=referral.provider.user.email,
        template="referral-accepted",
        context=_referral_context(referral),
        idempotency_key=f"referral-accepted:{referral.public_id}:{event.pk}",
    )


def email_referral_scheduled(*, referral: Referral, event: ReferralEvent) -> OutboundEmail:
    return email_queue(
        to=referral.provider.user.email,
        template="referral-scheduled",
        context={**_referral_context(referral), "visit_at": _visit_time(referral.scheduled_for)},
        idempotency_key=f"referral-scheduled:{referral.public_id}:{event.pk}",
    )


def email_referral_scheduled_patient(
    *, referral: Referral, patient: Patient, event: ReferralEvent
) -> OutboundEmail:
    """The patient's note of the visit date; no clinical content and no name."""
    return email_queue(
        to=patient.email,
        template="referral-scheduled-patient",
        context={"visit_at": _visit_time(referral.scheduled_for)},
        idempotency_key=f"referral-scheduled-patient:{referral.public_id}:{event.pk}",
    )


def email_referral_seen(*, referral: Referral, event: ReferralEvent) -> OutboundEmail:
    return email_queue(
        to=referral.provider.user.email,
        template="referral-seen",
        context=_referral_context(referral),
        idempotency_key=f"referral-seen:{referral.public_id}:{event.pk}",
    )


def email_referral_declined(*, referral: Referral, event: ReferralEvent) -> OutboundEmail:
    # The reason is a label from a fixed list; the staff note stays behind the login.
    return email_queue(
        to=referral.provider.user.email,
        template="referral-declined",
        context={
            **_referral_context(referral),
            "reason": str(DeclineReason(referral.decline_reason).label),
        },
        idempotency_key=f"referral-declined:{referral.public_id}:{event.pk}",
    )
