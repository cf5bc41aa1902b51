"""The shape of what people type: a US state by any spelling, a person's name in any script, a ZIP
code, an NPI; each rule has one home (clinic.core.person, clinic.core.us_states, referrals.npi)."""

import re
import unicodedata

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.core.person import (
    PersonNameFormField,
    PhoneTextFormField,
    USStateFormField,
    USStateSelect,
    ZIPCodeFormField,
)
from clinic.core.us_states import USState, us_state_code, us_state_name
from referrals.npi import NPIFormField

# --- States ---------------------------------------------------------------------------------------

SPELLINGS = [
    ("ny", "NY"),
    ("NY", "NY"),
    ("N.Y.", "NY"),
    ("N. Y.", "NY"),
    ("New York", "NY"),
    ("new york ", "NY"),
    ("  NEW   YORK", "NY"),
    ("new-york", "NY"),
    ("New York State", "NY"),
    ("State of New York", "NY"),
    ("New York, USA", "NY"),
    ("US-NY", "NY"),
    ("Nueva York", "NY"),
    ("Puerto Rico", "PR"),
    ("PR", "PR"),
    ("P.R.", "PR"),
    ("Commonwealth of Puerto Rico", "PR"),
    ("Wash. DC", "DC"),
    ("Washington, D.C.", "DC"),
    ("Washington DC", "DC"),
    ("D.C.", "DC"),
    ("District of Columbia", "DC"),
    ("Washington", "WA"),
    ("Wash.", "WA"),
    ("Washington State", "WA"),
    ("Virginia", "VA"),
    ("West Virginia", "WV"),
    ("W. Va.", "WV"),
    ("Calif.", "CA"),
    ("Mass.", "MA"),
    ("Miss.", "MS"),
    ("Penna.", "PA"),
    ("Hawaiʻi", "HI"),
    ("Hawai'i", "HI"),
    ("Carolina del Norte", "NC"),
    ("U.S. Virgin Islands", "VI"),
    ("USVI", "VI"),
    ("Guam", "GU"),
    ("American Samoa", "AS"),
    ("Northern Mariana Islands", "MP"),
    ("CNMI", "MP"),
    # The bug this replaces: the old two-letter box kept "Ne" of "New York", which is Nebraska.
    ("Ne", "NE"),
    ("Nebraska", "NE"),
]


@pytest.mark.parametrize(("typed", "code"), SPELLINGS)
def test_each_real_world_spelling_of_a_state_reads_as_its_usps_code(typed, code):
    assert us_state_code(typed) == code


@pytest.mark.parametrize("typed", ["New Yrok", "XX", "Ontario", "New", "York", "", "   ", "N.Y.C.", "1e309"])
def test_what_names_no_state_reads_as_none(typed):
    assert us_state_code(typed) is None


def test_the_list_is_the_fifty_states_dc_and_the_five_inhabited_territories():
    assert len(USState) == 56
    assert {"DC", "PR", "VI", "GU", "AS", "MP"} <= set(USState.values)
    for state in USState:
        assert us_state_code(state.value) == state.value
        assert us_state_code(state.value.lower()) == state.value
        assert us_state_code(str(state.label)) == state.value
        assert us_state_code(str(state.label).upper()) == state.value


def test_a_code_that_is_no_state_is_shown_as_it_was_stored():
    assert us_state_name("NY") == "New York"
    assert us_state_name("Te") == "Te"


def test_the_state_field_stores_the_code_and_refuses_what_names_no_state_by_name():
    field = USStateFormField()
    assert field.clean("new york ") == "NY"
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("Nebraskaa")
    assert refused.value.messages == [
        "“Nebraskaa” is not a US state or territory we know: please choose one from the list."
    ]
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("N" * 5000)
    assert refused.value.messages == [
        "That is not a US state or territory we know: please choose one from the list."
    ]
    with pytest.raises(forms.ValidationError):
        field.clean("")
    assert USStateFormField(required=False).clean("") == ""


def test_the_state_list_shows_a_spelled_state_as_chosen_and_keeps_an_unknown_one_visible():
    widget = USStateSelect(choices=[("", "Choose a state"), *USState.choices])

    spelled = widget.render("state", "new york")
    assert '<option value="NY" selected>New York</option>' in spelled
    unknown = widget.render("state", "Te")
    assert '<option value="Te" selected>Te</option>' in unknown


# --- Names ----------------------------------------------------------------------------------------

