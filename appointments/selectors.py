"""Reads for appointments, including the little this app needs from the intake and referrals apps.

The intake and referral reads are kept here, in a few small functions, so that a change in those
apps' models touches one place.
"""

import datetime
import itertools
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.core.clinical import procedure_safety
from clinic.core.models import Location, Patient, SafetyScreenRecord
from clinic.core.selectors import safety_screen_for_patient, with_safety_screen_result
from intake.models import Intake, IntakeStatus
from intake.selectors import open_draft_for_patient
from intake.tokens import resume_url
from referrals.models import OPEN_STATUSES, Referral, ReferralStatus, Urgency

from .models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    LocationHours,
    Physician,
    RequestStatus,
    VisitType,
)

# --- Intake (intake/models.py) -----------------------------------------------------------------------

# Safety-flag code prefixes that decide what can be booked, shown in the queue.
QUEUE_FLAG_PREFIXES = (
    "drug:",
    "blood_thinner_unnamed",
    "device:",
    "allergy:iodinated_contrast",
    "infection_defer",
    "pregnancy_possible",
)

_Row = TypeVar("_Row", bound=Model)


def with_intake_summary(requests: QuerySet[_Row]) -> QuerySet[_Row]:
    """Annotate each request (or visit: any row with a `patient`) with its patient's latest intake
    (status, red-flag tier) and stored safety screen (`safety_screen_result`).

    One query for the whole list (correlated subqueries), whatever its length.
    """

    latest = Intake.objects.filter(patient=OuterRef("patient")).order_by("-created_at")
    requests = requests.annotate(
        intake_status=Subquery(latest.values("status")[:1]),
        intake_red_flag_tier=Subquery(latest.values("red_flag_tier")[:1]),
    )
    return with_safety_screen_result(requests)


def queue_flag_labels(screen_result) -> list[str]:
    """The staff labels of the stored screen's flags that matter for booking (anticoagulant, device,
    contrast...), those that defer a procedure marked so."""
    labels = []
    for flag in (screen_result or {}).get("flags", []):
        if isinstance(flag, dict) and str(flag.get("code", "")).startswith(QUEUE_FLAG_PREFIXES):
            label = str(flag.get("label") or flag.get("code"))
            if flag.get("decision") == procedure_safety.Decision.DEFER:
                label = _("Defer a procedure: %(flag)s") % {"flag": label}
            labels.append(label)
    return labels


def intake_is_submitted(*, patient: Patient) -> bool:
    return Intake.objects.filter(
        patient=patient, status__in=[IntakeStatus.SUBMITTED, IntakeStatus.REVIEWED]
    ).exists()


def intake_link(*, patient: Patient) -> str:
    """Where a patient finishes their intake: their own draft's resume link when it was started with
    this email, else the new-patient page (which starts one)."""

    draft = open_draft_for_patient(patient=patient)
    if draft is not None and patient.email and draft.email.lower() == patient.email.lower():
        return resume_url(draft.public_id)
    return settings.SITE_URL + reverse("new_patient")


def patient_is_urgent(*, patient: Patient) -> bool:
    """Urgent in the booking queue: an urgent or red-flag referral, or an urgent intake red flag."""

    referrals = Referral.objects.filter(patient=patient, status__in=OPEN_STATUSES)
    if referrals.filter(urgency=Urgency.URGENT).exists() or referrals.exclude(red_flag_tier="").exists():
        return True
    return Intake.objects.filter(patient=patient, red_flag_tier__in=["emergency", "urgent"]).exists()


# --- The stored safety screen (clinic.SafetyScreenRecord) ---------------------------------------------

NO_SCREEN_CODE = "no_safety_screen"


def safety_screen(*, patient: Patient | None) -> SafetyScreenRecord | None:
    return safety_screen_for_patient(patient)


def procedure_defer_reasons(*, record: SafetyScreenRecord | None, planned_procedure: str = "") -> list[dict]:
    """Why a procedure must not be booked without a clinician's override ([] when it may be).

    No stored screen (no intake or referral answers) is itself a reason: nothing says the patient is
    not on a blood thinner.
    """
    if record is None:
        return [
            {"code": NO_SCREEN_CODE, "label": "No safety screen on record (no intake or referral answers)"}
        ]
    return procedure_safety.procedure_defer_reasons(record.flags, procedure=planned_procedure or None)


