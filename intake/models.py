"""The new-patient intake: one Intake per questionnaire, its answers, scores, alerts and history.

Step answers that are only ever read back as a whole live in `Intake.answers` (JSON keyed by
step); what staff search, filter or screen on has its own column or row (demographics, status,
medications, allergies, instrument responses, alerts).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from clinic.core.models import (
    ContactMethod,
    Language,
    PatientRecord,
    PublicModel,
    SexAtBirth,
    StaffAlert,
    person_label,
)
from clinic.core.person import PersonNameField, USStateField, ZIPCodeField
from clinic.core.status import StatusMoves


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    EXPIRED = "expired", _("Expired")


class IntakeStep(models.TextChoices):
    """The eight steps in the order the patient answers them (DESIGN.md §1.1): the keys of
    `Intake.answers` and `Intake.completed_steps`. `intake.steps` gives each its form and pages."""

    ABOUT = "about", _("About you")
    INSURANCE = "insurance", _("Insurance")
    PAIN = "pain", _("Your pain")
    TREATMENTS = "treatments", _("Treatments so far")
    MEDICATIONS = "medications", _("Medications and allergies")
    HISTORY = "history", _("Health history")
    QUESTIONNAIRES = "questionnaires", _("Questionnaires")
    GOALS = "goals", _("Goals of care")


# The only moves a status may make; every move writes an IntakeEvent.
INTAKE_MOVES = StatusMoves(
    IntakeStatus,
    {
        IntakeStatus.DRAFT: frozenset({IntakeStatus.SUBMITTED, IntakeStatus.EXPIRED}),
        IntakeStatus.SUBMITTED: frozenset({IntakeStatus.REVIEWED}),
        IntakeStatus.REVIEWED: frozenset(),
        IntakeStatus.EXPIRED: frozenset(),
    },
    refused=_("This questionnaire is “%(from)s” and cannot become “%(to)s”."),
)


class IntakeQuerySet(models.QuerySet):
    def open_drafts(self, *, now=None) -> "IntakeQuerySet":
        """Drafts the patient can still change: not submitted and not past their expiry, whether or
        not the nightly sweep has marked them expired yet (the same rule as `Intake.is_open`)."""
        return self.filter(status=IntakeStatus.DRAFT, expires_at__gt=now or timezone.now())


class Intake(PatientRecord, PublicModel):
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="intakes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IntakeStatus, default=IntakeStatus.DRAFT, db_index=True
    )
    # About you (step 1), the PERSON_FIELDS of a Patient: columns, because staff search them.
    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex_at_birth = models.CharField(_("sex assigned at birth"), max_length=10, choices=SexAtBirth, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, default=Language.ENGLISH
    )
    email = models.EmailField(_("email"))
    phone = PhoneNumberField(_("mobile phone"), blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = USStateField(_("state"), blank=True)
    postal_code = ZIPCodeField(_("ZIP code"), blank=True)

    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Steps 2-8, keyed by step slug: {"insurance": {...}, "pain": {...}, ...}.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    completed_steps = models.JSONField(_("completed steps"), default=list, blank=True)
    insurance_card_front = models.ForeignKey(
        "clinic.Upload", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    insurance_card_back = models.ForeignKey(
        "clinic.Upload", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body_regions = models.JSONField(_("body map regions"), default=list, blank=True)
    # Computed from the answers by the services, for staff; never typed by anyone.
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    red_flag_tier = models.CharField(_("highest red-flag tier"), max_length=10, blank=True, db_index=True)
    safety_flags = models.JSONField(_("safety flags"), default=list, blank=True)
    crisis_flag = models.BooleanField(_("PHQ-9 item 9 positive"), default=False, db_index=True)
    alerts = GenericRelation(StaffAlert, related_query_name="intake")

    consent_name = PersonNameField(_("signature (typed name)"), max_length=200, blank=True)
    consent_privacy = models.BooleanField(_("privacy notice acknowledged"), default=False)
    consent_financial = models.BooleanField(_("financial policy acknowledged"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)

    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    expires_at = models.DateTimeField(_("draft expires"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-created_at"]
        permissions = [
            ("review_intake", "Can mark an intake reviewed"),
            ("examine_intake", "Can record the clinician's DN4 examination (items 8-10)"),
            (
                "view_clinical_intake",
                "Can read an intake's clinical answers (scores, pain, medicines, history)",
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name", "date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["submitted", "reviewed"])
                | models.Q(submitted_at__isnull=False),
                name="intake_submitted_has_submitted_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="reviewed") | models.Q(reviewed_at__isnull=False),
                name="intake_reviewed_has_reviewed_at",
            ),
        ]

    def __str__(self) -> str:
        person = person_label(self.last_name, self.first_name, self.date_of_birth)
        return f"{person} - {self.get_status_display()}"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.patient_id, person_label(self.last_name, self.first_name, self.date_of_birth)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def consent_name_matches(self, typed: str) -> bool:
        """The typed signature is the patient's name, whatever its case and spacing."""

        def normal(text: str) -> str:
            return " ".join(text.casefold().split())

        return normal(typed) == normal(self.full_name)

    def missing_steps(self) -> list[str]:
        """The steps not yet saved whole, in order; the intake is submitted only when there are none."""
        return [step for step in IntakeStep.values if step not in self.completed_steps]

    @property
    def is_open(self) -> bool:
        """The patient can still change it (the same rule as `IntakeQuerySet.open_drafts`)."""
        return self.status == IntakeStatus.DRAFT and self.expires_at > timezone.now()

    @property
    def has_expired(self) -> bool:
        """Left unfinished until it closed: marked expired, or a draft past its expiry that the nightly
        sweep has not reached yet."""
        return self.status == IntakeStatus.EXPIRED or (self.status == IntakeStatus.DRAFT and not self.is_open)

    @property
    def needs_emergency_guidance(self) -> bool:
        return self.red_flag_tier == "emergency"

    @property
    def needs_urgent_guidance(self) -> bool:
        return self.red_flag_tier == "urgent"

    def step_answers(self, step: str) -> dict:
        return self.answers.get(step, {})


