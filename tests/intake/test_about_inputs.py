"""What a patient types on "About you" and the start page: a state by any spelling, a ZIP code, a
name in any script; a hostile or overlong value is refused next to its field, the rest kept."""

import html

import pytest
from django.urls import reverse

from intake.models import Intake
from tests.factories import IntakeFactory

from . import helpers
from .test_journey import open_link, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez")
    open_link(client, intake)
    return intake


def post_about(client, intake, **overrides):
    return client.post(step_url(intake, "about"), helpers.about(intake, **overrides))


def test_the_state_is_a_list_of_names_that_works_without_javascript(client, intake):
    response = client.get(step_url(intake, "about"))

    content = response.content.decode()
    assert '<select name="state"' in content and 'autocomplete="address-level1"' in content
    assert '<option value="NY">New York</option>' in content
    assert '<option value="PR">Puerto Rico</option>' in content


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("NY", "NY"),
        ("ny", "NY"),
        ("N.Y.", "NY"),
        ("New York", "NY"),
        ("new york ", "NY"),
        ("Puerto Rico", "PR"),
    ],
)
def test_a_state_sent_by_any_spelling_is_stored_as_its_code_never_cut_to_two_letters(
    client, intake, typed, stored
):
    response = post_about(client, intake, state=typed)

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.state == stored


def test_a_state_that_names_none_is_refused_by_the_field_and_the_rest_is_kept(client, intake):
    response = post_about(client, intake, state="Nebraskaa", city="Lincoln", address_line1="9 Elm St")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "state": ["“Nebraskaa” is not a US state or territory we know: please choose one from the list."]
    }
    content = response.content.decode()
    assert 'value="Lincoln"' in content and 'value="9 Elm St"' in content
    intake.refresh_from_db()
    assert intake.state == "" and "about" not in intake.completed_steps


def test_a_state_left_from_before_the_list_is_shown_to_be_corrected_and_blocks_nothing_else(client, intake):
    Intake.objects.filter(pk=intake.pk).update(state="Te")

    content = client.get(step_url(intake, "about")).content.decode()

    assert '<option value="Te" selected>Te</option>' in content
    # The rest of the questionnaire still saves around it.
    assert client.post(step_url(intake, "pain"), helpers.pain()).status_code == 302
    intake.refresh_from_db()
    assert intake.state == "Te" and "pain" in intake.completed_steps


@pytest.mark.parametrize(
    ("typed", "stored"), [("62701", "62701"), ("627011234", "62701-1234"), ("62701 1234", "62701-1234")]
)
def test_a_zip_code_is_stored_in_one_shape(client, intake, typed, stored):
    assert post_about(client, intake, postal_code=typed).status_code == 302
    intake.refresh_from_db()
    assert intake.postal_code == stored


def test_a_zip_code_of_the_wrong_shape_is_refused_by_the_field(client, intake):
    response = post_about(client, intake, postal_code="6270")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "postal_code": ["Enter a 5-digit ZIP code, or ZIP+4 such as 62701-1234."]
    }


@pytest.mark.parametrize("name", ["O'Brien", "Núñez", "Nguyễn", "李", "Saint-Exupéry"])
def test_real_names_are_saved_as_typed(client, intake, name):
    assert post_about(client, intake, last_name=name).status_code == 302
    intake.refresh_from_db()
    assert intake.last_name == name


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e309", "A name cannot contain digits."),
        ("Ann😀", "A name cannot contain emoji or symbols."),
        ("Ann\r\nBcc: someone@example.com", "A name must be on one line, without line breaks or tabs."),
        ("<b>Ann</b>", "A name cannot contain < or >."),
    ],
)
def test_a_hostile_name_is_refused_by_the_field_and_the_rest_is_kept(client, intake, typed, message):
    response = post_about(client, intake, first_name=typed)

    assert response.status_code == 400
    assert response.context["form"].errors == {"first_name": [message]}
    content = response.content.decode()
    assert html.escape(message) in content
    assert 'value="1 Main St"' in content and 'value="Springfield"' in content
    intake.refresh_from_db()
    assert intake.first_name == "Maria"


def test_an_overlong_name_is_refused_with_a_message_and_one_that_fits_is_kept_whole(client, intake):
    response = post_about(client, intake, last_name="L" * 101)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "last_name": ["Ensure this value has at most 100 characters (it has 101)."]
    }
    assert 'maxlength="100"' not in response.content.decode()  # the browser cuts nothing either

    assert post_about(client, intake, last_name="L" * 100).status_code == 302
    intake.refresh_from_db()
    assert intake.last_name == "L" * 100


def test_the_start_page_refuses_a_hostile_name_by_the_field_and_keeps_the_email(client):
    response = client.post(
        reverse("intake:start"),
        {
            "first_name": "12345",
            "last_name": "Lee",
            "date_of_birth": "1970-01-01",
            "email": "ann@example.com",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"first_name": ["A name cannot contain digits."]}
    assert 'value="ann@example.com"' in response.content.decode()
    assert not Intake.objects.exists()


def test_a_prescriber_phone_is_checked_like_every_phone(client, intake):
    data = {**helpers.medications(), "prescriber_phone": "call the office"}

    response = client.post(step_url(intake, "medications"), data)

    assert response.status_code == 400
    assert "prescriber_phone" in response.context["form"].errors
    data["prescriber_phone"] = "(217) 555-0123"
    assert client.post(step_url(intake, "medications"), data).status_code == 302
    intake.refresh_from_db()
    assert intake.step_answers("medications")["prescriber_phone"] == "+1 217-555-0123"
