"""What a person types on the appointment request: a hostile name or an overlong reason is refused
next to its field, with the rest kept; a real name is kept whole."""

import pytest
from django.urls import reverse

from appointments.models import AppointmentRequest
from tests.factories import LocationFactory

from .test_requests import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "1e309", "A name cannot contain digits."),
        (
            "last_name",
            "Lopez\r\nBcc: someone@example.com",
            "A name must be on one line, without line breaks or tabs.",
        ),
        ("last_name", "🙂", "A name cannot contain emoji or symbols."),
        ("first_name", "A" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("reason", "r" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("email", "a" * 250 + "@example.com", "Ensure this value has at most 254 characters (it has 262)."),
    ],
)
def test_a_hostile_or_overlong_value_is_refused_by_its_field_and_the_rest_is_kept(
    client, field, value, message
):
    location = LocationFactory()

    response = client.post(reverse("request_appointment"), form_data(location, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    content = response.content.decode()
    assert "Low back pain for months" in content or field == "reason"
    assert 'value="ana@example.com"' in content or field == "email"
    assert "maxlength" not in content
    assert not AppointmentRequest.objects.exists()


def test_a_name_in_any_script_is_kept_whole(client):
    location = LocationFactory()

    response = client.post(
        reverse("request_appointment"), form_data(location, first_name="Zoë", last_name="李")
    )

    assert response.status_code == 302
    request = AppointmentRequest.objects.get()
    assert (request.first_name, request.last_name) == ("Zoë", "李")
