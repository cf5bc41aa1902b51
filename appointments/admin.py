"""The front desk's side: the booking queue, booking into a slot, changes to a visit, the day view."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.admin import ClinicModelAdmin

from . import selectors, services
from .forms import BookingForm, DayViewForm, RescheduleForm, SafetyOverrideForm, StaffCancelForm
from .models import (
    DAY_CODES,
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    AppointmentStatus,
    LocationHours,
    Physician,
    RequestStatus,
    VisitType,
)


def _object_or_404(queryset, object_id: str):
    """The row for an admin URL's id; a 404, not a 500, for an id that is not a number."""
    try:
        return queryset.get(pk=unquote(object_id))
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such object.") from None


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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


def _overrides_html(overrides) -> str:
    if not overrides:
        return "-"
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{} {}: {} <em>({})</em><br><small>{}</small></li>",
            (
                (
                    f"{timezone.localtime(override.created_at):%Y-%m-%d %H:%M}",
                    override.by,
                    override.reason,
                    _("rules %(version)s") % {"version": override.rules_version or "-"},
                    _("Overrode: %(flags)s")
                    % {"flags": "; ".join(str(flag.get("label", "")) for flag in override.overridden_flags)},
                )
                for override in overrides
            ),
        ),
    )


@admin.register(Physician)
class PhysicianAdmin(ClinicModelAdmin):
    list_display = ["last_name", "first_name", "credentials", "is_active"]
    list_filter = ["is_active", "locations"]
    search_fields = ["last_name", "first_name"]
    filter_horizontal = ["locations"]
    readonly_fields = ["public_id"]
    show_full_result_count = False


@admin.register(LocationHours)
class LocationHoursAdmin(ClinicModelAdmin):
    list_display = ["location", "weekday", "opens_at", "closes_at"]
    list_filter = ["location", "weekday"]
    search_fields = ["location__name"]
    list_select_related = ["location"]
    autocomplete_fields = ["location"]
    show_full_result_count = False


class EventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "by_patient", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PreferredDayFilter(admin.SimpleListFilter):
    title = _("preferred day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(code, day.label) for code, day in DAY_CODES.items()]

    def queryset(self, request, queryset):
        if self.value() in DAY_CODES:
            # A request with no preferred day suits any day.
            return queryset.filter(preferred_days__contains=self.value()) | queryset.filter(preferred_days="")
        return queryset


class QueueStatusFilter(admin.SimpleListFilter):
    """Opens on the requests to book; the other states are one click away."""

    title = _("status")
    parameter_name = "status"
    default = RequestStatus.OPEN

    def lookups(self, request, model_admin):
        return [*RequestStatus.choices, ("all", _("All"))]

    def queryset(self, request, queryset):
        value = self.value() or self.default
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or self.default
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(ClinicModelAdmin):
    """The queue of requests to book: urgent first, then oldest, with the intake's flags."""

    list_display = [
        "created_at",
        "urgent",
        "patient_name",
        "visit_type",
        "location",
        "preferred",
        "earliest_date",
        "intake",
        "flags",
        "status",
        "book_link",
    ]
    list_filter = [
        QueueStatusFilter,
        "location",
        "visit_type",
        PreferredDayFilter,
        "is_urgent",
        "known_patient",
    ]
    search_fields = ["last_name", "first_name", "email", "=date_of_birth", "=public_id"]
    list_select_related = ["location", "patient"]
    ordering = ["-is_urgent", "created_at"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [EventInline]
    fields = [
        "public_id",
        "status",
        "is_urgent",
        "patient",
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "contact_preference",
        "known_patient",
        "visit_type",
        "location",
        "preferred_days",
        "time_windows",
        "earliest_date",
        "reason",
        "created_at",
        "verified_at",
    ]
    readonly_fields = [field for field in fields if field != "is_urgent"]
    change_form_template = "appointments/admin/request_change_form.html"
    actions = ["withdraw_selected"]

    def get_queryset(self, request):
        return selectors.with_intake_summary(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("urgent"), boolean=True, ordering="-is_urgent")
    def urgent(self, obj):
        return obj.is_urgent

    @admin.display(description=_("patient"), ordering="last_name")
    def patient_name(self, obj):
        return f"{obj.last_name}, {obj.first_name}"

    @admin.display(description=_("preferred"))
    def preferred(self, obj):
        return f"{obj.preferred_days_display} / {obj.time_windows_display}"

    @admin.display(description=_("intake"))
    def intake(self, obj):
        return getattr(obj, "intake_status", None) or _("none")

    @admin.display(description=_("flags"))
    def flags(self, obj):
        labels = []
        tier = getattr(obj, "intake_red_flag_tier", "")
        if tier:
            labels.append(_("Red flag: %(tier)s") % {"tier": tier})
        labels += selectors.queue_flag_labels(getattr(obj, "safety_screen_result", None))
        return "; ".join(str(label) for label in labels) or "-"

    @admin.display(description=_("book"))
    def book_link(self, obj):
        if obj.status != RequestStatus.OPEN:
            return "-"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:appointments_appointmentrequest_book", args=[obj.pk]),
            _("Book"),
        )

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
                _add_service_errors(form, error)
                self.message_user(
                    request, _("Not booked: %(why)s") % {"why": " ".join(error.messages)}, messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("Booked %(when)s with %(physician)s; the patient has been emailed.")
                    % {
                        "when": f"{timezone.localtime(appointment.starts_at):%Y-%m-%d %H:%M}",
                        "physician": appointment.physician.display_name,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:appointments_appointment_change", appointment.pk)
        hours = LocationHours.objects.filter(location=appointment_request.location)
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
                _add_service_errors(form, error)
            else:
                self.message_user(
                    request, _("Override recorded: the procedure can now be booked."), messages.SUCCESS
                )
                return redirect("admin:appointments_appointmentrequest_change", appointment_request.pk)
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

    @admin.action(description=_("Withdraw the selected requests"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        done = 0
        for public_id in queryset.values_list("public_id", flat=True):
            try:
                services.appointment_request_withdraw(public_id=public_id, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        self.message_user(
            request,
            ngettext("%d request withdrawn.", "%d requests withdrawn.", done) % done,
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(Appointment)
class AppointmentAdmin(ClinicModelAdmin):
    list_display = [
        "local_start",
        "physician",
        "location",
        "visit_type",
        "patient",
        "status",
        "other_time_requested_at",
    ]
    list_filter = ["status", "location", "physician", "visit_type"]
    search_fields = ["=public_id", "patient__last_name", "patient__first_name", "=patient__date_of_birth"]
    list_select_related = ["physician", "location", "patient"]
    date_hierarchy = "starts_at"
    show_full_result_count = False
    inlines = [EventInline]
    fields = [
        "public_id",
        "status",
        "patient",
        "physician",
        "location",
        "visit_type",
        "starts_at",
        "ends_at",
        "sedation_planned",
        "planned_procedure",
        "safety_overrides",
        "sequence",
        "cancel_reason",
        "cancel_note",
        "cancelled_by_patient",
        "other_time_requested_at",
        "booked_by",
        "created_at",
    ]
    readonly_fields = fields
    change_form_template = "appointments/admin/appointment_change_form.html"
    change_list_template = "appointments/admin/appointment_change_list.html"
    actions = ["mark_attended", "mark_no_show"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("safety overrides"))
    def safety_overrides(self, obj):
        return _overrides_html(list(obj.request.safety_overrides.select_related("by")))

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, obj):
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M}"

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
                _add_service_errors(form, error)
                self.message_user(
                    request, _("Not moved: %(why)s") % {"why": " ".join(error.messages)}, messages.ERROR
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
                _add_service_errors(form, error)
                self.message_user(request, " ".join(error.messages), messages.ERROR)
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
        visits = []
        if form.is_valid():
            visits = selectors.day_visits(
                day=form.cleaned_data["day"],
                location_id=getattr(form.cleaned_data["location"], "pk", None),
                physician_id=getattr(form.cleaned_data["physician"], "pk", None),
            )
        return TemplateResponse(
            request,
            "appointments/admin/day_view.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Day view"),
                "form": form,
                "visits": visits,
            },
        )

    def _outcome(self, request, queryset, service, done_message):
        done = 0
        for appointment in queryset.filter(status=AppointmentStatus.BOOKED):
            try:
                service(appointment=appointment, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{appointment}: {' '.join(error.messages)}", messages.WARNING)
        skipped = queryset.exclude(status=AppointmentStatus.BOOKED).count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d visit was not booked and was left as it is.",
                    "%d visits were not booked and were left as they are.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
        self.message_user(request, done_message % done, messages.SUCCESS if done else messages.WARNING)

    @admin.action(description=_("Mark the selected visits attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._outcome(
            request, queryset, services.appointment_mark_attended, _("%d visit(s) marked attended.")
        )

    @admin.action(description=_("Mark the selected visits no-show"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._outcome(request, queryset, services.appointment_mark_no_show, _("%d visit(s) marked no-show."))
