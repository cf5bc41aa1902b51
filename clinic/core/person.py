"""Rules about a person's own details, the same wherever they are typed: the intake, a referral,
an appointment request."""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_AGE_YEARS = 120

# 3/4/85, 03-04-85, 3.4.85: a two-digit year, which could be 1985 or 2085 (or 1925 or 2025).
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


def age_at(day: date, *, date_of_birth: date) -> int:
    """Age in completed years on `day`; someone born on 29 February is a year older on 1 March."""
    if day < date_of_birth:
        raise ValueError(f"{day.isoformat()} is before the date of birth {date_of_birth.isoformat()}")
    had_birthday_this_year = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday_this_year else 1)


def oldest_date_of_birth(today: date) -> date:
    """The earliest date of birth accepted on `today`: MAX_AGE_YEARS years before it, no earlier."""
    try:
        return today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February, in a year that has none: 28 February would be a day too many.
        return date(today.year - MAX_AGE_YEARS, 3, 1)


def validate_date_of_birth(value: date) -> None:
    """Not in the future and not more than MAX_AGE_YEARS years ago (the clinic's own calendar day)."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")
    if value < oldest_date_of_birth(today):
        raise ValidationError(
            _("Please check the year: that date is more than %(years)s years ago."),
            code="too_old",
            params={"years": MAX_AGE_YEARS},
        )


def pain_began_before_birth(onset: date, *, date_of_birth: date) -> bool:
    return onset < date_of_birth


def validate_pain_onset(onset: date, *, date_of_birth: date | None) -> None:
    """The day the pain started: not in the future, and not before the person was born."""
    if onset > timezone.localdate():
        raise ValidationError(_("The date the pain started cannot be in the future."), code="future")
    if date_of_birth is not None and pain_began_before_birth(onset, date_of_birth=date_of_birth):
        raise ValidationError(
            _("The pain cannot have started before the date of birth."), code="before_birth"
        )


class DateOfBirthInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateOfBirthField(forms.DateField):
    """A date of birth: a day that exists, with the year typed in full, passing
    `validate_date_of_birth`. A two-digit year is asked again rather than guessed."""

    widget = DateOfBirthInput
    default_validators = [validate_date_of_birth]
    default_error_messages = {
        "invalid": _("Enter a date of birth that exists, for example 03/25/1970."),
        "two_digit_year": _("Please type the year in full, for example 1970 rather than 70."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Date of birth"))
        super().__init__(**kwargs)

    def strptime(self, value: str, format: str) -> date:
        if "%y" in format:
            raise ValueError("two-digit years are not guessed")
        return super().strptime(value, format)

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            if isinstance(value, str) and _TWO_DIGIT_YEAR.fullmatch(value.strip()):
                raise ValidationError(self.error_messages["two_digit_year"], code="two_digit_year") from None
            raise
