"""GAD-7, with the GAD-2 derived from items 1-2 (Spitzer RL, Kroenke K, Williams JBW, Löwe B, 2006).

Stem and options are the PHQ-9's. No official missing-item rule exists; the PHQ-9 (NHS) rule is
applied by analogy.
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

CODE = "gad7"
VERSION = "1.0"

# [D]/[U] By analogy with the PHQ-9: up to two missing items are prorated as sum x 7 / answered.
MAX_MISSING_ITEMS = 2
# [D] By analogy with the PHQ-9: a prorated total is rounded half up before banding.
BAND_ON_ROUNDED_TOTAL = True
# [U] Kroenke et al. 2007: a GAD-2 of 3 or more is positive.
GAD2_POSITIVE_AT = 3
BANDS = (
    BandUpTo("minimal", 4),
    BandUpTo("mild", 9),
    BandUpTo("moderate", 14),
)
TOP_BAND = "severe"
# [U] The spec asks to keep the Pfizer attribution line; this is the PHQ-9 line adapted to GAD-7.
COPYRIGHT_NOTICE = "GAD-7 Copyright © Pfizer Inc."

ITEM_TEXTS = (
    _("Feeling nervous, anxious, or on edge"),
    _("Not being able to stop or control worrying"),
    _("Worrying too much about different things"),
    _("Trouble relaxing"),
    _("Being so restless that it is hard to sit still"),
    _("Becoming easily annoyed or irritable"),
    _("Feeling afraid, as if something awful might happen"),
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
    screen_name="gad2",
    screen_positive_at=GAD2_POSITIVE_AT,
)


def score_answers(answers: Answers) -> ScoreResult:
    scale = score_frequency_scale(answers, RULES)
    return ScoreResult(status=scale.status, total=scale.total, band=scale.band, details=scale.details)


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Generalized Anxiety Disorder scale (GAD-7)"),
    instructions=STEM,
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=(*(band.code for band in BANDS), TOP_BAND),
)
