"""Referrals from primary care: the referring provider, the referral and its lifecycle.

The lifecycle graph is `REFERRAL_MOVES` below; `referrals.services.referral_move` is the only code
that changes `Referral.status`, and every move writes a `ReferralEvent`.
"""

import secrets
from typing import ClassVar, Final

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from clinic.core.models import Language, PatientRecord, PublicModel, SexAtBirth, StaffAlert, person_label
from clinic.core.person import PersonNameField, USStateField, ZIPCodeField
from clinic.core.status import StatusMoves

from .npi import NPIField


class ReferringProvider(PublicModel):
    """A primary-care clinician's account profile. The Django user holds email and password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referring_provider"
    )
    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    credentials = models.CharField(
        _("credentials"), max_length=50, help_text=_("For example MD, DO, NP, PA-C.")
    )
    npi = NPIField(_("NPI"), unique=True)
    practice_name = models.CharField(_("practice name"), max_length=200)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = USStateField(_("state"))
    postal_code = ZIPCodeField(_("ZIP code"))
    phone = PhoneNumberField(_("phone"))
    fax = PhoneNumberField(_("fax"), blank=True)
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified by the clinic"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("referring provider")
        verbose_name_plural = _("referring providers")
        ordering = ["last_name", "first_name"]
        permissions = [("verify_referringprovider", _("Can verify a referring provider"))]

    def __str__(self) -> str:
        return f"{self.display_name} (NPI {self.npi})"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.credentials}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def email_is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def email(self) -> str:
        return self.user.email


class RequestedService(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    EPIDURAL_STEROID_INJECTION = "epidural_steroid_injection", _("Epidural steroid injection")
    FACET_MEDIAL_BRANCH_BLOCK = "facet_medial_branch_block", _("Facet injection / medial branch block")
    RADIOFREQUENCY_ABLATION = "radiofrequency_ablation", _("Radiofrequency ablation")
    SPINAL_CORD_STIMULATOR_EVALUATION = "scs_evaluation", _("Spinal cord stimulator evaluation")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")


class ImagingType(models.TextChoices):
    NONE = "none", _("None")
    XRAY = "xray", _("X-ray")
    MRI = "mri", _("MRI")
    CT = "ct", _("CT")
    OTHER = "other", _("Other")


class DeclineReason(models.TextChoices):
    NOT_INDICATED = "not_indicated", _("Not indicated for interventional pain management")
    NEEDS_CONSERVATIVE_CARE = "needs_conservative_care", _("More conservative care first")
    NEEDS_IMAGING = "needs_imaging", _("Imaging needed before referral")
    BETTER_SERVED_ELSEWHERE = "better_served_elsewhere", _("Better served by another specialty")
    INSURANCE_NOT_ACCEPTED = "insurance_not_accepted", _("Insurance not accepted")
    INCOMPLETE = "incomplete", _("Referral incomplete: please resend with the missing information")
    PATIENT_DECLINED = "patient_declined", _("Patient declined or could not be reached")
    OTHER = "other", _("Other (see note)")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    SEEN = "seen", _("Seen")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


S = ReferralStatus
# The whole lifecycle graph. Declined, cancelled and seen end it.
REFERRAL_MOVES: Final = StatusMoves(
    ReferralStatus,
    {
        S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.ACCEPTED, S.DECLINED, S.CANCELLED}),
        S.UNDER_REVIEW: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
        S.ACCEPTED: frozenset({S.SCHEDULED, S.CANCELLED}),
        S.SCHEDULED: frozenset({S.SEEN, S.CANCELLED}),
        S.SEEN: frozenset(),
        S.DECLINED: frozenset(),
        S.CANCELLED: frozenset(),
    },
    refused=_("Referral %(object)s cannot move from “%(from)s” to “%(to)s”."),
)
# The referrer may cancel only a referral that has not been scheduled.
PROVIDER_CANCELLABLE: Final = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED})
OPEN_STATUSES: Final = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.SCHEDULED})


class QueuePriority(models.IntegerChoices):
    # Lower first in the staff queue.
    EMERGENCY_RED_FLAG = 0, _("Emergency red flag")
    URGENT = 1, _("Urgent or urgent red flag")
    ROUTINE = 2, _("Routine")


# No 0/O or 1/I/L: read aloud on the phone.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_referral_number() -> str:
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"R-{chars[:4]}-{chars[4:]}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    """A referral from a provider the clinic has not verified yet is held: stored, shown to its
    provider, but in no staff worklist until staff verify the provider (then all of theirs are
    released at once, nothing to move)."""

    def held(self) -> "ReferralQuerySet":
        return self.filter(provider__verified_at__isnull=True)

    def not_held(self) -> "ReferralQuerySet":
        return self.filter(provider__verified_at__isnull=False)


class Referral(PatientRecord, PublicModel):
    number = models.CharField(_("referral number"), max_length=12, unique=True, default=new_referral_number)
    provider = models.ForeignKey(
        ReferringProvider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referrer")
    )
    # The form's one-time token: a second submission of the same form finds this referral.
    submission_token = models.UUIDField(unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus, default=S.SUBMITTED)
    queue_priority = models.PositiveSmallIntegerField(
        _("queue priority"), choices=QueuePriority, default=QueuePriority.ROUTINE
    )

    patient = models.ForeignKey(
        "clinic.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("patient record"),
    )
    patient_first_name = PersonNameField(_("patient first name"), max_length=100)
    patient_last_name = PersonNameField(_("patient last name"), max_length=100)
    patient_date_of_birth = models.DateField(_("patient date of birth"))
    patient_sex = models.CharField(_("sex assigned at birth"), max_length=10, choices=SexAtBirth)
    patient_phone = PhoneNumberField(_("patient phone"))
    patient_email = models.EmailField(_("patient email"), blank=True)
    patient_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, default=Language.ENGLISH
    )
    # The patient fields above by the Patient's names, for `person_fields_of`.
    PERSON_ATTRIBUTES: ClassVar[dict[str, str]] = {
        "first_name": "patient_first_name",
        "last_name": "patient_last_name",
        "date_of_birth": "patient_date_of_birth",
        "sex_at_birth": "patient_sex",
        "preferred_language": "patient_language",
        "email": "patient_email",
        "phone": "patient_phone",
    }
    insurance_carrier = models.CharField(_("insurance carrier"), max_length=120)
    insurance_member_id = models.CharField(_("member ID"), max_length=60)
    insurance_group = models.CharField(_("group number"), max_length=60, blank=True)

    reason = models.TextField(_("reason for referral"), max_length=4000)
    diagnosis_codes = models.JSONField(_("ICD-10-CM codes"), default=list)
    requested_service = models.CharField(_("requested service"), max_length=40, choices=RequestedService)
    requested_service_other = models.CharField(_("other service"), max_length=200, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency, default=Urgency.ROUTINE)
    location = models.ForeignKey(
        "clinic.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("preferred location"),
    )
    pain_onset = models.DateField(_("pain started"), null=True, blank=True)
    physical_therapy_weeks = models.PositiveSmallIntegerField(_("physical therapy (weeks)"), default=0)
    medications_tried = models.TextField(_("medications tried"), max_length=2000, blank=True)
    other_conservative_care = models.TextField(_("other conservative care"), max_length=2000, blank=True)
    imaging_type = models.CharField(
        _("imaging"), max_length=10, choices=ImagingType, default=ImagingType.NONE
    )
    imaging_date = models.DateField(_("imaging date"), null=True, blank=True)

    # The referrer's answers, as given: {question key: "yes" | "no" | "not_sure"}.
    red_flag_answers = models.JSONField(_("red-flag answers"), default=dict)
    # Computed at submission by clinic.core.clinical.red_flags: [{"key", "tier", "concern", "finding"}].
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    red_flag_tier = models.CharField(_("highest red-flag tier"), max_length=10, blank=True)
    # {"blood_thinner", "blood_thinner_names", "devices": [...], "diabetes", "contrast_allergy"}
    safety_answers = models.JSONField(_("safety answers"), default=dict)
    # Computed at submission by clinic.core.clinical.procedure_safety: [{"code", "label", "detail"}].
    safety_flags = models.JSONField(_("safety flags"), default=list, blank=True)
    alerts = GenericRelation(StaffAlert, related_query_name="referral")

    objects = ReferralQuerySet.as_manager()

    decline_reason = models.CharField(_("decline reason"), max_length=40, choices=DeclineReason, blank=True)
    decline_note = models.TextField(_("decline note"), max_length=2000, blank=True)
    scheduled_for = models.DateTimeField(_("visit date"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["queue_priority", "submitted_at"]
        indexes = [
            models.Index(fields=["status", "queue_priority", "submitted_at"]),
            models.Index(fields=["patient_last_name", "patient_first_name", "patient_date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(scheduled_for__isnull=False),
                name="referral_scheduled_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
        ]
        permissions = [
            ("triage_referral", _("Can triage referrals (review, schedule, mark seen, cancel)")),
            ("decide_referral", _("Can accept or decline referrals")),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_patient(self) -> tuple[int | None, str]:
        label = person_label(self.patient_last_name, self.patient_first_name, self.patient_date_of_birth)
        return self.patient_id, label

    @property
    def patient_name(self) -> str:
        return f"{self.patient_first_name} {self.patient_last_name}"

    @property
    def patient_initials(self) -> str:
        return f"{self.patient_first_name[:1]}{self.patient_last_name[:1]}".upper()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_held(self) -> bool:
        """Waiting for staff to verify its provider (ReferralQuerySet.held is the same rule)."""
        return not self.provider.is_verified

    @property
    def has_red_flag(self) -> bool:
        return bool(self.red_flag_tier)

    @property
    def provider_can_cancel(self) -> bool:
        return self.status in PROVIDER_CANCELLABLE

    @property
    def time_waiting(self):
        """From submission until seen, or until now while the referral is open."""
        end = self.seen_at if self.status == S.SEEN else None
        if end is None and not self.is_open:
            end = self.status_changed_at
        return (end or timezone.now()) - self.submitted_at


class ReferralDocument(PatientRecord, PublicModel):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    upload = models.OneToOneField("clinic.Upload", on_delete=models.PROTECT, related_name="referral_document")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The column keeps the name it had before the base model named the field.
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_column="added_at")

    class Meta:
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.upload.original_name

    def audit_patient(self) -> tuple[int | None, str]:
        return self.referral.audit_patient()


class ReferralEvent(models.Model):
    """One move in a referral's lifecycle: who, when, from, to, note. Written by the service only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
