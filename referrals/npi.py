"""The National Provider Identifier check digit (CMS): Luhn over "80840" followed by the NPI."""

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.core.person import ShapedCharField

_NPI = re.compile(r"[0-9]{10}")
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


# What people put around the ten digits: "1234 567 893", "1234-567-893", "NPI: 1234567893".
_SEPARATORS = re.compile(r"[\s\-‐‑–—]+")
_LABEL = re.compile(r"^npi\s*(?:number|no\.?|#)?\s*[:#]?\s*", re.IGNORECASE)


def npi_clean(text: str) -> str:
    """The NPI as typed without its spaces, dashes or label; digits typed full-width become ASCII."""
    plain = unicodedata.normalize("NFKC", text).strip()
    return _SEPARATORS.sub("", _LABEL.sub("", plain))


class NPIFormField(forms.CharField):
    """A National Provider Identifier: ten digits passing its check digit, typed with or without
    spaces and dashes (`npi_clean`)."""

    default_error_messages = {
        "invalid_npi": _("This is not a valid NPI: it must be 10 digits and pass the NPI check digit.")
    }

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return npi_clean(text) if text else text

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not npi_is_valid(value):
            raise forms.ValidationError(self.error_messages["invalid_npi"], code="invalid_npi")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}


class NPIField(ShapedCharField):
    """An NPI column: the ten digits, typed into any form through `NPIFormField`."""

    form_field_class = NPIFormField
    default_max_length = 10
