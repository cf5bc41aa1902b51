"""A referral's emergency or urgent red flag reaches the clinicians on duty like an intake's does."""

import pytest
from django.urls import reverse

from clinic.core.emails import render_email
from clinic.core.models import OutboundEmail, StaffAlert
from clinic.core.roles import CLINICIAN
from intake import services as intake_services
from referrals.models import Referral
from tests.factories import IntakeFactory, StaffUserFactory

from .conftest import red_flag_answers, referral_post

pytestmark = pytest.mark.django_db


def submit_with_red_flags(client, **answers):
    data = referral_post(**{f"rf_{key}": value for key, value in red_flag_answers(**answers).items()})
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 302
    return Referral.objects.get()


def alert_subjects() -> list[str]:
    return [
        str(render_email(email).subject) for email in OutboundEmail.objects.filter(template="staff-alert")
    ]


@pytest.mark.parametrize(
    ("answers", "tier", "subject"),
    [
        ({"bowel_incontinence": "yes"}, "emergency", "EMERGENCY alert - please review now"),
        ({"saddle_numbness": "not_sure"}, "emergency", "EMERGENCY alert - please review now"),
        ({"fever_or_unwell": "yes"}, "urgent", "URGENT alert - please review now"),
        ({"cancer": "yes", "thoracic_pain": "yes"}, "urgent", "URGENT alert - please review now"),
    ],
)
def test_a_referral_red_flag_alerts_the_clinicians_with_its_tier_in_the_subject(
    provider_client, settings, answers, tier, subject
):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example", "lead@clinic.example"]
    referral = submit_with_red_flags(provider_client, **answers)

    alert = referral.alerts.get()
    assert (alert.kind, alert.tier, alert.subject) == ("red_flag", tier, referral)
    assert alert.acknowledged_at is None
    emails = OutboundEmail.objects.filter(template="staff-alert")
    assert sorted(email.to for email in emails) == ["duty@clinic.example", "lead@clinic.example"]
    assert alert_subjects() == [subject, subject]


def test_the_referral_alert_email_carries_no_patient_detail_only_a_link_behind_the_login(
    provider_client, settings
):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    referral = submit_with_red_flags(provider_client, bowel_incontinence="yes")
    message = render_email(OutboundEmail.objects.get(template="staff-alert"))
    alert = referral.alerts.get()

    text = message.subject + message.body + message.alternatives[0][0]
    link = f"/staff/clinic/staffalert/{alert.pk}/change/"
    assert link in message.body
    for detail in ("Maria", "Lopez", "1961", "bowel", "Eliquis", referral.number, "L5"):
        assert detail not in text
    provider_client.logout()
    assert provider_client.get(link).status_code == 302  # to the staff sign-in


def test_a_referral_with_only_for_the_visit_flags_alerts_nobody(provider_client, settings):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    # Pain for months in a patient over 50, mid-back pain: notes for the visit, not alarms.
    referral = submit_with_red_flags(provider_client, thoracic_pain="yes", no_improvement_after_a_month="yes")

    assert referral.red_flag_tier == "flag"
    assert not StaffAlert.objects.exists()
    assert not OutboundEmail.objects.filter(template="staff-alert").exists()


def test_clinicians_acknowledge_a_referral_alert_from_its_page(client, provider_client, settings):
    settings.CLINIC_ALERT_EMAILS = []
    clinician = StaffUserFactory(role=CLINICIAN, email="doc@clinic.example")
    referral = submit_with_red_flags(provider_client, progressive_leg_weakness="yes")
    assert list(OutboundEmail.objects.values_list("to", flat=True).filter(template="staff-alert")) == [
        "doc@clinic.example"
    ]
    alert = referral.alerts.get()

    client.force_login(clinician)
    page = client.get(reverse("admin:clinic_staffalert_change", args=[alert.pk])).content.decode()
    assert reverse("admin:referrals_referral_change", args=[referral.pk]) in page
    client.post(reverse("admin:clinic_staffalert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician


def test_one_alert_list_holds_the_alerts_of_intakes_and_referrals(client, provider_client, settings):
    submit_with_red_flags(provider_client, major_trauma="yes")
    intake = IntakeFactory()
    intake_services.intake_save_step(
        intake=intake, step="pain", answers={"red_flags": {"bowel_incontinence": "yes"}}
    )

    assert StaffAlert.objects.count() == 2
    assert intake.alerts.get().tier == "emergency"
    client.force_login(StaffUserFactory(role=CLINICIAN))
    page = client.get(reverse("admin:clinic_staffalert_changelist")).content.decode()
    assert reverse("admin:intake_intake_change", args=[intake.pk]) in page
    assert reverse("admin:referrals_referral_change", args=[Referral.objects.get().pk]) in page
