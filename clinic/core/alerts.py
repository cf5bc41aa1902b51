"""Staff alerts: the one place that raises, acknowledges and escalates them, and queues their emails.

An alert hangs on whatever raised it (an intake, a referral) by a generic link, so the apps above
call these functions with their own object and the core never imports them.

Escalation clocks (settings, env-overridable): an emergency red flag and a PHQ-9 item 9 alert are
escalated STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES after they were raised, day or night; an urgent one
after STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS of the clinic's working hours (CLINIC_WORKING_DAYS,
CLINIC_WORKING_DAY_START to CLINIC_WORKING_DAY_END in CLINIC_TIME_ZONE). An urgent alert raised
outside working hours starts counting when the clinic next opens. Public holidays are not known.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from .audit import audited_update
from .clinical.red_flags import RedFlagResult
from .emails import email_queue
from .models import OutboundEmail, StaffAlert
from .roles import ALERTS, ESCALATIONS, staff_recipients

logger = logging.getLogger(__name__)


# --- Raising and acknowledging --------------------------------------------------------------------


def staff_alert_raise(*, subject: models.Model, kind: str, tier: str, summary: str) -> StaffAlert:
    """Once per subject, kind and tier: saving the same answers again does not alert again.

    Runs in the caller's transaction, so the alert and its emails exist only if the answers do.
    """
    with transaction.atomic():
        alert, created = StaffAlert.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            kind=kind,
            tier=str(tier),
            defaults={"summary": summary[:500]},
        )
        if created:
            email_staff_alert(alert=alert)
    return alert


def staff_alert_raise_for_red_flags(*, subject: models.Model, result: RedFlagResult) -> StaffAlert | None:
    """The red-flag alert of an intake or a referral: raised for an emergency or urgent tier only
    (a flag "for the visit" is a note, not an alarm), naming the findings of that tier."""
    if not result.needs_alert:
        return None
    tier = result.highest_tier
    if tier is None:
        return None
    findings = "; ".join(flag.finding for flag in result.flags if flag.tier == tier)
    return staff_alert_raise(
        subject=subject,
        kind=StaffAlert.Kind.RED_FLAG,
        tier=tier,
        summary=f"{StaffAlert.Tier(tier).label}: {findings}",
    )


def staff_alert_acknowledge(*, alert: StaffAlert, user: AbstractBaseUser) -> bool:
    """False when someone already acknowledged it (their name and time are kept)."""
    with transaction.atomic():
        return bool(
            audited_update(
                StaffAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True),
                acknowledged_at=timezone.now(),
                acknowledged_by=user,
            )
        )


# --- Escalating -----------------------------------------------------------------------------------


def _clock_time(setting_name: str) -> time:
    value = getattr(settings, setting_name)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{setting_name} must be a time such as 08:00, not {value!r}.") from None


def add_working_hours(start: datetime, *, hours: float) -> datetime:
    """`start` plus `hours` counted only inside the clinic's working hours, in CLINIC_TIME_ZONE.

    Each working day contributes the part of CLINIC_WORKING_DAY_START..END after `start`; days not
    in CLINIC_WORKING_DAYS (Monday is 0) contribute nothing. Wall-clock times are used, so a change
    to or from daylight saving time does not shift the opening hours.
    """
    zone = timezone.get_default_timezone()
    opens_at, closes_at = _clock_time("CLINIC_WORKING_DAY_START"), _clock_time("CLINIC_WORKING_DAY_END")
    working_days = set(settings.CLINIC_WORKING_DAYS)
    if opens_at >= closes_at or not working_days <= set(range(7)) or not working_days:
        raise ImproperlyConfigured(
            "The clinic's working hours need at least one working day and a start before the end."
        )
    remaining = timedelta(hours=hours)
    local_start = timezone.localtime(start, zone).replace(tzinfo=None)
    day = local_start.date()
    while True:
        if day.weekday() in working_days:
            begin = max(datetime.combine(day, opens_at), local_start)
            end = datetime.combine(day, closes_at)
            if begin < end:
                if remaining <= end - begin:
                    return timezone.make_aware(begin + remaining, zone)
                remaining -= end - begin
        day += timedelta(days=1)


def staff_alert_escalation_due_at(alert: StaffAlert) -> datetime:
    """When an alert nobody has acknowledged goes to the second list."""
    if alert.kind == StaffAlert.Kind.PHQ9_ITEM9 or alert.tier == StaffAlert.Tier.EMERGENCY:
        return alert.created_at + timedelta(minutes=settings.STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES)
    return add_working_hours(alert.created_at, hours=settings.STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS)


def staff_alerts_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate, once each, the alerts still unacknowledged past their clock. Run by beat.

    Only alerts neither acknowledged nor escalated are read, so the work stays small. Each is
    re-checked under its row lock: an acknowledgement that lands first wins. Returns how many.
    """
    now = now or timezone.now()
    waiting = StaffAlert.objects.filter(acknowledged_at__isnull=True, escalated_at__isnull=True)
    due = [
        alert.pk for alert in waiting.order_by("created_at") if staff_alert_escalation_due_at(alert) <= now
    ]
    escalated = 0
    for alert_id in due:
        with transaction.atomic():
            alert = (
                StaffAlert.objects.select_for_update()
                .filter(pk=alert_id, acknowledged_at__isnull=True, escalated_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            email_staff_alert(alert=alert, escalation=True)
        escalated += 1
    return escalated


# --- Emails ---------------------------------------------------------------------------------------


def email_staff_alert(*, alert: StaffAlert, escalation: bool = False) -> list[OutboundEmail]:
    """The tier (or PHQ-9 item 9) and a link to the alert behind the staff login, nothing else.

    An escalation goes to the second list; when that list is empty the first list is reminded
    instead, so an escalation is never sent to nobody (and `manage.py check` warns).
    """
    recipients = staff_recipients(ESCALATIONS if escalation else ALERTS)
    if escalation and not recipients:
        logger.warning("No escalation recipient: alert %s goes to the alert recipients again.", alert.pk)
        recipients = staff_recipients(ALERTS)
    if not recipients:
        logger.error("No staff alert recipient with an email: staff alert %s reaches nobody.", alert.pk)
    stage = "escalation" if escalation else "alert"
    return [
        email_queue(
            to=address,
            template="staff-alert",
            context={
                "alert_url": settings.SITE_URL + reverse("admin:clinic_staffalert_change", args=[alert.pk]),
                "kind": alert.kind,
                "tier": alert.tier,
                "escalation": escalation,
            },
            idempotency_key=f"staff-{stage}:{alert.public_id}:{address}",
        )
        for address in recipients
    ]
