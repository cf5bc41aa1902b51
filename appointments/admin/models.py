"""The physicians, the clinic hours, the queue of requests to book and the booked visits."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from appointments import selectors, services
from appointments.models import (
    DAY_CODES,
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    AppointmentStatus,
    LocationHours,
    Physician,
    RequestStatus,
    event_status_label,
)
from clinic.core.admin import ClinicModelAdmin, searching
from clinic.core.forms import validation_error_text
from clinic.core.times import clinic_time

from .pages import AppointmentPages, AppointmentRequestPages

SEARCH_HELP = _(
    "Patient name, email or date of birth (01/05/1980, 1/5/80, 1980-01-05, Jan 5 1980: month first). "
    "A search looks across all statuses unless one is chosen."
)


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
                    clinic_time(override.created_at),
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
    readonly_fields = fields = (
        "created_at",
        "action_display",
        "from_display",
        "to_display",
        "actor",
        "by_patient",
        "note",
    )
    extra = 0
    can_delete = False

    @admin.display(description=_("action"))
    def action_display(self, obj):
        return obj.action_label

    @admin.display(description=_("from"))
    def from_display(self, obj):
        return event_status_label(obj.from_status)

    @admin.display(description=_("to"))
    def to_display(self, obj):
        return event_status_label(obj.to_status)

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
    """Opens on the requests to book; the other states are one click away. A search looks across
    every status (a booked or closed request is found too) unless a status is chosen."""

    title = _("status")
    parameter_name = "status"
    default = RequestStatus.OPEN

    def lookups(self, request, model_admin):
        return [*RequestStatus.choices, ("all", _("All"))]

    def current(self, request) -> str:
        return self.value() or ("all" if searching(request) else self.default)

    def queryset(self, request, queryset):
        value = self.current(request)
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.current(self.request)
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(AppointmentRequestPages):
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
    search_fields = ["last_name", "first_name", "email", "=public_id"]
    date_of_birth_lookup = "date_of_birth"
    search_help_text = SEARCH_HELP
    change_list_template = "admin/clinic/searched_change_list.html"
    list_select_related = ["location", "patient"]
    ordering = ["-is_urgent", "created_at"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [EventInline]
    fields = [
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
        "preferred_days_display",
        "time_windows_display",
        "earliest_date",
        "reason",
        "created_at",
        "verified_at",
    ]
    readonly_fields = [field for field in fields if isinstance(field, str) and field != "is_urgent"]
    change_form_template = "appointments/admin/request_change_form.html"
    actions = ["withdraw_selected", "export_csv"]
    export_exclude = ("book_link",)

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

    @admin.display(description=_("preferred days"))
    def preferred_days_display(self, obj):
        return obj.preferred_days_display

    @admin.display(description=_("time windows"))
    def time_windows_display(self, obj):
        return obj.time_windows_display

    @admin.display(description=_("book"))
    def book_link(self, obj):
        if obj.status != RequestStatus.OPEN:
            return "-"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:appointments_appointmentrequest_book", args=[obj.pk]),
            _("Book"),
        )

    @admin.action(description=_("Withdraw the selected requests"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        done = 0
        for public_id in queryset.values_list("public_id", flat=True):
            try:
                services.appointment_request_withdraw(public_id=public_id, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, validation_error_text(error), messages.WARNING)
        self.message_user(
            request,
            ngettext("%d request withdrawn.", "%d requests withdrawn.", done) % done,
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(Appointment)
class AppointmentAdmin(AppointmentPages):
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
    search_fields = ["=public_id", "patient__last_name", "patient__first_name"]
    date_of_birth_lookup = "patient__date_of_birth"
    search_help_text = SEARCH_HELP
    list_select_related = ["physician", "location", "patient"]
    date_hierarchy = "starts_at"
    show_full_result_count = False
    inlines = [EventInline]
    # No public id or calendar sequence: staff find a visit by patient and day, and the sequence is
    # only the calendar file's revision number (appointments/ics.py).
    readonly_fields = fields = (
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
        "cancel_reason",
        "cancel_note",
        "cancelled_by_patient",
        "other_time_requested_at",
        "booked_by",
        "created_at",
    )
    change_form_template = "appointments/admin/appointment_change_form.html"
    change_list_template = "appointments/admin/appointment_change_list.html"
    actions = ["mark_attended", "mark_no_show", "export_csv"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Every field is read-only (a visit moves through Reschedule, Cancel and the outcome actions),
        so the page is a view with no Save buttons."""
        extra_context = {
            "title": _("View appointment"),
            "show_save": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("safety overrides"))
    def safety_overrides(self, obj):
        return _overrides_html(list(obj.request.safety_overrides.select_related("by")))

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, obj):
        # A datetime, so the list writes it as every other staff date: "Jan. 15, 2027, 9 a.m."
        return timezone.localtime(obj.starts_at)

    def _outcome(self, request, queryset, service, done_message):
        done = 0
        for appointment in queryset.filter(status=AppointmentStatus.BOOKED):
            try:
                service(appointment=appointment, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{appointment}: {validation_error_text(error)}", messages.WARNING)
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
