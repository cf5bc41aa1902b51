"""The pages the appointment admins add: booking a request into a slot, overriding the safety screen,
rescheduling or cancelling a visit, and the day view.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments import selectors, services
from appointments.forms import BookingForm, DayViewForm, RescheduleForm, SafetyOverrideForm, StaffCancelForm
from appointments.models import Appointment, LocationHours, VisitType
from clinic.core.admin import ClinicModelAdmin
from clinic.core.audit import record_view_log, record_views_log
from clinic.core.clinical.red_flags import TIER_LABELS
from clinic.core.forms import form_add_validation_error, validation_error_text
from clinic.core.times import clinic_time
from intake.models import IntakeStatus


def _tier_label(tier: str) -> str:
    """ "Emergency", "Urgent", "For the visit": the words every page uses for a red-flag tier."""
    return str({str(key): label for key, label in TIER_LABELS.items()}.get(tier, tier))


def _object_or_404(queryset, object_id: str):
    """The row for an admin URL's id; a 404, not a 500, for an id that is not a number."""
    try:
        return queryset.get(pk=unquote(object_id))
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such object.") from None


def _safety_context(request, appointment_request) -> dict:
    """The stored screen's flags and what still defers a procedure, for the booking pages."""
    record = selectors.safety_screen(patient=appointment_request.patient)
    is_procedure = appointment_request.visit_type == VisitType.PROCEDURE
    return {
        "safety_screen": record,
        "defer_reasons": services.unoverridden_defer_reasons(request=appointment_request)
        if is_procedure
        else [],
        "safety_overrides": list(appointment_request.safety_overrides.select_related("by")),
        "can_override": request.user.has_perm("appointments.override_safetyoverride"),
    }


