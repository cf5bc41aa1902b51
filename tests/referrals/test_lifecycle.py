import datetime

import pytest
from django.core import mail
from django.utils import timezone

from clinic.core.models import Patient
from clinic.core.status import StatusMoveRefused
from intake.models import Intake
from referrals import services
from referrals.models import REFERRAL_MOVES, ReferralStatus
from tests.factories import PatientFactory, ReferralFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def staff():
    return StaffUserFactory()


def visit_time():
    return timezone.now() + datetime.timedelta(days=7)


def test_the_whole_loop_writes_one_event_per_move_and_tells_the_referrer_each_milestone(
    staff, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(patient_first_name="Maria", patient_last_name="Lopez")
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_mark_under_review(referral=referral, by=staff, note="Reviewing MRI")
        services.referral_accept(referral=referral, by=staff)
        services.referral_schedule(referral=referral, visit_at=visit_time(), by=staff)
        services.referral_mark_seen(referral=referral, by=staff)

    referral.refresh_from_db()
    assert referral.status == S.SEEN and referral.seen_at is not None
    moves = list(referral.events.values_list("from_status", "to_status", "actor", "note"))
    assert moves == [
        (S.SUBMITTED, S.UNDER_REVIEW, staff.pk, "Reviewing MRI"),
        (S.UNDER_REVIEW, S.ACCEPTED, staff.pk, ""),
        (S.ACCEPTED, S.SCHEDULED, staff.pk, ""),
        (S.SCHEDULED, S.SEEN, staff.pk, ""),
    ]
    to_provider = [m for m in mail.outbox if m.to == [referral.provider.user.email]]
    assert [m.subject for m in to_provider] == [
        f"Referral {referral.number} accepted",
        f"Referral {referral.number}: visit scheduled",
        f"Referral {referral.number}: patient seen",
    ]
    for message in to_provider:
        assert "ML" in message.body
        assert "Lopez" not in message.body and "M54.16" not in message.body
    to_patient = [m.subject for m in mail.outbox if m.to == [referral.patient_email]]
    assert len(to_patient) == 2  # the intake invitation, then the visit date


def test_accepting_creates_the_patient_and_invites_them_to_a_prefilled_intake(staff):
    referral = ReferralFactory(
        patient_first_name="Ana", patient_last_name="Diaz", patient_email="ana@mail.example"
    )

    services.referral_accept(referral=referral, by=staff)

    patient = Patient.objects.get()
    assert (patient.first_name, patient.last_name, patient.email) == ("Ana", "Diaz", "ana@mail.example")
    assert referral.patient == patient
    intake = Intake.objects.get(patient=patient)
    assert intake.first_name == "Ana" and intake.date_of_birth == referral.patient_date_of_birth


def test_a_possible_duplicate_patient_must_be_linked_or_confirmed_as_new(staff):
    existing = PatientFactory(first_name="Ana", last_name="Diaz")
    referral = ReferralFactory(
        patient_first_name="ana", patient_last_name="DIAZ", patient_date_of_birth=existing.date_of_birth
    )

    with pytest.raises(services.ReferralError, match="same name and date of birth"):
        services.referral_accept(referral=referral, by=staff)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and referral.events.count() == 0

    services.referral_accept(referral=referral, by=staff, link_patient=existing)
    assert Patient.objects.count() == 1
    assert referral.patient == existing


def test_staff_may_confirm_a_new_patient_despite_a_namesake(staff):
    existing = PatientFactory()
    referral = ReferralFactory(
        patient_first_name=existing.first_name,
        patient_last_name=existing.last_name,
        patient_date_of_birth=existing.date_of_birth,
    )
    services.referral_accept(referral=referral, by=staff, create_patient=True)
    assert Patient.objects.count() == 2


def test_declining_tells_the_referrer_the_reason_from_the_list_but_not_the_note(
    staff, django_capture_on_commit_callbacks
):
    referral = ReferralFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(
            referral=referral, by=staff, reason="needs_imaging", note="Please get a lumbar MRI"
        )

    (message,) = mail.outbox
    assert "Imaging needed before referral" in message.body
    assert "lumbar MRI" not in message.body
    referral.refresh_from_db()
    assert referral.decline_note == "Please get a lumbar MRI"


def test_a_decline_needs_a_reason_and_other_needs_a_note(staff):
    referral = ReferralFactory()
    with pytest.raises(services.ReferralError):
        services.referral_decline(referral=referral, by=staff, reason="")
    with pytest.raises(services.ReferralError):
        services.referral_decline(referral=referral, by=staff, reason="other", note=" ")


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("target", [S.UNDER_REVIEW, S.SEEN, S.CANCELLED])
def test_a_move_outside_the_graph_is_refused_with_a_clear_message(staff, start, target):
    referral = ReferralFactory(
        status=start,
        scheduled_for=visit_time() if start == S.SCHEDULED else None,
        decline_reason="incomplete" if start == S.DECLINED else "",
    )
    move = {
        S.UNDER_REVIEW: services.referral_mark_under_review,
        S.SEEN: services.referral_mark_seen,
        S.CANCELLED: services.referral_cancel,
    }[target]
    if REFERRAL_MOVES.allows(start, target):
        move(referral=referral, by=staff)
        assert referral.status == target
    else:
        with pytest.raises(StatusMoveRefused, match="cannot move from"):
            move(referral=referral, by=staff)
        referral.refresh_from_db()
        assert referral.status == start and referral.events.count() == 0


def test_scheduling_twice_is_refused(staff):
    referral = ReferralFactory(status=S.ACCEPTED)
    services.referral_schedule(referral=referral, visit_at=visit_time(), by=staff)
    with pytest.raises(StatusMoveRefused):
        services.referral_schedule(referral=referral, visit_at=visit_time(), by=staff)


def test_appointments_can_schedule_without_a_second_patient_email(staff, django_capture_on_commit_callbacks):
    referral = ReferralFactory(status=S.ACCEPTED, patient=PatientFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_schedule(referral=referral, visit_at=visit_time(), by=staff, notify_patient=False)
    assert [m.to for m in mail.outbox] == [[referral.provider.user.email]]


def test_the_referrer_cancels_only_before_the_visit_is_scheduled(staff):
    referral = ReferralFactory(status=S.ACCEPTED)
    services.referral_provider_cancel(referral=referral, provider=referral.provider, note="Patient moved")
    assert referral.status == S.CANCELLED

    scheduled = ReferralFactory(status=S.SCHEDULED, scheduled_for=visit_time())
    with pytest.raises(StatusMoveRefused, match="can no longer be cancelled"):
        services.referral_provider_cancel(referral=scheduled, provider=scheduled.provider)
