import pytest

from referrals.icd10 import icd10_description, icd10_is_billable, icd10_normalise, icd10_search
from referrals.npi import npi_check_digit, npi_is_valid


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("1234567890", False),
        ("123456789", False),
        ("12345678931", False),
        ("123456789A", False),
        ("", False),
    ],
)
def test_npi_check_digit_uses_luhn_over_the_80840_prefix(npi, valid):
    assert npi_is_valid(npi) is valid


def test_check_digit_makes_any_nine_digits_a_valid_npi():
    for first_nine in ("123456789", "100000001", "987654321"):
        assert npi_is_valid(first_nine + npi_check_digit(first_nine))


def test_codes_are_normalised_to_the_dotted_form():
    assert icd10_normalise(" m5416 ") == "M54.16"
    assert icd10_normalise("M54.16") == "M54.16"


def test_only_leaf_codes_are_billable():
    assert icd10_is_billable("M54.16")
    assert icd10_is_billable("S32.010A")  # with its seventh character
    assert not icd10_is_billable("M54.1")  # a category with children
    assert not icd10_is_billable("M54")
    assert not icd10_is_billable("A00-B99")  # a block
    assert not icd10_is_billable("Q99.99")


def test_search_finds_billable_codes_by_code_prefix_or_by_words():
    by_code = [result.code for result in icd10_search("M54.1")]
    assert "M54.16" in by_code and "M54.1" not in by_code

    by_words = icd10_search("lumbar radiculopathy")
    assert by_words[0].code == "M54.16"
    assert all(icd10_is_billable(result.code) for result in by_words)
    assert icd10_description("M54.16") == "Radiculopathy, lumbar region"


def test_search_ignores_too_short_or_meaningless_queries():
    assert icd10_search("") == []
    assert icd10_search("a") == []
    assert icd10_search("<script>") == []
