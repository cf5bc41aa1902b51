"""Neck Disability Index (Vernon H, Mior S. J Manipulative Physiol Ther 1991;14:409-415).

Licensed wording (© Howard Vernon, listed on Mapi's ePROVIDE): only the item topics ship here;
statement text comes from the clinic's wording file (see `licensed`). Items score 0-5.
The headline total is the raw score on 0-50, adjusted for a missing item as Vernon describes
("the average of all other items is then added"): raw_adj = sum x 10 / answered.
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import BandUpTo, answered_values, band_for, rounded

CODE = "ndi"
VERSION = "1.0"

TOTAL_DECIMAL_PLACES = 1
PERCENT_DECIMAL_PLACES = 1
STATEMENT_VALUES = range(6)
POINTS_PER_ITEM = 5
# [D] Items that may be unanswered before the NDI is not scored (Vernon sets no limit).
MAX_MISSING_ITEMS = 1
# [D] Vernon and Mior's raw-score bands with thresholds for non-integer adjusted scores:
# <5, <15, <25, <35, >=35.
BANDS = (
    BandUpTo("none", 5, inclusive=False),
    BandUpTo("mild", 15, inclusive=False),
    BandUpTo("moderate", 25, inclusive=False),
    BandUpTo("severe", 35, inclusive=False),
)
TOP_BAND = "complete"

ITEM_TOPICS = (
    _("Pain intensity"),
    _("Personal care"),
    _("Lifting"),
    _("Reading"),
    _("Headaches"),
    _("Concentration"),
    _("Work"),
    _("Driving"),
    _("Sleeping"),
    _("Recreation"),
)
ITEMS = tuple(
    Item(
        key=f"q{number}",
        text=topic,
        options=tuple(Option(value, str(value)) for value in STATEMENT_VALUES),
    )
    for number, topic in enumerate(ITEM_TOPICS, start=1)
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def score_answers(answers: Answers) -> ScoreResult:
    values = answered_values(answers, ITEM_KEYS)
    answered = len(values)
    if answered == 0 or len(ITEM_KEYS) - answered > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_TOO_MANY_MISSING, details={"answered": answered})
    raw_sum = sum(values)
    adjusted_raw = Fraction(raw_sum * len(ITEM_KEYS), answered)
    percent = Fraction(raw_sum * 100, POINTS_PER_ITEM * answered)
    return ScoreResult(
        status=ScoreStatus.SCORED,
        total=rounded(adjusted_raw, TOTAL_DECIMAL_PLACES),
        band=band_for(adjusted_raw, BANDS, TOP_BAND),
        details={
            "percent": rounded(percent, PERCENT_DECIMAL_PLACES),
            "raw_sum": raw_sum,
            "answered": answered,
        },
    )


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Neck Disability Index (NDI)"),
    instructions="",
    items=ITEMS,
    copyright_notice="© Howard Vernon. Listed on Mapi Research Trust (ePROVIDE).",
    licensed=True,
    score_fn=score_answers,
    band_codes=(*(band.code for band in BANDS), TOP_BAND),
)
