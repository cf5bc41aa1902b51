"""Arithmetic shared by the scoring functions: exact fractions, half-up rounding, bands.

Scores are computed as exact `Fraction`s so that bands are decided on the true unrounded value,
and rounded only for display with `Decimal` and ROUND_HALF_UP. Python's `round()` rounds halves
to even (`round(4.5) == 4`) and must not be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from .base import AnswerValue, Number

# Enough digits that dividing two small integers never hides a half at the rounding position.
_DIVISION_PRECISION = 50


def round_half_up(value: Fraction | int, places: int) -> Decimal:
    """`value` rounded half up to `places` decimal places."""
    exact = Fraction(value)
    with localcontext() as context:
        context.prec = _DIVISION_PRECISION
        decimal_value = Decimal(exact.numerator) / Decimal(exact.denominator)
        return decimal_value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def as_number(value: Decimal) -> Number:
    """A rounded Decimal as the plain number the results carry: int when whole-number precision."""
    if value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


def rounded(value: Fraction | int, places: int) -> Number:
    return as_number(round_half_up(value, places))


@dataclass(frozen=True)
class BandUpTo:
    """A band that holds values up to `limit` (including `limit` itself when `inclusive`)."""

    code: str
    limit: Fraction | int
    inclusive: bool = True

    def holds(self, value: Fraction | int) -> bool:
        return value <= self.limit if self.inclusive else value < self.limit


def band_for(value: Fraction | int, bands: Sequence[BandUpTo], above_all: str) -> str:
    """The first band in ascending `bands` that holds `value`, else `above_all`."""
    for band in bands:
        if band.holds(value):
            return band.code
    return above_all


def answered_values(answers: Mapping[str, AnswerValue | None], keys: Iterable[str]) -> list[int]:
    """The numeric values of the answered items among `keys` (bools count as 1 and 0)."""
    return [int(value) for key in keys if (value := answers[key]) is not None]


def count_missing(answers: Mapping[str, AnswerValue | None], keys: Iterable[str]) -> int:
    return sum(1 for key in keys if answers[key] is None)
