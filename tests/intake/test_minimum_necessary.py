"""Minimum necessary: the front desk schedules, so an intake shows it who the patient is, how to reach
them, the red-flag urgency and the procedure-safety screen, but not the clinical answers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import StaffAlert
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from intake.models import IntakeStatus
from intake.services import PHQ9_ITEM9_ALERT_SUMMARY
from tests.factories import IntakeFactory, StaffAlertFactory, StaffUserFactory

from .test_staff import submitted_intake

pytestmark = pytest.mark.django_db

CLINICAL = [
    "(PHQ-9) 12",
    "moderate",
    "ODI",
    "item9_positive",
    "Low back",
    "POSITIVE: crisis resources",
    "Every answer",
]


def page_as(client, role, url):
    client.force_login(StaffUserFactory(role=role))
    return client.get(url).content.decode()


def test_the_front_desk_reads_what_scheduling_needs_and_no_clinical_answer(client):
    intake = submitted_intake()

    page = page_as(client, FRONT_DESK, reverse("admin:intake_intake_change", args=[intake.pk]))

    assert intake.last_name in page and intake.email in page
    assert "New loss of bowel control" in page  # red-flag urgency decides how soon to book
    assert "On apixaban (anticoagulant)" in page  # the safety screen a procedure booking reads
    for clinical in CLINICAL:
        assert clinical not in page, clinical


def test_the_front_desk_list_has_no_scores_and_no_phq9_item9_filter(client):
    submitted_intake()

    page = page_as(client, FRONT_DESK, reverse("admin:intake_intake_changelist"))

    assert "(PHQ-9) 12" not in page and "headline scores" not in page
    assert "PHQ-9 item 9" not in page
    assert "tier-emergency" in page
    filtered = client.get(reverse("admin:intake_intake_changelist") + "?flag=crisis").content.decode()
    assert "tier-emergency" not in filtered  # the item-9 filter, typed in by hand, finds nothing


@pytest.mark.parametrize("role", [CLINICIAN, CLINIC_ADMINISTRATOR])
def test_those_who_review_intakes_read_every_clinical_part(client, role):
    intake = submitted_intake()

    page = page_as(client, role, reverse("admin:intake_intake_change", args=[intake.pk]))

    for clinical in ["moderate", "item9_positive", "Low back", "POSITIVE: crisis resources", "Every answer"]:
        assert clinical in page, clinical
    listing = client.get(reverse("admin:intake_intake_changelist")).content.decode()
    assert "Patient Health Questionnaire (PHQ-9) 12 (moderate)" in listing


def submitted_by(last_name):
    return IntakeFactory(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now(), last_name=last_name)


def intake_page(client, intake) -> str:
    return client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()


def alerts_of_both_kinds():
    """One intake with only a PHQ-9 item 9 alert, another with only a red-flag alert."""
    self_harm = StaffAlertFactory(
        subject=IntakeFactory(
            status=IntakeStatus.SUBMITTED, submitted_at=timezone.now(), last_name="Quietly"
        ),
        kind=StaffAlert.Kind.PHQ9_ITEM9,
        tier=StaffAlert.Tier.URGENT,
        summary=PHQ9_ITEM9_ALERT_SUMMARY,
    )
    red_flag = StaffAlertFactory(
        subject=submitted_by("Loudly"),
        tier=StaffAlert.Tier.URGENT,
        summary="Urgent: Fever with back pain",
    )
    return self_harm, red_flag


def test_the_front_desk_sees_red_flag_alerts_but_no_phq9_item9_alert_anywhere(client):
    self_harm, red_flag = alerts_of_both_kinds()
    client.force_login(StaffUserFactory(role=FRONT_DESK))

    alerts = client.get(reverse("admin:clinic_staffalert_changelist")).content.decode()
    assert "Loudly" in alerts
    assert "Quietly" not in alerts and "self-harm" not in alerts
    assert client.get(reverse("admin:clinic_staffalert_change", args=[self_harm.pk])).status_code in {
        302,
        404,
    }
    intake_page = client.get(
        reverse("admin:intake_intake_change", args=[self_harm.subject.pk])
    ).content.decode()
    assert "self-harm" not in intake_page
    red_flag_page = client.get(
        reverse("admin:intake_intake_change", args=[red_flag.subject.pk])
    ).content.decode()
    assert "Fever with back pain" in red_flag_page
    unacknowledged = client.get(reverse("admin:intake_intake_changelist") + "?flag=unacknowledged")
    assert "Loudly" in unacknowledged.content.decode() and "Quietly" not in unacknowledged.content.decode()
    home = client.get(reverse("admin:index"))
    counts = {entry.label: entry.count for entry in home.context["worklists"]}
    assert counts["Urgent and PHQ-9 item 9 alerts to acknowledge"] == 1


@pytest.mark.parametrize("role", [CLINICIAN, CLINIC_ADMINISTRATOR])
def test_those_who_read_clinical_detail_see_both_kinds_of_alert(client, role):
    self_harm, _red_flag = alerts_of_both_kinds()
    client.force_login(StaffUserFactory(role=role))

    alerts = client.get(reverse("admin:clinic_staffalert_changelist")).content.decode()
    assert "Quietly" in alerts and "Loudly" in alerts
    intake_page = client.get(
        reverse("admin:intake_intake_change", args=[self_harm.subject.pk])
    ).content.decode()
    assert "self-harm" in intake_page
    home = client.get(reverse("admin:index"))
    counts = {entry.label: entry.count for entry in home.context["worklists"]}
    assert counts["Urgent and PHQ-9 item 9 alerts to acknowledge"] == 2
