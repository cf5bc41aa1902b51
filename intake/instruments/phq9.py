"""PHQ-9, with the PHQ-2 derived from items 1-2 (Kroenke K, Spitzer RL, Williams JBW, 2001).

Item 9 raises a safety flag whatever the total and whatever the status: `item9_positive` for any
value above 0, `item9_unanswered` when it is missing. Item 9 is never imputed for safety;
proration affects only the total.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, ScoreResult
from .phq_family import (
    DIFFICULTY_ITEM,
    FREQUENCY_OPTIONS,
    STEM,
    FrequencyScaleRules,
    score_frequency_scale,
)
from .scoring import BandUpTo

CODE = "phq9"
VERSION = "1.0"

FLAG_ITEM9_POSITIVE = "item9_positive"
FLAG_ITEM9_UNANSWERED = "item9_unanswered"
ITEM9_KEY = "q9"

# NHS Data Dictionary: up to two missing items are prorated as sum x 9 / answered.
MAX_MISSING_ITEMS = 2
# [D] A prorated total is rounded half up to a whole number before banding.
BAND_ON_ROUNDED_TOTAL = True
# [U] Kroenke 2003: a PHQ-2 of 3 or more is a positive screen.
PHQ2_POSITIVE_AT = 3
BANDS = (
    BandUpTo("minimal", 4),
    BandUpTo("mild", 9),
    BandUpTo("moderate", 14),
    BandUpTo("moderately_severe", 19),
)
TOP_BAND = "severe"
# [U] Or the equivalent the current PHQ Screeners site specifies.
COPYRIGHT_NOTICE = "PHQ-9 Copyright © Pfizer Inc."

ITEM_TEXTS = (
    _("Little interest or pleasure in doing things"),
    _("Feeling down, depressed, or hopeless"),
    _("Trouble falling or staying asleep, or sleeping too much"),
    _("Feeling tired or having little energy"),
    _("Poor appetite or overeating"),
    _("Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
    _("Trouble concentrating on things, such as reading the newspaper or watching television"),
    _(
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual"
    ),
    _("Thoughts that you would be better off dead or of hurting yourself in some way"),
)
SCORED_ITEMS = tuple(
    Item(key=f"q{number}", text=text, options=FREQUENCY_OPTIONS)
    for number, text in enumerate(ITEM_TEXTS, start=1)
)
ITEMS = (*SCORED_ITEMS, DIFFICULTY_ITEM)

RULES = FrequencyScaleRules(
    item_keys=tuple(item.key for item in SCORED_ITEMS),
    max_missing=MAX_MISSING_ITEMS,
    band_on_rounded_total=BAND_ON_ROUNDED_TOTAL,
    bands=BANDS,
    top_band=TOP_BAND,
    screen_name="phq2",
    screen_positive_at=PHQ2_POSITIVE_AT,
)


def item9_flags(answers: Answers) -> frozenset[str]:
    item9 = answers.get(ITEM9_KEY)
    if item9 is None:
        return frozenset({FLAG_ITEM9_UNANSWERED})
    if item9 > 0:
        return frozenset({FLAG_ITEM9_POSITIVE})
    return frozenset()


def score_answers(answers: Answers) -> ScoreResult:
    scale = score_frequency_scale(answers, RULES)
    return ScoreResult(
        status=scale.status,
        total=scale.total,
        band=scale.band,
        flags=item9_flags(answers),
        details=scale.details,
    )


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Patient Health Questionnaire (PHQ-9)"),
    instructions=STEM,
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=(*(band.code for band in BANDS), TOP_BAND),
)
