"""Staff read words, not internals: the front desk's pages show labels, not codes or internal ids.

Each page is read as a front-desk clerk would see it; a raw code or an internal id coming back fails.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from appointments import services
from clinic.core.roles import CLINICIAN, FRONT_DESK
from intake.models import InstrumentResponse, IntakeStatus
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    PatientFactory,
    PhysicianFactory,
    ReferralFactory,
    StaffUserFactory,
    open_every_day,
)

pytestmark = pytest.mark.django_db


def visible(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"(?s)<script.*?</script>", "", response.content.decode())


@pytest.fixture
def records():
    patient = PatientFactory(phone="+15185550100")
    intake = IntakeFactory(patient=patient, status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())
    InstrumentResponse.objects.create(
        intake=intake, code="promis_pi_4a", version="1", status="scored", total=12, band="moderate"
    )
    request = AppointmentRequestFactory(patient=patient, preferred_days="mon,wed", time_windows="morning")
    physician = PhysicianFactory()
    physician.locations.add(open_every_day(request.location))
    starts_at = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    appointment = services.appointment_book(
        request=request,
        physician=physician,
        starts_at=starts_at + datetime.timedelta(days=3),
        by=StaffUserFactory(role=FRONT_DESK),
    )
    waiting = AppointmentRequestFactory(preferred_days="mon,wed", time_windows="morning")
    referral = ReferralFactory()
    return {
        "patient": patient,
        "intake": intake,
        "appointment": appointment,
        "waiting": waiting,
        "referral": referral,
    }


@pytest.fixture
def desk(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    return client


def test_the_appointment_page_shows_no_public_id_no_calendar_sequence_and_events_in_words(desk, records):
    appointment = records["appointment"]
    page = visible(desk, reverse("admin:appointments_appointment_change", args=[appointment.pk]))

    assert str(appointment.public_id) not in page
    assert "Calendar sequence" not in page and "Public id" not in page
    assert "To book" in page and "Booked" in page  # the booking event: from "open" to "booked"
    assert "open -&gt;" not in page and ">open<" not in page
    # Nothing on it is edited in place: a page to read, with no Save buttons.
    assert "<h1>View appointment</h1>" in page and 'name="_save"' not in page


def test_the_visit_list_writes_the_start_as_the_other_staff_dates(desk, records):
    starts = timezone.localtime(records["appointment"].starts_at)
    page = visible(desk, reverse("admin:appointments_appointment_changelist"))

    assert f">{starts:%Y-%m-%d %H:%M}<" not in page  # the column, not "2027-01-15 09:00"
    assert date_format(starts, "DATETIME_FORMAT") in page


def test_the_request_page_writes_days_and_times_in_words_without_the_public_id(desk, records):
    waiting = records["waiting"]
    page = visible(desk, reverse("admin:appointments_appointmentrequest_change", args=[waiting.pk]))

    assert str(waiting.public_id) not in page and "Public id" not in page
    assert "mon,wed" not in page and ">morning<" not in page
    assert "Mon, Wed" in page and "Morning" in page


def test_the_request_list_says_the_intake_status_in_words(desk, records):
    page = visible(desk, reverse("admin:appointments_appointmentrequest_changelist") + "?status=all")

    assert "Submitted" in page and "No intake" in page
    assert ">submitted<" not in page and ">none<" not in page


def test_the_patient_pages_show_no_public_id_and_a_phone_number_as_written_locally(desk, records):
    patient = records["patient"]
    page = visible(desk, reverse("admin:clinic_patient_change", args=[patient.pk]))
    listing = visible(desk, reverse("admin:clinic_patient_changelist"))

    assert str(patient.public_id) not in page and "Public id" not in page
    assert "(518) 555-0100" in listing and "+15185550100" not in listing


def test_the_referring_provider_page_shows_no_public_id(desk, records):
    provider = records["referral"].provider
    page = visible(desk, reverse("admin:referrals_referringprovider_change", args=[provider.pk]))

    assert str(provider.public_id) not in page and "Public id" not in page


def test_the_intake_pages_show_no_configuration_banner_to_the_front_desk(desk, records, settings):
    settings.INSTRUMENT_WORDING_FILE = ""  # the licensed questionnaires are not offered
    listing = visible(desk, reverse("admin:intake_intake_changelist"))
    page = visible(desk, reverse("admin:intake_intake_change", args=[records["intake"].pk]))

    for text in (listing, page):
        assert "INSTRUMENT_WORDING_FILE" not in text and "Not offered to patients" not in text
        assert "promis_pi_4a" not in text.lower()
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "intake.I001" in out.getvalue()  # told to administrators instead


def test_clinicians_read_instrument_names_and_score_status_in_words(client, records):
    client.force_login(StaffUserFactory(role=CLINICIAN))
    listing = visible(client, reverse("admin:intake_intake_changelist"))
    page = visible(client, reverse("admin:intake_intake_change", args=[records["intake"].pk]))

    for text in (listing, page):
        assert "PROMIS Pain Interference 4a" in text
        assert "promis_pi_4a" not in text.lower()
    assert "<td>Scored</td>" in page and "<td>scored</td>" not in page