NAMES = [
    "O'Brien",
    "O’Brien",
    "Núñez",
    "Nguyễn",
    "李",
    "Saint-Exupéry",
    "J. R.",
    "Mary Ann",
    "محمد",
    "Ана",
    "ศรี",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_in_every_script_with_hyphens_apostrophes_and_initials_are_accepted(name):
    assert PersonNameFormField(max_length=100).clean(name) == name


def test_a_name_is_stored_one_way_composed_accents_and_single_spaces():
    field = PersonNameFormField(max_length=100)
    assert field.clean("Nguye\u0302\u0303n") == "Nguyễn"
    assert field.clean("  Mary \u00a0  Ann ") == "Mary Ann"
    assert field.clean("مهرنوش\u200cزاده") == "مهرنوش\u200cزاده"


HOSTILE_NAMES = [
    ("1e309", "A name cannot contain digits."),
    ("12345", "A name cannot contain digits."),
    ("Ann3", "A name cannot contain digits."),
    ("Ann😀", "A name cannot contain emoji or symbols."),
    ("👍", "A name cannot contain emoji or symbols."),
    ("Ann\ufe0f", "A name cannot contain emoji or symbols."),
    ("Ann\r\nBcc: victim@example.com", "A name must be on one line, without line breaks or tabs."),
    ("Ann\nLee", "A name must be on one line, without line breaks or tabs."),
    ("Ann\tLee", "A name must be on one line, without line breaks or tabs."),
    ("Ann\u2028Lee", "A name must be on one line, without line breaks or tabs."),
    ("<script>alert(1)</script>", "A name cannot contain < or >."),
    ("Ann\u202eeeL", "A name cannot contain invisible characters."),
    ("Ann\u0000", "A name must be on one line, without line breaks or tabs."),
    ("\u3164", "A name cannot contain invisible characters."),
    ("-", "Enter a name with letters in it."),
    ("'.", "Enter a name with letters in it."),
    ("\u0301Ann", "An accent mark must follow a letter."),
    ("Z\u0301\u0302\u0303\u0304\u0305\u0306", "A name cannot have that many accents on one letter."),
    ("Ann@Lee", "A name can have letters, spaces, hyphens (-), apostrophes (') and full stops, but not “@”."),
    (
        "Robert'); DROP TABLE",
        "A name can have letters, spaces, hyphens (-), apostrophes (') and full stops, but not “)”.",
    ),
]


@pytest.mark.parametrize(("typed", "message"), HOSTILE_NAMES)
def test_a_hostile_or_impossible_name_is_refused_with_what_is_wrong(typed, message):
    with pytest.raises(forms.ValidationError) as refused:
        PersonNameFormField(max_length=100).clean(typed)
    assert message in refused.value.messages


# --- ZIP codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("62701", "62701"),
        (" 62701 ", "62701"),
        ("62701-1234", "62701-1234"),
        ("62701 1234", "62701-1234"),
        ("627011234", "62701-1234"),
        ("62701–1234", "62701-1234"),
        ("００６０１", "00601"),  # Puerto Rico's ZIP codes start with 00; typed full-width
    ],
)
def test_a_zip_code_is_five_digits_or_zip_plus_four_however_it_is_separated(typed, stored):
    assert ZIPCodeFormField().clean(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["6270", "627011", "62701-12", "62701-12345", "ABCDE", "1e309", "00000", "62701\n1234", "K1A 0B6"],
)
def test_anything_else_is_refused_as_a_zip_code_with_its_shape(typed):
    with pytest.raises(forms.ValidationError) as refused:
        ZIPCodeFormField().clean(typed)
    assert refused.value.messages[0] in {
        "Enter a 5-digit ZIP code, or ZIP+4 such as 62701-1234.",
        "00000 is not a ZIP code.",
    }


# --- NPIs and phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1234567893",
        "1234 567 893",
        "1234-567-893",
        " 123-456-7893 ",
        "NPI: 1234567893",
        "１２３４５６７８９３",
    ],
)
def test_an_npi_is_read_without_its_spaces_dashes_or_label(typed):
    assert NPIFormField(max_length=10).clean(typed) == "1234567893"


@pytest.mark.parametrize("typed", ["1234567890", "123456789", "12345678931", "1e309", "١٢٣٤٥٦٧٨٩٣"])
def test_an_npi_that_is_not_ten_digits_passing_the_check_digit_is_refused(typed):
    with pytest.raises(forms.ValidationError):
        NPIFormField(max_length=10).clean(typed)


def test_a_phone_number_kept_as_text_is_checked_and_written_one_way():
    field = PhoneTextFormField(required=False)
    assert field.clean("(217) 555-0123 x12") == "+1 217-555-0123 ext. 12"
    assert field.clean("") == ""
    for junk in ["1e309", "call the office", "555-0123", "217 555 0123\r\nBcc: x"]:
        with pytest.raises(forms.ValidationError):
            field.clean(junk)


# --- Any text at all ------------------------------------------------------------------------------


@given(st.text(max_size=120))
@settings(max_examples=400, deadline=None)
def test_any_text_is_either_refused_with_a_message_or_a_name_of_letters(text):
    field = PersonNameFormField(max_length=100, required=False)
    try:
        name = field.clean(text)
    except forms.ValidationError as refused:
        assert refused.messages
        return
    assert len(name) <= 100
    assert not any(unicodedata.category(char)[0] in "NSZ" and char != " " for char in name)
    assert not any(unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} for char in name)
    assert "<" not in name and ">" not in name
    assert name == "" or any(unicodedata.category(char).startswith("L") for char in name)


@given(st.text(max_size=60))
@settings(max_examples=400, deadline=None)
def test_any_text_reads_as_a_state_code_or_as_none(text):
    assert us_state_code(text) in {None, *USState.values}
    try:
        stored = USStateFormField(required=False).clean(text)
    except forms.ValidationError:
        return
    assert stored in {"", *USState.values}


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_text_is_refused_or_kept_as_a_zip_code_or_an_npi_of_ascii_digits(text):
    for field, shape in [
        (ZIPCodeFormField(required=False), r"([0-9]{5}(-[0-9]{4})?)?"),
        (NPIFormField(max_length=10, required=False), r"([0-9]{10})?"),
    ]:
        try:
            cleaned = field.clean(text)
        except forms.ValidationError:
            continue
        assert re.fullmatch(shape, cleaned), (text, cleaned)
