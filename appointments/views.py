"""Patient pages: ask for a visit, confirm the email, then view, withdraw, cancel or ask for another
time from the signed link. No account; every link is a signed, expiring token."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clinic.core.clinical import procedure_safety
from clinic.core.forms import form_add_validation_error, validation_error_text
from clinic.core.links import LinkExpired, LinkInvalid
from clinic.core.models import Patient
from clinic.core.ratelimits import LimitedAction, rate_limited

from . import selectors, services, tokens
from .forms import AppointmentRequestForm
from .models import AppointmentStatus, CancelReason, RequestStatus, VisitType

logger = logging.getLogger(__name__)


def _link_problem(request, *, expired: bool):
    return render(
        request,
        "appointments/link_problem.html",
        {"expired": expired},
        status=410 if expired else 404,
    )


def _known_patient(request) -> tuple[Patient | None, bool]:
    """(patient, link_ok) from the optional ?patient= token of the intake or an invitation."""
    token = request.GET.get("patient")
    if not token:
        return None, True
    try:
        public_id = tokens.read_patient_token(token)
    except (LinkExpired, LinkInvalid):
        return None, False
    patient = Patient.objects.filter(public_id=public_id).first()
    return patient, patient is not None


def _request_email(request) -> str:
    """The address the confirmation goes to: the known patient's, or the one typed in the form."""
    patient, _link_ok = _known_patient(request)
    if patient is not None:
        return patient.email
    return request.POST.get("email", "")


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(LimitedAction.APPOINTMENT_REQUEST, email=_request_email)
def request_create(request):
    patient, link_ok = _known_patient(request)
    if not link_ok:
        messages.warning(
            request,
            _("Your link has expired or is not valid. You can still ask for an appointment below."),
        )
        return redirect("request_appointment")
    form = AppointmentRequestForm(request.POST or None, known_patient=patient)
    if request.method == "POST" and form.is_valid() and form.filled_by_a_robot:
        return redirect("appointments:check_email")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment_request, _created = services.appointment_request_create(
                submission_key=data["submission_key"],
                location=data["location"],
                visit_type=data["visit_type"],
                preferred_days=data["preferred_days"],
                time_windows=data["time_windows"],
                earliest_date=data["earliest_date"],
                contact_preference=data["contact_preference"],
                reason=data["reason"],
                phone=data.get("phone") or "",
                patient=patient,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                date_of_birth=data.get("date_of_birth"),
                email=data.get("email", ""),
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            if appointment_request.status == RequestStatus.UNVERIFIED:
                return redirect("appointments:check_email")
            messages.success(
                request, _("Thank you: we have your request and have emailed you a confirmation.")
            )
            return HttpResponseRedirect(tokens.manage_path(appointment_request.public_id))
    return render(request, "appointments/request_form.html", {"form": form, "known_patient": patient})


def check_email(request):
    return render(request, "appointments/check_email.html")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    try:
        public_id = tokens.read_verify_token(token)
    except LinkExpired:
        return _link_problem(request, expired=True)
    except LinkInvalid:
        return _link_problem(request, expired=False)
    appointment_request = selectors.request_for_manage(public_id=public_id)
    if appointment_request is None:
        return _link_problem(request, expired=False)
    if appointment_request.status != RequestStatus.UNVERIFIED:
        return HttpResponseRedirect(tokens.manage_path(public_id))
    if request.method == "POST":
        services.appointment_request_verify(public_id=public_id)
        messages.success(request, _("Thank you: your email is confirmed and your request is with our team."))
        return HttpResponseRedirect(tokens.manage_path(public_id))
    return render(request, "appointments/verify.html")


def _managed_request(request, public_id, token):
    """(appointment request, None) when the link is good, else (None, the friendly error page)."""
    try:
        tokens.read_manage_token(token, public_id=public_id)
    except LinkExpired:
        return None, _link_problem(request, expired=True)
    except LinkInvalid:
        return None, _link_problem(request, expired=False)
    appointment_request = selectors.request_for_manage(public_id=public_id)
    if appointment_request is None or appointment_request.status == RequestStatus.UNVERIFIED:
        return None, _link_problem(request, expired=False)
    return appointment_request, None


def _preparation(appointment) -> list[str]:
    """The patient's own preparation for a procedure visit, from the stored safety screen (behind the
    link), with the sedation logistics when sedation is planned."""
    if appointment is None or appointment.visit_type != VisitType.PROCEDURE:
        return []
    record = selectors.safety_screen(patient=appointment.patient)
    codes = record.instruction_codes if record else []
    return [
        str(instruction.text)
        for instruction in procedure_safety.preparation_instructions(
            codes, sedation_planned=appointment.sedation_planned
        )
    ]


@never_cache
def manage(request, public_id, token):
    appointment_request, problem = _managed_request(request, public_id, token)
    if problem:
        return problem
    appointment = getattr(appointment_request, "appointment", None)
    return render(
        request,
        "appointments/manage.html",
        {
            "appointment_request": appointment_request,
            "appointment": appointment,
            "preparation": _preparation(appointment),
            "token": token,
            "can_withdraw": appointment_request.status == RequestStatus.OPEN,
            "can_change": appointment is not None and appointment.status == AppointmentStatus.BOOKED,
        },
    )


def _back_to_manage(public_id, token):
    return redirect("appointments:manage", public_id=public_id, token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id, token):
    appointment_request, problem = _managed_request(request, public_id, token)
    if problem:
        return problem
    if request.method == "GET" and appointment_request.status != RequestStatus.OPEN:
        # An old email's link: say where things stand instead of offering to withdraw again.
        messages.info(request, _("This request can no longer be withdrawn."))
        return _back_to_manage(public_id, token)
    if request.method == "POST":
        try:
            services.appointment_request_withdraw(public_id=appointment_request.public_id)
        except ValidationError as error:
            messages.error(request, validation_error_text(error))
        else:
            messages.success(request, _("Your request is withdrawn. Nothing else is needed."))
        return _back_to_manage(public_id, token)
    return render(
        request,
        "appointments/confirm.html",
        {"action": "withdraw", "back": reverse("appointments:manage", args=[public_id, token])},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, public_id, token):
    appointment_request, problem = _managed_request(request, public_id, token)
    if problem:
        return problem
    appointment = getattr(appointment_request, "appointment", None)
    if appointment is None:
        messages.error(request, _("There is no booked appointment to cancel yet."))
        return _back_to_manage(public_id, token)
    if request.method == "GET" and appointment.status != AppointmentStatus.BOOKED:
        messages.info(
            request,
            _("This appointment is %(status)s, so there is nothing to cancel.")
            % {"status": appointment.get_status_display().lower()},
        )
        return _back_to_manage(public_id, token)
    if request.method == "POST":
        try:
            services.appointment_cancel(
                appointment=appointment, reason=CancelReason.PATIENT_REQUEST, by_patient=True
            )
        except ValidationError as error:
            messages.error(request, validation_error_text(error))
        else:
            messages.success(request, _("Your appointment is cancelled. We have let our team know."))
        return _back_to_manage(public_id, token)
    return render(
        request,
        "appointments/confirm.html",
        {
            "action": "cancel",
            "appointment": appointment,
            "back": reverse("appointments:manage", args=[public_id, token]),
        },
    )


@never_cache
@require_POST
def another_time(request, public_id, token):
    appointment_request, problem = _managed_request(request, public_id, token)
    if problem:
        return problem
    appointment = getattr(appointment_request, "appointment", None)
    if appointment is None:
        messages.error(request, _("There is no booked appointment yet."))
        return _back_to_manage(public_id, token)
    try:
        services.appointment_ask_another_time(appointment=appointment)
    except ValidationError as error:
        messages.error(request, validation_error_text(error))
    else:
        messages.success(request, _("Thank you: our team will contact you to find another time."))
    return _back_to_manage(public_id, token)
