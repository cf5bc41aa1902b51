"""DN4, Douleur Neuropathique en 4 Questions (Bouhassira D et al. Pain 2005;114:29-36).

Licensed wording ("DN4© 2005. Bouhassira D. All rights reserved", via Mapi): only the item
topics ship here; the text comes from the clinic's wording file (see `licensed`).

Two instruments share the items (yes = 1, no = 0):
- `dn4_interview`: items 1-7, self-completed online as a screening aid; >= 3/7 is positive and
  prompts the clinician to examine items 8-10 at the visit. It never records "neuropathic pain".
- `dn4`: all 10 items, items 8-10 examined by the clinician; >= 4/10 suggests neuropathic pain.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import answered_values, count_missing

CODE = "dn4"
INTERVIEW_CODE = "dn4_interview"
VERSION = "1.0"
INTERVIEW_VERSION = VERSION

FULL_POSITIVE_AT = 4
INTERVIEW_POSITIVE_AT = 3
# [D] All items are required: a missing item means no score.
MAX_MISSING_ITEMS = 0
BAND_CODES = ("positive", "negative")
COPYRIGHT_NOTICE = "DN4© 2005. Bouhassira D. All rights reserved"
# [D] The label the self-completed interview items are shown under.
INTERVIEW_TITLE = _("DN4-interview (self-completed), screening aid")

YES_NO_OPTIONS = (Option(True, _("Yes")), Option(False, _("No")))
INTERVIEW_TOPICS = {
    "burning": _("Q1 (does the pain have these characteristics?): burning"),
    "painful_cold": _("Q1 (does the pain have these characteristics?): painful cold"),
    "electric_shocks": _("Q1 (does the pain have these characteristics?): electric shocks"),
    "tingling": _("Q2 (are these symptoms present in the same area?): tingling"),
    "pins_needles": _("Q2 (are these symptoms present in the same area?): pins and needles"),
    "numbness": _("Q2 (are these symptoms present in the same area?): numbness"),
    "itching": _("Q2 (are these symptoms present in the same area?): itching"),
}
EXAMINATION_TOPICS = {
    "hypoesthesia_touch": _("Q3 (examination): hypoesthesia to touch"),
    "hypoesthesia_prick": _("Q3 (examination): hypoesthesia to pinprick"),
    "brushing": _("Q4 (examination): the pain is caused or increased by brushing"),
}
INTERVIEW_ITEMS = tuple(
    Item(key=key, text=text, options=YES_NO_OPTIONS) for key, text in INTERVIEW_TOPICS.items()
)
EXAMINATION_ITEMS = tuple(
    Item(key=key, text=text, options=YES_NO_OPTIONS, ask_patient=False)
    for key, text in EXAMINATION_TOPICS.items()
)
INTERVIEW_KEYS = tuple(item.key for item in INTERVIEW_ITEMS)
FULL_KEYS = INTERVIEW_KEYS + tuple(item.key for item in EXAMINATION_ITEMS)


def _score_yes_count(answers: Answers, keys: tuple[str, ...], positive_at: int) -> ScoreResult:
    if count_missing(answers, keys) > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_MISSING_ITEM)
    total = sum(answered_values(answers, keys))
    band = "positive" if total >= positive_at else "negative"
    return ScoreResult(status=ScoreStatus.SCORED, total=total, band=band)


def score_interview(answers: Answers) -> ScoreResult:
    return _score_yes_count(answers, INTERVIEW_KEYS, INTERVIEW_POSITIVE_AT)


def score_full(answers: Answers) -> ScoreResult:
    return _score_yes_count(answers, FULL_KEYS, FULL_POSITIVE_AT)


INTERVIEW_INSTRUMENT = Instrument(
    code=INTERVIEW_CODE,
    version=INTERVIEW_VERSION,
    title=INTERVIEW_TITLE,
    instructions="",
    items=INTERVIEW_ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=True,
    score_fn=score_interview,
    band_codes=BAND_CODES,
)
INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("DN4 (Douleur Neuropathique en 4 Questions)"),
    instructions="",
    items=INTERVIEW_ITEMS + EXAMINATION_ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=True,
    score_fn=score_full,
    band_codes=BAND_CODES,
)
