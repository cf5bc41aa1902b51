"""Rules about a person's own details, the same wherever they are typed: the intake, a referral,
an appointment request."""

import re
import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .us_states import USState, us_state_code

MAX_AGE_YEARS = 120

# 3/4/85, 03-04-85, 3.4.85: a two-digit year, which could be 1985 or 2085 (or 1925 or 2025).
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


def age_at(day: date, *, date_of_birth: date) -> int:
    """Age in completed years on `day`; someone born on 29 February is a year older on 1 March."""
    if day < date_of_birth:
        # No dates in the message: an exception's text can reach a log's traceback.
        raise ValueError("age_at: the day is before the date of birth")
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


# --- Names ----------------------------------------------------------------------------------------

# Between the letters of a name: a space, hyphens, apostrophes (as typed, or as a phone's keyboard
# curls them) and the full stop of an initial ("J. R.", "St. John").
_NAME_PUNCTUATION = frozenset(" -‐‑'’‘ʼ.")
# Zero-width (non-)joiners belong inside Persian and Indic names.
_NAME_JOINERS = frozenset("\u200c\u200d")
# Letters that show as nothing (Hangul fillers), and the selectors that turn a character into emoji.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_VARIATION_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Marks stacked on one letter past this are decoration ("Zalgo" text), not a language.
MAX_MARKS_ON_A_LETTER = 4


def _name_refusal(char: str) -> ValidationError:
    category = unicodedata.category(char)
    if category.startswith("N"):
        return ValidationError(_("A name cannot contain digits."), code="digits")
    if category in {"Cc", "Zl", "Zp"}:
        return ValidationError(
            _("A name must be on one line, without line breaks or tabs."), code="line_break"
        )
    if char in "<>":
        return ValidationError(_("A name cannot contain < or >."), code="angle_brackets")
    if category.startswith("S") or category in {"Cs", "Co", "Cn"} or _VARIATION_SELECTOR.match(char):
        return ValidationError(_("A name cannot contain emoji or symbols."), code="symbol")
    if category.startswith("C") or char in _INVISIBLE_LETTERS:
        return ValidationError(_("A name cannot contain invisible characters."), code="invisible")
    return ValidationError(
        _(
            "A name can have letters, spaces, hyphens (-), apostrophes (') and full stops, "
            "but not “%(char)s”."
        ),
        code="punctuation",
        params={"char": char},
    )


def validate_person_name(value: str) -> None:
    """A person's name in any script: letters with their accents, spaces, hyphens, apostrophes and
    full stops, and at least one letter (O'Brien, Núñez, Nguyễn, 李, Saint-Exupéry, J. R.)."""
    marks_on_letter: int | None = None  # None: the character before is not a letter
    for char in value:
        category = unicodedata.category(char)
        if category.startswith("M") and not _VARIATION_SELECTOR.match(char):
            if marks_on_letter is None:
                raise ValidationError(_("An accent mark must follow a letter."), code="marks")
            marks_on_letter += 1
            if marks_on_letter > MAX_MARKS_ON_A_LETTER:
                raise ValidationError(_("A name cannot have that many accents on one letter."), code="marks")
            continue
        if category.startswith("L") and char not in _INVISIBLE_LETTERS:
            marks_on_letter = 0
            continue
        marks_on_letter = None
        if char in _NAME_PUNCTUATION or char in _NAME_JOINERS:
            continue
        raise _name_refusal(char)
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(_("Enter a name with letters in it."), code="no_letters")


def person_name_normalise(value: str) -> str:
    """One way of writing the same name: composed accents (NFC), every kind of space as one space."""
    composed = unicodedata.normalize("NFC", value)
    spaced = "".join(" " if unicodedata.category(char) == "Zs" else char for char in composed)
    return re.sub(" +", " ", spaced).strip(" ")


class PersonNameFormField(forms.CharField):
    """A name typed by a person: normalised, then checked by `validate_person_name`."""

    default_validators = [validate_person_name]

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return person_name_normalise(text) if text else text


# --- Addresses -----------------------------------------------------------------------------------

