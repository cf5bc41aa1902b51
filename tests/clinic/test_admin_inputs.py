"""The admin takes the same rules as the public forms, from the columns: a clinic site's state is
chosen by name (any spelling read), its ZIP code checked, a physician's name checked."""

import pytest
from django.urls import reverse

from appointments.models import Physician
from clinic.core.models import Location
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


LOCATION = {
    "name": "Albany",
    "address_line1": "1 State St",
    "address_line2": "",
    "city": "Albany",
    "state": "New York",
    "postal_code": "122071234",
    "phone": "",
    "arrival_notes": "",
    "is_active": "on",
}


def test_a_site_added_in_the_admin_gets_its_state_from_a_list_and_its_zip_code_in_one_shape(superuser_client):
    url = reverse("admin:clinic_location_add")
    assert '<select name="state"' in superuser_client.get(url).content.decode()

    response = superuser_client.post(url, LOCATION)

    assert response.status_code == 302
    location = Location.objects.get()
    assert (location.state, location.postal_code) == ("NY", "12207-1234")


def test_the_admin_refuses_a_state_or_zip_code_that_is_none_by_the_field(superuser_client):
    response = superuser_client.post(
        reverse("admin:clinic_location_add"), {**LOCATION, "state": "Ne York", "postal_code": "1220"}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"state", "postal_code"}
    assert not Location.objects.exists()


def test_a_physician_name_with_digits_is_refused_in_the_admin(superuser_client):
    response = superuser_client.post(
        reverse("admin:appointments_physician_add"),
        {"first_name": "Dr1", "last_name": "Who", "credentials": "MD"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["first_name"] == ["A name cannot contain digits."]
    assert not Physician.objects.exists()
