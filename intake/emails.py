"""One function per intake email. Contexts hold links and first names at most: never clinical
content, free text or full names. Each is called inside the transaction of the change."""

from django.utils import timezone

from clinic.core.emails import email_queue
from clinic.core.models import OutboundEmail

from .models import Intake
from .tokens import resume_url


def _patient_context(intake: Intake) -> dict:
    # The link's last day on the clinic's calendar, not UTC's (a day later in a US evening).
    expires_on = timezone.localdate(intake.expires_at).isoformat()
    return {"resume_url": resume_url(intake.public_id), "expires_on": expires_on}


def email_intake_invitation(*, intake: Intake) -> OutboundEmail:
    # At most one invitation a day per intake, so a retried accept cannot send two.
    return email_queue(
        to=intake.email,
        template="intake-invitation",
        context=_patient_context(intake),
        idempotency_key=f"intake-invitation:{intake.public_id}:{timezone.localdate().isoformat()}",
    )


def email_intake_verify(*, intake: Intake) -> OutboundEmail:
    """The first link after starting from the home page: it verifies the email and resumes."""
    return email_queue(
        to=intake.email,
        template="intake-verify",
        context=_patient_context(intake),
        idempotency_key=f"intake-verify:{intake.public_id}:{intake.email}",
    )


def email_intake_resume(*, intake: Intake) -> OutboundEmail:
    # "Save and finish later": at most one an hour per intake.
    return email_queue(
        to=intake.email,
        template="intake-resume",
        context=_patient_context(intake),
        idempotency_key=f"intake-resume:{intake.public_id}:{timezone.now():%Y-%m-%dT%H}",
    )


def email_intake_expiry_reminder(*, intake: Intake) -> OutboundEmail:
    return email_queue(
        to=intake.email,
        template="intake-expiry-reminder",
        context=_patient_context(intake),
        idempotency_key=f"intake-expiry-reminder:{intake.public_id}",
    )


def email_intake_submitted(*, intake: Intake) -> OutboundEmail:
    return email_queue(
        to=intake.email,
        template="intake-submitted",
        context={"submitted_on": timezone.localdate(intake.submitted_at).isoformat()},
        idempotency_key=f"intake-submitted:{intake.public_id}",
    )
