"""Every staff page that shows a visit's or a request's time shows it on the clinic's clock.

A visit at 09:00 in America/New_York in January is 14:00 UTC: each page must say nine o'clock and
never two (nor three for its 10:00 end), whichever of the project's formats it uses ("09:00" in the
admin's own columns and pages, Django's "9 a.m." in read-only fields).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, AppointmentRequest
from clinic.core.roles import CLINIC_ADMINISTRATOR
from intake.models import Intake
from referrals.models import Referral
from tests.factories import AppointmentRequestFactory, IntakeFactory, ReferralFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/New_York")
VISIT = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=CLINIC)  # 14:00 UTC
ASKED = datetime.datetime(2027, 1, 11, 9, 0, tzinfo=CLINIC)  # when the request, intake or referral came in
NOW = datetime.datetime(2027, 1, 11, 12, 12, tzinfo=datetime.UTC)  # 07:12 at the clinic
NINE = ("09:00", "9 a.m.", "9:00 a.m.")
UTC_HOURS = ("14:00", "2 p.m.", "2:00 p.m.", "15:00", "3 p.m.", "3:00 p.m.")


def assert_clinic_time(text: str, page: str) -> None:
    assert any(nine in text for nine in NINE), f"{page}: no 9:00 shown"
    shown = [utc for utc in UTC_HOURS if utc in text]
    assert not shown, f"{page} shows the UTC time {shown}"


@pytest.fixture
def staff(client, settings):
    assert settings.TIME_ZONE == "America/New_York"
    client.force_login(StaffUserFactory(role=CLINIC_ADMINISTRATOR))
    return client


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def appointment(location, physician):
    request = AppointmentRequestFactory(location=location)
    AppointmentRequest.objects.filter(pk=request.pk).update(created_at=ASKED, verified_at=ASKED)
    booked = services.appointment_book(request=request, physician=physician, starts_at=VISIT, by=None)
    Appointment.objects.filter(pk=booked.pk).update(
        other_time_requested_at=VISIT - datetime.timedelta(days=1)
    )
    return booked


def test_appointment_pages_show_the_clinic_time(staff, appointment):
    pages = {
        "visit list": reverse("admin:appointments_appointment_changelist"),
        "visit page": reverse("admin:appointments_appointment_change", args=[appointment.pk]),
        "day view": reverse("admin:appointments_appointment_day") + "?day=2027-01-15",
        "reschedule page": reverse("admin:appointments_appointment_reschedule", args=[appointment.pk]),
        "cancel page": reverse("admin:appointments_appointment_cancel", args=[appointment.pk]),
        "request list": reverse("admin:appointments_appointmentrequest_changelist") + "?status=booked",
        "request page": reverse(
            "admin:appointments_appointmentrequest_change", args=[appointment.request.pk]
        ),
    }
    for page, url in pages.items():
        response = staff.get(url)
        assert response.status_code == 200, page
        assert_clinic_time(response.content.decode(), page)


def test_the_booking_message_shows_the_clinic_time(staff, location, physician):
    request = AppointmentRequestFactory(location=location)
    response = staff.post(
        reverse("admin:appointments_appointmentrequest_book", args=[request.pk]),
        {"physician": physician.pk, "date": "2027-01-15", "start_time": "09:00"},
    )

    assert response.status_code == 302
    assert Appointment.objects.get(request=request).starts_at == VISIT
    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert_clinic_time(shown, "booking message")


def test_referral_and_intake_pages_show_the_clinic_time(staff):
    referral = ReferralFactory(status="scheduled", scheduled_for=VISIT)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=ASKED)
    intake = IntakeFactory(status="submitted", submitted_at=ASKED)
    Intake.objects.filter(pk=intake.pk).update(created_at=ASKED)
    pages = {
        "referral page": reverse("admin:referrals_referral_change", args=[referral.pk]),
        "intake list": reverse("admin:intake_intake_changelist"),
        "intake page": reverse("admin:intake_intake_change", args=[intake.pk]),
    }
    for page, url in pages.items():
        response = staff.get(url)
        assert response.status_code == 200, page
        assert_clinic_time(response.content.decode(), page)
