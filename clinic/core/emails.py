"""The transactional outbox: queue an email with the change that causes it, send it once.

One function per email lives beside the feature that sends it; each calls `email_queue`.
Templates are `templates/emails/<name>-subject.txt`, `-body.txt` and `-body.html`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500


def email_queue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    idempotency_key: str,
    send_after: datetime | None = None,
) -> OutboundEmail:
    """Write an outbox row inside the caller's transaction and queue it after commit.

    Calling it again with the same idempotency key returns the existing row and queues nothing,
    so a retried request or task cannot send an email twice. `context` is JSON and must hold no
    clinical content: ids, links and the minimum a person needs to act.
    A `send_after` in the future (a reminder) is not queued now: the beat sweeper sends it when due.
    """
    with transaction.atomic():
        email, created = OutboundEmail.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "to": to,
                "template": template,
                "context": context,
                "send_after": send_after or timezone.now(),
            },
        )
        if created and email.send_after <= timezone.now():
            transaction.on_commit(lambda: email_publish(email_id=email.pk), robust=True)
    return email


def email_publish(*, email_id: int) -> bool:
    """Hand an email to the broker. False when the broker is unreachable: the sweeper retries."""
    queued = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING)
    queued.update(last_queued_at=timezone.now())
    try:
        send_outbound_email.delay(email_id)
    except Exception:
        logger.warning("Broker unavailable; outbound email %s left for the sweeper.", email_id, exc_info=True)
        queued.update(last_queued_at=None)
        return False
    return True


@dataclass(frozen=True)
class SendOutcome:
    sent: bool
    reason: str


def email_send(*, email_id: int) -> SendOutcome:
    """Send one outbox email, at most once per successful attempt.

    The row is locked while sending, so two deliveries of the same task cannot both send; a row
    already sent is skipped. A failure is recorded with a backoff and left pending for the
    sweeper, until OUTBOX_MAX_ATTEMPTS marks it failed.

    The email is marked sent as soon as the server has accepted it, and only then is the SMTP
    session closed: a worker that dies while a slow server says goodbye must not leave it pending
    to be sent again. What stays open is the moment between the server taking the message and
    the mark being committed (SMTP has no way to ask whether a message arrived); a worker dying
    there sends the email again, with the same Message-ID.
    """
    connection = get_connection()
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
            if email is None:
                return SendOutcome(sent=False, reason="missing")
            if email.status != OutboundEmail.Status.PENDING:
                return SendOutcome(sent=False, reason=f"already {email.status}")
            now = timezone.now()
            if email.send_after > now:
                return SendOutcome(sent=False, reason="not due")
            try:
                message = render_email(email)
                # Opened here, so that sending leaves it open (Django closes only what it opened).
                connection.open()
                message.connection = connection
                message.send()
            except Exception as exc:
                _record_failure(email, exc, now)
                return SendOutcome(sent=False, reason="error")
            email.status = OutboundEmail.Status.SENT
            email.attempts += 1
            email.sent_at = now
            email.last_error = ""
            email.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    finally:
        _close_quietly(connection)
    return SendOutcome(sent=True, reason="sent")


def _close_quietly(connection: BaseEmailBackend) -> None:
    """End the SMTP session (QUIT). A failure here changes nothing: the outcome is already recorded."""
    try:
        connection.close()
    except Exception:
        logger.warning("The mail server connection did not close cleanly.", exc_info=True)


def _record_failure(email: OutboundEmail, exc: Exception, now: datetime) -> None:
    email.attempts += 1
    email.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.FAILED
        logger.error("Outbound email %s failed after %s attempts.", email.pk, email.attempts)
    else:
        backoff = settings.OUTBOX_RETRY_BASE_SECONDS * 4 ** (email.attempts - 1)
        email.send_after = now + timedelta(seconds=backoff)
        logger.warning(
            "Outbound email %s attempt %s failed; retry in %ss.", email.pk, email.attempts, backoff
        )
    email.last_queued_at = None
    email.save(update_fields=["attempts", "last_error", "status", "send_after", "last_queued_at"])


def render_email(email: OutboundEmail) -> EmailMultiAlternatives:
    context = {
        **email.context,
        "SITE_URL": settings.SITE_URL,
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
    }
    subject = " ".join(render_to_string(f"emails/{email.template}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{email.template}-body.txt", context),
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(render_to_string(f"emails/{email.template}-body.html", context), "text/html")
    for attachment in email.context.get("attachments", []):
        message.attach(_attachment_part(attachment))
    return message


def _attachment_part(attachment: dict[str, Any]) -> MIMEText:
    """A text attachment stored in the context: {"filename", "content", "subtype", "params"}.

    Used for calendar files (text/calendar; method=REQUEST or CANCEL), built when the email is queued
    so that a later send carries exactly the state it was written with.
    """
    part = MIMEText(attachment["content"], attachment.get("subtype", "plain"), "utf-8")
    for name, value in attachment.get("params", {}).items():
        part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def outbox_sweep() -> int:
    """Queue every pending email that is due and not already in the broker (or stuck there).

    Covers a broker that was down at commit, a worker that died, retries after backoff and
    scheduled emails such as reminders. Returns how many were queued.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    due_ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, send_after__lte=now)
        .exclude(last_queued_at__gte=stale_before)
        .order_by("send_after")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    queued = 0
    for email_id in due_ids:
        if not email_publish(email_id=email_id):
            break
        queued += 1
    return queued


def email_withdraw_pending(*, idempotency_key_prefix: str, reason: str) -> int:
    """Stop emails that are not sent yet (reminders of a visit that was cancelled or moved).

    Marks the pending rows whose key starts with the prefix failed, with the reason as last error,
    so the sweeper and the send task skip them (the task re-checks the status under the row lock).
    Returns how many were stopped.
    """
    with transaction.atomic():
        return OutboundEmail.objects.filter(
            idempotency_key__startswith=idempotency_key_prefix, status=OutboundEmail.Status.PENDING
        ).update(
            status=OutboundEmail.Status.FAILED, last_error=f"Withdrawn: {reason}"[:1000], last_queued_at=None
        )


def email_retry(*, email_id: int) -> None:
    """Staff give a failed email another round of attempts."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.FAILED).update(
            status=OutboundEmail.Status.PENDING, attempts=0, send_after=timezone.now(), last_queued_at=None
        )
        if updated:
            transaction.on_commit(lambda: email_publish(email_id=email_id), robust=True)


def email_test_message(*, to: str) -> OutboundEmail:
    """A message with no patient content, to check that delivery works end to end."""
    sent_at = timezone.now()
    return email_queue(
        to=to,
        template="test-message",
        context={"requested_at": sent_at.isoformat()},
        idempotency_key=f"test-message:{to}:{sent_at.isoformat()}",
    )


@shared_task(name="clinic.outbox.send", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbound_email(email_id: int) -> str:
    """The worker's side of the outbox (queued by `email_publish`, found by the sweeper)."""
    return email_send(email_id=email_id).reason
