"""PROMIS Pain Interference 4a: the four pain-interference items of the PROMIS-29.

The raw sum (4-20) is converted to a T-score (mean 50, SD 10 in the US general population)
with the official PROMIS-29 PI 4a lookup table. Copyright PROMIS Health Organization; free for
clinical use, but electronic administration needs HealthMeasures' HEAP permission.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import BandUpTo, answered_values, as_number, band_for, count_missing

CODE = "promis_pi_4a"
VERSION = "1.0"

# [D] All four items are required for lookup-table scoring.
MAX_MISSING_ITEMS = 0
# [D] HealthMeasures cut points with this boundary convention: <=55, <60, <=70, >70.
BANDS = (
    BandUpTo("within_normal_limits", 55),
    BandUpTo("mild", 60, inclusive=False),
    BandUpTo("moderate", 70),
)
TOP_BAND = "severe"
# [U] Exact wording of the notice to confirm with HealthMeasures.
COPYRIGHT_NOTICE = "© PROMIS Health Organization."

# Official PROMIS-29 PI 4a table: raw sum -> (T-score, standard error).
RAW_TO_T_SCORE: dict[int, tuple[Decimal, Decimal]] = {
    raw: (Decimal(t_score), Decimal(se))
    for raw, t_score, se in (
        (4, "41.6", "6.1"),
        (5, "49.6", "2.5"),
        (6, "52.0", "2.0"),
        (7, "53.9", "1.9"),
        (8, "55.6", "1.9"),
        (9, "57.1", "1.9"),
        (10, "58.5", "1.8"),
        (11, "59.9", "1.8"),
        (12, "61.2", "1.8"),
        (13, "62.5", "1.8"),
        (14, "63.8", "1.8"),
        (15, "65.2", "1.8"),
        (16, "66.6", "1.8"),
        (17, "68.0", "1.8"),
        (18, "69.7", "1.9"),
        (19, "71.6", "2.1"),
        (20, "75.6", "3.7"),
    )
}

RESPONSE_OPTIONS = (
    Option(1, _("Not at all")),
    Option(2, _("A little bit")),
    Option(3, _("Somewhat")),
    Option(4, _("Quite a bit")),
    Option(5, _("Very much")),
)
# [U] Display order to be copied from the official PDF; this is the order the spec lists.
ITEM_TEXTS = {
    "PAININ9": _("How much did pain interfere with your day to day activities?"),
    "PAININ22": _("How much did pain interfere with work around the home?"),
    "PAININ31": _("How much did pain interfere with your ability to participate in social activities?"),
    "PAININ34": _("How much did pain interfere with your household chores?"),
}
ITEMS = tuple(Item(key=key, text=text, options=RESPONSE_OPTIONS) for key, text in ITEM_TEXTS.items())
ITEM_KEYS = tuple(item.key for item in ITEMS)


def score_answers(answers: Answers) -> ScoreResult:
    if count_missing(answers, ITEM_KEYS) > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_MISSING_ITEM)
    raw = sum(answered_values(answers, ITEM_KEYS))
    t_score, standard_error = RAW_TO_T_SCORE[raw]
    return ScoreResult(
        status=ScoreStatus.SCORED,
        total=as_number(t_score),
        band=band_for(Fraction(t_score), BANDS, TOP_BAND),
        details={"raw": raw, "se": as_number(standard_error)},
    )


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("PROMIS Pain Interference 4a (PROMIS-29 items)"),
    instructions=_("In the past 7 days…"),
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=(*(band.code for band in BANDS), TOP_BAND),
)
