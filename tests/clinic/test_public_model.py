"""One abstract base, clinic.core.models.PublicModel, gives every record a public id and its times."""

import datetime
import uuid
from collections.abc import Callable

import pytest
import time_machine
from django.apps import apps
from django.db import models

from appointments.models import Appointment, AppointmentRequest, Physician
from clinic.core.models import Location, OutboundEmail, Patient, PublicModel, StaffAlert, Upload
from intake.models import Intake
from referrals.models import Referral, ReferralDocument, ReferringProvider
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    LocationFactory,
    OutboundEmailFactory,
    PatientFactory,
    PhysicianFactory,
    ReferralDocumentFactory,
    ReferralFactory,
    ReferringProviderFactory,
    StaffAlertFactory,
    UploadFactory,
)

pytestmark = pytest.mark.django_db

BOOKED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
CREATED = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC)
SAVED_AGAIN = CREATED + datetime.timedelta(hours=3)


def make_appointment() -> Appointment:
    patient = PatientFactory.create()
    request = AppointmentRequestFactory.create(patient=patient)
    return Appointment.objects.create(
        request=request,
        patient=patient,
        physician=PhysicianFactory.create(),
        location=request.location,
        visit_type=request.visit_type,
        starts_at=BOOKED,
        ends_at=BOOKED + datetime.timedelta(minutes=45),
        scheduled_at=CREATED,
    )


# Every concrete PublicModel and how a test makes one: a new model must be added here.
MAKERS: dict[type[PublicModel], Callable[[], PublicModel]] = {
    Patient: PatientFactory.create,
    Location: LocationFactory.create,
    OutboundEmail: OutboundEmailFactory.create,
    Upload: UploadFactory.create,
    StaffAlert: StaffAlertFactory.create,
    Intake: IntakeFactory.create,
    ReferringProvider: ReferringProviderFactory.create,
    Referral: ReferralFactory.create,
    ReferralDocument: ReferralDocumentFactory.create,
    Physician: PhysicianFactory.create,
    AppointmentRequest: AppointmentRequestFactory.create,
    Appointment: make_appointment,
}


def models_with_a_public_id() -> set[type[models.Model]]:
    return {
        model for model in apps.get_models() if "public_id" in {field.name for field in model._meta.fields}
    }


def test_every_model_with_a_public_id_takes_it_and_its_times_from_the_one_base():
    base = {name: PublicModel._meta.get_field(name) for name in ("public_id", "created_at", "updated_at")}
    assert models_with_a_public_id() == set(MAKERS)
    for model in MAKERS:
        assert issubclass(model, PublicModel)
        public_id = model._meta.get_field("public_id")
        assert public_id.deconstruct()[1:] == base["public_id"].deconstruct()[1:], model
        created_at = model._meta.get_field("created_at")
        updated_at = model._meta.get_field("updated_at")
        assert isinstance(created_at, models.DateTimeField) and created_at.auto_now_add, model
        assert isinstance(updated_at, models.DateTimeField) and updated_at.auto_now, model


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
def test_a_record_gets_its_own_public_id_its_creation_time_and_a_save_time_that_moves(model):
    with time_machine.travel(CREATED, tick=False):
        record, other = MAKERS[model](), MAKERS[model]()
    record.refresh_from_db()

    assert isinstance(record.public_id, uuid.UUID) and record.public_id != other.public_id
    assert record.created_at == record.updated_at == CREATED

    with time_machine.travel(SAVED_AGAIN, tick=False):
        record.save()
    record.refresh_from_db()

    assert record.created_at == CREATED
    assert record.updated_at == SAVED_AGAIN


def test_saving_some_fields_moves_the_save_time_too_and_saving_none_writes_nothing():
    with time_machine.travel(CREATED, tick=False):
        location = LocationFactory()

    location.name = "North clinic"
    with time_machine.travel(SAVED_AGAIN, tick=False):
        location.save(update_fields=["name"])
    location.refresh_from_db()
    assert (location.name, location.updated_at) == ("North clinic", SAVED_AGAIN)

    location.name = "South clinic"
    with time_machine.travel(SAVED_AGAIN + datetime.timedelta(hours=1), tick=False):
        location.save(update_fields=[])
    location.refresh_from_db()
    assert (location.name, location.updated_at) == ("North clinic", SAVED_AGAIN)


@pytest.mark.parametrize(
    ("model", "field", "label"),
    [
        (Patient, "created_at", "created"),
        (Location, "updated_at", "updated"),
        (Upload, "created_at", "uploaded"),
        (StaffAlert, "created_at", "raised"),
        (Intake, "created_at", "started"),
        (Intake, "updated_at", "last saved"),
        (ReferringProvider, "created_at", "registered"),
        (ReferralDocument, "created_at", "added"),
        (AppointmentRequest, "created_at", "requested"),
        (Appointment, "created_at", "booked"),
    ],
)
def test_a_record_keeps_the_label_staff_know_its_times_by(model, field, label):
    assert str(model._meta.get_field(field).verbose_name) == label


def test_a_documents_creation_time_is_still_read_from_its_added_at_column():
    assert ReferralDocument._meta.get_field("created_at").column == "added_at"
