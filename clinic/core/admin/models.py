"""The core's records: patients, locations, outbound email and staff alerts."""

from typing import cast

from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.alerts import staff_alert_acknowledge, staff_alert_escalation_due_at
from clinic.core.audit import audit_readable
from clinic.core.emails import email_retry
from clinic.core.models import Location, OutboundEmail, Patient, StaffAlert, StaffAlertQuerySet
from clinic.core.roles import CLINICAL_DETAIL_PERMISSION

from .base import ClinicModelAdmin
from .pages import StaffAlertPages


@admin.register(Patient)
class PatientAdmin(ClinicModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "date_of_birth",
        "email",
        "phone_display",
        "preferred_language",
    ]
    list_filter = ["preferred_language", "sex_at_birth"]
    search_fields = ["last_name", "first_name", "email", "=date_of_birth"]
    readonly_fields = ["created_at", "updated_at"]  # not the public id: staff find a patient by name
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and audit_readable(request.user):
            fields.append("audit_links")
        return fields

    @admin.display(description=_("mobile phone"), ordering="phone")
    def phone_display(self, obj: Patient) -> str:
        """As the other staff pages write it: (518) 555-0100, not +15185550100."""
        return obj.phone.as_national if obj.phone else "-"

    @admin.display(description=_("audit"))
    def audit_links(self, obj: Patient):
        return format_html(
            '<a href="{}?patient={}">{}</a> · <a href="{}?patient={}">{}</a>',
            reverse("admin:clinic_recordview_changelist"),
            obj.pk,
            _("Who viewed this patient's records"),
            reverse("admin:auditlog_logentry_changelist"),
            obj.pk,
            _("Changes to this patient's records"),
        )


@admin.register(Location)
class LocationAdmin(ClinicModelAdmin):
    list_display = ["name", "city", "state", "phone", "is_active"]
    list_filter = ["is_active", "state"]
    search_fields = ["name", "city"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ClinicModelAdmin):
    """Delivery state only: the body and its context are never shown here."""

    list_display = ["template", "to", "status", "attempts", "created_at", "sent_at", "send_after"]
    list_filter = ["status", "template"]
    search_fields = ["to", "idempotency_key"]
    readonly_fields = fields = (
        "public_id",
        "template",
        "to",
        "status",
        "attempts",
        "last_error",
        "send_after",
        "last_queued_at",
        "sent_at",
        "created_at",
    )
    actions = ["retry_failed"]
    show_full_result_count = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed emails"), permissions=["change"])
    def retry_failed(self, request, queryset):
        failed_ids = list(queryset.filter(status=OutboundEmail.Status.FAILED).values_list("pk", flat=True))
        for email_id in failed_ids:
            email_retry(email_id=email_id)
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", len(failed_ids)) % len(failed_ids),
            messages.SUCCESS if failed_ids else messages.WARNING,
        )


@admin.register(StaffAlert)
class StaffAlertAdmin(StaffAlertPages):
    """The alerts of every app (intakes, referrals); each links to the page of what raised it."""

    list_display = [
        "created_at",
        "alert_display",
        "subject_link",
        "acknowledged_at",
        "acknowledged_by",
        "escalated_at",
    ]
    list_filter = [
        ("acknowledged_at", admin.EmptyFieldListFilter),
        ("escalated_at", admin.EmptyFieldListFilter),
        "kind",
        "tier",
    ]
    readonly_fields = fields = (
        "alert_display",
        "summary",
        "subject_link",
        "created_at",
        "escalation_due_display",
        "escalated_at",
        "acknowledged_at",
        "acknowledged_by",
    )
    actions = ["acknowledge"]
    show_full_result_count = False
    change_form_template = "admin/clinic/staffalert/change_form.html"

    def get_list_filter(self, request):
        # Those who see one kind only have nothing to filter by kind.
        sees_every_kind = request.user.has_perm(CLINICAL_DETAIL_PERMISSION)
        return [f for f in self.list_filter if f != "kind" or sees_every_kind]

    def get_queryset(self, request):
        queryset = cast(StaffAlertQuerySet, super().get_queryset(request)).visible_to(request.user)
        return queryset.select_related("content_type", "acknowledged_by").prefetch_related("subject")

    @admin.display(description=_("alert"), ordering="tier")
    def alert_display(self, obj: StaffAlert):
        return render_to_string("includes/staff_alert_badge.html", {"alert": obj})

    @admin.display(description=_("raised on"))
    def subject_link(self, obj: StaffAlert):
        content_type = obj.content_type
        url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.object_id])
        model = content_type.model_class()
        label = f"{model._meta.verbose_name}: {obj.subject}" if model and obj.subject else "—"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("escalated if not acknowledged by"))
    def escalation_due_display(self, obj: StaffAlert):
        return date_format(timezone.localtime(staff_alert_escalation_due_at(obj)), "DATETIME_FORMAT")

    @admin.action(description=_("Acknowledge the selected alerts"), permissions=["acknowledge"])
    def acknowledge(self, request, queryset):
        done = sum(staff_alert_acknowledge(alert=alert, user=request.user) for alert in queryset)
        self.message_user(request, ngettext("%d alert acknowledged.", "%d alerts acknowledged.", done) % done)
