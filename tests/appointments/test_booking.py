import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appointments import services, tokens
from appointments.models import AppointmentStatus, RequestStatus
from clinic.core.models import OutboundEmail
from tests.factories import (
    AppointmentRequestFactory,
    LocationFactory,
    LocationHoursFactory,
    PhysicianFactory,
    ReferralFactory,
    StaffUserFactory,
    stored_safety_screen,
)

from .conftest import calendar_part, local_slot

pytestmark = pytest.mark.django_db


def calendar_of(message):
    calendar, part = calendar_part(message.message())
    assert part.get_filename() == "appointment.ics"
    return calendar, part.get_params()


def part_text(message):
    return calendar_part(message.message())[1].get_payload(decode=True).decode()


def sent(template):
    return [m for m in mail.outbox if OutboundEmail.objects.filter(template=template, to=m.to[0]).exists()]


def book(request, physician, when=None, **kwargs):
    return services.appointment_book(
        request=request, physician=physician, starts_at=when or local_slot(), by=StaffUserFactory(), **kwargs
    )


def test_booking_emails_the_visit_with_a_calendar_file(
    location, physician, django_capture_on_commit_callbacks
):
    request = AppointmentRequestFactory(location=location, last_name="Quenneville-Zbornak")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(request, physician)

    request.refresh_from_db()
    assert request.status == RequestStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=60)
    message = mail.outbox[-1]
    assert message.to == [request.email]
    assert "Dr. Maya Okafor" in message.body and "100 River Road" in message.body
    assert "Elm Street garage" in message.body
    assert f"/appointments/r/{request.public_id}/" in message.body
    calendar, mimetype = calendar_of(message)
    event = calendar.walk("VEVENT")[0]
    # An entry for her own calendar, not an invitation: nothing asks her to reply to a no-reply address.
    assert str(calendar["METHOD"]) == "PUBLISH" and ("method", "PUBLISH") in mimetype
    assert "ORGANIZER" not in event and "ATTENDEE" not in event and "RSVP" not in part_text(message)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["UID"] == f"{appointment.public_id}@pain-clinic-portal"
    assert event.decoded("DTSTART") == appointment.starts_at
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTEND") == appointment.ends_at
    assert "100 River Road" in str(event["LOCATION"])
    assert int(event["SEQUENCE"]) == 0
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    # No patient name or reason anywhere in it.
    assert request.last_name not in message.body and "back pain" not in message.body.lower()


def test_procedure_booking_email_carries_the_preparation_instructions(location, physician):
    request = AppointmentRequestFactory(location=location, visit_type="procedure")
    stored_safety_screen(request.patient)
    with mail_sent():
        book(request, physician, sedation_planned=True)
    body = mail.outbox[-1].body
    assert "A blood thinner is stopped only if the doctor who prescribed it tells you to" in body
    assert "responsible adult must drive you home" in body
    assert "any chance you could be pregnant" in body


class mail_sent:
    """Run on-commit callbacks (the TestCase transaction never commits) so emails are sent."""

    def __enter__(self):
        from django.db import connection

        self._before = len(connection.run_on_commit)

    def __exit__(self, *exc):
        from django.db import connection

        callbacks = connection.run_on_commit[self._before :]
        del connection.run_on_commit[self._before :]
        for _sids, callback, _robust in callbacks:
            callback()


def test_the_same_physician_cannot_be_double_booked(location, physician):
    book(AppointmentRequestFactory(location=location), physician, local_slot(hour=10))
    overlapping = AppointmentRequestFactory(location=location, visit_type="follow_up")

    with pytest.raises(ValidationError) as refused:
        book(overlapping, physician, local_slot(hour=10, minute=30))

    assert "already has a visit from 10:00 to 11:00" in " ".join(refused.value.messages)
    overlapping.refresh_from_db()
    assert overlapping.status == RequestStatus.OPEN
    # Back to back is fine, and another physician is free at the same time.
    book(overlapping, physician, local_slot(hour=11))
    other = PhysicianFactory()
    book(AppointmentRequestFactory(location=location), other, local_slot(hour=10))


