from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .emails import email_retry
from .models import Location, OutboundEmail, Patient

admin.site.site_header = _("Pain Clinic Portal: staff")
admin.site.site_title = _("Pain Clinic Portal")
admin.site.index_title = _("Worklists and records")

_MAX_PK = 2**63 - 1


class RefuseTamperedSelectionMixin:
    """Django's admin turns a tampered action selection (an id that is not a number) into a 500."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(value.isdigit() and int(value) <= _MAX_PK for value in selected):
            message = _("The selection is not valid: please tick the rows again.")
            self.message_user(request, message, messages.ERROR)
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset)


class ClinicModelAdmin(RefuseTamperedSelectionMixin, admin.ModelAdmin):
    """The base of every ModelAdmin in the portal."""

    show_full_result_count = False


class ReadOnlyModelAdmin(ClinicModelAdmin):
    """Records staff read but change only through the actions, which call services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(RefuseTamperedSelectionMixin, UserAdmin):
    pass


@admin.register(Group)
class RoleAdmin(RefuseTamperedSelectionMixin, GroupAdmin):
    pass


# django-axes' pages (sign-in lockouts), with the same guard: administrators unlock people here.
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_model_admin.__name__, (RefuseTamperedSelectionMixin, _model_admin), {}))


@admin.register(Patient)
class PatientAdmin(ClinicModelAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "email", "phone", "preferred_language"]
    list_filter = ["preferred_language", "sex_at_birth"]
    search_fields = ["last_name", "first_name", "email", "=date_of_birth"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    show_full_result_count = False


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
    fields = [
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
    ]
    readonly_fields = fields
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
