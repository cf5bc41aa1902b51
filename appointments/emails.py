"""One function per appointment email. Each queues an outbox row inside the caller's transaction.

Contexts hold what a person needs to act: the day and time, the place, the physician, links, and
preparation instruction codes (general advice for the kind of visit, never the patient's answers).
No reason for the visit, no diagnosis, no patient name. Personalised preparation is behind the
signed link.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from clinic.core.clinical.procedure_safety import preparation_instructions
from clinic.core.emails import email_queue
from clinic.core.models import OutboundEmail
from clinic.core.roles import FRONT_DESK_NOTICES, staff_recipients

from . import selectors, tokens
from .ics import METHOD, appointment_ics
from .models import Appointment, AppointmentRequest, VisitType


def request_verify(request: AppointmentRequest) -> OutboundEmail:
    return email_queue(
        to=request.email,
        template="appointment-verify",
        context={
            "verify_url": tokens.verify_url(request.public_id),
            "valid_hours": settings.APPOINTMENT_VERIFY_LINK_MAX_AGE_HOURS,
        },
        idempotency_key=f"appointment-verify:{request.public_id}",
    )


def request_received(request: AppointmentRequest) -> OutboundEmail:
    return email_queue(
        to=request.email,
        template="appointment-request-received",
        context={"location_name": request.location.name, "manage_url": tokens.manage_url(request.public_id)},
        idempotency_key=f"appointment-request-received:{request.public_id}",
    )


def email_instruction_codes(appointment: Appointment) -> list[str]:
    """General preparation for a procedure visit, from the safety module's patient texts.

    The same for every procedure patient (plus the sedation logistics when sedation is planned),
    so the email says nothing about this patient's answers.
    """
    if appointment.visit_type != VisitType.PROCEDURE:
        return []
    # The same builder as the page behind the link, given none of the stored screen's own codes
    # (diabetes, infection): those would tell the mailbox something about the patient's answers.
    instructions = preparation_instructions((), sedation_planned=appointment.sedation_planned)
    return [instruction.code for instruction in instructions]


def _visit_context(appointment: Appointment) -> dict:
    local = timezone.localtime(appointment.starts_at)
    location = appointment.location
    return {
        "visit_date": formats.date_format(local, "l, F j, Y"),
        "visit_time": formats.date_format(local, "g:i A"),
        "duration_minutes": int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
        "visit_type": appointment.visit_type,
        "location_name": location.name,
        "location_address": location.address,
        "location_phone": location.phone.as_national if location.phone else "",
        "arrival_notes": location.arrival_notes,
        "physician": appointment.physician.display_name,
        "instruction_codes": email_instruction_codes(appointment),
        "manage_url": tokens.manage_url(appointment.request.public_id),
    }


def _ics_attachment(appointment: Appointment, *, cancel: bool = False) -> dict:
    manage_url = tokens.manage_url(appointment.request.public_id)
    return {
        "filename": "appointment.ics",
        "content": appointment_ics(appointment, manage_url=manage_url, cancel=cancel),
        "subtype": "calendar",
        "params": {"method": METHOD},
    }


def appointment_booked(appointment: Appointment) -> OutboundEmail:
    return email_queue(
        to=appointment.patient_email,
        template="appointment-booked",
        context={**_visit_context(appointment), "attachments": [_ics_attachment(appointment)]},
        idempotency_key=f"appointment-booked:{appointment.public_id}",
    )


def appointment_rescheduled(appointment: Appointment) -> OutboundEmail:
    return email_queue(
        to=appointment.patient_email,
        template="appointment-rescheduled",
        context={**_visit_context(appointment), "attachments": [_ics_attachment(appointment)]},
        idempotency_key=f"appointment-rescheduled:{appointment.public_id}:{appointment.sequence}",
    )


def appointment_cancelled(appointment: Appointment) -> OutboundEmail:
    return email_queue(
        to=appointment.patient_email,
        template="appointment-cancelled",
        context={
            **_visit_context(appointment),
            "by_patient": appointment.cancelled_by_patient,
            "request_url": settings.SITE_URL + reverse("request_appointment"),
            "attachments": [_ics_attachment(appointment, cancel=True)],
        },
        idempotency_key=f"appointment-cancelled:{appointment.public_id}",
    )


def appointment_attended(appointment: Appointment) -> OutboundEmail:
    return email_queue(
        to=appointment.patient_email,
        template="appointment-attended",
        context={"visit_date": formats.date_format(timezone.localtime(appointment.starts_at), "l, F j, Y")},
        idempotency_key=f"appointment-attended:{appointment.public_id}",
    )


def appointment_no_show(appointment: Appointment) -> OutboundEmail:
    return email_queue(
        to=appointment.patient_email,
        template="appointment-no-show",
        context={
            **_visit_context(appointment),
            "request_url": settings.SITE_URL + reverse("request_appointment"),
        },
        idempotency_key=f"appointment-no-show:{appointment.public_id}",
    )


def reminder_key_prefix(appointment: Appointment) -> str:
    return f"appointment-reminder:{appointment.public_id}:"


def appointment_reminder(appointment: Appointment, *, hours_before: int) -> tuple[OutboundEmail, bool]:
    """(email, created). A new patient whose intake is not submitted is asked to finish it."""
    key = f"{reminder_key_prefix(appointment)}{appointment.sequence}:{hours_before}h"
    existing = OutboundEmail.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    finish_intake = (
        appointment.visit_type == VisitType.NEW_CONSULTATION
        and not selectors.intake_is_submitted(patient=appointment.patient)
    )
    email = email_queue(
        to=appointment.patient_email,
        template="appointment-reminder",
        context={
            **_visit_context(appointment),
            "days_before": round(hours_before / 24),
            "hours_before": hours_before,
            "intake_url": selectors.intake_link(patient=appointment.patient) if finish_intake else "",
        },
        idempotency_key=key,
    )
    return email, True


def _staff_context(appointment: Appointment) -> dict:
    local = timezone.localtime(appointment.starts_at)
    return {
        "visit_date": formats.date_format(local, "l, F j, Y"),
        "visit_time": formats.date_format(local, "g:i A"),
        "location_name": appointment.location.name,
        "physician": appointment.physician.display_name,
        # The admin list searched by public id: no integer key in an email.
        "admin_url": f"{settings.SITE_URL}{reverse('admin:appointments_appointment_changelist')}"
        f"?q={appointment.public_id}",
    }


def staff_patient_cancelled(appointment: Appointment) -> list[OutboundEmail]:
    return [
        email_queue(
            to=address,
            template="appointment-staff-cancelled",
            context=_staff_context(appointment),
            idempotency_key=f"appointment-staff-cancelled:{appointment.public_id}:{address}",
        )
        for address in staff_recipients(FRONT_DESK_NOTICES)
    ]


def staff_another_time_requested(appointment: Appointment) -> list[OutboundEmail]:
    return [
        email_queue(
            to=address,
            template="appointment-staff-another-time",
            context=_staff_context(appointment),
            idempotency_key=f"appointment-staff-another-time:{appointment.public_id}:{appointment.sequence}:{address}",
        )
        for address in staff_recipients(FRONT_DESK_NOTICES)
    ]
