"""What every ModelAdmin and inline of the portal builds on."""

from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.core.audit import record_search_log, record_view_log
from clinic.core.models import PatientRecord, StaffAlert, StaffAlertQuerySet
from clinic.core.person import dates_of_birth_in_search

from .exports import CsvExportMixin

_MAX_PK = 2**63 - 1


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class RefuseTamperedSelectionMixin(_AdminBase):
    """Django's admin turns a tampered action selection (an id that is not a number) into a 500."""

    def response_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(value.isdigit() and int(value) <= _MAX_PK for value in selected):
            message = _("The selection is not valid: please tick the rows again.")
            self.message_user(request, message, messages.ERROR)
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset)


class AuditViewsMixin(_AdminBase):
    """Each page of a patient's record is audited as a view (clinic.core.audit), and each search of
    those records, with the words searched for."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # noqa: PLR0917 (Django's signature)
        shows_patient_record = isinstance(obj, PatientRecord) and not add
        if shows_patient_record:
            record_view_log(request=request, record=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        terms = request.GET.get(SEARCH_VAR, "")
        searches_patient_records = issubclass(self.model, PatientRecord)
        if terms.strip() and searches_patient_records:
            record_search_log(request=request, model=self.model, terms=terms)
        return super().changelist_view(request, extra_context)


class DateOfBirthSearchMixin(_AdminBase):
    """A date of birth typed in the search box in any common format (`dates_of_birth_in_search`:
    01/05/1980, 1/5/80, 1980-01-05, "Jan 5 1980", "5 January 1980") finds the patients born that day;
    the other words search the list's `search_fields` as usual."""

    date_of_birth_lookup: str | None = None

    def get_search_results(self, request, queryset, search_term):
        if not self.date_of_birth_lookup:
            return super().get_search_results(request, queryset, search_term)
        dates, rest = dates_of_birth_in_search(search_term)
        if not dates:
            return super().get_search_results(request, queryset, search_term)
        for days in dates:
            queryset = queryset.filter(**{f"{self.date_of_birth_lookup}__in": sorted(days)})
        return super().get_search_results(request, queryset, rest) if rest else (queryset, False)


def searching(request: HttpRequest) -> bool:
    return bool(request.GET.get(SEARCH_VAR, "").strip())


class ActiveFilterLineMixin(_AdminBase):
    """The list names its active filters in a line above the rows, not only in the sidebar; a filter
    applied by default (a list filter with a `default`) is named as such, and is set aside while
    searching (the filter's own queryset does so), which the line says: "Searching all statuses"."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data and "cl" in response.context_data:
            response.context_data["active_filter_line"] = self.active_filter_line(
                request, response.context_data["cl"]
            )
        return response

    def active_filter_line(self, request, changelist) -> str:
        chosen = changelist.get_filters_params()
        named, by_default = [], False
        for spec in changelist.filter_specs:
            explicit = any(param in chosen for param in spec.expected_parameters())
            defaulted = getattr(spec, "default", None) is not None and not explicit and not searching(request)
            if not (explicit or defaulted):
                continue
            labels = [str(choice["display"]) for choice in spec.choices(changelist) if choice.get("selected")]
            named.append(f"{spec.title}: {', '.join(labels)}")
            by_default = by_default or defaulted
        if named:
            line = gettext("Filtered by %(filters)s.") % {"filters": "; ".join(named)}
            if by_default:
                line += " " + gettext("(The default: a search looks across all statuses.)")
            elif searching(request):
                line += " " + gettext("Searching within this filter only.")
            return line
        if searching(request):
            return gettext("Searching all statuses.")
        return gettext("No filter: showing all statuses.")


class ClinicModelAdmin(
    ActiveFilterLineMixin,
    DateOfBirthSearchMixin,
    AuditViewsMixin,
    CsvExportMixin,
    RefuseTamperedSelectionMixin,
    admin.ModelAdmin,
):
    """The base of every ModelAdmin in the portal; a list with "export_csv" among its actions offers
    "Export CSV" (clinic.core.admin.exports)."""

    show_full_result_count = False

    class Media:
        css = {"all": ["css/tiers.css"]}


class ReadOnlyModelAdmin(ClinicModelAdmin):
    """Records staff read but change only through the actions, which call services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffAlertInline(GenericTabularInline):
    """An intake's or a referral's own alerts, on its page (added by the app that owns the page)."""

    model = StaffAlert
    readonly_fields = fields = (
        "alert_display",
        "summary",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
        "escalated_at",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return cast(StaffAlertQuerySet, super().get_queryset(request)).visible_to(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("alert"))
    def alert_display(self, obj: StaffAlert):
        return render_to_string("includes/staff_alert_badge.html", {"alert": obj})
