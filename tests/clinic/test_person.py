import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clinic.core.person import (
    DateOfBirthField,
    age_at,
    oldest_date_of_birth,
    validate_date_of_birth,
    validate_pain_onset,
)
from tests.dates_of_birth import EDGES, typed


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


@pytest.mark.parametrize("edge", EDGES)
def test_a_date_of_birth_field_answers_each_edge_with_its_one_message(edge):
    field = DateOfBirthField()
    if EDGES[edge] is None:
        assert field.clean(typed(edge)).isoformat() == typed(edge)
        return
    with pytest.raises(ValidationError) as refused:
        field.clean(typed(edge))
    assert refused.value.messages == [EDGES[edge]]


def test_exactly_120_years_ago_is_accepted_and_the_day_before_is_not():
    with on(datetime.date(2026, 12, 3)):
        validate_date_of_birth(datetime.date(1906, 12, 3))
        with pytest.raises(ValidationError, match="more than 120 years ago"):
            validate_date_of_birth(datetime.date(1906, 12, 2))


def test_on_29_february_the_oldest_date_of_birth_is_1_march_when_that_year_has_no_29th():
    # 2020 minus 120 is 1900, which had no 29 February.
    assert oldest_date_of_birth(datetime.date(2020, 2, 29)) == datetime.date(1900, 3, 1)
    assert oldest_date_of_birth(datetime.date(2028, 2, 29)) == datetime.date(1908, 2, 29)
    with on(datetime.date(2020, 2, 29)):
        validate_date_of_birth(datetime.date(1900, 3, 1))
        with pytest.raises(ValidationError, match="more than 120 years ago"):
            validate_date_of_birth(datetime.date(1900, 2, 28))


@pytest.mark.parametrize("typed_value", ["04/12/1961", "1961-04-12", "1961-4-12"])
def test_a_full_year_is_read_in_the_usual_us_and_iso_orders(typed_value):
    assert DateOfBirthField().clean(typed_value) == datetime.date(1961, 4, 12)


@pytest.mark.parametrize("typed_value", ["04/12/61", "4-12-61", "4.12.61", "12/25/00"])
def test_a_two_digit_year_is_never_guessed(typed_value):
    with pytest.raises(ValidationError) as refused:
        DateOfBirthField().clean(typed_value)
    assert refused.value.code == "two_digit_year"


def test_age_counts_completed_years_for_a_leap_day_birthday():
    leap_day = datetime.date(2000, 2, 29)
    assert age_at(datetime.date(2020, 2, 28), date_of_birth=leap_day) == 19
    assert age_at(datetime.date(2020, 2, 29), date_of_birth=leap_day) == 20
    assert age_at(datetime.date(2021, 2, 28), date_of_birth=leap_day) == 20


BORN = datetime.date(1960, 6, 15)


@pytest.mark.parametrize(
    ("onset", "code"),
    [
        (BORN, None),
        (BORN - datetime.timedelta(days=1), "before_birth"),
        (datetime.date(1900, 1, 1), "before_birth"),
        ("today", None),
        ("tomorrow", "future"),
    ],
)
def test_the_pain_began_between_birth_and_today(onset, code):
    today = datetime.date(2026, 12, 3)
    onset = {"today": today, "tomorrow": today + datetime.timedelta(days=1)}.get(onset, onset)
    with on(today):
        if code is None:
            validate_pain_onset(onset, date_of_birth=BORN)
            return
        with pytest.raises(ValidationError) as refused:
            validate_pain_onset(onset, date_of_birth=BORN)
    assert refused.value.code == code


def test_without_a_date_of_birth_only_the_future_is_refused():
    validate_pain_onset(datetime.date(1800, 1, 1), date_of_birth=None)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        validate_pain_onset(datetime.date(2999, 1, 1), date_of_birth=None)
