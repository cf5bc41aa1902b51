"""Appointment requests from patients, and the visits staff book from them.

A request (what the patient asked for) is booked into one appointment (a physician, a place, a
start and an end). Status moves are the tables below; `appointments.services` is the only code that
changes a status, and every move writes an `AppointmentEvent`.
"""

from datetime import timedelta
from typing import ClassVar, Final

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from clinic.core.clinical.procedure_safety import PROCEDURES
from clinic.core.models import PERSON_IDENTITY_FIELDS, ContactMethod, PatientRecord, PublicModel, person_label
from clinic.core.person import PersonNameField
from clinic.core.status import StatusMoves
from clinic.core.times import clinic_time
from clinic.core.translated import Text

PLANNED_PROCEDURE_CHOICES: Final[list[tuple[str, Text]]] = [
    (procedure.key, procedure.label) for procedure in PROCEDURES
]


class VisitType(models.TextChoices):
    NEW_CONSULTATION = "new_consultation", _("New consultation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    PROCEDURE = "procedure", _("Procedure")


# How long each kind of visit takes, in minutes: the booking's end is start + this.
VISIT_DURATION_MINUTES: Final[dict[str, int]] = {
    VisitType.NEW_CONSULTATION: 60,
    VisitType.FOLLOW_UP: 30,
    VisitType.PROCEDURE: 45,
}


def visit_duration(visit_type: str) -> timedelta:
    return timedelta(minutes=VISIT_DURATION_MINUTES[visit_type])


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# Preferred days are stored as these short codes, comma-separated, so a queue filter is a plain
# `contains` on any database.
DAY_CODES: Final[dict[str, Weekday]] = {
    "mon": Weekday.MONDAY,
    "tue": Weekday.TUESDAY,
    "wed": Weekday.WEDNESDAY,
    "thu": Weekday.THURSDAY,
    "fri": Weekday.FRIDAY,
    "sat": Weekday.SATURDAY,
    "sun": Weekday.SUNDAY,
}


class TimeWindow(models.TextChoices):
    MORNING = "morning", _("Morning (before noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon onwards)")


class Physician(PublicModel):
    """A clinic physician who can be booked. Not a login: staff accounts are separate."""

    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    credentials = models.CharField(
        _("credentials"), max_length=50, blank=True, help_text=_("For example MD, DO.")
    )
    locations = models.ManyToManyField(
        "clinic.Location",
        related_name="physicians",
        blank=True,
        verbose_name=_("locations"),
        help_text=_("Where this physician sees patients; none means any location."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("physician")
        verbose_name_plural = _("physicians")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"Dr. {self.first_name} {self.last_name}"
        return f"{name}, {self.credentials}" if self.credentials else name


class LocationHours(models.Model):
    """When a location is open on one day of the week; a day without a row is closed."""

    location = models.ForeignKey(
        "clinic.Location", on_delete=models.CASCADE, related_name="hours", verbose_name=_("location")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="location_hours_once_per_day"),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="location_hours_open_before_close",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class RequestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Waiting for email verification")
    OPEN = "open", _("To book")
    BOOKED = "booked", _("Booked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


R = RequestStatus
REQUEST_MOVES: Final = StatusMoves(
    RequestStatus,
    {
        R.UNVERIFIED: frozenset({R.OPEN, R.WITHDRAWN}),
        R.OPEN: frozenset({R.BOOKED, R.WITHDRAWN}),
        # A booked request stays booked; the appointment carries what happens next.
        R.BOOKED: frozenset(),
        R.WITHDRAWN: frozenset(),
    },
    refused=_("This request is “%(from)s” and cannot be changed."),
)


class AppointmentRequest(PatientRecord, PublicModel):
    # The form's one-time key: submitting the same form twice finds this request.
    submission_key = models.UUIDField(unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus, default=R.UNVERIFIED)
    patient = models.ForeignKey(
        "clinic.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment_requests",
        verbose_name=_("patient"),
    )
    # As the patient typed them; matched to a Patient once the email is verified.
    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("email"))
    phone = PhoneNumberField(_("phone"), blank=True)
    contact_preference = models.CharField(
        _("how to contact"), max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL
    )
    # The person fields above by the Patient's names, for `person_fields_of`.
    PERSON_ATTRIBUTES: ClassVar[dict[str, str]] = {
        **{name: name for name in PERSON_IDENTITY_FIELDS},
        "phone": "phone",
        "preferred_contact": "contact_preference",
    }
    # True when the patient arrived through a signed link that named their record.
    known_patient = models.BooleanField(_("known patient"), default=False)

    visit_type = models.CharField(_("visit type"), max_length=20, choices=VisitType)
    location = models.ForeignKey(
        "clinic.Location",
        on_delete=models.PROTECT,
        related_name="appointment_requests",
        verbose_name=_("location"),
    )
    preferred_days = models.CharField(_("preferred days"), max_length=40, blank=True)
    time_windows = models.CharField(_("time windows"), max_length=40)
    earliest_date = models.DateField(_("earliest date"))
    reason = models.CharField(_("reason"), max_length=300)
    is_urgent = models.BooleanField(_("urgent"), default=False, db_index=True)

    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["-is_urgent", "created_at"]
        indexes = [models.Index(fields=["status", "is_urgent", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="unverified") | models.Q(patient__isnull=False),
                name="appointment_request_verified_has_patient",
            ),
            models.CheckConstraint(
                condition=~models.Q(time_windows=""), name="appointment_request_has_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} request {str(self.public_id)[:8]}"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.patient_id, person_label(self.last_name, self.first_name, self.date_of_birth)

    @property
    def preferred_day_codes(self) -> list[str]:
        return [code for code in self.preferred_days.split(",") if code]

    @property
    def time_window_codes(self) -> list[str]:
        return [code for code in self.time_windows.split(",") if code]

    @property
    def preferred_days_display(self) -> str:
        codes = self.preferred_day_codes
        if not codes:
            return str(_("Any day"))
        return ", ".join(str(DAY_CODES[code].label)[:3] for code in codes if code in DAY_CODES)

    @property
    def time_windows_display(self) -> str:
        return ", ".join(str(TimeWindow(code).label).split(" ")[0] for code in self.time_window_codes)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


A = AppointmentStatus
APPOINTMENT_MOVES: Final = StatusMoves(
    AppointmentStatus,
    {
        # Booked -> booked is a reschedule.
        A.BOOKED: frozenset({A.BOOKED, A.ATTENDED, A.NO_SHOW, A.CANCELLED}),
        A.ATTENDED: frozenset(),
        A.NO_SHOW: frozenset(),
        A.CANCELLED: frozenset(),
    },
    refused=_("This appointment is “%(from)s” and cannot be changed."),
)
# Appointments that hold their physician's time.
ACTIVE_STATUSES: Final = frozenset({A.BOOKED})


class CancelReason(models.TextChoices):
    PATIENT_REQUEST = "patient_request", _("The patient asked to cancel")
    PHYSICIAN_UNAVAILABLE = "physician_unavailable", _("The physician is unavailable")
    CLINICAL_REVIEW = "clinical_review", _("A clinician must review first")
    CLINIC_CLOSED = "clinic_closed", _("The clinic is closed")
    OTHER = "other", _("Other")


class Appointment(PatientRecord, PublicModel):
    request = models.OneToOneField(
        AppointmentRequest, on_delete=models.PROTECT, related_name="appointment", verbose_name=_("request")
    )
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("patient")
    )
    physician = models.ForeignKey(
        Physician, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("physician")
    )
    location = models.ForeignKey(
        "clinic.Location", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("location")
    )
    visit_type = models.CharField(_("visit type"), max_length=20, choices=VisitType)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=AppointmentStatus, default=A.BOOKED)
    sedation_planned = models.BooleanField(_("sedation planned"), default=False)
    # Procedure visits: decides, for one, whether an implanted device needs the radiofrequency review.
    planned_procedure = models.CharField(
        _("planned procedure"), max_length=60, choices=PLANNED_PROCEDURE_CHOICES, blank=True
    )
    # The calendar file's SEQUENCE: one more at each reschedule and at cancellation.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    # When the current start time was set (booking or last reschedule): reminders due before it are skipped.
    scheduled_at = models.DateTimeField(_("scheduled at"))
    cancel_reason = models.CharField(_("cancel reason"), max_length=30, choices=CancelReason, blank=True)
    cancel_note = models.CharField(_("cancel note"), max_length=300, blank=True)
    cancelled_by_patient = models.BooleanField(_("cancelled by the patient"), default=False)
    other_time_requested_at = models.DateTimeField(_("patient asked for another time"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["physician", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="appointment_ends_after_start"
            ),
            # A backstop for the locked overlap check in appointment_book: never two visits at one start.
            models.UniqueConstraint(
                fields=["physician", "starts_at"],
                condition=models.Q(status="booked"),
                name="appointment_physician_one_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="appointment_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} {clinic_time(self.starts_at)} ({self.get_status_display()})"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.patient_id, str(self.patient)

    @property
    def patient_email(self) -> str:
        """Where the patient's emails about this visit go: their record's address, else the request's."""
        return self.patient.email or self.request.email

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def ical_uid(self) -> str:
        return f"{self.public_id}@pain-clinic-portal"


class AppointmentEvent(models.Model):
    """One move of a request or its appointment: who (a staff user; none for the patient or the
    system), when, from, to, and a note."""

    request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="events")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_patient = models.BooleanField(_("by the patient"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        from_label, to_label = event_status_label(self.from_status), event_status_label(self.to_status)
        return f"{self.action_label}: {from_label} -> {to_label}"

    @property
    def action_label(self) -> str:
        """In words: "another_time_requested" reads "Another time requested"."""
        return self.action.replace("_", " ").capitalize()


def event_status_label(code: str) -> str:
    """A request's or a visit's status in words ("open" is "To book"); "-" for none."""
    if not code:
        return "-"
    labels = {**dict(AppointmentStatus.choices), **dict(RequestStatus.choices)}
    return str(labels.get(code, code))


class SafetyOverride(PatientRecord, models.Model):
    """A clinician's decision that a procedure may be booked although the stored safety screen says
    defer (for example the anticoagulant hold agreed with the prescriber). Kept as it was recorded:
    who, when, why, under which rules' version and which flags it overrode."""

    request = models.ForeignKey(
        AppointmentRequest,
        on_delete=models.PROTECT,
        related_name="safety_overrides",
        verbose_name=_("request"),
    )
    screen = models.ForeignKey(
        "clinic.SafetyScreenRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_flags = models.JSONField(_("overridden flags"), default=list)
    reason = models.TextField(_("reason"), max_length=1000)
    rules_version = models.CharField(_("rules version"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("safety override")
        verbose_name_plural = _("safety overrides")
        ordering = ["created_at", "pk"]
        permissions = [("override_safetyoverride", "Can book a procedure the safety screen defers")]

    def __str__(self) -> str:
        return f"{clinic_time(self.created_at)} {self.by}"

    def audit_patient(self) -> tuple[int | None, str]:
        return self.request.audit_patient()

    @property
    def overridden_codes(self) -> set[str]:
        return {str(flag.get("code", "")) for flag in self.overridden_flags}
