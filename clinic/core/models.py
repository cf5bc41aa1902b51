import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .clinical.red_flags import TIER_LABELS
from .clinical.red_flags import Tier as RedFlagTier
from .person import PersonNameField, USStateField, ZIPCodeField
from .roles import CLINICAL_DETAIL_PERMISSION


class PublicModel(models.Model):
    """What every record the clinic names to people has: a `public_id` for URLs, emails and links
    (never the integer key), and when it was created and last saved.

    A model may redeclare `created_at` or `updated_at` to keep the label its staff know (an intake
    is "started", an appointment "booked"); tests/clinic/test_public_model.py lists every model.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A save of some fields moves `updated_at` too, as django-model-utils' TimeStampedModel
        # does; an empty list still saves nothing.
        update_fields = kwargs.get("update_fields")
        if update_fields:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)


def person_label(last_name: str, first_name: str, date_of_birth: datetime.date | str | None) -> str:
    """How staff name a person in lists and in the audit: "Last, First (YYYY-MM-DD)"."""
    # A date still as typed ("1950-01-01") when the row is saved is shown as it is.
    born = f" ({date_of_birth:%Y-%m-%d})" if isinstance(date_of_birth, datetime.date) else ""
    born = f" ({date_of_birth})" if isinstance(date_of_birth, str) and date_of_birth else born
    return f"{last_name}, {first_name}{born}"


class PatientRecord:
    """A record about one patient. The audit (clinic.core.audit) files each change to it and each staff
    view of it under that patient, so an administrator can ask who saw or changed what about someone.

    Each model says who its patient is: the Patient's id once the record is linked to one (None before:
    a referral not yet accepted, a self-started intake), and the person as the record names them.
    """

    def audit_patient(self) -> tuple[int | None, str]:
        raise NotImplementedError

    def get_additional_data(self) -> dict[str, Any]:
        """What django-auditlog keeps beside each change (it calls this method by its name)."""
        patient_id, label = self.audit_patient()
        return {"patient_id": patient_id, "patient": label}


class SexAtBirth(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Prefer not to say")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Other")


class Patient(PatientRecord, PublicModel):
    """A person the clinic cares for. Intake, referrals and appointments all point here."""

    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex_at_birth = models.CharField(_("sex assigned at birth"), max_length=10, choices=SexAtBirth, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, default=Language.ENGLISH
    )
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("mobile phone"), blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = USStateField(_("state"), blank=True)
    postal_code = ZIPCodeField(_("ZIP code"), blank=True)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name", "date_of_birth"])]

    def __str__(self) -> str:
        return person_label(self.last_name, self.first_name, self.date_of_birth)

    def audit_patient(self) -> tuple[int | None, str]:
        return self.pk, str(self)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()


# What the clinic knows about a person, by the Patient's field names. An intake's "About you"
# holds all of them; a referral and an appointment request hold some, under their own names.
PERSON_FIELDS: Final = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex_at_birth",
    "preferred_language",
    "email",
    "phone",
    "preferred_contact",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
)
# The fields that say who someone is: a person proving this email is theirs is this Patient.
PERSON_IDENTITY_FIELDS: Final = ("first_name", "last_name", "date_of_birth", "email")


def person_fields_of(
    obj: object, attributes: Iterable[str] | Mapping[str, str] = PERSON_FIELDS
) -> dict[str, Any]:
    """The person fields `obj` holds, keyed by the Patient's field names.

    `attributes` lists the fields to read where `obj` names them as the Patient does, or maps each
    Patient field to `obj`'s own attribute for it.
    """
    if not isinstance(attributes, Mapping):
        attributes = {name: name for name in attributes}
    unknown = set(attributes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not person fields: {', '.join(sorted(unknown))}")
    return {name: getattr(obj, attribute) for name, attribute in attributes.items()}


class Location(PublicModel):
    """A clinic site where patients are seen."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = USStateField(_("state"))
    postal_code = ZIPCodeField(_("ZIP code"))
    phone = PhoneNumberField(_("phone"), blank=True)
    arrival_notes = models.TextField(_("parking and arrival notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        street = ", ".join(part for part in (self.address_line1, self.address_line2) if part)
        return f"{street}, {self.city}, {self.state} {self.postal_code}"


class OutboundEmail(PublicModel):
    """One email in the transactional outbox. Written in the transaction that causes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    to = models.EmailField(_("recipient"))
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    last_queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "send_after"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_email_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.status})"

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a receiving server can drop a redelivered copy."""
        return f"<{uuid.uuid5(uuid.NAMESPACE_URL, self.idempotency_key)}@pain-clinic-portal>"


def _random_upload_path(instance, filename: str) -> str:
    # Never the sender's file name: it could traverse paths or pass for another type.
    return f"uploads/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Upload(PublicModel):
    """A document or image a person sent us, checked by content and stored outside any public URL."""

    file = models.FileField(upload_to=_random_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name


class StaffAlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StaffAlertQuerySet":
        """Minimum necessary: a PHQ-9 item 9 alert tells of an answer about self-harm, so only those who
        read clinical detail see it; a red-flag alert says how soon to book, which the front desk needs."""
        if user.has_perm(CLINICAL_DETAIL_PERMISSION):
            return self
        return self.exclude(kind=StaffAlert.Kind.PHQ9_ITEM9)


class StaffAlert(PatientRecord, PublicModel):
    """Something a clinician must act on today: an emergency or urgent red flag, or a positive PHQ-9
    item 9, on whatever raised it (an intake, a referral) through a generic link, so the core app
    holds the one alert rule without importing the apps above it.

    Raised when the answer is given, once per subject, kind and tier; acknowledged by a staff
    member; escalated once to a second list when nobody acknowledges it in time.
    """

    class Kind(models.TextChoices):
        RED_FLAG = "red_flag", _("Red flag")
        PHQ9_ITEM9 = "phq9_item9", _("PHQ-9 item 9 (thoughts of self-harm)")

    class Tier(models.TextChoices):
        # The red-flag tiers that alert (clinic.core.clinical.red_flags), in that module's words.
        EMERGENCY = RedFlagTier.EMERGENCY.value, TIER_LABELS[RedFlagTier.EMERGENCY]
        URGENT = RedFlagTier.URGENT.value, TIER_LABELS[RedFlagTier.URGENT]

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier)
    summary = models.CharField(_("summary"), max_length=500)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = StaffAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        ordering = ["acknowledged_at", "-created_at"]
        permissions = [("acknowledge_staffalert", "Can acknowledge a staff alert")]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "tier"], name="staff_alert_once_per_kind_tier"
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(acknowledged_by__isnull=False),
                name="staff_alert_acknowledged_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_tier_display()})"

    def audit_patient(self) -> tuple[int | None, str]:
        subject = self.subject
        return subject.audit_patient() if isinstance(subject, PatientRecord) else (None, "")


class SafetyScreenRecord(PatientRecord, models.Model):
    """The stored pre-procedure safety screen of one intake or one referral.

    Computed by `clinic.core.services.safety_screen_store` from `inputs` (the `procedure_safety.screen`
    arguments) and read by everything that shows or uses the screen, so a page, the booking check
    and the preparation instructions always agree. `rules_version` says which rules produced it.
    """

    class Source(models.TextChoices):
        INTAKE = "intake", _("Intake")
        REFERRAL = "referral", _("Referral")

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="safety_screens"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    source_id = models.UUIDField(_("source public id"))
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    # {"flags": [{"code", "label", "detail", "decision"}], "defer_reasons": [{"code", "label"}],
    #  "instructions": [code], "medications": [{"generic", "class", "name"}], "bleeding_risk"}
    result = models.JSONField(_("result"), default=dict, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=40)
    computed_at = models.DateTimeField(_("computed"), db_index=True)

    class Meta:
        verbose_name = _("safety screen")
        verbose_name_plural = _("safety screens")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="safety_screen_once_per_source")
        ]
        indexes = [models.Index(fields=["patient", "source", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.source_id}"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.patient_id, str(self.patient) if self.patient_id else ""

    @property
    def flags(self) -> list[dict]:
        return list(self.result.get("flags", []))

    @property
    def defer_reasons(self) -> list[dict]:
        return list(self.result.get("defer_reasons", []))

    @property
    def instruction_codes(self) -> list[str]:
        return list(self.result.get("instructions", []))


class RecordView(models.Model):
    """One look by a signed-in person at a patient's record: a staff page, a document, a card photo, an
    export, a search; a referring provider's referral page. Written by `clinic.core.audit.record_view_log`
    only, never changed or deleted (the admin is read-only for everyone, superusers included).

    The patient is kept by id without a database constraint, and the user's name beside the user, so
    that a row outlives the records it names.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        LIST = "list", _("In a list")
        DOCUMENT = "document", _("Document")
        CARD_PHOTO = "card_photo", _("Insurance card photo")
        EXPORT = "export", _("Export")
        SEARCH = "search", _("Search")

    viewed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    username = models.CharField(_("username"), max_length=150)
    kind = models.CharField(_("kind of view"), max_length=20, choices=Kind)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type of record")
    )
    # None for a search, which names a kind of record rather than one.
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(_("record"), max_length=200, blank=True)
    patient = models.ForeignKey(
        Patient,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("patient"),
    )
    patient_label = models.CharField(_("patient as the record names them"), max_length=250, blank=True)
    # The words of a search (what was looked for is the point of auditing it).
    search_terms = models.CharField(_("searched for"), max_length=200, blank=True)
    # An export: the list's filters as its address gave them (without the words searched for, which
    # the search's own row keeps) and how many rows the file held.
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("record view")
        verbose_name_plural = _("record views")
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-viewed_at"]),
            models.Index(fields=["user", "-viewed_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.record_label}"
