"""Minimum necessary: the front desk schedules, so an intake shows it who the patient is, how to reach
them, the red-flag urgency and the procedure-safety screen, but not the clinical answers."""

import pytest
from django.urls import reverse

from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.factories import StaffUserFactory

from .test_staff import submitted_intake

pytestmark = pytest.mark.django_db

CLINICAL = [
    "PHQ9 12",
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

    assert "PHQ9 12" not in page and "headline scores" not in page
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
    assert "PHQ9 12 (moderate)" in listing
