"""The staff home page: each worklist a person's role may see, with how many items wait in it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import AppointmentRequest, AppointmentStatus, RequestStatus
from appointments.selectors import day_visits
from clinic.core.models import StaffAlert
from clinic.core.translated import StrPromise
from intake.models import Intake, IntakeStatus
from referrals.models import OPEN_STATUSES, Referral


@dataclass(frozen=True)
class Worklist:
    label: StrPromise
    permission: str
    url_name: str
    query: str | Callable[[], str]  # a callable for a query that changes (today's date)
    items: Callable[[Any], QuerySet]  # given the user
    urgent: bool = False
    # A red-flag tier shown beside the label with the tier styles of every other page.
    tier: str = ""

    def url(self) -> str:
        query = self.query() if callable(self.query) else self.query
        return f"{reverse(self.url_name)}?{query}"


def _unacknowledged_alerts(tier: str) -> Callable[[Any], QuerySet]:
    def items(user) -> QuerySet:
        return StaffAlert.objects.visible_to(user).filter(acknowledged_at__isnull=True, tier=tier)

    return items


def _referrals(*statuses: str, older_than_days: int = 0) -> Callable[[Any], QuerySet]:
    def items(user) -> QuerySet:
        referrals = Referral.objects.not_held().filter(status__in=statuses)
        if older_than_days:
            cutoff = timezone.now() - timedelta(days=older_than_days)
            return referrals.filter(submitted_at__lt=cutoff)
        return referrals

    return items


def _held_referrals(user) -> QuerySet:
    return Referral.objects.held().filter(status__in=OPEN_STATUSES)


def _intakes_to_review(user) -> QuerySet:
    return Intake.objects.filter(status=IntakeStatus.SUBMITTED)


def _requests_to_book(user) -> QuerySet:
    return AppointmentRequest.objects.filter(status=RequestStatus.OPEN)


def _todays_visits(user) -> QuerySet:
    return day_visits(day=timezone.localdate()).exclude(status=AppointmentStatus.CANCELLED)


def _today() -> str:
    """Today on the clinic's calendar (its time zone), not the server's or UTC's."""
    return f"day={timezone.localdate().isoformat()}"


WORKLISTS = (
    Worklist(
        _("Emergency alerts to acknowledge"),
        "clinic.view_staffalert",
        "admin:clinic_staffalert_changelist",
        "acknowledged_at__isempty=1&tier__exact=emergency",
        _unacknowledged_alerts(StaffAlert.Tier.EMERGENCY),
        urgent=True,
        tier=StaffAlert.Tier.EMERGENCY,
    ),
    Worklist(
        _("Urgent and PHQ-9 item 9 alerts to acknowledge"),
        "clinic.view_staffalert",
        "admin:clinic_staffalert_changelist",
        "acknowledged_at__isempty=1&tier__exact=urgent",
        _unacknowledged_alerts(StaffAlert.Tier.URGENT),
        urgent=True,
        tier=StaffAlert.Tier.URGENT,
    ),
    Worklist(
        _("Today's schedule"),
        "appointments.view_appointment",
        "admin:appointments_appointment_day",
        _today,
        _todays_visits,
    ),
    Worklist(
        _("New referrals to triage"),
        "referrals.view_referral",
        "admin:referrals_referral_changelist",
        "worklist=new",
        _referrals("submitted", "under_review"),
    ),
    Worklist(
        _("Referrals aging over 14 days without a booking"),
        "referrals.view_referral",
        "admin:referrals_referral_changelist",
        "aging=14",
        _referrals("submitted", "under_review", "accepted", older_than_days=14),
    ),
    Worklist(
        _("Referrals held until their provider is verified"),
        "referrals.view_referral",
        "admin:referrals_referral_changelist",
        "worklist=held",
        _held_referrals,
    ),
    Worklist(
        _("Intakes waiting for review"),
        "intake.view_intake",
        "admin:intake_intake_changelist",
        "status__exact=submitted",
        _intakes_to_review,
    ),
    Worklist(
        _("Appointment requests to book"),
        "appointments.view_appointmentrequest",
        "admin:appointments_appointmentrequest_changelist",
        "status=open",
        _requests_to_book,
    ),
)


@dataclass(frozen=True)
class WorklistEntry:
    label: StrPromise
    url: str
    count: int
    urgent: bool
    tier: str


def staff_worklists(user) -> list[WorklistEntry]:
    """One COUNT query per worklist the user may see, whatever the amount of data."""
    return [
        WorklistEntry(
            worklist.label,
            worklist.url(),
            worklist.items(user).count(),
            worklist.urgent,
            worklist.tier,
        )
        for worklist in WORKLISTS
        if user.has_perm(worklist.permission)
    ]
