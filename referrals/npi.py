"""The National Provider Identifier check digit (CMS): Luhn over "80840" followed by the NPI."""

import re

_NPI = re.compile(r"\d{10}")
# The NPI sits in the ISO 7812 card-issuer range "80840"; the Luhn check runs over prefix + NPI.
_PREFIX = "80840"


def npi_is_valid(value: str) -> bool:
    if not isinstance(value, str) or not _NPI.fullmatch(value):
        return False
    return _luhn_ok(_PREFIX + value)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def npi_check_digit(first_nine: str) -> str:
    """The tenth digit that makes `first_nine` a valid NPI (for test data and demos)."""
    for digit in "0123456789":
        if _luhn_ok(_PREFIX + first_nine + digit):
            return digit
    raise ValueError(first_nine)  # pragma: no cover - one digit always fits
