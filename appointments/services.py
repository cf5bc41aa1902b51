"""Writes for appointment requests and appointments. Views, forms, admin and tasks call these.

Every function runs in one transaction: it locks the row it moves, checks the move against the
tables in models.py, writes an AppointmentEvent and queues its emails (the outbox sends them after
commit). A refused move raises django's ValidationError with a message for a person.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.core.emails import email_withdraw_pending
from clinic.core.models import PERSON_IDENTITY_FIELDS, ContactMethod, Location, Patient, person_fields_of
from clinic.core.services import patient_match_or_create
from clinic.core.status import status_move
from referrals.services import referral_mark_seen, referral_schedule

from . import emails, selectors
from .models import (
    APPOINTMENT_MOVES,
    REQUEST_MOVES,
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    AppointmentStatus,
    CancelReason,
    Physician,
    RequestStatus,
    SafetyOverride,
    VisitType,
    visit_duration,
)

logger = logging.getLogger(__name__)


# --- Rules shared with the forms -----------------------------------------------------------------------


def validate_earliest_date(earliest_date: datetime.date, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if earliest_date < today:
        raise ValidationError({"earliest_date": _("The earliest date cannot be in the past.")})
    if earliest_date > today + datetime.timedelta(days=settings.APPOINTMENT_MAX_DAYS_AHEAD):
        raise ValidationError(
            {"earliest_date": _("Please choose a date within the next year; we do not book further ahead.")}
        )


def validate_time_windows(time_windows: list[str]) -> None:
    if not time_windows:
        raise ValidationError({"time_windows": _("Choose at least one time of day that suits you.")})


def validate_contact(*, contact_preference: str, phone) -> None:
    if contact_preference in (ContactMethod.PHONE, ContactMethod.TEXT) and not phone:
        raise ValidationError({"phone": _("Give a phone number so that we can call or text you.")})


def validate_visit_type(*, visit_type: str, known_patient: bool) -> None:
    if visit_type == VisitType.PROCEDURE and not known_patient:
        raise ValidationError(
            {
                "visit_type": _(
                    "A procedure is booked once a clinician has recommended it: please use the link "
                    "from our email, or choose a consultation or follow-up."
                )
            }
        )


# --- Requests ------------------------------------------------------------------------------------------


def appointment_request_create(
    *,
    submission_key: uuid.UUID,
    location: Location,
    visit_type: str,
    preferred_days: list[str],
    time_windows: list[str],
    earliest_date: datetime.date,
    contact_preference: str,
    reason: str,
    phone="",
    patient: Patient | None = None,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: datetime.date | None = None,
    email: str = "",
) -> tuple[AppointmentRequest, bool]:
    """Record a patient's request; returns (request, created).

    The same submission key returns the request it already made (a double click, a resubmitted
    form). A known `patient` (from a signed link) makes an open request and is emailed the
    confirmation; anyone else is identified by name, date of birth and email, and the request waits
    for the emailed verification link.
    """
    existing = AppointmentRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    validate_earliest_date(earliest_date)
    validate_time_windows(time_windows)
    validate_contact(contact_preference=contact_preference, phone=phone)
    validate_visit_type(visit_type=visit_type, known_patient=patient is not None)
    if not location.is_active:
        raise ValidationError({"location": _("This location is not taking appointments.")})

    request = AppointmentRequest(
        submission_key=submission_key,
        location=location,
        visit_type=visit_type,
        preferred_days=",".join(preferred_days),
        time_windows=",".join(time_windows),
        earliest_date=earliest_date,
        contact_preference=contact_preference,
        reason=reason.strip(),
        phone=phone or (patient.phone if patient else ""),
    )
    if patient is not None:
        request.patient = patient
        request.known_patient = True
        for name, value in person_fields_of(patient, PERSON_IDENTITY_FIELDS).items():
            setattr(request, name, value)
        request.status = RequestStatus.OPEN
        request.verified_at = timezone.now()
        request.is_urgent = selectors.patient_is_urgent(patient=patient)
        if not patient.email:
            raise ValidationError(_("We have no email address for you: please call us to book."))
    else:
        if date_of_birth is None:
            raise ValidationError({"date_of_birth": _("Give your date of birth.")})
        request.first_name, request.last_name = first_name.strip(), last_name.strip()
        request.date_of_birth, request.email = date_of_birth, email.strip()
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
            _event(request, action="requested", from_status="", to_status=request.status, by_patient=True)
            if request.status == RequestStatus.OPEN:
                emails.request_received(request)
            else:
                emails.request_verify(request)
    except IntegrityError:
        # The same form submitted twice at once: the other submission made the request.
        existing = AppointmentRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return request, True


@transaction.atomic
def appointment_request_verify(*, public_id: uuid.UUID) -> AppointmentRequest:
    """The new patient opened the emailed link: their email is theirs, so the request is open.

    Links the request to the Patient with the same name, date of birth and email, or creates one.
    Opening the link again changes nothing.
    """
    request = AppointmentRequest.objects.select_for_update().get(public_id=public_id)
    if request.status != RequestStatus.UNVERIFIED:
        return request
    patient = patient_match_or_create(**person_fields_of(request, AppointmentRequest.PERSON_ATTRIBUTES))
    request.patient = patient
    request.verified_at = timezone.now()
    request.is_urgent = selectors.patient_is_urgent(patient=patient)
    _move_request(request, RequestStatus.OPEN, action="verified", by_patient=True)
    emails.request_received(request)
    return request


@transaction.atomic
def appointment_request_withdraw(*, public_id: uuid.UUID, by=None) -> AppointmentRequest:
    """The patient (or staff) withdraws a request that is not booked yet."""
    request = AppointmentRequest.objects.select_for_update().get(public_id=public_id)
    if request.status == RequestStatus.WITHDRAWN:
        raise ValidationError(_("This request was already withdrawn."))
    if request.status == RequestStatus.BOOKED:
        raise ValidationError(_("This request is already booked: cancel the appointment instead."))
    _move_request(request, RequestStatus.WITHDRAWN, action="withdrawn", actor=by, by_patient=by is None)
    return request


# --- Booking -------------------------------------------------------------------------------------------


def local_start(day: datetime.date, start: datetime.time) -> datetime.datetime:
    """A wall-clock date and time at the clinic, as an aware datetime."""
    return datetime.datetime.combine(day, start, tzinfo=timezone.get_default_timezone())


def _check_slot(
    *,
    physician: Physician,
    location: Location,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_pk=None,
) -> None:
    """The slot is in the future, within the location's hours, and the physician is free.

    The physician's row is locked first, so two bookings for one physician are checked one after
    the other and cannot both pass.
    """
    Physician.objects.select_for_update().filter(pk=physician.pk).first()
    if starts_at <= timezone.now():
        raise ValidationError({"start_time": _("The visit must start in the future.")})
    if not physician.is_active:
        raise ValidationError({"physician": _("This physician is not taking bookings.")})
    if physician.locations.exists() and not physician.locations.filter(pk=location.pk).exists():
        raise ValidationError(
            {"physician": _("This physician does not work at %(location)s.") % {"location": location}}
        )
    zone = timezone.get_default_timezone()
    local_starts, local_ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    hours = selectors.location_hours_on(location_id=location.pk, weekday=local_starts.weekday())
    if hours is None:
        raise ValidationError({"date": _("%(location)s is closed on that day.") % {"location": location}})
    if (
        local_starts.time() < hours.opens_at
        or local_ends.date() != local_starts.date()
        or local_ends.time() > hours.closes_at
    ):
        raise ValidationError(
            {
                "start_time": _(
                    "%(location)s is open %(opens)s-%(closes)s that day; "
                    "the visit (%(start)s-%(end)s) must fit."
                )
                % {
                    "location": location,
                    "opens": f"{hours.opens_at:%H:%M}",
                    "closes": f"{hours.closes_at:%H:%M}",
                    "start": f"{local_starts:%H:%M}",
                    "end": f"{local_ends:%H:%M}",
                }
            }
        )
    clash = (
        selectors.physician_clashes(
            physician=physician, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_time": _("%(physician)s already has a visit from %(start)s to %(end)s.")
                % {
                    "physician": physician.display_name,
                    "start": f"{clash.starts_at.astimezone(zone):%H:%M}",
                    "end": f"{clash.ends_at.astimezone(zone):%H:%M}",
                }
            }
        )


# --- The safety screen ---------------------------------------------------------------------------------

OVERRIDE_REASON_MIN_LENGTH = 10


def unoverridden_defer_reasons(*, request: AppointmentRequest, planned_procedure: str = "") -> list[dict]:
    """The stored screen's reasons to defer a procedure that no clinician's override covers yet."""
    reasons = selectors.procedure_defer_reasons(
        record=selectors.safety_screen(patient=request.patient), planned_procedure=planned_procedure
    )
    overridden = {code for override in request.safety_overrides.all() for code in override.overridden_codes}
    return [reason for reason in reasons if reason["code"] not in overridden]


def _check_safety_screen(*, request: AppointmentRequest, visit_type: str, planned_procedure: str) -> None:
    """A procedure is booked only when the stored screen does not say defer, or a clinician overrode it.

    Consultations and follow-ups are never held back: that is where a clinician reviews the flags.
    """
    if visit_type != VisitType.PROCEDURE:
        return
    reasons = unoverridden_defer_reasons(request=request, planned_procedure=planned_procedure)
    if reasons:
        raise ValidationError(
            _(
                "The safety screen says to defer this procedure: %(reasons)s. A clinician must review "
                "it and record an override with a reason before it can be booked."
            )
            % {"reasons": "; ".join(reason["label"] for reason in reasons)},
            code="safety_screen_defers",
        )


@transaction.atomic
def appointment_safety_override(*, request: AppointmentRequest, by, reason: str) -> SafetyOverride:
    """A clinician records why a procedure may go ahead although the screen says defer.

    Covers every defer reason the screen gives now, whatever procedure is planned; a reason that
    appears later (new answers) needs a new override.
    """
    if not by.has_perm("appointments.override_safetyoverride"):
        raise PermissionDenied(_("Only a clinician can override the safety screen."))
    request = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    reason = reason.strip()
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _(
                    "Say why the procedure can go ahead (for example who confirmed the blood thinner "
                    "hold, and when)."
                )
            }
        )
    record = selectors.safety_screen(patient=request.patient)
    reasons = unoverridden_defer_reasons(request=request)
    if not reasons:
        raise ValidationError(_("The safety screen gives no reason to defer: there is nothing to override."))
    override = SafetyOverride(
        request=request,
        screen=record,
        overridden_flags=reasons,
        reason=reason,
        rules_version=record.rules_version if record else "",
        by=by,
    )
    override.full_clean()
    override.save()
    _event(
        request,
        action="safety_override",
        from_status=request.status,
        to_status=request.status,
        actor=by,
        note="Overrode: " + "; ".join(item["label"] for item in reasons),
    )
    return override


@transaction.atomic
def appointment_book(
    *,
    request: AppointmentRequest,
    physician: Physician,
    starts_at: datetime.datetime,
    by,
    location: Location | None = None,
    sedation_planned: bool = False,
    planned_procedure: str = "",
) -> Appointment:
    """Book an open request into a slot and email the patient the visit with its calendar file.

    Refused with a message when the physician is already busy then, the location is closed, the
    request is not open, or (a procedure) the stored safety screen says defer and no clinician has
    overridden it. Booking a visit for a patient with an accepted referral moves that referral
    to scheduled (the referrer is told by the referrals app).
    """
    request = (
        AppointmentRequest.objects.select_for_update(of=("self",))
        .select_related("patient")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.OPEN:
        raise ValidationError(
            _("This request cannot be booked: it is %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    location = location or request.location
    is_procedure = request.visit_type == VisitType.PROCEDURE
    planned_procedure = planned_procedure if is_procedure else ""
    _check_safety_screen(request=request, visit_type=request.visit_type, planned_procedure=planned_procedure)
    ends_at = starts_at + visit_duration(request.visit_type)
    _check_slot(physician=physician, location=location, starts_at=starts_at, ends_at=ends_at)
    now = timezone.now()
    appointment = Appointment(
        request=request,
        patient=request.patient,
        physician=physician,
        location=location,
        visit_type=request.visit_type,
        starts_at=starts_at,
        ends_at=ends_at,
        sedation_planned=sedation_planned and is_procedure,
        planned_procedure=planned_procedure,
        scheduled_at=now,
        booked_by=by,
    )
    appointment.full_clean(validate_unique=False)
    appointment.save()
    _move_request(request, RequestStatus.BOOKED, action="booked", actor=by, appointment=appointment)
    emails.appointment_booked(appointment)
    referral_after_booking(patient=appointment.patient, visit_at=starts_at, by=by)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, starts_at: datetime.datetime, by, physician: Physician | None = None
) -> Appointment:
    """Move a booked visit; the patient gets an updated calendar file (same UID, higher SEQUENCE).

    Reminders of the old time that are not sent yet are stopped; new ones follow the new time.
    """
    appointment = _locked(appointment)
    APPOINTMENT_MOVES.check(appointment, AppointmentStatus.BOOKED)
    # The screen may have changed since booking (new answers): a moved procedure is checked again.
    _check_safety_screen(
        request=appointment.request,
        visit_type=appointment.visit_type,
        planned_procedure=appointment.planned_procedure,
    )
    physician = physician or appointment.physician
    ends_at = starts_at + visit_duration(appointment.visit_type)
    _check_slot(
        physician=physician,
        location=appointment.location,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_pk=appointment.pk,
    )
    old_start = appointment.starts_at
    appointment.physician, appointment.starts_at, appointment.ends_at = physician, starts_at, ends_at
    appointment.sequence += 1
    appointment.scheduled_at = timezone.now()
    appointment.other_time_requested_at = None
    appointment.full_clean(validate_unique=False)
    appointment.save()
    zone = timezone.get_default_timezone()
    _event(
        appointment.request,
        appointment=appointment,
        action="rescheduled",
        from_status=AppointmentStatus.BOOKED,
        to_status=AppointmentStatus.BOOKED,
        actor=by,
        note=f"{old_start.astimezone(zone):%Y-%m-%d %H:%M} -> {starts_at.astimezone(zone):%Y-%m-%d %H:%M}",
    )
    _withdraw_reminders(appointment, reason="the visit was moved")
    emails.appointment_rescheduled(appointment)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, reason: str, note: str = "", by=None, by_patient: bool = False
) -> Appointment:
    """Cancel a booked visit: the slot is free again, reminders stop, the patient gets a CANCEL
    calendar file; when the patient cancelled, the front desk is told."""
    appointment = _locked(appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError(_("This appointment is already cancelled."))
    APPOINTMENT_MOVES.check(appointment, AppointmentStatus.CANCELLED)
    if reason not in CancelReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    appointment.cancel_reason = reason
    appointment.cancel_note = note.strip()
    appointment.cancelled_by_patient = by_patient
    appointment.sequence += 1
    _move_appointment(
        appointment, AppointmentStatus.CANCELLED, action="cancelled", actor=by, by_patient=by_patient
    )
    _withdraw_reminders(appointment, reason="the visit was cancelled")
    emails.appointment_cancelled(appointment)
    if by_patient:
        emails.staff_patient_cancelled(appointment)
    return appointment


@transaction.atomic
def appointment_ask_another_time(*, appointment: Appointment) -> Appointment:
    """The patient asks, from their link, for another time; the front desk is told and reschedules."""
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(
            _("This appointment is %(status)s.") % {"status": appointment.get_status_display().lower()}
        )
    if appointment.other_time_requested_at is not None:
        raise ValidationError(_("You already asked for another time; we will be in touch."))
    appointment.other_time_requested_at = timezone.now()
    appointment.save(update_fields=["other_time_requested_at"])
    _event(
        appointment.request,
        appointment=appointment,
        action="another_time_requested",
        from_status=appointment.status,
        to_status=appointment.status,
        by_patient=True,
    )
    emails.staff_another_time_requested(appointment)
    return appointment


def _mark_outcome(*, appointment: Appointment, to_status: str, by) -> Appointment:
    appointment = _locked(appointment)
    if appointment.status == to_status:
        raise ValidationError(
            _("This appointment is already marked %(status)s.")
            % {"status": appointment.get_status_display().lower()}
        )
    APPOINTMENT_MOVES.check(appointment, to_status)
    if timezone.localdate(appointment.starts_at) > timezone.localdate():
        raise ValidationError(_("A visit can be marked attended or missed from its day onwards."))
    _move_appointment(appointment, to_status, action=to_status, actor=by)
    _withdraw_reminders(appointment, reason="the visit took place or was missed")
    return appointment


@transaction.atomic
def appointment_mark_attended(*, appointment: Appointment, by) -> Appointment:
    """The patient came. Their scheduled referral, if any, is marked seen (closing the loop)."""
    appointment = _mark_outcome(appointment=appointment, to_status=AppointmentStatus.ATTENDED, by=by)
    emails.appointment_attended(appointment)
    referral_after_attended(patient=appointment.patient, by=by)
    return appointment


@transaction.atomic
def appointment_mark_no_show(*, appointment: Appointment, by) -> Appointment:
    appointment = _mark_outcome(appointment=appointment, to_status=AppointmentStatus.NO_SHOW, by=by)
    emails.appointment_no_show(appointment)
    return appointment


# --- Reminders -----------------------------------------------------------------------------------------


def appointment_reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due (run by beat). Returns how many were queued.

    For each booked visit and each offset in APPOINTMENT_REMINDER_OFFSETS_HOURS: due once the visit
    is that close, sent once (the idempotency key names the visit, its SEQUENCE and the offset).
    A reminder whose moment came before the visit was booked or moved is skipped: the booking email
    said it all. Only the closest due offset is sent, so a late run does not send two at once.
    Cancelled visits are not booked, so they get none.
    """
    now = now or timezone.now()
    offsets = sorted(settings.APPOINTMENT_REMINDER_OFFSETS_HOURS)
    if not offsets:
        return 0
    horizon = datetime.timedelta(hours=max(offsets))
    queued = 0
    for appointment in selectors.reminder_candidates(now=now, horizon=horizon):
        due = [
            hours
            for hours in offsets
            if appointment.scheduled_at <= appointment.starts_at - datetime.timedelta(hours=hours) <= now
        ]
        if not due:
            continue
        with transaction.atomic():
            email, created = emails.appointment_reminder(appointment, hours_before=due[0])
        queued += created
    return queued


