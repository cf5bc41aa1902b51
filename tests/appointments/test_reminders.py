import datetime

import pytest
import time_machine
from django.core import mail

from appointments import services
from appointments.tasks import appointment_reminders_task
from clinic.core.emails import email_send, outbox_sweep
from clinic.core.models import OutboundEmail
from intake.tokens import resume_url
from tests.factories import AppointmentRequestFactory, IntakeFactory

from .conftest import local_slot

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def book(location, physician, *, days_ahead=7, hour=10, visit_type="follow_up", **request_fields):
    request = AppointmentRequestFactory(location=location, visit_type=visit_type, **request_fields)
    return services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(days_ahead=days_ahead, hour=hour), by=None
    )


def reminders():
    return OutboundEmail.objects.filter(template="appointment-reminder").order_by("created_at")


def test_reminders_go_three_days_and_one_day_before_each_once(location, physician):
    appointment = book(location, physician)

    with time_machine.travel(appointment.starts_at - 72 * HOUR - HOUR):
        assert appointment_reminders_task() == 0
    with time_machine.travel(appointment.starts_at - 72 * HOUR + HOUR):
        assert appointment_reminders_task() == 1
        assert appointment_reminders_task() == 0
    with time_machine.travel(appointment.starts_at - 24 * HOUR + HOUR):
        assert appointment_reminders_task() == 1
        assert appointment_reminders_task() == 0
    with time_machine.travel(appointment.starts_at + HOUR):
        assert appointment_reminders_task() == 0

    assert [r.idempotency_key.rsplit(":", 1)[1] for r in reminders()] == ["72h", "24h"]


def test_a_reminder_is_sent_by_the_outbox_when_due(location, physician):
    appointment = book(location, physician)
    with time_machine.travel(appointment.starts_at - 24 * HOUR + HOUR):
        appointment_reminders_task()
        outbox_sweep()
        for email in reminders():
            email_send(email_id=email.pk)
    sent = [m for m in mail.outbox if "Reminder" in m.subject]
    assert len(sent) == 1
    assert "Dr. Maya Okafor" in sent[0].body


def test_cancelled_visits_get_no_reminder_and_pending_ones_are_stopped(location, physician):
    appointment = book(location, physician)
    with time_machine.travel(appointment.starts_at - 72 * HOUR + HOUR):
        appointment_reminders_task()
        pending = reminders().get()
        # Say the worker has not sent it yet when the visit is cancelled.
        OutboundEmail.objects.filter(pk=pending.pk).update(status=OutboundEmail.Status.PENDING)
        services.appointment_cancel(appointment=appointment, reason="patient_request", by_patient=True)
        pending.refresh_from_db()
        assert pending.status == OutboundEmail.Status.FAILED
        assert "cancelled" in pending.last_error
        assert email_send(email_id=pending.pk).sent is False
    with time_machine.travel(appointment.starts_at - 24 * HOUR + HOUR):
        assert appointment_reminders_task() == 0


def test_a_visit_booked_two_days_ahead_skips_the_three_day_reminder(location, physician):
    appointment = book(location, physician, days_ahead=2)
    with time_machine.travel(appointment.starts_at - 48 * HOUR + HOUR):
        assert appointment_reminders_task() == 0
    with time_machine.travel(appointment.starts_at - 24 * HOUR + HOUR):
        assert appointment_reminders_task() == 1


def test_a_rescheduled_visit_is_reminded_again_for_its_new_time(location, physician):
    appointment = book(location, physician, days_ahead=5)
    with time_machine.travel(appointment.starts_at - 72 * HOUR + HOUR):
        assert appointment_reminders_task() == 1
        appointment = services.appointment_reschedule(
            appointment=appointment, starts_at=local_slot(days_ahead=9), by=None
        )
    with time_machine.travel(appointment.starts_at - 72 * HOUR + HOUR):
        assert appointment_reminders_task() == 1
    assert reminders().count() == 2


def test_reminder_offsets_are_configurable(location, physician, settings):
    settings.APPOINTMENT_REMINDER_OFFSETS_HOURS = [2]
    appointment = book(location, physician)
    with time_machine.travel(appointment.starts_at - 24 * HOUR + HOUR):
        assert appointment_reminders_task() == 0
    with time_machine.travel(appointment.starts_at - HOUR):
        assert appointment_reminders_task() == 1


def test_a_new_patient_without_a_submitted_intake_is_asked_to_finish_it(location, physician):
    unfinished = book(location, physician, visit_type="new_consultation", days_ahead=8, hour=8)
    finished = book(location, physician, visit_type="new_consultation", days_ahead=8, hour=10)
    IntakeFactory(patient=finished.patient, status="submitted", submitted_at=finished.created_at)
    draft = book(location, physician, visit_type="new_consultation", days_ahead=8, hour=12)
    started = IntakeFactory(
        patient=draft.patient,
        email=draft.patient.email,
        expires_at=draft.starts_at + datetime.timedelta(days=20),
    )

    with time_machine.travel(finished.starts_at - 24 * HOUR + HOUR):
        appointment_reminders_task()
    by_patient = {r.to: r.context for r in reminders()}
    assert by_patient[unfinished.patient.email]["intake_url"].endswith("/new-patients/")
    assert by_patient[finished.patient.email]["intake_url"] == ""
    # A patient who started one is sent back to their own draft.
    # (The signed part names the draft; its timestamp differs by the second.)
    signed = resume_url(started.public_id).rsplit(":", 2)[0]
    assert by_patient[draft.patient.email]["intake_url"].startswith(signed)


def test_reminder_queue_queries_stay_bounded(location, physician, django_assert_max_num_queries):
    from tests.factories import PhysicianFactory

    physicians = [physician, *PhysicianFactory.create_batch(3)]
    for i in range(20):
        book(location, physicians[i % 4], days_ahead=4, hour=8 + i // 4)
    # One list query, then a constant few per reminder (idempotency check, savepoints, the outbox row).
    with time_machine.travel(local_slot(days_ahead=1, hour=12)), django_assert_max_num_queries(1 + 20 * 9):
        assert appointment_reminders_task() == 20


def test_beat_runs_the_reminder_task(settings):
    from clinic.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["appointment-reminders"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.APPOINTMENT_REMINDER_SWEEP_SECONDS
