"""What the front desk found wanting in the referral admin: worklists, search, refusals, emails."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.core.roles import FRONT_DESK
from clinic.core.status import StatusMoveRefused
from referrals import services
from referrals.models import Referral
from tests.factories import PatientFactory, ReferralFactory, StaffUserFactory

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
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return [r.number for r in response.context["cl"].result_list]


def test_the_aging_worklist_shows_old_referrals_not_yet_booked_oldest_first(client, desk):
    accepted_long_ago = ReferralFactory(status="accepted", submitted_at=ago(40))
    submitted_long_ago = ReferralFactory(status="submitted", submitted_at=ago(20))
    under_review_a_while = ReferralFactory(status="under_review", submitted_at=ago(10))
    ReferralFactory(status="accepted", submitted_at=ago(2))  # recent
    ReferralFactory(status="scheduled", submitted_at=ago(60), scheduled_for=timezone.now())  # booked
    ReferralFactory(status="declined", submitted_at=ago(60), decline_reason="other")  # closed

    assert queue(client, aging="7") == [
        accepted_long_ago.number,
        submitted_long_ago.number,
        under_review_a_while.number,
    ]
    assert queue(client, aging="30") == [accepted_long_ago.number]
    assert len(queue(client, aging="nonsense")) == 6


def test_the_aging_worklist_is_offered_as_a_filter(client, desk):
    content = client.get(reverse(CHANGELIST)).content.decode()
    assert "aging without a booking" in content
    assert "Waiting over 14 days, not booked" in content


@pytest.mark.parametrize("term", ["Dupont 1970-05-06", "05/06/1970 jane dupont", "dupont 5/6/1970"])
def test_the_queue_is_searched_by_name_and_date_of_birth_together(client, desk, term):
    wanted = ReferralFactory(
        patient_first_name="Jane", patient_last_name="Dupont", patient_date_of_birth=datetime.date(1970, 5, 6)
    )
    ReferralFactory(patient_last_name="Dupont", patient_date_of_birth=datetime.date(1980, 1, 1))
    ReferralFactory(patient_last_name="Smith", patient_date_of_birth=datetime.date(1970, 5, 6))

    assert queue(client, q=term) == [wanted.number]


def test_a_date_of_birth_alone_still_finds_the_referral(client, desk):
    wanted = ReferralFactory(patient_date_of_birth=datetime.date(1970, 5, 6))
    ReferralFactory(patient_date_of_birth=datetime.date(1971, 5, 6))
    assert queue(client, q="1970-05-06") == [wanted.number]


def test_a_tampered_action_selection_is_refused_with_a_message_not_a_500(client, desk):
    referral = ReferralFactory()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "mark_under_review", "_selected_action": ["abc", str(referral.pk)], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "The selection is not valid" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_an_action_not_possible_in_this_status_offers_no_form(client, desk):
    referral = ReferralFactory(status="accepted")
    url = reverse("admin:referrals_referral_action", args=[referral.pk, "decline"])

    content = client.get(url).content.decode()

    assert "This action is not possible for a referral that is Accepted." in content
    assert 'name="confirm"' not in content


def test_declining_an_accepted_referral_says_the_move_is_refused_not_that_a_note_is_missing(client, desk):
    referral = ReferralFactory(status="accepted")
    url = reverse("admin:referrals_referral_action", args=[referral.pk, "decline"])

    response = client.post(url, {"reason": "other", "note": ""}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Referral {referral.number} cannot move from “Accepted” to “Declined”."]
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_accepting_a_closed_referral_says_the_move_is_refused_before_asking_about_duplicates():
    referral = ReferralFactory(status="seen", seen_at=timezone.now())
    PatientFactory(
        first_name=referral.patient_first_name,
        last_name=referral.patient_last_name,
        date_of_birth=referral.patient_date_of_birth,
    )
    with pytest.raises(StatusMoveRefused, match="cannot move from “Seen” to “Accepted”"):
        services.referral_accept(referral=referral, by=StaffUserFactory())


def test_the_visit_date_reads_cleanly_in_the_scheduled_emails(django_capture_on_commit_callbacks):
    referral = ReferralFactory(status="accepted", patient=PatientFactory(email="pat@mail.example"))
    visit = timezone.make_aware(datetime.datetime(2026, 12, 10, 9, 30))  # noqa: DTZ001 (made aware here)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_schedule(referral=referral, visit_at=visit, by=StaffUserFactory())

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Dec. 10, 2026, 9:30 a.m." in message.body
        assert ".." not in message.body
        assert ".." not in message.alternatives[0][0]
