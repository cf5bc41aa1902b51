import datetime
import hashlib

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from clinic.models import Location, OutboundEmail, Patient, Upload


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    sex_at_birth = "female"
    email = factory.Faker("email")
    phone = "+12175550123"


# The smallest files that pass a content check, for upload tests.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


class UploadFactory(DjangoModelFactory):
    class Meta:
        model = Upload

    file = factory.django.FileField(data=PDF_BYTES, filename="upload")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Clinic site {n}")
    address_line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "IL"
    postal_code = "62701"


class OutboundEmailFactory(DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Faker("email")
    template = "test-message"
    context = factory.LazyFunction(lambda: {"requested_at": datetime.datetime.now(datetime.UTC).isoformat()})


class StaffUserFactory(DjangoModelFactory):
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