class IntakeEvent(models.Model):
    """One status move, with who (a staff user, or none for the patient or the system) and when."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=IntakeStatus, blank=True)
    to_status = models.CharField(max_length=10, choices=IntakeStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intake event")
        verbose_name_plural = _("intake events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class MedicationRecognition(models.TextChoices):
    RECOGNISED = "recognised", _("recognised")
    # Read through a typo and not yet confirmed by the patient: counted by the safety screen.
    NEAR_MATCH = "near_match", _("near-match, not confirmed: check")
    CONFIRMED = "confirmed", _("near-match confirmed by the patient")
    UNRECOGNISED = "unrecognised", _("not recognised: check")


class Medication(PatientRecord, models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="medications")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("medicine"), max_length=200)
    dose = models.CharField(_("dose"), max_length=100, blank=True)
    frequency = models.CharField(_("how often"), max_length=100, blank=True)
    # Read by clinic.core.clinical.medicines from the name as typed: drug_key is the row of the
    # procedure-safety table (blank for a drug outside the classes that matter there).
    drug_key = models.CharField(_("recognised drug"), max_length=50, blank=True)
    drug_class = models.CharField(_("antithrombotic class"), max_length=30, blank=True)
    generic = models.CharField(_("read as"), max_length=200, blank=True)
    recognition = models.CharField(
        _("recognition"), max_length=20, choices=MedicationRecognition.choices, blank=True
    )

    class Meta:
        verbose_name = _("medication")
        verbose_name_plural = _("medications")
        ordering = ["intake", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    def audit_patient(self) -> tuple[int | None, str]:
        return self.intake.audit_patient()

    @property
    def needs_staff_check(self) -> bool:
        return self.recognition in {MedicationRecognition.UNRECOGNISED, MedicationRecognition.NEAR_MATCH}


class Allergy(PatientRecord, models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="allergies")
    position = models.PositiveSmallIntegerField(default=0)
    substance = models.CharField(_("allergic to"), max_length=200)
    reaction = models.CharField(_("reaction"), max_length=200, blank=True)
    categories = models.JSONField(_("recognised categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("allergy")
        verbose_name_plural = _("allergies")
        ordering = ["intake", "position", "pk"]

    def __str__(self) -> str:
        return self.substance

    def audit_patient(self) -> tuple[int | None, str]:
        return self.intake.audit_patient()


# The scoring contract: these totals are integers; PEG, ODI, NDI and PROMIS have one decimal place.
WHOLE_NUMBER_TOTALS = frozenset({"phq9", "gad7", "start_back", "ort_oud", "dn4", "dn4_interview"})


class InstrumentResponse(PatientRecord, models.Model):
    """Raw answers to one questionnaire with the code and version they were given under, and the
    score computed from them by `intake.instruments.score`."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="responses")
    code = models.CharField(_("instrument"), max_length=30)
    version = models.CharField(_("scoring version"), max_length=30)
    wording_version = models.CharField(_("licensed wording version"), max_length=200, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    status = models.CharField(_("score status"), max_length=40)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("band"), max_length=30, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["intake", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "code"], name="intake_response_once_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_total} {self.band}"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.intake.audit_patient()

    @property
    def display_total(self) -> str:
        """As the instrument reports it: whole-number totals without a decimal point."""
        if self.total is None:
            return "—"
        if self.code in WHOLE_NUMBER_TOTALS:
            return str(int(self.total))
        return f"{self.total:.1f}"
