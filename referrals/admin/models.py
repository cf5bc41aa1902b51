"""The referral queue (filters, columns, search) and the referring providers' list."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.admin import StaffAlertInline
from clinic.core.clinical import red_flags as red_flag_rules
from clinic.core.forms import validation_error_text
from referrals import services
from referrals.models import OPEN_STATUSES, Referral, ReferralStatus, ReferringProvider

from .pages import ReferralPages, ReferringProviderPages

S = ReferralStatus


class ProviderVerifiedFilter(admin.SimpleListFilter):
    title = _("verified provider")
    parameter_name = "provider_verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Awaiting provider verification"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(provider__verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(provider__verified_at__isnull=True)
        return queryset


class RedFlagFilter(admin.SimpleListFilter):
    title = _("red flags")
    parameter_name = "red_flag"

    def lookups(self, request, model_admin):
        return [
            ("any", _("Any finding")),
            *[
                (tier.value, red_flag_rules.TIER_LABELS[tier])
                for tier in red_flag_rules.TIERS_MOST_SEVERE_FIRST
            ],
        ]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.exclude(red_flag_tier="")
        if self.value() in {tier.value for tier in red_flag_rules.Tier}:
            return queryset.filter(red_flag_tier=self.value())
        return queryset


class WorklistFilter(admin.SimpleListFilter):
    title = _("worklist")
    parameter_name = "worklist"

    def lookups(self, request, model_admin):
        return [
            ("new", _("New (submitted or under review)")),
            ("to_book", _("Accepted, not yet booked")),
            ("open", _("All open")),
            ("held", _("Held: provider not yet verified")),
        ]

    def queryset(self, request, queryset):
        # Held referrals wait in their own list until staff verify the provider.
        return {
            "new": lambda: queryset.not_held().filter(status__in=[S.SUBMITTED, S.UNDER_REVIEW]),
            "to_book": lambda: queryset.not_held().filter(status=S.ACCEPTED),
            "open": lambda: queryset.not_held().filter(
                status__in=[S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.SCHEDULED]
            ),
            "held": lambda: queryset.held().filter(status__in=OPEN_STATUSES),
        }.get(self.value() or "", lambda: queryset)()


class AgingWithoutBookingFilter(admin.SimpleListFilter):
    """The front desk's "referrals aging without a booking": still open, no visit booked, old."""

    title = _("aging without a booking")
    parameter_name = "aging"
    DAYS = (7, 14, 30)
    NOT_BOOKED = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED)

    def lookups(self, request, model_admin):
        label = _("Waiting over %(days)s days, not booked")
        return [(str(days), label % {"days": days}) for days in self.DAYS]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None or value not in {str(days) for days in self.DAYS}:
            return queryset
        cutoff = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.not_held().filter(status__in=self.NOT_BOOKED, submitted_at__lt=cutoff)


@admin.register(Referral)
class ReferralAdmin(ReferralPages):
    list_display = [
        "number",
        "flags",
        "patient_name_display",
        "patient_date_of_birth",
        "requested_service",
        "status",
        "provider_display",
        "provider_verified",
        "submitted_on",
        "waiting",
    ]
    list_display_links = ["number", "patient_name_display"]
    list_filter = [
        WorklistFilter,
        AgingWithoutBookingFilter,
        "status",
        "urgency",
        "requested_service",
        "location",
        ProviderVerifiedFilter,
        RedFlagFilter,
    ]
    search_fields = ["number", "patient_last_name", "patient_first_name", "=provider__npi"]
    date_of_birth_lookup = "patient_date_of_birth"
    search_help_text = _(
        "Patient name, date of birth (01/05/1980, 1/5/80, 1980-01-05, Jan 5 1980: month first), "
        "referral number or NPI."
    )
    change_list_template = "admin/clinic/searched_change_list.html"
    list_select_related = ["provider", "location"]
    ordering = ["queue_priority", "submitted_at"]
    raw_id_fields = ["provider", "patient", "location"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["mark_under_review", "export_csv"]
    inlines = [StaffAlertInline]
    change_form_template = "admin/referrals/referral/change_form.html"

    # --- the queue ---

    @admin.display(description=_("flags"), ordering="queue_priority")
    def flags(self, obj):
        return render_to_string(
            "admin/referrals/referral/_flags_cell.html", {"tier": obj.red_flag_tier, "urgency": obj.urgency}
        )

    @admin.display(description=_("patient"), ordering="patient_last_name")
    def patient_name_display(self, obj):
        return f"{obj.patient_last_name}, {obj.patient_first_name}"

    @admin.display(description=_("referrer"), ordering="provider__last_name")
    def provider_display(self, obj):
        return f"{obj.provider.last_name} (NPI {obj.provider.npi})"

    @admin.display(description=_("provider verified"), boolean=True)
    def provider_verified(self, obj):
        return obj.provider.verified_at is not None

    # Urgency shows in the flags column; a date (not date and time) keeps the status in view.
    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted_on(self, obj):
        return date_format(timezone.localtime(obj.submitted_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("waiting"))
    def waiting(self, obj):
        days = obj.time_waiting.days
        return ngettext("%d day", "%d days", days) % days

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider__user", "patient", "location")

    # --- permissions: the content is the referrer's; staff change it only through actions ---

    def has_triage_permission(self, request):
        return request.user.has_perm("referrals.triage_referral")

    @admin.action(description=_("Mark the selected referrals under review"), permissions=["triage"])
    def mark_under_review(self, request, queryset):
        moved, refused = 0, []
        for referral in queryset:
            try:
                services.referral_mark_under_review(referral=referral, by=request.user)
                moved += 1
            except ValidationError as error:
                refused.append(validation_error_text(error))
        if moved:
            self.message_user(
                request,
                ngettext("%d referral marked under review.", "%d referrals marked under review.", moved)
                % moved,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("email confirmed")
    parameter_name = "email_verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(email_verified_at__isnull=self.value() == "no")
        return queryset


class VerifiedFilter(ProviderVerifiedFilter):
    title = _("verified by the clinic")
    parameter_name = "verified"

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(verified_at__isnull=self.value() == "no")
        return queryset


@admin.register(ReferringProvider)
class ReferringProviderAdmin(ReferringProviderPages):
    list_display = [
        "last_name",
        "first_name",
        "credentials",
        "npi",
        "practice_name",
        "email_display",
        "email_confirmed",
        "verified",
        "created_at",
    ]
    list_filter = [VerifiedFilter, EmailVerifiedFilter, "state"]
    search_fields = ["=npi", "last_name", "first_name", "practice_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "email_verified_at", "verified_at", "verified_by", "created_at"]
    actions = ["verify_providers"]
    show_full_result_count = False
    change_form_template = "admin/referrals/referringprovider/change_form.html"

    @admin.display(description=_("email"), ordering="user__email")
    def email_display(self, obj):
        return obj.user.email

    @admin.display(description=_("email confirmed"), boolean=True)
    def email_confirmed(self, obj):
        return obj.email_verified_at is not None

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def verified(self, obj):
        return obj.verified_at is not None

    def has_add_permission(self, request):
        # Providers register themselves on the site.
        return False

    @admin.action(description=_("Verify the selected referring providers"), permissions=["verify"])
    def verify_providers(self, request, queryset):
        verified = sum(services.referring_provider_verify(provider=p, by=request.user) for p in queryset)
        self.message_user(
            request,
            ngettext("%d provider verified.", "%d providers verified.", verified) % verified,
            messages.SUCCESS,
        )
