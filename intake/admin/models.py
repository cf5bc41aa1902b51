"""The intake list and the intake page: read-only, with the flags, scores and answers staff need."""

from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.admin import StaffAlertInline
from clinic.core.clinical.procedure_safety import DEVICES_BY_KEY
from clinic.core.clinical.red_flags import TIER_LABELS, TIERS_MOST_SEVERE_FIRST
from clinic.core.models import SafetyScreenRecord, StaffAlert
from clinic.core.roles import CLINICAL_DETAIL_PERMISSION
from clinic.core.status import StatusMoveRefused
from clinic.core.templatetags.tiers import red_flag_findings
from intake import selectors, services
from intake.instruments import dn4
from intake.instruments.base import ScoreStatus
from intake.instruments.registry import INSTRUMENTS
from intake.models import Intake, IntakeEvent, IntakeStatus
from intake.views import card_url

from .actions import patients_invite
from .pages import IntakePages

HEADLINE_CODES = ("peg", "phq9", "gad7", "odi", "ndi", "start_back", "promis_pi_4a")

SCORE_STATUS_LABELS = {
    ScoreStatus.SCORED: _("Scored"),
    ScoreStatus.SCORED_PRORATED: _("Scored (prorated for a missing item)"),
    ScoreStatus.NOT_SCORED_MISSING_ITEM: _("Not scored: an item is missing"),
    ScoreStatus.NOT_SCORED_TOO_MANY_MISSING: _("Not scored: too many items missing"),
}


def instrument_title(code: str) -> str:
    """The instrument's title from the registry; the code only for one no longer in it."""
    instrument = INSTRUMENTS.get(code)
    return str(instrument.title) if instrument else code