def test_location_hours_are_respected():
    location = LocationFactory(name="Northside")
    LocationHoursFactory(
        location=location,
        weekday=local_slot(days_ahead=7).weekday(),
        opens_at=datetime.time(8),
        closes_at=datetime.time(12),
    )
    physician = PhysicianFactory()

    with pytest.raises(ValidationError, match="is closed on that day"):
        book(AppointmentRequestFactory(location=location), physician, local_slot(days_ahead=8))
    with pytest.raises(ValidationError, match="open 08:00-12:00"):
        book(
            AppointmentRequestFactory(location=location),
            physician,
            local_slot(days_ahead=7, hour=11, minute=30),
        )
    with pytest.raises(ValidationError, match="open 08:00-12:00"):
        book(AppointmentRequestFactory(location=location), physician, local_slot(days_ahead=7, hour=7))
    book(AppointmentRequestFactory(location=location), physician, local_slot(days_ahead=7, hour=11))


def test_a_past_slot_or_a_request_not_open_is_refused(location, physician):
    with pytest.raises(ValidationError, match="must start in the future"):
        book(AppointmentRequestFactory(location=location), physician, local_slot(days_ahead=-1))
    withdrawn = AppointmentRequestFactory(location=location, status="withdrawn")
    with pytest.raises(ValidationError, match="cannot be booked"):
        book(withdrawn, physician)


def test_rescheduling_sends_the_same_uid_with_a_higher_sequence(location, physician):
    appointment = book(AppointmentRequestFactory(location=location), physician, local_slot(hour=9))
    with mail_sent():
        services.appointment_reschedule(
            appointment=appointment, starts_at=local_slot(days_ahead=6, hour=14), by=None
        )

    appointment.refresh_from_db()
    assert appointment.sequence == 1
    event = calendar_of(mail.outbox[-1])[0].walk("VEVENT")[0]
    assert event["UID"] == appointment.ical_uid
    assert int(event["SEQUENCE"]) == 1
    assert str(calendar_of(mail.outbox[-1])[0]["METHOD"]) == "PUBLISH" and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == local_slot(days_ahead=6, hour=14)
    assert "new time" in mail.outbox[-1].body


def test_cancelling_sends_the_entry_cancelled_frees_the_slot_and_cannot_happen_twice(location, physician):
    with mail_sent():
        appointment = book(AppointmentRequestFactory(location=location), physician)
    booked = calendar_of(mail.outbox[-1])[0].walk("VEVENT")[0]
    with mail_sent():
        services.appointment_cancel(
            appointment=appointment, reason="physician_unavailable", note="sick", by=None
        )

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.sequence == 1
    calendar, mimetype = calendar_of(mail.outbox[-1])
    event = calendar.walk("VEVENT")[0]
    # The same entry, newer, marked cancelled: a calendar that has it replaces it.
    assert str(calendar["METHOD"]) == "PUBLISH" and ("method", "PUBLISH") in mimetype
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == booked["UID"] == appointment.ical_uid
    assert int(event["SEQUENCE"]) > int(booked["SEQUENCE"])
    assert "ORGANIZER" not in event and "ATTENDEE" not in event
    with pytest.raises(ValidationError, match="already cancelled"):
        services.appointment_cancel(appointment=appointment, reason="other", by=None)
    # The slot is free for someone else.
    book(AppointmentRequestFactory(location=location), physician)


def test_the_patient_cancels_from_the_link_and_the_front_desk_is_told(client, location, physician, settings):
    settings.CLINIC_STAFF_EMAILS = ["desk@clinic.example"]
    request = AppointmentRequestFactory(location=location, last_name="Quenneville-Zbornak")
    appointment = book(request, physician)
    token = tokens.manage_token(request.public_id)
    url = reverse("appointments:cancel", args=[request.public_id, token])

    assert "Cancel your appointment?" in client.get(url).content.decode()
    with mail_sent():
        client.post(url)
    again = client.post(url, follow=True)

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_by_patient
    assert "already cancelled" in again.content.decode()
    templates = list(OutboundEmail.objects.values_list("template", "to"))
    assert ("appointment-cancelled", request.email) in templates
    assert ("appointment-staff-cancelled", "desk@clinic.example") in templates
    assert OutboundEmail.objects.filter(template="appointment-cancelled").count() == 1
    staff_message = next(m for m in mail.outbox if m.to == ["desk@clinic.example"])
    assert request.last_name not in staff_message.body


