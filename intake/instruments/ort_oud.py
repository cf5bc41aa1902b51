"""Opioid Risk Tool - OUD (Cheatle MD et al., J Pain 2019;20(7):842-851).

Nine yes/no items, each yes = 1, total 0-9. It stratifies risk; it is not diagnostic and must
not be used to deny treatment. Answers are explicit yes/no so that unanswered differs from no.
The age item is derived from the date of birth (`is_age_16_to_45`), not asked.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from clinic.core.person import age_at

from .base import Answers, Instrument, Item, Option, ScoreResult, ScoreStatus, not_scored
from .scoring import answered_values, count_missing

CODE = "ort_oud"
VERSION = "1.0"

# [U] Check against Cheatle 2019 before go-live: 0-2 low risk, >= 3 high risk.
HIGH_RISK_MIN_TOTAL = 3
# The spec gives no missing-item rule; every item is needed for a score.
MAX_MISSING_ITEMS = 0
AGE_ITEM_KEY = "age_16_45"
# [D] "Age between 16 and 45 years", read as inclusive and derived from the date of birth.
AGE_ITEM_MIN_YEARS = 16
AGE_ITEM_MAX_YEARS = 45
# [U] Licensing of the ORT-OUD is not established: contact the authors.
COPYRIGHT_NOTICE = "ORT-OUD: Cheatle MD et al., J Pain 2019;20(7):842-851."

YES_NO_OPTIONS = (Option(True, _("Yes")), Option(False, _("No")))
ITEM_TEXTS = {
    "fam_alcohol": _("Family history of substance abuse: alcohol"),
    "fam_illegal": _("Family history: illegal drugs"),
    "fam_rx": _("Family history: prescription drugs"),
    "pers_alcohol": _("Personal history of substance abuse: alcohol"),
    "pers_illegal": _("Personal history: illegal drugs"),
    "pers_rx": _("Personal history: prescription drugs"),
    AGE_ITEM_KEY: _("Age between 16 and 45 years"),
    "psych_add_ocd_bipolar_schiz": _("Psychological disease: ADD, OCD, bipolar, schizophrenia"),
    "psych_depression": _("Psychological disease: depression"),
}
ITEMS = tuple(
    Item(key=key, text=text, options=YES_NO_OPTIONS, ask_patient=key != AGE_ITEM_KEY)
    for key, text in ITEM_TEXTS.items()
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def is_age_16_to_45(date_of_birth: date, on: date) -> bool:
    """The age item's answer for a patient born on `date_of_birth`, as of the day `on`."""
    return AGE_ITEM_MIN_YEARS <= age_at(on, date_of_birth=date_of_birth) <= AGE_ITEM_MAX_YEARS


def score_answers(answers: Answers) -> ScoreResult:
    if count_missing(answers, ITEM_KEYS) > MAX_MISSING_ITEMS:
        return not_scored(ScoreStatus.NOT_SCORED_MISSING_ITEM)
    total = sum(answered_values(answers, ITEM_KEYS))
    band = "high" if total >= HIGH_RISK_MIN_TOTAL else "low"
    return ScoreResult(status=ScoreStatus.SCORED, total=total, band=band)


INSTRUMENT = Instrument(
    code=CODE,
    version=VERSION,
    title=_("Opioid Risk Tool - OUD (ORT-OUD)"),
    instructions=_("Answer yes or no to each item."),
    items=ITEMS,
    copyright_notice=COPYRIGHT_NOTICE,
    licensed=False,
    score_fn=score_answers,
    band_codes=("low", "high"),
)
