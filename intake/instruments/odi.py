"""Oswestry Disability Index v2.1a (Fairbank JCT, Pynsent PB. Spine 2000;25(22):2940-52).

Licensed wording (© Jeremy Fairbank, via Mapi Research Trust / ePROVIDE): only the section
topics ship here; statement text comes from the clinic's wording file (see `licensed`).
Each section has 6 statements scored 0 (first) to 5 (last).
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import BandUpTo, answered_values, band_for, rounded

CODE = "odi"
VERSION = "1.0"

TOTAL_DECIMAL_PLACES = 1
STATEMENT_VALUES = range(6)
POINTS_PER_SECTION = 5
# [D] Sections that may be unanswered before the ODI is not scored (awell-score uses 1).
MAX_MISSING_SECTIONS = 1
# [D] Boundary convention for non-integer percentages: <=20, <=40, <=60, <=80, >80.
BANDS = (
    BandUpTo("minimal", 20),
    BandUpTo("moderate", 40),
    BandUpTo("severe", 60),
    BandUpTo("crippled", 80),
)
TOP_BAND = "bed_bound"
# Section 8 (sex life) is "if applicable": the web form leaves it optional.
OPTIONAL_SECTIONS = frozenset({"s8"})

SECTION_TOPICS = (
    _("Pain intensity"),
    _("Personal care (washing, dressing, etc.)"),
    _("Lifting"),
    _("Walking"),
    _("Sitting"),
    _("Standing"),
    _("Sleeping"),
    _("Sex life (if applicable)"),
    _("Social life"),
    _("Travelling"),
)
ITEMS = tuple(
    Item(
        key=f"s{number}",
        text=topic,
        options=tuple(Option(value, str(value)) for value in STATEMENT_VALUES),
        required=f"s{number}" not in OPTIONAL_SECTIONS,
    )
    for number, topic in enumerate(SECTION_TOPICS, start=1)
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def score_answers(answers: Answers) -> ScoreResult:
    values = answered_values(answers, ITEM_KEYS)
    answered = len(values)
    if answered == 0 or len(ITEM_KEYS) - answered > MAX_MISSING_SECTIONS:
        return not_scored(ScoreStatus.NOT_SCORED_TOO_MANY_MISSING, details={"answered": answered})
    raw_sum = sum(values)
    # Each unanswered section takes 5 points off the denominator.
    percent = Fraction(raw_sum * 100, POINTS_PER_SECTION * answered)
    return ScoreResult(
        status=ScoreStatus.SCORED,
        total=rounded(percent, TOTAL_DECIMAL_PLACES),
        band=band_for(percent, BANDS, TOP_BAND),
        details={"raw_sum": raw_sum, "answered": answered},
    )


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Oswestry Disability Index v2.1a (ODI)"),
    instructions="",
    items=ITEMS,
    copyright_notice="© Jeremy Fairbank. Distributed by Mapi Research Trust (ePROVIDE).",
    licensed=True,
    score_fn=score_answers,
    band_codes=(*(band.code for band in BANDS), TOP_BAND),
)