class AppointmentRequestPages(ClinicModelAdmin):
    """Booking a request and overriding its safety screen; AppointmentRequestAdmin is built on it."""

    @admin.display(description=_("intake"))
    def intake(self, obj):
        status = getattr(obj, "intake_status", None)
        if not status:
            return _("No intake")
        return IntakeStatus(status).label if status in IntakeStatus.values else status

    @admin.display(description=_("flags"))
    def flags(self, obj):
        labels = []
        tier = getattr(obj, "intake_red_flag_tier", "")
        if tier:
            labels.append(_("Red flag: %(tier)s") % {"tier": _tier_label(tier)})
        labels += selectors.queue_flag_labels(getattr(obj, "safety_screen_result", None))
        return "; ".join(str(label) for label in labels) or "-"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/book/",
                self.admin_site.admin_view(self.book_view),
                name="appointments_appointmentrequest_book",
            ),
            path(
                "<path:object_id>/safety-override/",
                self.admin_site.admin_view(self.safety_override_view),
                name="appointments_appointmentrequest_safety_override",
            ),
            *super().get_urls(),
        ]

    def book_view(self, request, object_id):
        appointment_request = _object_or_404(
            self.get_queryset(request).select_related("location", "patient"), object_id
        )
        if not (
            self.has_change_permission(request, appointment_request)
            and request.user.has_perm("appointments.add_appointment")
        ):
            raise PermissionDenied
        form = BookingForm(
            request.POST or None,
            location=appointment_request.location,
            initial={"date": max(appointment_request.earliest_date, timezone.localdate())},
        )
        if request.method == "POST" and form.is_valid():
            try:
                appointment = services.appointment_book(
                    request=appointment_request,
                    physician=form.cleaned_data["physician"],
                    starts_at=form.starts_at,
                    sedation_planned=form.cleaned_data["sedation_planned"],
                    planned_procedure=form.cleaned_data["planned_procedure"],
                    by=request.user,
                )
            except ValidationError as error:
                form_add_validation_error(form, error)
                self.message_user(
                    request, _("Not booked: %(why)s") % {"why": validation_error_text(error)}, messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("Booked %(when)s with %(physician)s; the patient has been emailed.")
                    % {
                        "when": clinic_time(appointment.starts_at),
                        "physician": appointment.physician.display_name,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:appointments_appointment_change", appointment.pk)
        hours = LocationHours.objects.filter(location=appointment_request.location)
        record_view_log(request=request, record=appointment_request)
        return TemplateResponse(
            request,
            "appointments/admin/form_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": appointment_request,
                "title": _("Book a visit"),
                "form": form,
                "submit_label": _("Book and email the patient"),
                "appointment_request": appointment_request,
                "intake_status": self.intake(appointment_request),
                "flags": self.flags(appointment_request),
                "location_hours": hours,
                **_safety_context(request, appointment_request),
            },
        )

    def safety_override_view(self, request, object_id):
        """A clinician records why a deferred procedure may be booked; front desk gets a 403."""
        appointment_request = _object_or_404(self.get_queryset(request).select_related("patient"), object_id)
        if not request.user.has_perm("appointments.override_safetyoverride"):
            raise PermissionDenied
        form = SafetyOverrideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.appointment_safety_override(
                    request=appointment_request, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form_add_validation_error(form, error)
            else:
                self.message_user(
                    request, _("Override recorded: the procedure can now be booked."), messages.SUCCESS
                )
                return redirect("admin:appointments_appointmentrequest_change", appointment_request.pk)
        record_view_log(request=request, record=appointment_request)
        return TemplateResponse(
            request,
            "appointments/admin/form_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": appointment_request,
                "title": _("Override the safety screen"),
                "form": form,
                "submit_label": _("Record the override"),
                "appointment_request": appointment_request,
                "intake_status": self.intake(appointment_request),
                "flags": self.flags(appointment_request),
                **_safety_context(request, appointment_request),
            },
        )


class AppointmentPages(ClinicModelAdmin):
    """Rescheduling and cancelling a visit, and the day view; AppointmentAdmin is built on it."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("day/", view(self.day_view), name="appointments_appointment_day"),
            path(
                "<path:object_id>/reschedule/",
                view(self.reschedule_view),
                name="appointments_appointment_reschedule",
            ),
            path("<path:object_id>/cancel/", view(self.cancel_view), name="appointments_appointment_cancel"),
            *super().get_urls(),
        ]

    def _form_page(self, request, appointment, form, *, title, submit_label):
        record_view_log(request=request, record=appointment)
        return TemplateResponse(
            request,
            "appointments/admin/form_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": appointment,
                "title": title,
                "form": form,
                "submit_label": submit_label,
                "appointment": appointment,
            },
        )

    def _changeable(self, request, object_id) -> Appointment:
        appointment = _object_or_404(
            Appointment.objects.select_related("physician", "location", "patient", "request"), object_id
        )
        if not self.has_change_permission(request, appointment):
            raise PermissionDenied
        return appointment

    def reschedule_view(self, request, object_id):
        appointment = self._changeable(request, object_id)
        local = timezone.localtime(appointment.starts_at)
        form = RescheduleForm(
            request.POST or None,
            location=appointment.location,
            initial={"physician": appointment.physician, "date": local.date(), "start_time": local.time()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.appointment_reschedule(
                    appointment=appointment,
                    starts_at=form.starts_at,
                    physician=form.cleaned_data["physician"],
                    by=request.user,
                )
            except ValidationError as error:
                form_add_validation_error(form, error)
                self.message_user(
                    request, _("Not moved: %(why)s") % {"why": validation_error_text(error)}, messages.ERROR
                )
            else:
                self.message_user(request, _("Visit moved; the patient has been emailed."), messages.SUCCESS)
                return redirect("admin:appointments_appointment_change", appointment.pk)
        return self._form_page(
            request,
            appointment,
            form,
            title=_("Reschedule the visit"),
            submit_label=_("Move and email the patient"),
        )

    def cancel_view(self, request, object_id):
        appointment = self._changeable(request, object_id)
        form = StaffCancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.appointment_cancel(
                    appointment=appointment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form_add_validation_error(form, error)
                self.message_user(request, validation_error_text(error), messages.ERROR)
            else:
                self.message_user(
                    request, _("Visit cancelled; the patient has been emailed."), messages.SUCCESS
                )
                return redirect("admin:appointments_appointment_change", appointment.pk)
        return self._form_page(
            request,
            appointment,
            form,
            title=_("Cancel the visit"),
            submit_label=_("Cancel and email the patient"),
        )

    def day_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = request.GET.copy()
        data.setdefault("day", timezone.localdate().isoformat())
        form = DayViewForm(data)
        schedule: list[selectors.DayGroup] = []
        visits: list[Appointment] = []
        days: dict[str, str] = {}
        if form.is_valid():
            day = form.cleaned_data["day"]
            schedule = selectors.day_schedule(
                day=day,
                location_id=getattr(form.cleaned_data["location"], "pk", None),
                physician_id=getattr(form.cleaned_data["physician"], "pk", None),
            )
            visits = [row.visit for group in schedule for row in group.visits]
            record_views_log(request=request, records=visits)
            days = {
                "previous_day_url": _day_url(form, day - datetime.timedelta(days=1)),
                "next_day_url": _day_url(form, day + datetime.timedelta(days=1)),
            }
        else:
            self.message_user(
                request, _("No visits shown: please check the day and the filters."), messages.ERROR
            )
        return TemplateResponse(
            request,
            "appointments/admin/day_view.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Day view"),
                "form": form,
                "schedule": schedule,
                "visits": visits,
                "today_url": _day_url(form if form.is_valid() else None, timezone.localdate()),
                **days,
            },
        )


def _day_url(form: DayViewForm | None, day: datetime.date) -> str:
    """The day view of `day`, keeping the location and physician the page was filtered on."""
    query = {"day": day.isoformat()}
    for name in ("location", "physician"):
        if form is not None and form.cleaned_data.get(name) is not None:
            query[name] = str(form.cleaned_data[name].pk)
    return f"{reverse('admin:appointments_appointment_day')}?{urlencode(query)}"
