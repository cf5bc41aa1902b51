"""PEG: Pain, Enjoyment of life, General activity (Krebs EE et al., J Gen Intern Med 2009).

A 3-item 0-10 scale. The score is the mean of the three items. There are no validated severity
bands: the PEG is read as change over time (see `percent_improvement`).
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Number, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import answered_values, count_missing, rounded

CODE = "peg"
VERSION = "1.0"

TOTAL_DECIMAL_PLACES = 1
# [D] No published missing-item rule: all three items are needed for a score.
MAX_MISSING_ITEMS = 0
# [U] CDC 2016: a 30% improvement from baseline is clinically meaningful (wording not re-read).
MEANINGFUL_IMPROVEMENT_PERCENT = 30
# [D] Exactly 30% counts as meaningful.
MEANINGFUL_IMPROVEMENT_INCLUDES_THRESHOLD = True
# [U] Legal to confirm: the BPI copyright covers its derivatives; no PEG licence statement found.
COPYRIGHT_NOTICE = (
    "PEG: Krebs EE et al., J Gen Intern Med 2009;24(6):733-738. "
    "Derived from the Brief Pain Inventory, © Charles S. Cleeland."
)

ITEM_MAX = 10
ITEMS = (
    Item(
        key="p",
        text=_("What number best describes your pain on average in the past week?"),
        options=(
            Option(0, _("0 = No pain")),
            *(Option(value, str(value)) for value in range(1, ITEM_MAX)),
            Option(ITEM_MAX, _("10 = Pain as bad as you can imagine")),
        ),
    ),
    Item(
        key="e",
        text=_(
            "What number best describes how, during the past week, pain has interfered with your "
            "enjoyment of life?"
        ),
        options=(
            Option(0, _("0 = Does not interfere")),
            *(Option(value, str(value)) for value in range(1, ITEM_MAX)),
            Option(ITEM_MAX, _("10 = Completely interferes")),
        ),
    ),
    Item(
        key="g",
        text=_(
            "What number best describes how, during the past week, pain has interfered with your "
            "general activity?"
        ),
        options=(
            Option(0, _("0 = Does not interfere")),
            *(Option(value, str(value)) for value in range(1, ITEM_MAX)),
            Option(ITEM_MAX, _("10 = Completely interferes")),
        ),
    ),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)
MAX_SUM = ITEM_MAX * len(ITEMS)


def score_answers(answers: Answers) -> ScoreResult:
    if count_missing(answers, ITEM_KEYS) > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_MISSING_ITEM)
    item_sum = sum(answered_values(answers, ITEM_KEYS))
    mean = Fraction(item_sum, len(ITEM_KEYS))
    return ScoreResult(
        status=ScoreStatus.SCORED,
        total=rounded(mean, TOTAL_DECIMAL_PLACES),
        details={"sum": item_sum},
    )


def percent_improvement(baseline_sum: int, follow_up_sum: int) -> Number | None:
    """Improvement from baseline in percent (1 dp), from the integer item sums; None if baseline is 0."""
    change = _improvement_fraction(baseline_sum, follow_up_sum)
    return None if change is None else rounded(change * 100, TOTAL_DECIMAL_PLACES)


def is_meaningful_improvement(baseline_sum: int, follow_up_sum: int) -> bool | None:
    """Whether the follow-up is a clinically meaningful improvement; None if baseline is 0."""
    change = _improvement_fraction(baseline_sum, follow_up_sum)
    if change is None:
        return None
    threshold = Fraction(MEANINGFUL_IMPROVEMENT_PERCENT, 100)
    return change >= threshold if MEANINGFUL_IMPROVEMENT_INCLUDES_THRESHOLD else change > threshold


def _improvement_fraction(baseline_sum: int, follow_up_sum: int) -> Fraction | None:
    for name, value in (("baseline_sum", baseline_sum), ("follow_up_sum", follow_up_sum)):
        if type(value) is not int or not 0 <= value <= MAX_SUM:
            raise ValueError(f"{name} must be a PEG item sum between 0 and {MAX_SUM}, not {value!r}")
    if baseline_sum == 0:
        return None
    return Fraction(baseline_sum - follow_up_sum, baseline_sum)


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("PEG (Pain, Enjoyment of life, General activity)"),
    instructions="",
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=(),
)