class FlagFilter(admin.SimpleListFilter):
    title = _("flags")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        crisis = (
            [("crisis", _("PHQ-9 item 9 positive"))] if model_admin.reads_clinical_detail(request) else []
        )
        return [
            *[(tier.value, TIER_LABELS[tier]) for tier in TIERS_MOST_SEVERE_FIRST],
            *crisis,
            ("safety", _("Procedure-safety flags")),
            ("unacknowledged", _("Alert not acknowledged")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "crisis" and not request.user.has_perm(CLINICAL_DETAIL_PERMISSION):
            return queryset.none()
        if value in {"emergency", "urgent", "flag"}:
            return queryset.filter(red_flag_tier=value)
        if value == "crisis":
            return queryset.filter(crisis_flag=True)
        if value == "safety":
            return queryset.exclude(safety_flags=[])
        if value == "unacknowledged":
            open_alerts = StaffAlert.objects.visible_to(request.user).filter(acknowledged_at__isnull=True)
            return queryset.filter(alerts__in=open_alerts).distinct()
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IntakeEventInline(ReadOnlyInline):
    model = IntakeEvent
    readonly_fields = fields = ("created_at", "from_status", "to_status", "actor", "note")


@admin.register(Intake)
class IntakeAdmin(IntakePages):
    """Read-only for everyone: the patient's answers are changed only by the patient, through services."""

    list_display = ["name", "date_of_birth", "status", "submitted_at", "flags", "headline_scores"]
    list_filter = ["status", FlagFilter, "submitted_at"]
    search_fields = ["last_name", "first_name", "email"]
    date_of_birth_lookup = "date_of_birth"
    search_help_text = _(
        "Patient name, email or date of birth (01/05/1980, 1/5/80, 1980-01-05, Jan 5 1980: month first)."
    )
    change_list_template = "admin/clinic/searched_change_list.html"
    list_select_related = ["patient"]
    raw_id_fields = ["patient", "invited_by", "reviewed_by", "insurance_card_front", "insurance_card_back"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ["mark_reviewed", "send_invitation_again", "export_csv"]
    inlines = [StaffAlertInline, IntakeEventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status",
                    "submitted_at",
                    "reviewed_at",
                    "reviewed_by",
                    "patient",
                    "created_at",
                    "expires_at",
                ]
            },
        ),
        (_("Flags"), {"fields": ["red_flags_display", "crisis_display", "safety_flags_display"]}),
        (_("Scores"), {"fields": ["scores_display", "dn4_display"]}),
        (
            _("About the patient"),
            {
                "fields": [
                    "name",
                    "date_of_birth",
                    "sex_at_birth",
                    "email",
                    "email_verified_at",
                    "phone",
                    "address_display",
                ]
            },
        ),
        (_("Pain"), {"fields": ["body_map_display"]}),
        (
            _("Medications, allergies, devices"),
            {"fields": ["medications_display", "allergies_display", "devices_display"]},
        ),
        (_("Insurance card"), {"fields": ["insurance_cards_display"]}),
        (_("Every answer"), {"fields": ["answers_display", "questionnaire_answers_display"]}),
        (_("Consent"), {"fields": ["consent_name", "consent_privacy", "consent_financial", "consent_date"]}),
    ]
    readonly_fields = [
        "status", "submitted_at", "reviewed_at", "reviewed_by", "patient", "created_at", "expires_at",
        "red_flags_display", "crisis_display", "safety_flags_display", "scores_display", "dn4_display",
        "name", "date_of_birth",
        "sex_at_birth", "email", "email_verified_at", "phone", "address_display", "body_map_display",
        "medications_display", "allergies_display", "devices_display", "insurance_cards_display",
        "answers_display", "questionnaire_answers_display", "consent_name", "consent_privacy",
        "consent_financial", "consent_date",
    ]  # fmt: skip

    def get_queryset(self, request):
        return selectors.intake_admin_queryset(super().get_queryset(request))

    # --- minimum necessary: the clinical parts are for those allowed to read them ---------------

    CLINICAL_FIELDS = frozenset(
        {
            "crisis_display", "scores_display", "dn4_display", "body_map_display", "medications_display",
            "allergies_display", "devices_display", "answers_display", "questionnaire_answers_display",
        }
    )  # fmt: skip

    @staticmethod
    def reads_clinical_detail(request) -> bool:
        return request.user.has_perm(CLINICAL_DETAIL_PERMISSION)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.reads_clinical_detail(request):
            return fieldsets
        kept = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self.CLINICAL_FIELDS]})
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in kept if options["fields"]]

    def get_list_display(self, request):
        if self.reads_clinical_detail(request):
            return self.list_display
        return ["name", "date_of_birth", "status", "submitted_at", "scheduling_flags"]

    def get_export_fields(self, request):
        fields = super().get_export_fields(request)
        if self.reads_clinical_detail(request):
            return fields
        clinical = self.CLINICAL_FIELDS | {"flags", "headline_scores"}  # PHQ-9 item 9, the scores
        return [name for name in fields if name not in clinical]

    def has_review_permission(self, request):
        return request.user.has_perm("intake.review_intake")

    def has_invite_permission(self, request):
        return request.user.has_perm("intake.add_intake")

    # --- list columns -----------------------------------------------------------------------------

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj: Intake) -> str:
        return f"{obj.last_name}, {obj.first_name}"

    @admin.display(description=_("flags"))
    def flags(self, obj: Intake):
        return render_to_string(
            "admin/intake/intake/_flags_cell.html",
            {
                "tier": obj.red_flag_tier,
                "crisis": obj.crisis_flag,
                "safety_count": len(obj.safety_flags),
                "dn4_due": selectors.dn4_examination_due(obj),
            },
        )

    @admin.display(description=_("flags"))
    def scheduling_flags(self, obj: Intake):
        """The flags a booking needs: red-flag urgency and the procedure-safety screen."""
        return render_to_string(
            "admin/intake/intake/_flags_cell.html",
            {
                "tier": obj.red_flag_tier,
                "crisis": False,
                "safety_count": len(obj.safety_flags),
                "dn4_due": False,
            },
        )

    @admin.display(description=_("headline scores"))
    def headline_scores(self, obj: Intake) -> str:
        by_code = {response.code: response for response in obj.responses.all()}
        parts = []
        for code in HEADLINE_CODES:
            response = by_code.get(code)
            if response is not None and response.total is not None:
                band = f" ({response.band})" if response.band else ""
                parts.append(f"{instrument_title(code)} {response.display_total}{band}")
        return " · ".join(parts) or "—"

    # --- detail -----------------------------------------------------------------------------------

    @admin.display(description=_("red flags"))
    def red_flags_display(self, obj: Intake):
        return render_to_string("includes/red_flag_findings.html", red_flag_findings(obj.red_flags))

    @admin.display(description=_("PHQ-9 item 9"))
    def crisis_display(self, obj: Intake) -> str:
        return "POSITIVE: crisis resources were shown; staff alerted" if obj.crisis_flag else "—"

    @admin.display(description=_("procedure-safety flags"))
    def safety_flags_display(self, obj: Intake):
        """The intake's stored safety screen, the same record the booking check reads."""
        record = SafetyScreenRecord.objects.filter(
            source=SafetyScreenRecord.Source.INTAKE, source_id=obj.public_id
        ).first()
        return render_to_string("includes/safety_screen.html", {"safety_screen": record})

    @admin.display(description=_("scores"))
    def scores_display(self, obj: Intake):
        responses = list(obj.responses.all())
        if not responses:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    instrument_title(r.code),
                    r.version,
                    r.display_total,
                    r.band or "—",
                    SCORE_STATUS_LABELS.get(r.status, r.status),  # type: ignore[call-overload]
                    ", ".join(r.flags) or "—",
                )
                for r in responses
            ),
        )
        return format_html(
            "<table><thead><tr><th>Instrument</th><th>Version</th><th>Total</th><th>Band</th><th>Status</th>"
            "<th>Flags</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description=_("DN4 examination"))
    def dn4_display(self, obj: Intake):
        by_code = {response.code: response for response in obj.responses.all()}
        if full := by_code.get(dn4.CODE):
            return format_html(
                "{} {}/10 ({}) — {}",
                _("DN4 recorded:"),
                full.display_total,
                full.band,
                _("examined by %(who)s") % {"who": full.details.get("examined_by", "—")},
            )
        if selectors.dn4_examination_due(obj):
            return format_html(
                '<strong class="dn4-due">{}</strong>',
                _(
                    "DN4-interview %(total)s/7 (3 or more): examine DN4 items 8-10 at the visit "
                    '(a clinician records them with "Record the DN4 examination" above).'
                )
                % {"total": by_code[dn4.INTERVIEW_CODE].display_total},
            )
        return "—"

    @admin.display(description=_("address"))
    def address_display(self, obj: Intake) -> str:
        return (
            ", ".join(
                p for p in (obj.address_line1, obj.address_line2, obj.city, obj.state, obj.postal_code) if p
            )
            or "—"
        )

    @admin.display(description=_("body map regions"))
    def body_map_display(self, obj: Intake) -> str:
        return ", ".join(selectors.body_region_labels(obj)) or "—"

    @admin.display(description=_("medications"))
    def medications_display(self, obj: Intake):
        meds = list(obj.medications.all())
        if not meds:
            return "—"
        return format_html(
            "<table><thead><tr><th>Medicine</th><th>Dose</th><th>How often</th><th>Read as</th>"
            "<th>Class</th><th>Recognition</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><strong>{}</strong></td>"
                "<td>{}</td></tr>",
                (
                    (m.name, m.dose, m.frequency, m.generic or "—", m.drug_class or "—",
                     m.get_recognition_display() or "—")
                    for m in meds
                ),
            ),
        )  # fmt: skip

    @admin.display(description=_("allergies"))
    def allergies_display(self, obj: Intake):
        rows = [(a.substance, a.reaction, ", ".join(a.categories)) for a in obj.allergies.all()]
        meds = obj.step_answers("medications")
        for key in meds.get("allergy_categories", []):
            rows.append((key, meds.get("allergy_reactions", ""), key))
        if not rows:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — reaction: {} [{}]</li>", rows))

    @admin.display(description=_("implanted devices"))
    def devices_display(self, obj: Intake) -> str:
        history = obj.step_answers("history")
        labels = [
            DEVICES_BY_KEY[key].staff_label for key in history.get("devices", []) if key in DEVICES_BY_KEY
        ]
        if history.get("pacemaker_dependent"):
            labels.append("pacemaker-dependent")
        details = history.get("device_details")
        return ("; ".join(labels) + (f" — {details}" if details else "")) if labels else "—"

    @admin.display(description=_("insurance card photos"))
    def insurance_cards_display(self, obj: Intake):
        parts = [
            format_html(
                '<a href="{0}"><img src="{0}" alt="{1}" height="160"></a>', card_url(obj, side), label
            )
            for side, label, upload in (
                ("front", _("Front of card"), obj.insurance_card_front_id),
                ("back", _("Back of card"), obj.insurance_card_back_id),
            )
            if upload
        ]
        return format_html_join(" ", "{}", ((p,) for p in parts)) if parts else "—"

    @admin.display(description=_("answers by step"))
    def answers_display(self, obj: Intake):
        return format_html_join(
            "",
            "<h4>{}</h4><dl>{}</dl>",
            (
                (summary["step"].title, format_html_join("", "<dt>{}</dt><dd>{}</dd>", summary["rows"]))
                for summary in selectors.step_summaries(obj)
                if summary["rows"] is not None
            ),
        )

    @admin.display(description=_("questionnaire answers"))
    def questionnaire_answers_display(self, obj: Intake):
        return format_html_join(
            "",
            "<h4>{} (v{})</h4><ol>{}</ol>",
            (
                (
                    s["title"],
                    s["response"].version,
                    format_html_join("", "<li>{}: <strong>{}</strong></li>", s["rows"]),
                )
                for s in selectors.questionnaire_summaries(obj)
            ),
        )

    # --- actions ----------------------------------------------------------------------------------

    @admin.action(description=_("Mark the selected intakes reviewed"), permissions=["review"])
    def mark_reviewed(self, request, queryset):
        done = 0
        for intake in queryset.filter(status=IntakeStatus.SUBMITTED):
            try:
                services.intake_mark_reviewed(intake=intake, reviewed_by=request.user)
            except StatusMoveRefused:
                continue  # reviewed by someone else since the list was shown
            done += 1
        skipped = queryset.count() - done
        message = ngettext("%d intake marked reviewed.", "%d intakes marked reviewed.", done) % done
        if skipped:
            message += (
                " "
                + ngettext(
                    "%d skipped (only submitted intakes can be marked reviewed).",
                    "%d skipped (only submitted intakes can be marked reviewed).",
                    skipped,
                )
                % skipped
            )
        self.message_user(request, message, messages.SUCCESS if done else messages.WARNING)

    @admin.action(description=_("Send the invitation email again"), permissions=["invite"])
    def send_invitation_again(self, request, queryset):
        drafts = queryset.filter(status=IntakeStatus.DRAFT).exclude(patient=None).select_related("patient")
        patients_invite(self, request, [intake.patient for intake in drafts])