# --- Referral lifecycle (referrals app) ----------------------------------------------------------------


def referral_after_booking(*, patient: Patient, visit_at: datetime.datetime, by) -> None:
    """Move the patient's accepted referral to scheduled (the referrals app tells the referrer)."""
    referral = selectors.referral_to_schedule(patient=patient)
    if referral is None:
        return

    # Our booking email tells the patient; the referrals app tells the referrer.
    referral_schedule(referral=referral, visit_at=visit_at, by=by, notify_patient=False)


def referral_after_attended(*, patient: Patient, by) -> None:
    """Move the patient's scheduled referral to seen, closing the loop with the referrer."""
    referral = selectors.referral_to_mark_seen(patient=patient)
    if referral is None:
        return

    referral_mark_seen(referral=referral, by=by)


# --- Helpers -------------------------------------------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("request", "patient", "physician", "location")
        .get(pk=appointment.pk)
    )


def _move_appointment(appointment: Appointment, to_status: str, *, action: str, actor=None, by_patient=False):
    status_move(
        appointment,
        to_status,
        moves=APPOINTMENT_MOVES,
        record=lambda left, entered: _event(
            appointment.request,
            appointment=appointment,
            action=action,
            from_status=left,
            to_status=entered,
            actor=actor,
            by_patient=by_patient,
        ),
    )
    appointment.full_clean(validate_unique=False)
    appointment.save()


def _move_request(
    request: AppointmentRequest,
    to_status: str,
    *,
    action: str,
    actor=None,
    by_patient=False,
    appointment=None,
):
    status_move(
        request,
        to_status,
        moves=REQUEST_MOVES,
        record=lambda left, entered: _event(
            request,
            appointment=appointment,
            action=action,
            from_status=left,
            to_status=entered,
            actor=actor,
            by_patient=by_patient,
        ),
    )
    request.status_changed_at = timezone.now()
    request.full_clean(validate_unique=False)
    request.save()


def _event(
    request, *, action, from_status, to_status, appointment=None, actor=None, by_patient=False, note=""
):
    AppointmentEvent.objects.create(
        request=request,
        appointment=appointment,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        by_patient=by_patient,
        note=note[:300],
    )


def _withdraw_reminders(appointment: Appointment, *, reason: str) -> None:
    email_withdraw_pending(idempotency_key_prefix=emails.reminder_key_prefix(appointment), reason=reason)
