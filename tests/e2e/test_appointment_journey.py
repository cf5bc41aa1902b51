"""A patient asks for a visit, confirms the emailed link, sees the booking and cancels it."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from appointments import services
from appointments.models import AppointmentRequest, AppointmentStatus
from clinic.core.models import OutboundEmail
from tests.factories import LocationFactory, PhysicianFactory, open_every_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def emailed_link(live_server, template: str, key: str) -> str:
    email = OutboundEmail.objects.filter(template=template).latest("created_at")
    return email.context[key].replace(settings.SITE_URL, live_server.url)


def test_a_patient_requests_confirms_by_email_and_cancels_the_booked_visit(page, live_server):
    open_every_day(LocationFactory(name="Riverside Main Campus", arrival_notes="Park on Elm Street."))
    physician = PhysicianFactory(first_name="Maya", last_name="Okafor")

    page.goto(live_server.url)
    page.get_by_role("main").get_by_role("link", name="Request an appointment").click()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_label("Date of birth").fill("1970-04-02")
    page.get_by_label("Email").fill("ana.lopez@example.com")
    page.get_by_label("New consultation").check()
    page.get_by_label("Location").select_option(label="Riverside Main Campus")
    page.get_by_label("In a few words, what is the visit for?").fill("Low back pain")
    page.get_by_label("Tuesday").check()
    # Nothing chosen for the time of day: a message, and nothing typed is lost.
    page.get_by_role("button", name="Send my request").click()
    assert page.get_by_text("Choose at least one time of day that suits you.").is_visible()
    assert page.get_by_label("Last name").input_value() == "Lopez"
    page.get_by_label("Morning (before noon)").check()
    page.get_by_role("button", name="Send my request").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert AppointmentRequest.objects.get().status == "unverified"

    page.goto(emailed_link(live_server, "appointment-verify", "verify_url"))
    page.get_by_role("button", name="Confirm and send my request").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your appointment request"
    assert page.get_by_text("your email is confirmed").is_visible()

    request = AppointmentRequest.objects.get()
    starts_at = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=4),
        datetime.time(9),
        tzinfo=timezone.get_default_timezone(),
    )
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=starts_at, by=None
    )

    page.goto(emailed_link(live_server, "appointment-booked", "manage_url"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your appointment"
    assert page.get_by_text("Dr. Maya Okafor").is_visible()
    assert page.get_by_text("Park on Elm Street.").is_visible()
    page.get_by_role("link", name="Cancel my appointment").click()
    page.get_by_role("button", name="Yes, cancel my appointment").click()

    assert page.get_by_text("Your appointment is cancelled. We have let our team know.").is_visible()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert OutboundEmail.objects.filter(template="appointment-cancelled").count() == 1

    # The same link again: no button to cancel twice, and a tampered link gets a friendly page.
    page.goto(emailed_link(live_server, "appointment-booked", "manage_url"))
    assert page.get_by_role("link", name="Cancel my appointment").count() == 0
    page.goto(emailed_link(live_server, "appointment-booked", "manage_url")[:-6] + "XXXXX/")
    assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
