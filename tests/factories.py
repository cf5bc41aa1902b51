import datetime

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from clinic.models import Location, OutboundEmail, Patient


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    sex_at_birth = "female"
    email = factory.Faker("email")
    phone = "+12175550123"


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
