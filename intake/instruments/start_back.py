"""Keele STarT Back Screening Tool, 9 items (Hill JC et al., Arthritis Rheum 2008).

For low back pain only. Items 1-8 are disagree (0) / agree (1). Item 9 is answered on five
levels (0-4) but scores 1 only for "very much" and "extremely". Risk: total <= 3 low; otherwise
psychosocial subscale (items 5-9) <= 3 medium, >= 4 high.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import count_missing

CODE = "start_back"
VERSION = "1.0"

# [D] No missing-item rule exists: all nine items are needed for a score.
MAX_MISSING_ITEMS = 0
LOW_RISK_MAX_TOTAL = 3
HIGH_RISK_MIN_PSYCHOSOCIAL = 4
PSYCHOSOCIAL_KEYS = ("q5", "q6", "q7", "q8", "q9")
BOTHERSOME_KEY = "q9"
# Item 9 answer value -> points: not at all, slightly, moderately 0; very much, extremely 1.
BOTHERSOME_POINTS = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1}

COPYRIGHT_STATEMENT = (
    "The copyright (©2007) of the STarT Back Screening Tool and associated materials is owned by "
    "Keele University"
)
# [U] Keele asks for its funding statement to be displayed too; the spec does not give its text.
FUNDING_STATEMENT: str | None = None
COPYRIGHT_NOTICE = " ".join(part for part in (COPYRIGHT_STATEMENT, FUNDING_STATEMENT) if part)

AGREEMENT_OPTIONS = (Option(0, _("Disagree")), Option(1, _("Agree")))
BOTHERSOME_OPTIONS = (
    Option(0, _("Not at all")),
    Option(1, _("Slightly")),
    Option(2, _("Moderately")),
    Option(3, _("Very much")),
    Option(4, _("Extremely")),
)
AGREEMENT_TEXTS = (
    _("My back pain has spread down my leg(s) at some time in the last 2 weeks"),
    _("I have had pain in the shoulder or neck at some time in the last 2 weeks"),
    _("I have only walked short distances because of my back pain"),
    _("In the last 2 weeks, I have dressed more slowly than usual because of back pain"),
    _("It's not really safe for a person with a condition like mine to be physically active"),
    _("Worrying thoughts have been going through my mind a lot of the time"),
    _("I feel that my back pain is terrible and it's never going to get any better"),
    _("In general I have not enjoyed all the things I used to enjoy"),
)
ITEMS = (
    *(
        Item(key=f"q{number}", text=text, options=AGREEMENT_OPTIONS)
        for number, text in enumerate(AGREEMENT_TEXTS, start=1)
    ),
    Item(
        key=BOTHERSOME_KEY,
        text=_("Overall, how bothersome has your back pain been in the last 2 weeks?"),
        options=BOTHERSOME_OPTIONS,
    ),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def item_points(key: str, value: int) -> int:
    return BOTHERSOME_POINTS[value] if key == BOTHERSOME_KEY else value


def score_answers(answers: Answers) -> ScoreResult:
    if count_missing(answers, ITEM_KEYS) > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_MISSING_ITEM)
    # No item is missing here (MAX_MISSING_ITEMS is 0), so every value is a number.
    points = {key: item_points(key, int(answers[key] or 0)) for key in ITEM_KEYS}
    total = sum(points.values())
    psychosocial = sum(points[key] for key in PSYCHOSOCIAL_KEYS)
    if total <= LOW_RISK_MAX_TOTAL:
        band = "low"
    elif psychosocial >= HIGH_RISK_MIN_PSYCHOSOCIAL:
        band = "high"
    else:
        band = "medium"
    return ScoreResult(
        status=ScoreStatus.SCORED, total=total, band=band, details={"psychosocial": psychosocial}
    )


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Keele STarT Back Screening Tool"),
    instructions=_("Thinking about the last 2 weeks tick your response to the following questions"),
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=("low", "medium", "high"),
)