# 62701, 62701-1234; typed as "62701 1234" or "627011234" too.
_ZIP_CODE = re.compile(r"(?P<zip>[0-9]{5})(?:[-‐‑–— ]?(?P<plus4>[0-9]{4}))?")


def zip_code_normalise(value: str) -> str:
    """ "62701 1234", "627011234" and "62701–1234" as "62701-1234"; anything else as typed."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = _ZIP_CODE.fullmatch(text)
    if match is None:
        return text
    return f"{match['zip']}-{match['plus4']}" if match["plus4"] else match["zip"]


def validate_zip_code(value: str) -> None:
    """A US ZIP code of five digits, or ZIP+4 ("62701-1234"), as `zip_code_normalise` writes it."""
    if not re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", value):
        raise ValidationError(
            _("Enter a 5-digit ZIP code, or ZIP+4 such as 62701-1234."), code="invalid_zip_code"
        )
    if value.startswith("00000"):
        raise ValidationError(_("00000 is not a ZIP code."), code="invalid_zip_code")


class ZIPCodeFormField(forms.CharField):
    default_validators = [validate_zip_code]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("ZIP code"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return zip_code_normalise(text) if text else text

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "autocomplete": "postal-code", "inputmode": "numeric"}


# A longer unknown state is refused without repeating it back.
MAX_ECHOED_STATE = 40


class USStateSelect(forms.Select):
    """The states by name. A value that names a state some other way ("New York", "n.y.") shows as
    that state; one that names none (an old record) is still shown, to be corrected, not dropped."""

    def format_value(self, value: Any) -> Any:
        return [us_state_code(text) or text for text in super().format_value(value)]

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        known = {str(option_value) for option_value, _label in self.choices}
        for unknown in (text for text in value if text and text not in known):
            option = self.create_option(name, unknown, unknown, True, len(groups))
            groups.append((None, [option], len(groups)))
        return groups


class USStateFormField(forms.ChoiceField):
    """A US state, DC or territory, stored as its USPS code; any way of writing it is read
    (`us_state_code`), and one that names no state is refused by this field."""

    widget = USStateSelect
    default_error_messages = {
        "invalid_choice": _(
            "“%(value)s” is not a US state or territory we know: please choose one from the list."
        ),
        "unknown": _("That is not a US state or territory we know: please choose one from the list."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("State"))
        for unused in ("max_length", "min_length", "strip", "empty_value"):
            kwargs.pop(unused, None)
        super().__init__(choices=[("", _("Choose a state")), *USState.choices], **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return (us_state_code(text) or text.strip()) if text else ""

    def validate(self, value: Any) -> None:
        if value and len(value) > MAX_ECHOED_STATE and not self.valid_value(value):
            raise ValidationError(self.error_messages["unknown"], code="invalid_choice")
        super().validate(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "autocomplete": "address-level1"}


# --- Phone numbers --------------------------------------------------------------------------------


def validate_phone_without_extension(value: Any) -> None:
    """A phone column keeps the number alone (E.164, which has no extension): an extension typed
    into one would be dropped without a word, so it is refused next to the field instead."""
    if getattr(value, "extension", None):
        raise ValidationError(
            _("Please give the number without its extension: we keep the number only."),
            code="phone_extension",
        )


# --- Phone numbers kept as text --------------------------------------------------------------------


class PhoneTextFormField(PhoneNumberField):
    """A phone number checked as the phone columns check theirs, for answers stored as text: written
    back the one way ("+1 217-555-0123", "+1 217-555-0123 ext. 12")."""

    def clean(self, value: Any) -> str:
        number = super().clean(value)
        return number.as_international if number else ""


# --- The columns that hold them ------------------------------------------------------------------
# The rules are the forms': a row saved before them (a junk state, a name with a digit) stays as it
# is and can still be saved, rather than make every later change to its record fail.


class ShapedCharField(models.CharField):  # type: ignore[type-arg]
    """A text column whose form field, in every form and in the admin, checks its one shape."""

    form_field_class: type[forms.Field] = forms.CharField
    default_max_length: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.default_max_length is not None:
            kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(form_class=form_class or self.form_field_class, **kwargs)


class PersonNameField(ShapedCharField):
    form_field_class = PersonNameFormField


class USStateField(ShapedCharField):
    form_field_class = USStateFormField
    default_max_length = 2

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        # The admin hands every CharField a text input; a state is chosen from the list there too.
        widget = kwargs.get("widget")
        if isinstance(widget, type) and issubclass(widget, forms.TextInput):
            del kwargs["widget"]
        return super().formfield(form_class, choices_form_class, **kwargs)


class ZIPCodeField(ShapedCharField):
    form_field_class = ZIPCodeFormField
    default_max_length = 10


# --- A date of birth typed into a search box -------------------------------------------------------
# Staff type a date of birth as it was said or written: 01/05/1980, 1/5/80, 01-05-1980, 1980-01-05,
# "Jan 5 1980", "January 5, 1980", "5 January 1980". A numeric date is read the US way, month first
# (01/05/1980 is 5 January); only when the first number cannot be a month (25/12/1980) is it read day
# first. A two-digit year is either century that gives a possible date of birth (3/4/15: 2015 or 1915).

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month_name>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_SEP = r"[\s,/.-]+"
_SPOKEN_DATES = (
    re.compile(rf"(?<!\w){_MONTH}{_SEP}{_DAY}{_SEP}{_YEAR}(?!\w)", re.IGNORECASE),  # Jan 5, 1980
    re.compile(rf"(?<!\w){_DAY}{_SEP}(?:of\s+)?{_MONTH}{_SEP}{_YEAR}(?!\w)", re.IGNORECASE),  # 5 Jan 1980
)
_ISO_DATE = re.compile(r"(?P<year>\d{4})[/.-](?P<month>\d{1,2})[/.-](?P<day>\d{1,2})")
_US_DATE = re.compile(r"(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})")


def _years(text: str, today: date) -> list[int]:
    if len(text) == 4:
        return [int(text)]
    return [century + int(text) for century in (today.year // 100 * 100, today.year // 100 * 100 - 100)]


def _possible(year: int, month: int, day: int, *, today: date, two_digit: bool) -> date | None:
    try:
        candidate = date(year, month, day)
    except ValueError:
        return None
    if two_digit and not oldest_date_of_birth(today) <= candidate <= today:
        return None
    return candidate


def _read(year_text: str, month: int, day: int, today: date) -> set[date]:
    two_digit = len(year_text) == 2
    found = (
        _possible(year, month, day, today=today, two_digit=two_digit) for year in _years(year_text, today)
    )
    return {candidate for candidate in found if candidate is not None}


def _numeric_date(word: str, today: date) -> set[date]:
    if match := _ISO_DATE.fullmatch(word):
        return _read(match["year"], int(match["month"]), int(match["day"]), today)
    if match := _US_DATE.fullmatch(word):
        first, second = int(match["first"]), int(match["second"])
        month, day = (first, second) if first <= 12 else (second, first)  # noqa: PLR2004 (months)
        return _read(match["year"], month, day, today)
    return set()


def dates_of_birth_in_search(search_term: str) -> tuple[list[set[date]], str]:
    """The dates of birth typed among the words of a search, each as the days it can be (one, or two
    for a two-digit year), and the words left over. Words shaped like a date that is not one
    (02/30/1970) stay among the words, to be searched as text."""
    today = timezone.localdate()
    text = unicodedata.normalize("NFKC", search_term or "")
    found: list[set[date]] = []

    def spoken(match: re.Match[str]) -> str:
        month = _MONTHS.get(match["month_name"].lower())
        days = _read(match["year"], month, int(match["day"]), today) if month else set()
        if not days:
            return match[0]
        found.append(days)
        return " "

    for pattern in _SPOKEN_DATES:
        text = pattern.sub(spoken, text)
    rest = []
    for word in text.split():
        days = _numeric_date(word.strip(","), today)
        if days:
            found.append(days)
        else:
            rest.append(word)
    return found, " ".join(rest)
