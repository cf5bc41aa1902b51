"""Properties every instrument keeps, whatever the answers: checked with generated answers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.instruments import INSTRUMENTS, Instrument, InvalidAnswers, score

# From the README table and instruments.md: the range of each headline total, and the bands.
TOTAL_RANGES: dict[str, tuple[float, float]] = {
    "peg": (0, 10),
    "odi": (0, 100),
    "ndi": (0, 50),
    "phq9": (0, 27),
    "gad7": (0, 21),
    "start_back": (0, 9),
    "ort_oud": (0, 9),
    "dn4_interview": (0, 7),
    "dn4": (0, 10),
    "promis_pi_4a": (41.6, 75.6),
}
ALLOWED_BANDS: dict[str, set[str | None]] = {
    "peg": {None},
    "odi": {"minimal", "moderate", "severe", "crippled", "bed_bound"},
    "ndi": {"none", "mild", "moderate", "severe", "complete"},
    "phq9": {"minimal", "mild", "moderate", "moderately_severe", "severe"},
    "gad7": {"minimal", "mild", "moderate", "severe"},
    "start_back": {"low", "medium", "high"},
    "ort_oud": {"low", "high"},
    "dn4_interview": {"positive", "negative"},
    "dn4": {"positive", "negative"},
    "promis_pi_4a": {"within_normal_limits", "mild", "moderate", "severe"},
}
STATUSES = {"scored", "scored_prorated", "not_scored_missing_item", "not_scored_too_many_missing"}
CODES = sorted(INSTRUMENTS)
PHQ9_ITEM_KEYS = [f"q{number}" for number in range(1, 10)]


def complete_answers(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({item.key: st.sampled_from(item.values) for item in instrument.items})


def answers_with_gaps(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    """Any mix of answered, None and absent items."""
    return st.fixed_dictionaries(
        {},
        optional={item.key: st.one_of(st.none(), st.sampled_from(item.values)) for item in instrument.items},
    )


def values_outside(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """Anything that is not exactly one of `values`: other ints, bools for ints and ints for bools,
    floats, strings."""
    if isinstance(values[0], bool):
        wrong_type: st.SearchStrategy[Any] = st.integers()
    else:
        wrong_type = st.one_of(st.booleans(), st.integers().filter(lambda number: number not in values))
    return st.one_of(
        wrong_type, st.floats(allow_nan=True), st.text(), st.just([]), st.decimals(allow_nan=False)
    )


def assert_in_range(code: str, total: float) -> None:
    low, high = TOTAL_RANGES[code]
    assert low <= total <= high, f"{code} total {total} outside {low}-{high}"


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_complete_valid_answers_are_scored_within_range(code: str, data: st.DataObject) -> None:
    instrument = INSTRUMENTS[code]
    result = score(code, data.draw(complete_answers(instrument)))

    assert result.status == "scored"
    assert result.total is not None
    assert_in_range(code, result.total)
    assert result.band in ALLOWED_BANDS[code]


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_any_valid_answers_with_gaps_never_raise_nor_show_a_partial_score(
    code: str, data: st.DataObject
) -> None:
    instrument = INSTRUMENTS[code]
    result = score(code, data.draw(answers_with_gaps(instrument)))

    assert result.status in STATUSES
    if result.is_scored:
        assert result.total is not None
        assert_in_range(code, result.total)
        assert result.band in ALLOWED_BANDS[code]
    else:
        assert result.total is None
        assert result.band is None


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_any_out_of_range_value_is_refused(code: str, data: st.DataObject) -> None:
    instrument = INSTRUMENTS[code]
    answers = data.draw(complete_answers(instrument))
    # Draw the key, not the Item: showing an Item would render its lazy text, which needs settings.
    key = data.draw(st.sampled_from(instrument.keys))
    answers[key] = data.draw(values_outside(instrument.item(key).values))

    with pytest.raises(InvalidAnswers) as raised:
        score(code, answers)
    assert raised.value.errors == {key: "validation_error_out_of_range"}


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_any_unknown_key_is_refused(code: str, data: st.DataObject) -> None:
    instrument = INSTRUMENTS[code]
    answers = data.draw(answers_with_gaps(instrument))
    unknown_key = data.draw(st.text().filter(lambda key: key not in instrument.keys))
    answers[unknown_key] = data.draw(st.one_of(st.none(), st.integers(0, 5), st.booleans()))

    with pytest.raises(InvalidAnswers) as raised:
        score(code, answers)
    assert unknown_key in raised.value.errors


@given(answers=answers_with_gaps(INSTRUMENTS["phq9"]), item9=st.integers(1, 3))
def test_phq9_item9_above_zero_is_always_flagged(answers: dict[str, Any], item9: int) -> None:
    result = score("phq9", answers | {"q9": item9})
    assert result.flags == {"item9_positive"}


@given(answers=answers_with_gaps(INSTRUMENTS["phq9"]))
def test_phq9_item9_unanswered_is_always_flagged(answers: dict[str, Any]) -> None:
    answers.pop("q9", None)
    assert score("phq9", answers).flags == {"item9_unanswered"}
    assert score("phq9", answers | {"q9": None}).flags == {"item9_unanswered"}


@given(answers=answers_with_gaps(INSTRUMENTS["phq9"]))
def test_phq9_item9_zero_raises_no_flag(answers: dict[str, Any]) -> None:
    assert score("phq9", answers | {"q9": 0}).flags == frozenset()


@given(answers=answers_with_gaps(INSTRUMENTS["phq9"]))
def test_phq9_prorated_total_is_rounded_half_up(answers: dict[str, Any]) -> None:
    values = [answers[key] for key in PHQ9_ITEM_KEYS if answers.get(key) is not None]
    result = score("phq9", answers)
    if len(values) < 7:
        assert result.status == "not_scored_too_many_missing"
        return
    exact = Fraction(sum(values) * 9, len(values))
    assert result.status == ("scored" if len(values) == 9 else "scored_prorated")
    assert result.total is not None
    assert exact - Fraction(1, 2) < result.total <= exact + Fraction(1, 2)


@pytest.mark.parametrize("code", ["odi", "ndi"])
@given(data=st.data())
def test_disability_indexes_are_within_a_twentieth_of_the_exact_value(code: str, data: st.DataObject) -> None:
    instrument = INSTRUMENTS[code]
    answers = data.draw(answers_with_gaps(instrument))
    values = [answers[key] for key in instrument.keys if answers.get(key) is not None]
    result = score(code, answers)
    if len(values) < len(instrument.keys) - 1:
        assert result.status == "not_scored_too_many_missing"
        return
    scale = 100 if code == "odi" else 50
    exact = Fraction(sum(values) * scale, 5 * len(values))
    assert exact - Fraction(1, 20) < Fraction(str(result.total)) <= exact + Fraction(1, 20)