# --- Referrals (referrals/models.py) ------------------------------------------------------------------


def referral_to_schedule(*, patient: Patient):
    """The patient's oldest accepted referral, which booking a visit moves to scheduled."""

    return (
        Referral.objects.filter(patient=patient, status=ReferralStatus.ACCEPTED)
        .order_by("submitted_at")
        .first()
    )


def referral_to_mark_seen(*, patient: Patient):
    """The patient's oldest scheduled referral, which an attended visit moves to seen."""

    return (
        Referral.objects.filter(patient=patient, status=ReferralStatus.SCHEDULED)
        .order_by("submitted_at")
        .first()
    )


# --- This app ------------------------------------------------------------------------------------------


def request_for_manage(*, public_id) -> AppointmentRequest | None:
    return (
        AppointmentRequest.objects.select_related(
            "location", "patient", "appointment", "appointment__physician", "appointment__location"
        )
        .filter(public_id=public_id)
        .first()
    )


def booking_queue() -> QuerySet[AppointmentRequest]:
    """Requests to book: urgent first, then oldest."""
    return with_intake_summary(
        AppointmentRequest.objects.filter(status=RequestStatus.OPEN)
        .select_related("location", "patient")
        .order_by("-is_urgent", "created_at")
    )


def physician_clashes(
    *, physician: Physician, starts_at: datetime.datetime, ends_at: datetime.datetime, exclude_pk=None
) -> QuerySet[Appointment]:
    clashes = Appointment.objects.filter(
        physician=physician, status=AppointmentStatus.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return clashes.exclude(pk=exclude_pk) if exclude_pk else clashes


def location_hours_on(*, location_id: int, weekday: int) -> LocationHours | None:
    return LocationHours.objects.filter(location_id=location_id, weekday=weekday).first()


def day_visits(
    *, day: datetime.date, location_id: int | None = None, physician_id: int | None = None
) -> QuerySet[Appointment]:
    """The visits of one local day, for the front desk's day view."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    visits = (
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "physician", "location")
        .order_by("starts_at", "physician__last_name")
    )
    if location_id:
        visits = visits.filter(location_id=location_id)
    if physician_id:
        visits = visits.filter(physician_id=physician_id)
    return visits


@dataclass(frozen=True)
class DayVisit:
    """One visit of the day view with what the desk checks before the patient arrives."""

    visit: Appointment
    intake_status: str  # the patient's latest intake's status, as staff read it
    red_flag_tier: str  # that intake's highest red-flag tier ("" for none)
    flags: list[str]  # the stored screen's flags that decide booking (queue_flag_labels)


@dataclass(frozen=True)
class DayGroup:
    physician: Physician
    location: Location
    visits: list[DayVisit]


def _day_visit(visit: Appointment) -> DayVisit:
    status = getattr(visit, "intake_status", None)
    screen = getattr(visit, "safety_screen_result", None)
    flags = queue_flag_labels(screen)
    if screen is None and visit.visit_type == VisitType.PROCEDURE:
        flags.insert(0, _("No safety screen on record"))
    return DayVisit(
        visit=visit,
        intake_status=str(IntakeStatus(status).label) if status in IntakeStatus.values else _("No intake"),
        red_flag_tier=getattr(visit, "intake_red_flag_tier", None) or "",
        flags=flags,
    )


def day_schedule(
    *, day: datetime.date, location_id: int | None = None, physician_id: int | None = None
) -> list[DayGroup]:
    """The day view: the day's visits grouped by physician, then location, each in time order, with
    the patient's intake status and booking flags. One query whatever the number of visits."""
    visits = with_intake_summary(
        day_visits(day=day, location_id=location_id, physician_id=physician_id).order_by(
            "physician__last_name",
            "physician__first_name",
            "physician_id",
            "location__name",
            "location_id",
            "starts_at",
        )
    )
    return [
        DayGroup(physician=rows[0].physician, location=rows[0].location, visits=[_day_visit(v) for v in rows])
        for rows in (
            list(group)
            for _key, group in itertools.groupby(visits, key=lambda v: (v.physician_id, v.location_id))
        )
    ]


def reminder_candidates(*, now: datetime.datetime, horizon: datetime.timedelta) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + horizon
        )
        .select_related("patient", "physician", "location", "request")
        .order_by("starts_at")
    )
