"""What staff see and do in the admin, role by role; and the draft reminders and expiry."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clinic.core.alerts import staff_alert_acknowledge
from clinic.core.models import OutboundEmail, StaffAlert
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from intake import services
from intake.models import InstrumentResponse, Intake, IntakeStatus, Medication
from intake.tasks import intake_drafts_task
from tests.factories import (
    IntakeFactory,
    PatientFactory,
    StaffAlertFactory,
    StaffUserFactory,
    stored_safety_screen,
)

pytestmark = pytest.mark.django_db


def submitted_intake(**kwargs) -> Intake:
    intake = IntakeFactory.create(
        status=IntakeStatus.SUBMITTED,
        submitted_at=timezone.now(),
        red_flag_tier="emergency",
        red_flags=[
            {
                "key": "bowel_incontinence",
                "tier": "emergency",
                "concern": "Cauda equina",
                "finding": "New loss of bowel control",
            }
        ],
        crisis_flag=True,
        body_regions=["low_back"],
        **kwargs,
    )
    intake.safety_flags = stored_safety_screen(
        intake.patient, source="intake", source_id=intake.public_id, medications=["Eliquis 5 mg"]
    ).flags
    intake.save(update_fields=["safety_flags"])
    InstrumentResponse.objects.create(
        intake=intake,
        code="phq9",
        version="1.0",
        answers={"q9": 1},
        status="scored",
        total=12,
        band="moderate",
        flags=["item9_positive"],
    )
    InstrumentResponse.objects.create(
        intake=intake, code="odi", version="1.0", answers={}, status="scored", total=42, band="severe"
    )
    Medication.objects.create(intake=intake, name="Eliquis", drug_key="apixaban", drug_class="anticoagulant")
    return intake


@pytest.fixture
def clinician(client):
    user = StaffUserFactory(role=CLINICIAN)
    client.force_login(user)
    return user


def test_the_intake_list_shows_status_flags_and_headline_scores_in_bounded_queries(
    client, clinician, django_assert_max_num_queries
):
    for _ in range(22):
        submitted_intake()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:intake_intake_changelist"))
    content = response.content.decode()
    assert (
        "Patient Health Questionnaire (PHQ-9) 12 (moderate)" in content
        and "Oswestry Disability Index v2.1a (ODI) 42.0 (severe)" in content
    )
    assert '<span class="tier tier-alarm tier-emergency"' in content and "red flag: emergency" not in content
    for query in [
        "?flag=emergency",
        "?flag=crisis",
        "?status__exact=submitted",
        "?q=" + Intake.objects.first().last_name,
    ]:
        assert client.get(reverse("admin:intake_intake_changelist") + query).status_code == 200


def test_the_intake_page_shows_every_score_band_flag_and_medication_read_only(
    client, clinician, django_assert_max_num_queries
):
    intake = submitted_intake()
    with django_assert_max_num_queries(25):
        response = client.get(reverse("admin:intake_intake_change", args=[intake.pk]))
    content = response.content.decode()
    for expected in [
        "moderate",
        "severe",
        "item9_positive",
        "Needs emergency care now",
        "New loss of bowel control",
        "On apixaban (anticoagulant)",
        "anticoagulant",
        "Low back",
        "POSITIVE",
    ]:
        assert expected in content, expected  # fmt: skip
    assert 'name="_save"' not in content


@pytest.mark.parametrize(
    ("role", "allowed"), [(FRONT_DESK, False), (CLINICIAN, True), (CLINIC_ADMINISTRATOR, True)]
)
def test_only_clinicians_and_administrators_mark_an_intake_reviewed(client, role, allowed):
    user = StaffUserFactory(role=role)
    client.force_login(user)
    intake = submitted_intake()
    client.post(
        reverse("admin:intake_intake_changelist"),
        {"action": "mark_reviewed", "_selected_action": [intake.pk]},
    )
    intake.refresh_from_db()
    assert (intake.status == IntakeStatus.REVIEWED) is allowed
    if allowed:
        assert intake.reviewed_by == user
        assert list(intake.events.values_list("to_status", flat=True)) == ["reviewed"]


def test_a_clinician_acknowledges_an_alert_once(client, clinician):
    alert = StaffAlertFactory()
    url = reverse("admin:clinic_staffalert_changelist")
    assert client.get(reverse("admin:clinic_staffalert_change", args=[alert.pk])).status_code == 200
    client.post(url, {"action": "acknowledge", "_selected_action": [alert.pk]})
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician
    other = StaffUserFactory(role=CLINICIAN)
    assert staff_alert_acknowledge(alert=alert, user=other) is False


def test_front_desk_invites_patients_from_the_patient_list(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    patients = [PatientFactory(), PatientFactory(email="")]
    response = client.post(
        reverse("admin:clinic_patient_changelist"),
        {"action": "invite_to_intake", "_selected_action": [p.pk for p in patients]},
        follow=True,
    )
    assert b"1 invitation sent." in response.content
    assert b"no email address" in response.content
    assert Intake.objects.get().patient == patients[0]
    assert OutboundEmail.objects.filter(template="intake-invitation").count() == 1


def test_sending_an_invitation_again_skips_a_patient_with_no_email_and_says_so(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    reachable = IntakeFactory(patient=PatientFactory())
    unreachable = IntakeFactory(patient=PatientFactory(email=""))
    response = client.post(
        reverse("admin:intake_intake_changelist"),
        {"action": "send_invitation_again", "_selected_action": [reachable.pk, unreachable.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"1 invitation sent." in response.content
    assert unreachable.patient.initials.encode() in response.content
    assert OutboundEmail.objects.filter(template="intake-invitation").count() == 1


def test_drafts_are_reminded_a_few_days_before_and_expire_after_30_days(settings):
    now = timezone.now()
    soon = IntakeFactory(expires_at=now + datetime.timedelta(days=2))
    later = IntakeFactory(expires_at=now + datetime.timedelta(days=20))
    old = IntakeFactory(expires_at=now - datetime.timedelta(minutes=1))
    submitted = submitted_intake(expires_at=now - datetime.timedelta(days=1))

    result = intake_drafts_task()
    intake_drafts_task()

    assert result == {"reminded": 1, "expired": 1}
    assert list(
        OutboundEmail.objects.filter(template="intake-expiry-reminder").values_list("to", flat=True)
    ) == [soon.email]
    assert Intake.objects.get(pk=old.pk).status == IntakeStatus.EXPIRED
    assert Intake.objects.get(pk=later.pk).status == IntakeStatus.DRAFT
    assert Intake.objects.get(pk=submitted.pk).status == IntakeStatus.SUBMITTED
    assert "intake-drafts" in settings.CELERY_BEAT_SCHEDULE


def test_a_new_draft_expires_after_the_configured_days(settings):
    settings.INTAKE_DRAFT_DAYS = 30
    intake = services.intake_start(
        first_name="A", last_name="B", date_of_birth=datetime.date(1980, 1, 1), email="a@example.com"
    )
    assert 29.9 < (intake.expires_at - timezone.now()).total_seconds() / 86400 <= 30


def test_alert_email_goes_to_active_clinicians_when_no_list_is_set(settings):
    settings.CLINIC_ALERT_EMAILS = []
    StaffUserFactory(role=CLINICIAN, email="doc@clinic.example")
    StaffUserFactory(role=FRONT_DESK, email="desk@clinic.example")
    intake = IntakeFactory()
    services.intake_save_step(intake=intake, step="pain", answers={"red_flags": {"cancer": "yes"}})
    assert StaffAlert.objects.get(intake=intake).tier == "urgent"
    assert list(OutboundEmail.objects.filter(template="staff-alert").values_list("to", flat=True)) == [
        "doc@clinic.example"
    ]


def test_a_missing_licensed_wording_file_is_told_by_manage_py_check_not_on_the_staff_pages(client, settings):
    settings.INSTRUMENT_WORDING_FILE = ""
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "intake.I001" in out.getvalue() and "INSTRUMENT_WORDING_FILE" in out.getvalue()
    assert "Oswestry Disability Index" in out.getvalue()

    for role in (FRONT_DESK, CLINICIAN):
        client.force_login(StaffUserFactory(role=role))
        page = client.get(reverse("admin:intake_intake_changelist")).content.decode()
        assert "Not offered to patients" not in page and "INSTRUMENT_WORDING_FILE" not in page


def test_the_check_is_quiet_when_the_licensed_wording_is_configured(wording_file):
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "intake.I001" not in out.getvalue()
