"""The migrations that moved the records onto PublicModel give rows that existed sensible times."""

import datetime
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.utils import timezone

BEFORE = [
    ("clinic", "0005_safetyscreenrecord"),
    ("referrals", "0002_staff_roles"),
    ("appointments", "0003_safety_override"),
]
AFTER = [
    ("clinic", "0006_public_model_timestamps"),
    ("referrals", "0003_public_model_timestamps"),
    ("appointments", "0004_public_model_timestamps"),
]
CREATED = datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC)
SUBMITTED = datetime.datetime(2025, 5, 2, 9, 0, tzinfo=datetime.UTC)
STATUS_CHANGED = datetime.datetime(2025, 5, 3, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def make_old_rows(apps: StateApps) -> dict[str, int]:
    """One row of each model the migrations change, with its recorded times set to CREATED etc."""
    get = apps.get_model
    location = get("clinic", "Location").objects.create(
        name="Old site", address_line1="1 Main St", city="Springfield", state="IL", postal_code="62701"
    )
    patient = get("clinic", "Patient").objects.create(
        first_name="Ann", last_name="Old", date_of_birth=datetime.date(1960, 1, 1)
    )
    email = get("clinic", "OutboundEmail").objects.create(
        idempotency_key="old", to="a@example.com", template="t"
    )
    upload = get("clinic", "Upload").objects.create(
        file="uploads/old", original_name="old.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    alert = get("clinic", "StaffAlert").objects.create(
        content_type=get("contenttypes", "ContentType").objects.get_or_create(
            app_label="clinic", model="patient"
        )[0],
        object_id=patient.pk,
        kind="red_flag",
        tier="urgent",
        summary="old",
    )
    user = get("auth", "User").objects.create(username="old-referrer")
    provider = get("referrals", "ReferringProvider").objects.create(
        user=user,
        first_name="Pat",
        last_name="Old",
        credentials="MD",
        npi="1234567893",
        practice_name="Old practice",
        address_line1="2 Main St",
        city="Springfield",
        state="IL",
        postal_code="62701",
        phone="+12175550100",
    )
    referral = get("referrals", "Referral").objects.create(
        number="R-OLD0-0001",
        provider=provider,
        submission_token=uuid.uuid4(),
        patient_first_name="Ann",
        patient_last_name="Old",
        patient_date_of_birth=datetime.date(1960, 1, 1),
        patient_sex="female",
        patient_phone="+12175550101",
        insurance_carrier="Carrier",
        insurance_member_id="M1",
        reason="Back pain",
        requested_service="consultation",
        red_flag_answers={},
        safety_answers={},
        submitted_at=SUBMITTED,
        status_changed_at=STATUS_CHANGED,
    )
    document = get("referrals", "ReferralDocument").objects.create(referral=referral, upload=upload)
    physician = get("appointments", "Physician").objects.create(first_name="Jo", last_name="Old")
    request = get("appointments", "AppointmentRequest").objects.create(
        submission_key=uuid.uuid4(),
        status="booked",
        patient=patient,
        first_name="Ann",
        last_name="Old",
        date_of_birth=datetime.date(1960, 1, 1),
        email="ann@example.com",
        visit_type="new_consultation",
        location=location,
        time_windows="morning",
        earliest_date=datetime.date(2025, 5, 10),
        reason="Back pain",
    )
    appointment = get("appointments", "Appointment").objects.create(
        request=request,
        patient=patient,
        physician=physician,
        location=location,
        visit_type="new_consultation",
        starts_at=SUBMITTED,
        ends_at=SUBMITTED + datetime.timedelta(minutes=45),
        scheduled_at=CREATED,
    )
    for model, row in [
        ("clinic.OutboundEmail", email),
        ("clinic.Upload", upload),
        ("clinic.StaffAlert", alert),
    ]:
        apps.get_model(model).objects.filter(pk=row.pk).update(created_at=CREATED)
    get("referrals", "ReferringProvider").objects.filter(pk=provider.pk).update(created_at=CREATED)
    get("referrals", "ReferralDocument").objects.filter(pk=document.pk).update(added_at=CREATED)
    get("appointments", "AppointmentRequest").objects.filter(pk=request.pk).update(
        created_at=CREATED, status_changed_at=STATUS_CHANGED
    )
    get("appointments", "Appointment").objects.filter(pk=appointment.pk).update(created_at=CREATED)
    return {
        "clinic.Location": location.pk,
        "clinic.OutboundEmail": email.pk,
        "clinic.Upload": upload.pk,
        "clinic.StaffAlert": alert.pk,
        "referrals.ReferringProvider": provider.pk,
        "referrals.Referral": referral.pk,
        "referrals.ReferralDocument": document.pk,
        "appointments.Physician": physician.pk,
        "appointments.AppointmentRequest": request.pk,
        "appointments.Appointment": appointment.pk,
    }


def test_rows_that_existed_get_their_times_from_what_was_recorded(old_apps):
    rows = make_old_rows(old_apps)
    started = timezone.now()

    apps = migrate(AFTER)

    def times(model: str) -> tuple[datetime.datetime, datetime.datetime]:
        row = apps.get_model(model).objects.get(pk=rows[model])
        return row.created_at, row.updated_at

    for model in (
        "clinic.OutboundEmail",
        "clinic.Upload",
        "clinic.StaffAlert",
        "referrals.ReferringProvider",
    ):
        assert times(model) == (CREATED, CREATED), model
    assert times("referrals.ReferralDocument") == (CREATED, CREATED)
    assert times("referrals.Referral") == (SUBMITTED, STATUS_CHANGED)
    assert times("appointments.AppointmentRequest") == (CREATED, STATUS_CHANGED)
    assert times("appointments.Appointment") == (CREATED, CREATED)
    # Nobody recorded when a location or a physician was added: the time of the migration.
    for model in ("clinic.Location", "appointments.Physician"):
        created_at, updated_at = times(model)
        assert created_at == updated_at and created_at >= started - datetime.timedelta(seconds=1), model


def test_the_migrations_go_back_and_forth(old_apps):
    make_old_rows(old_apps)
    migrate(AFTER)
    apps = migrate(BEFORE)
    assert apps.get_model("referrals", "ReferralDocument").objects.get().added_at == CREATED