def test_the_patient_asks_for_another_time_once(client, location, physician, settings):
    settings.CLINIC_STAFF_EMAILS = ["desk@clinic.example"]
    request = AppointmentRequestFactory(location=location)
    appointment = book(request, physician)
    url = reverse(
        "appointments:another_time", args=[request.public_id, tokens.manage_token(request.public_id)]
    )

    client.post(url)
    second = client.post(url, follow=True)

    appointment.refresh_from_db()
    assert appointment.other_time_requested_at is not None
    assert "already asked" in second.content.decode()
    assert OutboundEmail.objects.filter(template="appointment-staff-another-time").count() == 1


def test_booking_moves_an_accepted_referral_to_scheduled_and_attending_to_seen(location, physician):
    request = AppointmentRequestFactory(location=location)
    referral = ReferralFactory(
        patient=request.patient,
        status="accepted",
        red_flag_answers={"fever": "no"},
        safety_answers={"diabetes": "no"},
    )
    staff = StaffUserFactory()

    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(days_ahead=1), by=staff
    )
    referral.refresh_from_db()
    assert referral.status == "scheduled" and referral.scheduled_for == appointment.starts_at

    with time_machine.travel(appointment.starts_at + datetime.timedelta(minutes=70)):
        services.appointment_mark_attended(appointment=appointment, by=staff)
    referral.refresh_from_db()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert referral.status == "seen"
    assert OutboundEmail.objects.filter(template="appointment-attended").count() == 1


def test_a_future_visit_cannot_be_marked_attended_and_outcomes_are_final(location, physician):
    appointment = book(AppointmentRequestFactory(location=location), physician, local_slot(days_ahead=3))
    with pytest.raises(ValidationError, match="from its day onwards"):
        services.appointment_mark_no_show(appointment=appointment, by=None)
    with time_machine.travel(appointment.ends_at):
        services.appointment_mark_no_show(appointment=appointment, by=None)
        with pytest.raises(ValidationError):
            services.appointment_mark_attended(appointment=appointment, by=None)
        with pytest.raises(ValidationError):
            services.appointment_cancel(appointment=appointment, reason="other", by=None)
    assert OutboundEmail.objects.filter(template="appointment-no-show").count() == 1


def test_manage_page_shows_the_booked_visit_with_a_bounded_number_of_queries(
    client, location, physician, django_assert_max_num_queries
):
    for _ in range(20):
        AppointmentRequestFactory(location=location)
    request = AppointmentRequestFactory(location=location, visit_type="procedure")
    stored_safety_screen(request.patient, diabetes=True)
    book(request, physician)
    url = reverse("appointments:manage", args=[request.public_id, tokens.manage_token(request.public_id)])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    content = response.content.decode()
    assert "Dr. Maya Okafor" in content and "Preparing for your procedure" in content
    assert "Cancel my appointment" in content and "Ask for another time" in content
    # The patient's own preparation comes from their stored screen.
    assert "your blood sugar may rise" in content


def test_staff_emails_fall_back_to_the_front_desk_group(location, physician, settings):
    from clinic.core.roles import FRONT_DESK

    settings.CLINIC_STAFF_EMAILS = []
    StaffUserFactory(email="frontdesk@clinic.example", role=FRONT_DESK)
    appointment = book(AppointmentRequestFactory(location=location), physician)
    services.appointment_cancel(appointment=appointment, reason="patient_request", by_patient=True)
    assert OutboundEmail.objects.filter(
        template="appointment-staff-cancelled", to="frontdesk@clinic.example"
    ).exists()


def test_timezone_is_the_clinics(location, physician):
    appointment = book(AppointmentRequestFactory(location=location), physician, local_slot(hour=9))
    assert timezone.localtime(appointment.starts_at).hour == 9
