"""The two audit logs, read-only for everyone (superusers included): the changes to patients' records
(django-auditlog's LogEntry) and the views of them (RecordView). Clinic administrators and superusers
read them (clinic.core.roles), filtered by user or by patient, or searched by the patient's name.

Filters put ids in the address, never a name: an audit list's URL says whose record it is about only
when the administrator searched for a name, which is the admin's own search box.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clinic.core.models import Patient, RecordView

from .base import RefuseTamperedSelectionMixin


def _id_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) <= 2**63 - 1 else None


class UserFilter(admin.SimpleListFilter):
    """The staff accounts (a bounded list); a referring provider is found with the search box."""

    title = _("user")
    parameter_name = "user"
    field = "user"

    def lookups(self, request, model_admin):
        selected = _id_or_none(self.value())
        users = get_user_model().objects.filter(Q(is_staff=True) | Q(pk__in=[selected] if selected else []))
        return [(str(user.pk), user.get_username()) for user in users.order_by("username")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{f"{self.field}_id": _id_or_none(self.value())})


class PatientFilter(admin.SimpleListFilter):
    """One patient, reached from the patient's page ("Audit" links) or a row's patient link."""

    title = _("patient")
    parameter_name = "patient"
    lookup = "patient_id"

    def lookups(self, request, model_admin):
        selected = _id_or_none(self.value())
        patient = Patient.objects.filter(pk=selected).first() if selected else None
        return [(str(patient.pk), str(patient))] if patient else []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{self.lookup: _id_or_none(self.value())})


class RecordTypeFilter(admin.SimpleListFilter):
    """The kinds of record audited (auditlog's own filter reads every entry to list them)."""

    title = _("type of record")
    parameter_name = "record_type"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*auditlog.get_models())
        return sorted(((str(ct.pk), str(ct.name)) for ct in types.values()), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(content_type_id=_id_or_none(self.value()))


class ChangeUserFilter(UserFilter):
    field = "actor"


class ChangePatientFilter(PatientFilter):
    lookup = "additional_data__patient_id"


class ReadOnlyAuditAdmin(RefuseTamperedSelectionMixin, admin.ModelAdmin):
    """Nobody adds, changes or deletes an audit row, whatever their permissions."""

    show_full_result_count = False
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _patient_link(changelist: str, patient_id: object, label: str):
    if not label and patient_id is None:
        return "—"
    if _id_or_none(str(patient_id)) is None:
        return label or "—"
    return format_html('<a href="{}?patient={}">{}</a>', reverse(changelist), patient_id, label or patient_id)


@admin.register(RecordView)
class RecordViewAdmin(ReadOnlyAuditAdmin):
    list_display = ["viewed_at", "username", "kind", "record_link", "patient_link", "client_address"]
    list_filter = ["kind", UserFilter, PatientFilter, "viewed_at"]
    search_fields = ["patient_label", "record_label", "username", "search_terms"]
    search_help_text = _("The patient's name as the record gives it, the record, the username or the search.")
    list_select_related = ["content_type"]
    date_hierarchy = "viewed_at"
    readonly_fields = fields = (
        "viewed_at",
        "user",
        "username",
        "kind",
        "content_type",
        "object_id",
        "record_link",
        "patient_link",
        "search_terms",
        "filters",
        "row_count",
        "client_address",
    )

    @admin.display(description=_("record"))
    def record_link(self, obj: RecordView):
        label = f"{obj.content_type.name}: {obj.record_label}"
        if obj.object_id is None:
            return label
        try:
            url = reverse(
                f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id]
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("patient"), ordering="patient_label")
    def patient_link(self, obj: RecordView):
        return _patient_link("admin:clinic_recordview_changelist", obj.patient_id, obj.patient_label)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeLogAdmin(ReadOnlyAuditAdmin, LogEntryAdmin):
    """auditlog's page of changes, with who (or which task), the patient and the address."""

    list_display = ["created", "resource_url", "action", "msg_short", "who", "patient_link", "remote_addr"]
    list_filter = ["action", ChangeUserFilter, ChangePatientFilter, RecordTypeFilter]
    search_fields = ["object_repr", "additional_data", "actor__username", "cid"]
    search_help_text = _("The patient's name, the record, the username or the task.")
    readonly_fields = ["created", "who", "resource_url", "patient_link", "remote_addr", "action", "msg"]
    fieldsets = [
        (None, {"fields": ["created", "who", "remote_addr", "resource_url", "patient_link"]}),
        (_("Changes"), {"fields": ["action", "msg"]}),
    ]

    @admin.display(description=_("who"))
    def who(self, obj: LogEntry):
        if obj.actor_id:
            return self.user_url(obj)
        if obj.cid:
            return _("system (%(task)s)") % {"task": obj.cid}
        if obj.remote_addr:
            return _("not signed in (a patient's link or a public form)")
        return _("system")

    @admin.display(description=_("patient"))
    def patient_link(self, obj: LogEntry):
        data = obj.additional_data if isinstance(obj.additional_data, dict) else {}
        return _patient_link(
            "admin:auditlog_logentry_changelist", data.get("patient_id"), data.get("patient", "")
        )
