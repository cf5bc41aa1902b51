import datetime

import pytest
from django.core.management import call_command
from icalendar import Calendar

from appointments import services
from appointments.ics import appointment_ics
from appointments.models import LocationHours, Physician
from clinic.core.models import OutboundEmail
from tests.factories import AppointmentRequestFactory, PatientFactory

from .conftest import local_slot

pytestmark = pytest.mark.django_db


def test_demo_data_adds_physicians_and_opening_hours_once(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    counts = (Physician.objects.count(), LocationHours.objects.count())
    call_command("load_demo_data")

    assert counts == (Physician.objects.count(), LocationHours.objects.count())
    assert counts[0] >= 2 and counts[1] >= 5
    assert all(physician.locations.exists() for physician in Physician.objects.all())


def test_the_calendar_file_is_rfc5545_with_the_clinic_time_zone(location, physician):
    appointment = services.appointment_book(
        request=AppointmentRequestFactory(location=location, visit_type="follow_up"),
        physician=physician,
        starts_at=local_slot(hour=15),
        by=None,
    )
    text = appointment_ics(appointment, manage_url="https://portal.example/appointments/r/x/y/")

    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded lines
    calendar = Calendar.from_ical(text)
    event = calendar.walk("VEVENT")[0]
    assert calendar["PRODID"] and str(calendar["VERSION"]) == "2.0"
    assert f"DTSTART;TZID=America/New_York:{local_slot(hour=15):%Y%m%dT150000}" in text
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=30)
    assert str(calendar["METHOD"]) == "PUBLISH" and "ORGANIZER" not in event and "ATTENDEE" not in event
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_emails_hold_no_patient_name_reason_or_date_of_birth(location, physician, settings):
    settings.CLINIC_STAFF_EMAILS = ["desk@clinic.example"]
    request = AppointmentRequestFactory(
        location=location,
        reason="Sciatica after a fall",
        patient=PatientFactory(first_name="Zebulon", last_name="Quixmore"),
    )
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(), by=None
    )
    services.appointment_ask_another_time(appointment=appointment)
    services.appointment_cancel(appointment=appointment, reason="patient_request", by_patient=True)

    patient = request.patient
    for email in OutboundEmail.objects.all():
        stored = str(email.context)
        for secret in (
            patient.first_name,
            patient.last_name,
            "Sciatica",
            f"{patient.date_of_birth:%Y-%m-%d}",
        ):
            assert secret not in stored, (email.template, secret)
    assert OutboundEmail.objects.count() == 4  # booked, another time (staff), cancelled, cancelled (staff)
