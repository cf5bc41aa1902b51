"""What a provider types on registration and the new-referral form: the state by name or any
spelling, an NPI with spaces or dashes, real names; a hostile or overlong value is refused next to
its field, with the rest kept and no server error."""

import pytest
from django.urls import reverse

from referrals.models import Referral, ReferringProvider

from .conftest import VALID_NPI, referral_post
from .test_provider_accounts import REGISTRATION

pytestmark = pytest.mark.django_db


def register(client, **overrides):
    return client.post(reverse("referrals:register"), {**REGISTRATION, **overrides})


def test_the_registration_page_offers_the_states_by_name(client):
    content = client.get(reverse("referrals:register")).content.decode()

    assert '<select name="state"' in content
    assert '<option value="NY">New York</option>' in content


@pytest.mark.parametrize("typed", ["NY", "ny", "N.Y.", "New York", "new york "])
def test_new_york_however_written_is_stored_as_ny_never_as_nebraska(client, typed):
    assert register(client, state=typed).status_code == 302
    assert ReferringProvider.objects.get().state == "NY"


@pytest.mark.parametrize("typed", ["1234 567 893", "1234-567-893", " 123-456-7893 ", "NPI: 1234567893"])
def test_an_npi_typed_with_spaces_or_dashes_is_stored_as_its_ten_digits(client, typed):
    response = register(client, npi=typed)

    assert response.status_code == 302
    assert ReferringProvider.objects.get().npi == VALID_NPI


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"state": "Nebraskaa"}, "state", "“Nebraskaa” is not a US state or territory we know"),
        ({"postal_code": "6270"}, "postal_code", "Enter a 5-digit ZIP code"),
        ({"npi": "1234-567-890"}, "npi", "This is not a valid NPI"),
        ({"first_name": "1e309"}, "first_name", "A name cannot contain digits."),
        ({"last_name": "Reyes\r\nBcc: x@example.com"}, "last_name", "A name must be on one line"),
        ({"last_name": "Reyes 👩‍⚕️"}, "last_name", "A name cannot contain emoji or symbols."),
        ({"practice_name": "P" * 201}, "practice_name", "at most 200 characters (it has 201)"),
        ({"email": "a" * 140 + "@practice.example"}, "email", "at most 150 characters (it has 157)"),
        # 150 characters as typed, 151 in lower case ("İ" lowers to two): more than the account name
        # holds. It was refused at the top of the form about a "username" (found by test_form_fuzz.py).
        ({"email": "a" * 133 + "@İstanbul.example"}, "email", "at most 150 characters (it has 151)"),
        # Lowered, an "İ" is an i and a combining dot, which no account name holds.
        ({"email": "ann@İstanbul.example"}, "email", "This address cannot be an account name here"),
        ({"phone": "1e309"}, "phone", "Enter a valid phone number"),
        # The phone column keeps the number alone: the extension was dropped without a word.
        ({"fax": "(217) 555-0101 ext. 12"}, "fax", "Please give the number without its extension"),
    ],
)
def test_registration_refuses_each_bad_value_by_its_field_and_keeps_the_rest(
    client, overrides, field, message
):
    response = register(client, **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert any(message in error for error in errors[field])
    content = response.content.decode()
    assert 'value="12 Oak Street"' in content and 'value="Springfield"' in content
    assert not ReferringProvider.objects.exists()


def test_an_address_in_another_script_is_the_account_name_in_lower_case(client):
    assert register(client, email="Ann@BÜCHER.example").status_code == 302
    user = ReferringProvider.objects.select_related("user").get().user
    assert user.username == user.email == "ann@bücher.example"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("patient_first_name", "12345", "A name cannot contain digits."),
        ("patient_last_name", "<script>alert(1)</script>", "A name cannot contain < or >."),
        ("patient_last_name", "L" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("insurance_carrier", "C" * 121, "Ensure this value has at most 120 characters (it has 121)."),
        (
            "patient_email",
            "a" * 250 + "@mail.example",
            "Ensure this value has at most 254 characters (it has 263).",
        ),
    ],
)
def test_the_referral_form_refuses_a_hostile_or_overlong_value_by_its_field(
    provider_client, field, value, message
):
    response = provider_client.post(reverse("referrals:new"), referral_post(**{field: value}))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert 'value="XJH123456789"' in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_keeps_a_patient_name_in_any_script_whole(provider_client):
    response = provider_client.post(
        reverse("referrals:new"),
        referral_post(patient_first_name="Thị Ánh", patient_last_name="Nguyễn-O'Brien"),
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.patient_first_name, referral.patient_last_name) == ("Thị Ánh", "Nguyễn-O'Brien")


def test_a_forged_line_break_in_a_one_line_box_is_refused_by_its_field(client):
    response = register(
        client, practice_name="Oak Street\r\nBcc: someone@example.com", city="Spring\u202efield"
    )

    assert response.status_code == 200
    message = "This must be one line of text, without line breaks, tabs or invisible characters."
    assert response.context["form"].errors == {"practice_name": [message], "city": [message]}
    assert not ReferringProvider.objects.exists()
