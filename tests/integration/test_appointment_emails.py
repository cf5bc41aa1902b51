"""Appointments with the real worker, Redis, PostgreSQL and the SMTP sink: each email arrives once."""

import datetime
import time
import uuid

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from appointments import services
from appointments.models import AppointmentRequest
from appointments.tasks import appointment_reminders_task
from clinic.core.models import OutboundEmail
from tests.appointments.conftest import calendar_part
from tests.factories import AppointmentRequestFactory, LocationFactory, PhysicianFactory, open_every_day

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
SETTLE_SECONDS = 4
ZONE_NAME = "America/New_York"


def text_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def arrived(smtp_sink, address, subject_part):
    return [m for m in smtp_sink.messages_to(address) if subject_part in m["Subject"]]


def wait_for_email(smtp_sink, address, subject_part):
    return wait_for(lambda: arrived(smtp_sink, address, subject_part), message=f"the {subject_part!r} email")[
        0
    ]


def site_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def clinic(open_all_day: bool = False):
    location = LocationFactory(
        address_line1="100 River Road", city="Springfield", arrival_notes="Garage on Elm St."
    )
    if open_all_day:
        open_every_day(location, datetime.time(0, 0), datetime.time(23, 59))
    else:
        open_every_day(location)
    physician = PhysicianFactory(first_name="Maya", last_name="Okafor")
    return location, physician


def slot(days_ahead: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


def test_request_confirmation_booking_and_cancel_emails_each_arrive_once(celery_worker, smtp_sink, settings):
    location, physician = clinic()
    address = fake.unique.email()
    desk = fake.unique.email()
    settings.CLINIC_STAFF_EMAILS = [desk]
    client = Client()
    form = {
        "submission_key": str(uuid.uuid4()),
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": address,
        "visit_type": "new_consultation",
        "location": str(location.pk),
        "preferred_days": ["tue"],
        "time_windows": ["morning", "afternoon"],
        "earliest_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "contact_preference": "email",
        "reason": "Neck pain",
    }
    client.post(reverse("request_appointment"), form)
    client.post(reverse("request_appointment"), form)  # a double click

    verify = wait_for_email(smtp_sink, address, "Confirm your email")
    verify_link = next(word for word in text_of(verify).split() if "/appointments/verify/" in word)
    client.post(site_path(verify_link))
    confirmation = wait_for_email(smtp_sink, address, "We received your appointment request")
    manage_link = next(word for word in text_of(confirmation).split() if "/appointments/r/" in word)

    request = AppointmentRequest.objects.get(email=address)
    starts_at = slot(days_ahead=5, hour=9)
    with transaction.atomic():
        appointment = services.appointment_book(
            request=request, physician=physician, starts_at=starts_at, by=None
        )
    booked = wait_for_email(smtp_sink, address, "Your appointment is booked")

    calendar, part = calendar_part(booked)
    assert part.get_filename() == "appointment.ics" and part.get_param("method") == "PUBLISH"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == starts_at
    assert event.decoded("DTEND") == starts_at + datetime.timedelta(minutes=60)
    assert event["DTSTART"].params["TZID"] == ZONE_NAME == settings.TIME_ZONE
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == ZONE_NAME
    assert "100 River Road" in str(event["LOCATION"]) and location.name in str(event["LOCATION"])
    assert str(event["UID"]) == f"{appointment.public_id}@pain-clinic-portal"
    body = text_of(booked)
    assert "Dr. Maya Okafor" in body and "Garage on Elm St." in body and "Lopez" not in body

    cancel_path = site_path(manage_link).rstrip("/") + "/cancel/"
    client.post(cancel_path)
    client.post(cancel_path)  # cancelling twice changes nothing
    cancelled = wait_for_email(smtp_sink, address, "is cancelled")
    cancel_calendar, cancel_part = calendar_part(cancelled)
    assert cancel_part.get_param("method") == "PUBLISH"
    assert str(cancel_calendar["METHOD"]) == "PUBLISH"
    assert str(cancel_calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert str(cancel_calendar.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    assert int(cancel_calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    wait_for_email(smtp_sink, desk, "A patient cancelled")

    time.sleep(SETTLE_SECONDS)
    for subject in ("Confirm your email", "We received", "is booked", "is cancelled"):
        assert len(arrived(smtp_sink, address, subject)) == 1, subject
    assert len(smtp_sink.messages_to(address)) == 4
    assert len(smtp_sink.messages_to(desk)) == 1
    assert AppointmentRequest.objects.filter(email=address).count() == 1


def test_a_reminder_is_sent_once_by_the_beat_task_after_time_travel(celery_worker, smtp_sink):
    location, physician = clinic(open_all_day=True)
    real_now = timezone.now()
    starts_at = (real_now + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    request = AppointmentRequestFactory(
        location=location, visit_type="follow_up", patient__email=fake.unique.email()
    )
    address = request.patient.email

    # Booked five days before the visit: now is inside the three-day window, not yet the one-day one.
    with time_machine.travel(starts_at - datetime.timedelta(days=5)):
        with transaction.atomic():
            services.appointment_book(request=request, physician=physician, starts_at=starts_at, by=None)
        assert appointment_reminders_task() == 0
    wait_for_email(smtp_sink, address, "Your appointment is booked")

    assert appointment_reminders_task() == 1
    assert appointment_reminders_task() == 0  # the next beat run queues nothing more
    reminder = wait_for_email(smtp_sink, address, "Reminder")
    assert "Dr. Maya Okafor" in text_of(reminder)

    time.sleep(SETTLE_SECONDS)
    assert len(arrived(smtp_sink, address, "Reminder")) == 1
    assert OutboundEmail.objects.get(template="appointment-reminder", to=address).status == "sent"


def test_a_cancelled_visit_gets_no_reminder(celery_worker, smtp_sink):
    location, physician = clinic(open_all_day=True)
    starts_at = (timezone.now() + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    request = AppointmentRequestFactory(
        location=location, visit_type="follow_up", patient__email=fake.unique.email()
    )
    address = request.patient.email
    with time_machine.travel(starts_at - datetime.timedelta(days=5)), transaction.atomic():
        appointment = services.appointment_book(
            request=request, physician=physician, starts_at=starts_at, by=None
        )
    with transaction.atomic():
        services.appointment_cancel(appointment=appointment, reason="physician_unavailable", by=None)

    assert appointment_reminders_task() == 0
    wait_for_email(smtp_sink, address, "is cancelled")
    time.sleep(SETTLE_SECONDS)
    assert arrived(smtp_sink, address, "Reminder") == []
    assert len(smtp_sink.messages_to(address)) == 2
