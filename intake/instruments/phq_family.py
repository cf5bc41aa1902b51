"""What the PHQ-9 and GAD-7 share: the 2-week frequency options, the unscored difficulty item,
proration of up to two missing items, and the 2-item screen derived from items 1 and 2.

Both are free to use (Pfizer, 2010: "without copyright restriction and at no charge").
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from .base import Answers, Item, Option, ScoreStatus
from .scoring import BandUpTo, answered_values, band_for, count_missing, round_half_up

STEM = _("Over the last 2 weeks, how often have you been bothered by any of the following problems?")

FREQUENCY_OPTIONS = (
    Option(0, _("Not at all")),
    Option(1, _("Several days")),
    Option(2, _("More than half the days")),
    Option(3, _("Nearly every day")),
)

DIFFICULTY_KEY = "difficulty"
# Stored with the answers, never added to the total.
DIFFICULTY_ITEM = Item(
    key=DIFFICULTY_KEY,
    text=_(
        "If you checked off any problems, how difficult have these problems made it for you to do "
        "your work, take care of things at home, or get along with other people?"
    ),
    options=(
        Option(0, _("Not difficult at all")),
        Option(1, _("Somewhat difficult")),
        Option(2, _("Very difficult")),
        Option(3, _("Extremely difficult")),
    ),
    required=False,
    scored=False,
)

SCREEN_ITEM_KEYS = ("q1", "q2")


@dataclass(frozen=True)
class FrequencyScaleRules:
    """How one PHQ-family scale turns its items into a total, a band and a 2-item screen."""

    item_keys: tuple[str, ...]
    max_missing: int
    band_on_rounded_total: bool
    bands: tuple[BandUpTo, ...]
    top_band: str
    screen_name: str
    screen_positive_at: int


@dataclass(frozen=True)
class FrequencyScaleScore:
    status: ScoreStatus
    total: int | None
    band: str | None
    details: dict[str, Any]


def score_frequency_scale(answers: Answers, rules: FrequencyScaleRules) -> FrequencyScaleScore:
    details = _screen_details(answers, rules)
    missing = count_missing(answers, rules.item_keys)
    details["answered"] = len(rules.item_keys) - missing
    if missing > rules.max_missing:
        return FrequencyScaleScore(ScoreStatus.NOT_SCORED_TOO_MANY_MISSING, None, None, details)
    item_sum = sum(answered_values(answers, rules.item_keys))
    if missing == 0:
        return FrequencyScaleScore(
            ScoreStatus.SCORED, item_sum, band_for(item_sum, rules.bands, rules.top_band), details
        )
    prorated = Fraction(item_sum * len(rules.item_keys), len(rules.item_keys) - missing)
    total = int(round_half_up(prorated, 0))
    details["total_unrounded"] = float(prorated)
    banded_value = total if rules.band_on_rounded_total else prorated
    return FrequencyScaleScore(
        ScoreStatus.SCORED_PRORATED, total, band_for(banded_value, rules.bands, rules.top_band), details
    )


def _screen_details(answers: Answers, rules: FrequencyScaleRules) -> dict[str, Any]:
    """The 2-item screen, from items 1 and 2 only; None when either is unanswered (never imputed)."""
    screen_values = answered_values(answers, SCREEN_ITEM_KEYS)
    if len(screen_values) < len(SCREEN_ITEM_KEYS):
        return {rules.screen_name: None, f"{rules.screen_name}_positive": None}
    screen = sum(screen_values)
    return {rules.screen_name: screen, f"{rules.screen_name}_positive": screen >= rules.screen_positive_at}
