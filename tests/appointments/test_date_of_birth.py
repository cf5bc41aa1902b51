"""The date of birth on the appointment request form: one rule, each edge, everything typed kept."""

import datetime
import html
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appointments.models import AppointmentRequest, VisitType
from appointments.services import appointment_request_create
from tests.dates_of_birth import EDGES, REFUSED, typed
from tests.factories import LocationFactory

from .test_requests import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("edge", REFUSED)
def test_each_impossible_date_of_birth_is_refused_by_the_field_with_the_rest_kept(client, edge):
    response = client.post(
        reverse("request_appointment"), form_data(LocationFactory(), date_of_birth=typed(edge))
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"date_of_birth": [EDGES[edge]]}
    content = response.content.decode()
    assert html.escape(EDGES[edge]) in content
    assert 'value="Lopez"' in content and "Low back pain for months" in content
    assert AppointmentRequest.objects.count() == 0


def test_a_date_of_birth_of_today_is_accepted(client):
    response = client.post(
        reverse("request_appointment"), form_data(LocationFactory(), date_of_birth=typed("today"))
    )

    assert response.status_code == 302
    assert AppointmentRequest.objects.get().date_of_birth.isoformat() == typed("today")


def test_a_request_from_someone_not_known_without_a_date_of_birth_is_refused_on_that_field():
    with pytest.raises(ValidationError) as refused:
        appointment_request_create(
            submission_key=uuid.uuid4(),
            location=LocationFactory(),
            visit_type=VisitType.NEW_CONSULTATION,
            preferred_days=["mon"],
            time_windows=["morning"],
            earliest_date=timezone.localdate() + datetime.timedelta(days=3),
            contact_preference="email",
            reason="",
            first_name="Ana",
            last_name="Lopez",
            email="ana@example.com",
        )

    assert list(refused.value.message_dict) == ["date_of_birth"]
    assert AppointmentRequest.objects.count() == 0
