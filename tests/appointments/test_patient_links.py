"""Old emails' links: a cancelled visit or a closed request is not offered for cancelling again."""

import pytest
from django.urls import reverse

from appointments import services, tokens
from appointments.models import AppointmentEvent, CancelReason
from tests.factories import AppointmentRequestFactory

from .conftest import local_slot

pytestmark = pytest.mark.django_db


def test_the_cancel_link_of_a_cancelled_visit_says_so_instead_of_asking_again(client, location, physician):
    request = AppointmentRequestFactory(location=location)
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(), by=None
    )
    services.appointment_cancel(appointment=appointment, reason=CancelReason.PATIENT_REQUEST, by_patient=True)
    token = tokens.manage_token(request.public_id)

    response = client.get(reverse("appointments:cancel", args=[request.public_id, token]), follow=True)

    page = response.content.decode()
    assert "Yes, cancel my appointment" not in page
    assert "This appointment is cancelled, so there is nothing to cancel." in page
    assert AppointmentEvent.objects.filter(request=request, action="cancelled").count() == 1


@pytest.mark.parametrize("status", ["withdrawn", "booked"])
def test_the_withdraw_link_of_a_closed_request_says_so_instead_of_asking_again(client, location, status):
    request = AppointmentRequestFactory(location=location, status=status)
    token = tokens.manage_token(request.public_id)

    response = client.get(reverse("appointments:withdraw", args=[request.public_id, token]), follow=True)

    page = response.content.decode()
    assert "Yes, withdraw my request" not in page
    assert "This request can no longer be withdrawn." in page


def test_an_open_request_still_asks_before_withdrawing(client, location):
    request = AppointmentRequestFactory(location=location)
    token = tokens.manage_token(request.public_id)

    response = client.get(reverse("appointments:withdraw", args=[request.public_id, token]))

    assert "Yes, withdraw my request" in response.content.decode()
