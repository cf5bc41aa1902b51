"""An appointment's or a request's move outside its lifecycle is refused by the one status machine,
with the same words on the patient's page and in the admin, and nothing changes."""

import pytest
import time_machine
from django.urls import reverse

from appointments import services, tokens
from appointments.models import AppointmentEvent, AppointmentStatus
from clinic.core.roles import FRONT_DESK
from clinic.core.status import StatusMoveRefused
from tests.factories import AppointmentRequestFactory, StaffUserFactory

from .conftest import local_slot

pytestmark = pytest.mark.django_db

REFUSED = "This appointment is “Attended” and cannot be changed."


@pytest.fixture
def attended(location, physician):
    staff = StaffUserFactory()
    request = AppointmentRequestFactory(location=location)
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(days_ahead=2), by=staff
    )
    with time_machine.travel(appointment.ends_at):
        services.appointment_mark_attended(appointment=appointment, by=staff)
    appointment.refresh_from_db()
    return appointment


def test_moving_an_attended_visit_is_refused_and_writes_no_event(attended):
    events = AppointmentEvent.objects.count()

    with pytest.raises(StatusMoveRefused, match=REFUSED):
        services.appointment_reschedule(appointment=attended, starts_at=local_slot(days_ahead=9), by=None)

    attended.refresh_from_db()
    assert attended.status == AppointmentStatus.ATTENDED and attended.sequence == 0
    assert AppointmentEvent.objects.count() == events


def test_the_patient_who_cancels_an_attended_visit_from_the_link_reads_why(client, attended):
    public_id = attended.request.public_id
    url = reverse("appointments:cancel", args=[public_id, tokens.manage_token(public_id)])

    response = client.post(url, follow=True)

    assert REFUSED in [str(m) for m in response.context["messages"]]
    attended.refresh_from_db()
    assert attended.status == AppointmentStatus.ATTENDED


def test_staff_who_reschedule_an_attended_visit_read_the_same_words(client, attended, physician):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    url = reverse("admin:appointments_appointment_reschedule", args=[attended.pk])
    slot = local_slot(days_ahead=9)

    response = client.post(
        url, {"physician": physician.pk, "date": slot.date().isoformat(), "start_time": "10:00"}, follow=True
    )

    assert REFUSED in response.content.decode()
    attended.refresh_from_db()
    assert attended.starts_at != slot
