"""Tiers shown as tiers: emergency and urgent findings are alarms (red, first, with what to do);
findings for the visit are notes (neutral, after), with the same words for referrers and staff."""

import re

import pytest
from django.urls import reverse

from clinic.core.roles import CLINICIAN
from intake import services as intake_services
from referrals.models import Referral
from tests.factories import IntakeFactory, StaffUserFactory

from .conftest import red_flag_answers, referral_post

pytestmark = pytest.mark.django_db

ALARM = re.compile(r'class="[^"]*tier-alarm')


def submit_with_red_flags(client, **answers) -> Referral:
    data = referral_post(**{f"rf_{key}": value for key, value in red_flag_answers(**answers).items()})
    assert client.post(reverse("referrals:new"), data).status_code == 302
    return Referral.objects.get()


def test_a_routine_referral_with_notes_for_the_visit_shows_the_referrer_no_alarm(provider_client):
    referral = submit_with_red_flags(provider_client, no_improvement_after_a_month="yes", thoracic_pain="yes")
    assert referral.red_flag_tier == "flag"

    listing = provider_client.get(reverse("referrals:list")).content.decode()
    assert not ALARM.search(listing)
    assert "Red flag" not in listing and "RED FLAG" not in listing
    assert ">flag<" not in listing

    detail = provider_client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert not ALARM.search(detail)
    assert 'id="red-flag-guidance"' not in detail
    assert "For the visit" in detail and "No improvement after about 1 month" in detail


def test_an_emergency_shows_the_referrer_the_alarm_first_with_what_to_do(provider_client):
    referral = submit_with_red_flags(provider_client, thoracic_pain="yes", bowel_incontinence="yes")

    listing = provider_client.get(reverse("referrals:list")).content.decode()
    assert re.search(r'class="tier tier-alarm tier-emergency"[^>]*>Emergency<', listing)

    detail = provider_client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    alarm_box = detail.index('class="tier-box tier-alarm tier-emergency"')
    note_box = detail.index('class="tier-box tier-note tier-flag"')
    assert (
        alarm_box
        < detail.index("Needs emergency care now")
        < detail.index("New loss of bowel control")
        < note_box
    )
    assert note_box < detail.index("Thoracic (mid-back) pain")


def test_staff_see_the_same_tier_words_in_the_referral_queue_and_page(client, provider_client):
    note_only = submit_with_red_flags(provider_client, thoracic_pain="yes")
    client.force_login(StaffUserFactory(role=CLINICIAN))

    queue = client.get(reverse("admin:referrals_referral_changelist")).content.decode()
    assert "RED FLAG" not in queue and "(flag)" not in queue
    assert re.search(r'class="tier tier-note tier-flag"[^>]*>For the visit<', queue)

    page = client.get(reverse("admin:referrals_referral_change", args=[note_only.pk])).content.decode()
    assert "For the visit" in page and not ALARM.search(page.split('id="content"')[-1])


def test_the_intake_page_lists_alarms_before_notes_for_the_visit(client):
    intake = IntakeFactory(date_of_birth="1950-01-01")
    intake_services.intake_save_step(
        intake=intake,
        step="pain",
        answers={
            "onset_date": "2025-01-01",
            "red_flags": {"spinal_deformity": "yes", "fever_or_unwell": "yes"},
        },
    )
    client.force_login(StaffUserFactory(role=CLINICIAN))
    page = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()

    urgent = page.index("Fever, chills or rigors")
    assert urgent < page.index("Visible spinal deformity") and urgent < page.index(
        "New back pain starting at age"
    )
    assert "Needs a clinician&#x27;s review today." in page or "Needs a clinician's review today." in page
    assert "To consider at the visit" in page
    assert "URGENT" not in page.split('id="content"')[-1]

    listing = client.get(reverse("admin:intake_intake_changelist")).content.decode()
    assert re.search(r'class="tier tier-alarm tier-urgent"[^>]*>Urgent<', listing)


def test_the_staff_home_shows_waiting_alerts_by_tier(client):
    intake_services.intake_save_step(
        intake=IntakeFactory(), step="pain", answers={"red_flags": {"bowel_incontinence": "yes"}}
    )
    client.force_login(StaffUserFactory(role=CLINICIAN))
    home = client.get(reverse("admin:index")).content.decode()
    assert re.search(
        r"tier-alarm tier-emergency[^>]*>Emergency</span>\s*<a[^>]*>Emergency alerts to acknowledge", home
    )
