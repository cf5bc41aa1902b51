import datetime
import hashlib
import uuid

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from appointments.models import AppointmentRequest, LocationHours, Physician
from clinic.core.models import Location, OutboundEmail, Patient, StaffAlert, Upload
from intake.models import Intake
from referrals.models import Referral, ReferralDocument, ReferringProvider
from tests.data import hostile


class PatientFactory(DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    sex_at_birth = "female"
    email = factory.Faker("email")
    phone = "+12175550123"


# Small real files (they are parsed, not sniffed), for upload tests.
PDF_BYTES = hostile.pdf()
PNG_BYTES = hostile.png()
JPEG_BYTES = hostile.jpeg()


class UploadFactory(DjangoModelFactory[Upload]):
    class Meta:
        model = Upload

    file = factory.django.FileField(data=PDF_BYTES, filename="upload")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()


class LocationFactory(DjangoModelFactory[Location]):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Clinic site {n}")
    address_line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "IL"
    postal_code = "62701"


class OutboundEmailFactory(DjangoModelFactory[OutboundEmail]):
    class Meta:
        model = OutboundEmail

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Faker("email")
    template = "test-message"
    context = factory.LazyFunction(lambda: {"requested_at": datetime.datetime.now(datetime.UTC).isoformat()})


class StaffUserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.Faker("email")
    is_staff = True
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


# --- intake ---------------------------------------------------------------------------------------


class IntakeFactory(DjangoModelFactory[Intake]):
    """A draft intake whose patient has opened the link (steps not yet answered)."""

    class Meta:
        model = Intake

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=25, maximum_age=80)
    sex_at_birth = "female"
    email = factory.Faker("email")
    expires_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)
    )
    email_verified_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class StaffAlertFactory(DjangoModelFactory[StaffAlert]):
    class Meta:
        model = StaffAlert

    subject = factory.SubFactory(IntakeFactory)
    kind = "red_flag"
    tier = "emergency"
    summary = "Emergency: New loss of bowel control"


# --- referrals -----------------------------------------------------------------------------------


def _valid_npi(n: int) -> str:
    from referrals.npi import npi_check_digit

    first_nine = f"1{n:08d}"
    return first_nine + npi_check_digit(first_nine)


def _red_flag_keys() -> list[str]:
    from clinic.core.clinical.red_flags import QUESTIONS

    return [question.key for question in QUESTIONS]


class ReferrerUserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"referrer{n}@practice.example")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("a-long-test-password")


class ReferringProviderFactory(DjangoModelFactory[ReferringProvider]):
    """An email-confirmed provider the clinic has verified; pass verified_at=None for one awaiting it."""

    class Meta:
        model = ReferringProvider

    user = factory.SubFactory(ReferrerUserFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credentials = "MD"
    npi = factory.Sequence(_valid_npi)
    practice_name = factory.Faker("company")
    address_line1 = factory.Faker("street_address")
    city = "Springfield"
    state = "IL"
    postal_code = "62701"
    phone = "+12175550177"
    email_verified_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    verified_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class ReferralFactory(DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    provider = factory.SubFactory(ReferringProviderFactory)
    submission_token = factory.Faker("uuid4", cast_to=None)
    patient_first_name = factory.Faker("first_name")
    patient_last_name = factory.Faker("last_name")
    patient_date_of_birth = factory.Faker("date_of_birth", minimum_age=25, maximum_age=85)
    patient_sex = "female"
    patient_phone = "+12175550188"
    patient_email = factory.Faker("email")
    insurance_carrier = "Blue Cross"
    insurance_member_id = "XYZ123456"
    reason = "Low back pain radiating to the left leg for 4 months."
    diagnosis_codes = factory.LazyFunction(lambda: ["M54.16"])
    requested_service = "epidural_steroid_injection"
    red_flag_answers = factory.LazyFunction(lambda: dict.fromkeys(_red_flag_keys(), "no"))
    safety_answers = factory.LazyFunction(
        lambda: {"blood_thinner": "no", "devices": [], "diabetes": "no", "contrast_allergy": "no"}
    )


class ReferralDocumentFactory(DjangoModelFactory[ReferralDocument]):
    class Meta:
        model = ReferralDocument

    referral = factory.SubFactory(ReferralFactory)
    upload = factory.SubFactory(UploadFactory)
    added_by = factory.SelfAttribute("referral.provider.user")


# --- appointments ---------------------------------------------------------------------------------


class PhysicianFactory(DjangoModelFactory[Physician]):
    class Meta:
        model = Physician

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credentials = "MD"


class LocationHoursFactory(DjangoModelFactory[LocationHours]):
    class Meta:
        model = LocationHours
        django_get_or_create = ("location", "weekday")

    location = factory.SubFactory(LocationFactory)
    weekday = 0
    opens_at = datetime.time(8)
    closes_at = datetime.time(17)


def open_every_day(location, opens_at=datetime.time(8), closes_at=datetime.time(17)):
    """Opening hours on all seven days, so a test's booking never lands on a closed day."""
    for weekday in range(7):
        LocationHoursFactory(location=location, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
    return location


class AppointmentRequestFactory(DjangoModelFactory[AppointmentRequest]):
    """An open request of a known patient (email verified), ready to book."""

    class Meta:
        model = AppointmentRequest

    submission_key = factory.LazyFunction(uuid.uuid4)
    status = "open"
    patient = factory.SubFactory(PatientFactory)
    first_name = factory.SelfAttribute("patient.first_name")
    last_name = factory.SelfAttribute("patient.last_name")
    date_of_birth = factory.SelfAttribute("patient.date_of_birth")
    email = factory.SelfAttribute("patient.email")
    known_patient = True
    visit_type = "new_consultation"
    location = factory.SubFactory(LocationFactory)
    preferred_days = "mon,wed"
    time_windows = "morning"
    earliest_date = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=2)
    )
    reason = "Low back pain"
    verified_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


def stored_safety_screen(patient, *, source="intake", source_id=None, **inputs):
    """The patient's stored safety screen, computed by the one service from `screen()` arguments
    (no arguments: a screen with nothing to defer)."""
    from clinic.core.services import safety_screen_store

    return safety_screen_store(
        source=source, source_id=source_id or uuid.uuid4(), patient=patient, inputs=inputs
    )
