import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment, AppointmentStatus, RequestStatus
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    LocationFactory,
    StaffUserFactory,
    stored_safety_screen,
)

from .conftest import local_slot

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:appointments_appointmentrequest_changelist")


@pytest.fixture
def desk(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    return client


def book_url(request):
    return reverse("admin:appointments_appointmentrequest_book", args=[request.pk])


def test_the_queue_shows_urgent_then_oldest_with_intake_flags_in_bounded_queries(
    desk, location, django_assert_max_num_queries
):
    for _ in range(20):
        AppointmentRequestFactory(location=location)
    flagged = AppointmentRequestFactory(location=location, is_urgent=True)
    IntakeFactory(
        patient=flagged.patient,
        status="submitted",
        submitted_at=timezone.now(),
        red_flag_tier="urgent",
    )
    stored_safety_screen(
        flagged.patient,
        medications=["Eliquis 5 mg"],
        devices=["pacemaker"],
        allergies=["iodinated contrast"],
        diabetes=True,
    )

    with django_assert_max_num_queries(12):
        response = desk.get(QUEUE)  # opens on the requests to book

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows[0] == flagged
    assert [r.created_at for r in rows[1:]] == sorted(r.created_at for r in rows[1:])
    content = response.content.decode()
    for text in (
        "Red flag: Urgent",
        "On apixaban (anticoagulant)",
        "Pacemaker",
        "Contrast allergy (iodinated)",
        "Submitted",
    ):
        assert text in content
    # The booking page shows them too, where the slot is chosen.
    book_page = desk.get(book_url(flagged)).content.decode()
    assert "On apixaban (anticoagulant)" in book_page and "Red flag: Urgent" in book_page


def test_the_queue_filters_by_location_visit_type_and_preferred_day(desk, location):
    monday = AppointmentRequestFactory(location=location, preferred_days="mon", visit_type="follow_up")
    friday = AppointmentRequestFactory(location=location, preferred_days="fri")
    any_day = AppointmentRequestFactory(location=location, preferred_days="")
    elsewhere = AppointmentRequestFactory(location=LocationFactory())
    booked = AppointmentRequestFactory(location=location, status="booked")

    def listed(params):
        return set(desk.get(QUEUE, params).context["cl"].result_list)

    # The factory's default preference is Monday and Wednesday; no preference means any day.
    assert listed({"day": "mon"}) == {monday, any_day, elsewhere}
    assert listed({"day": "fri"}) == {friday, any_day}
    assert listed({"location__id__exact": location.pk}) == {monday, friday, any_day}
    assert listed({"visit_type__exact": "follow_up"}) == {monday}
    assert listed({"status": "booked"}) == {booked}
    assert booked in listed({"status": "all"})


def test_booking_from_the_admin_books_and_reports(desk, location, physician):
    request = AppointmentRequestFactory(location=location)
    slot = local_slot(days_ahead=4, hour=9)
    assert desk.get(book_url(request)).status_code == 200

    response = desk.post(
        book_url(request), {"physician": physician.pk, "date": slot.date().isoformat(), "start_time": "09:00"}
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert appointment.starts_at == slot
    assert "the patient has been emailed" in str(list(get_messages(response.wsgi_request))[0])


def test_a_clash_is_refused_with_a_clear_message_in_the_admin(desk, location, physician):
    slot = local_slot(days_ahead=4, hour=9)
    services.appointment_book(
        request=AppointmentRequestFactory(location=location), physician=physician, starts_at=slot, by=None
    )
    request = AppointmentRequestFactory(location=location)

    response = desk.post(
        book_url(request), {"physician": physician.pk, "date": slot.date().isoformat(), "start_time": "09:30"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "already has a visit from 09:00 to 10:00" in content
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert Appointment.objects.count() == 1


def test_reschedule_cancel_and_outcomes_from_the_admin(desk, location, physician):
    appointment = services.appointment_book(
        request=AppointmentRequestFactory(location=location),
        physician=physician,
        starts_at=local_slot(days_ahead=2),
        by=None,
    )
    change = desk.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert "Reschedule" in change.content.decode() and "Cancel with a reason" in change.content.decode()

    new_slot = local_slot(days_ahead=3, hour=14)
    desk.post(
        reverse("admin:appointments_appointment_reschedule", args=[appointment.pk]),
        {"physician": physician.pk, "date": new_slot.date().isoformat(), "start_time": "14:00"},
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == new_slot and appointment.sequence == 1

    with time_machine.travel(appointment.ends_at + datetime.timedelta(minutes=5)):
        desk.force_login(StaffUserFactory(role=FRONT_DESK))  # the earlier session has expired by then
        desk.post(
            reverse("admin:appointments_appointment_changelist"),
            {"action": "mark_attended", "_selected_action": [appointment.pk], "index": 0},
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED

    other = services.appointment_book(
        request=AppointmentRequestFactory(location=location),
        physician=physician,
        starts_at=local_slot(days_ahead=5),
        by=None,
    )
    desk.post(
        reverse("admin:appointments_appointment_cancel", args=[other.pk]),
        {"reason": "clinic_closed", "note": "storm"},
    )
    other.refresh_from_db()
    assert other.status == AppointmentStatus.CANCELLED and other.cancel_reason == "clinic_closed"
    again = desk.post(
        reverse("admin:appointments_appointment_cancel", args=[other.pk]), {"reason": "clinic_closed"}
    )
    assert "already cancelled" in again.content.decode()


def test_the_day_view_lists_the_days_visits_per_location_and_physician(
    desk, location, physician, django_assert_max_num_queries
):
    for hour in range(8, 16):
        services.appointment_book(
            request=AppointmentRequestFactory(location=location, visit_type="follow_up"),
            physician=physician,
            starts_at=local_slot(days_ahead=2, hour=hour),
            by=None,
        )
    services.appointment_book(
        request=AppointmentRequestFactory(location=location),
        physician=physician,
        starts_at=local_slot(days_ahead=3),
        by=None,
    )
    day = local_slot(days_ahead=2).date().isoformat()
    url = reverse("admin:appointments_appointment_day")

    # 10, plus the audit's one insert of a view row per visit shown (clinic.core.audit.record_views_log).
    with django_assert_max_num_queries(11):
        response = desk.get(url, {"day": day, "location": location.pk, "physician": physician.pk})

    assert response.status_code == 200
    assert len(response.context["visits"]) == 8
    assert "Dr. Maya Okafor, MD at Riverside Main Campus: 8 visits" in response.content.decode()
    assert desk.get(url, {"day": "not-a-date"}).status_code == 200


@pytest.mark.parametrize(
    ("role", "queue", "book", "day"),
    [(FRONT_DESK, 200, 200, 200), (CLINICIAN, 200, 403, 200), (CLINIC_ADMINISTRATOR, 200, 200, 200)],
)
def test_each_role_reaches_only_its_appointment_pages(client, location, role, queue, book, day):
    request = AppointmentRequestFactory(location=location)
    client.force_login(StaffUserFactory(role=role))
    assert client.get(QUEUE).status_code == queue
    assert client.get(book_url(request)).status_code == book
    assert client.get(reverse("admin:appointments_appointment_day")).status_code == day


def test_anonymous_visitors_cannot_open_the_booking_pages(client, location):
    request = AppointmentRequestFactory(location=location)
    response = client.get(book_url(request))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_staff_email_link_finds_the_visit_by_its_public_id(desk, location, physician):
    appointment = services.appointment_book(
        request=AppointmentRequestFactory(location=location),
        physician=physician,
        starts_at=local_slot(),
        by=None,
    )
    services.appointment_book(
        request=AppointmentRequestFactory(location=location),
        physician=physician,
        starts_at=local_slot(hour=13),
        by=None,
    )
    response = desk.get(
        reverse("admin:appointments_appointment_changelist"), {"q": str(appointment.public_id)}
    )
    assert list(response.context["cl"].result_list) == [appointment]
    by_name = desk.get(QUEUE, {"q": appointment.patient.last_name, "status": "all"})
    assert by_name.status_code == 200
