import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import Patient
from clinic.core.roles import CLINIC_ADMINISTRATOR, FRONT_DESK
from referrals.models import QueuePriority, Referral
from tests.factories import (
    LocationFactory,
    PatientFactory,
    ReferralDocumentFactory,
    ReferralFactory,
    ReferringProviderFactory,
    StaffUserFactory,
    stored_safety_screen,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:referrals_referral_changelist"


@pytest.fixture
def desk(client):
    user = StaffUserFactory(role=FRONT_DESK)
    client.force_login(user)
    return user


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def queue(client, **params):
    return [r.number for r in client.get(reverse(CHANGELIST), params).context["cl"].result_list]


def test_the_queue_puts_red_flags_and_urgent_first_then_the_oldest(client, desk):
    old_routine = ReferralFactory(submitted_at=ago(30))
    new_routine = ReferralFactory(submitted_at=ago(1))
    urgent = ReferralFactory(submitted_at=ago(2), urgency="urgent", queue_priority=QueuePriority.URGENT)
    emergency = ReferralFactory(
        submitted_at=ago(0), red_flag_tier="emergency", queue_priority=QueuePriority.EMERGENCY_RED_FLAG
    )

    assert queue(client) == [emergency.number, urgent.number, old_routine.number, new_routine.number]


def test_the_queue_filters_by_status_urgency_service_location_and_verified_provider(client, desk):
    location = LocationFactory()
    unverified = ReferralFactory(provider=ReferringProviderFactory(verified_at=None), location=location)
    declined = ReferralFactory(status="declined", decline_reason="incomplete", urgency="urgent")
    other = ReferralFactory(requested_service="radiofrequency_ablation")

    assert queue(client, status="declined") == [declined.number]
    assert queue(client, urgency="urgent") == [declined.number]
    assert queue(client, requested_service="radiofrequency_ablation") == [other.number]
    assert queue(client, location__id__exact=location.pk) == [unverified.number]
    assert queue(client, provider_verified="no") == [unverified.number]
    assert unverified.number not in queue(client, provider_verified="yes")


def test_the_queue_is_searched_by_patient_name_dob_number_and_npi(client, desk):
    referral = ReferralFactory(patient_last_name="Quintero", patient_date_of_birth=datetime.date(1958, 3, 9))
    ReferralFactory.create_batch(3)

    for term in ("Quintero", "1958-03-09", "03/09/1958", referral.number, referral.provider.npi):
        assert queue(client, q=term) == [referral.number], term


def test_the_queue_and_the_referral_page_make_a_bounded_number_of_queries(
    client, desk, django_assert_max_num_queries
):
    referrals = ReferralFactory.create_batch(25)
    for referral in referrals[:5]:
        ReferralDocumentFactory.create_batch(2, referral=referral)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(CHANGELIST)).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:referrals_referral_change", args=[referrals[0].pk]))
    assert response.status_code == 200


def test_the_referral_page_shows_everything_with_code_descriptions_documents_flags_and_history(client, desk):
    document = ReferralDocumentFactory(
        referral__diagnosis_codes=["M54.16", "M51.26"],
        referral__red_flags=[
            {
                "key": "bowel_incontinence",
                "tier": "emergency",
                "concern": "Cauda equina",
                "finding": "New loss of bowel control",
            }
        ],
        referral__red_flag_tier="emergency",
    )
    referral = document.referral
    stored_safety_screen(None, source="referral", source_id=referral.public_id, medications=["Eliquis"])

    content = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()

    for text in (
        "Radiculopathy, lumbar region",
        "M51.26",
        "New loss of bowel control",
        "On apixaban",
        referral.provider.npi,
        reverse("referrals:document", args=[referral.public_id, document.public_id]),
        referral.insurance_member_id,
        reverse("admin:referrals_referral_action", args=[referral.pk, "accept"]),
        reverse("admin:referrals_referral_action", args=[referral.pk, "decline"]),
        reverse("admin:referrals_referral_action", args=[referral.pk, "under_review"]),
    ):
        assert text in content, text
    # Not offered: moves outside the graph from "submitted".
    assert reverse("admin:referrals_referral_action", args=[referral.pk, "seen"]) not in content


def test_accept_decline_schedule_seen_buttons_call_the_services(
    client, desk, django_capture_on_commit_callbacks
):
    referral = ReferralFactory()
    action = lambda name: reverse("admin:referrals_referral_action", args=[referral.pk, name])  # noqa: E731

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(action("under_review"), {"note": "checking"}).status_code == 302
        assert client.post(action("accept"), {"patient_choice": "new", "note": ""}).status_code == 302
        assert client.post(action("schedule"), {"visit_at": "2031-05-06T09:30"}).status_code == 302
        assert client.post(action("seen"), {}).status_code == 302

    referral.refresh_from_db()
    assert referral.status == "seen"
    assert timezone.localtime(referral.scheduled_for).strftime("%Y-%m-%d %H:%M") == "2031-05-06 09:30"
    assert referral.events.count() == 4
    assert any("2031" in m.body for m in mail.outbox if "scheduled" in m.subject)


def test_a_disallowed_move_from_the_admin_is_refused_with_a_clear_message(client, desk):
    referral = ReferralFactory()
    url = reverse("admin:referrals_referral_action", args=[referral.pk, "seen"])

    response = client.post(url, {}, follow=True)

    assert "cannot move from “Submitted” to “Seen”" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_decline_requires_a_reason_from_the_list(client, desk):
    referral = ReferralFactory()
    url = reverse("admin:referrals_referral_action", args=[referral.pk, "decline"])
    response = client.post(url, {"reason": "", "note": "no"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    client.post(url, {"reason": "needs_conservative_care", "note": ""})
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "needs_conservative_care"


def test_a_possible_duplicate_is_shown_and_staff_link_it_instead_of_creating_a_second(client, desk):
    patient = PatientFactory(first_name="Rosa", last_name="Martin")
    referral = ReferralFactory(
        patient_first_name="Rosa", patient_last_name="Martin", patient_date_of_birth=patient.date_of_birth
    )
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()
    assert "Possible duplicate patient" in page

    url = reverse("admin:referrals_referral_action", args=[referral.pk, "accept"])
    form_page = client.get(url).content.decode()
    assert str(patient.public_id) in form_page
    client.post(url, {"patient_choice": str(patient.public_id)})

    referral.refresh_from_db()
    assert referral.patient == patient and Patient.objects.count() == 1


def test_staff_verify_a_provider_from_the_list_and_from_the_provider_page(client, desk):
    first, second = ReferringProviderFactory(verified_at=None), ReferringProviderFactory(verified_at=None)
    changelist = reverse("admin:referrals_referringprovider_changelist")
    client.post(changelist, {"action": "verify_providers", "_selected_action": [first.pk]})
    page = client.get(reverse("admin:referrals_referringprovider_change", args=[second.pk])).content.decode()
    assert "Verify this provider" in page
    client.post(reverse("admin:referrals_referringprovider_verify", args=[second.pk]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.verified_by == desk and second.verified_by == desk


def test_the_administrator_can_do_everything_and_nobody_edits_the_referral_content(client):
    client.force_login(StaffUserFactory(role=CLINIC_ADMINISTRATOR))
    referral = ReferralFactory()
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()
    assert "cancel" in page
    response = client.post(
        reverse("admin:referrals_referral_change", args=[referral.pk]), {"patient_last_name": "Changed"}
    )
    assert response.status_code == 403
    assert Referral.objects.get().patient_last_name == referral.patient_last_name
