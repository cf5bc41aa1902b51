"""The spine red-flag screen (`docs/clinical/red-flags.md`).

Red-flag answers raise flags in three tiers; they are never scored or summed. The tier of every
question is the spec's proposal [D] for the clinical lead to approve: it lives in `QUESTIONS`.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple

from django.utils.translation import gettext_lazy as _

from clinic.core.clinical.evidence import Evidence
from clinic.core.person import age_at, pain_began_before_birth
from clinic.core.translated import StrPromise


class Tier(enum.StrEnum):
    # Stop, show EMERGENCY_GUIDANCE in real time, alert staff at once, store alert and acknowledgement.
    EMERGENCY = "emergency"
    # Same-day clinician review.
    URGENT = "urgent"
    # For the visit.
    FLAG = "flag"


TIERS_MOST_SEVERE_FIRST: Final = (Tier.EMERGENCY, Tier.URGENT, Tier.FLAG)
STAFF_ALERT_TIERS: Final = frozenset({Tier.EMERGENCY, Tier.URGENT})

# The words every page uses for a tier (staff and referrers alike): the alert tiers are alarms, with
# what to do; a FLAG finding is a note for the visit, never called a red flag.
TIER_LABELS: Final[Mapping[Tier, StrPromise]] = {
    Tier.EMERGENCY: _("Emergency"),
    Tier.URGENT: _("Urgent"),
    Tier.FLAG: _("For the visit"),
}
TIER_ACTIONS: Final[Mapping[Tier, StrPromise]] = {
    Tier.EMERGENCY: _("Needs emergency care now: the nearest emergency department, or call 911."),
    Tier.URGENT: _("Needs a clinician's review today."),
    Tier.FLAG: _("To consider at the visit; not an alarm."),
}


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


# [D] "Treat 'Not sure' as 'Yes' for triage."
ANSWERS_THAT_COUNT_AS_YES: Final = frozenset({Answer.YES, Answer.NOT_SURE})

# New back pain starting at age > 50 or < 20, in completed years at the onset date. Some guidelines
# use > 55 for the upper bound.
ONSET_AGE_FLAGGED_ABOVE: Final = 50
ONSET_AGE_FLAGGED_BELOW: Final = 20


@dataclass(frozen=True, kw_only=True)
class RedFlagQuestion:
    key: str
    text: StrPromise
    # Staff-facing: what the patient reported.
    finding: str
    # Staff-facing: what it may point to; None where the spec names no concern.
    concern: str | None
    # None: the answer raises no flag by itself, only as part of a `CombinedRedFlag`.
    tier: Tier | None
    evidence: Evidence = Evidence.VERIFIED


@dataclass(frozen=True, kw_only=True)
class CombinedRedFlag:
    """A flag raised only when every one of its questions is answered yes."""

    key: str
    finding: str
    concern: str
    tier: Tier
    requires_all: tuple[str, ...]
    evidence: Evidence = Evidence.VERIFIED


class RaisedRedFlag(NamedTuple):
    key: str
    tier: Tier
    concern: str | None
    finding: str


# Patient-facing order follows the spec's table.
QUESTIONS: Final[tuple[RedFlagQuestion, ...]] = (
    RedFlagQuestion(
        key="bladder_dysfunction",
        text=_(
            "Do you have new difficulty passing urine, new loss of bladder control, "
            "or reduced feeling when passing urine?"
        ),
        finding="New difficulty passing urine, loss of bladder control or reduced urinary sensation",
        concern="Cauda equina",
        tier=Tier.EMERGENCY,
    ),
    RedFlagQuestion(
        key="bowel_incontinence",
        text=_("Do you have new loss of bowel control?"),
        finding="New loss of bowel control",
        concern="Cauda equina",
        tier=Tier.EMERGENCY,
    ),
    RedFlagQuestion(
        key="saddle_numbness",
        text=_(
            "Do you have new numbness or tingling in the “saddle” area "
            "(between the legs, buttocks, genitals or inner thighs)?"
        ),
        finding="New saddle numbness or tingling",
        concern="Cauda equina",
        tier=Tier.EMERGENCY,
    ),
    RedFlagQuestion(
        key="sexual_dysfunction",
        text=_(
            "Along with your back pain, do you have new sexual problems "
            "(for example, loss of feeling in the genitals)?"
        ),
        finding="New sexual dysfunction with back pain",
        concern="Cauda equina",
        tier=Tier.EMERGENCY,
        evidence=Evidence.VERIFIED_SECONDARY,
    ),
    RedFlagQuestion(
        key="progressive_leg_weakness",
        text=_("Do you have leg weakness that is getting worse, foot drop, or new difficulty walking?"),
        finding="Worsening leg weakness, foot drop or new difficulty walking",
        concern="Severe or progressive neurological deficit",
        tier=Tier.EMERGENCY,
    ),
    RedFlagQuestion(
        key="pain_in_both_legs",
        text=_("Do you have pain or sciatica in both legs?"),
        finding="Pain or sciatica in both legs",
        concern="Cauda equina risk",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="fever_or_unwell",
        text=_("Do you have fever, chills or shaking attacks (rigors), or do you feel generally unwell?"),
        finding="Fever, chills or rigors, or feeling generally unwell",
        concern="Infection",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="spinal_infection_risk",
        text=_(
            "Does any of these apply to you: injecting drugs; a weakened immune system "
            "(from steroids, a transplant, HIV or chemotherapy); a recent bacterial infection "
            "(for example, a urine infection); or a wound that pierced the skin?"
        ),
        finding="Injected-drug use, immunosuppression, recent bacterial infection or penetrating wound",
        concern="Spinal infection",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="cancer",
        text=_("Have you ever had cancer, or do you have cancer now?"),
        finding="Past or current cancer",
        concern="Malignancy",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="unexplained_weight_loss",
        text=_("Have you lost weight without trying?"),
        finding="Unexplained weight loss",
        concern="Malignancy",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="major_trauma",
        text=_("Have you had a major injury, such as a vehicle crash or a fall from a height?"),
        finding="Major trauma",
        concern="Fracture",
        tier=Tier.URGENT,
    ),
    RedFlagQuestion(
        key="minor_trauma_or_heavy_lifting",
        text=_("Did your back pain start after a minor injury or heavy lifting?"),
        finding="Minor trauma or heavy lifting",
        concern=None,
        tier=None,
    ),
    RedFlagQuestion(
        key="osteoporosis_or_long_term_steroids",
        text=_(
            "Do you have osteoporosis (thin bones), or have you taken steroid medicines "
            "(corticosteroids, such as prednisone) for a long time?"
        ),
        finding="Osteoporosis or long-term corticosteroid use",
        concern=None,
        tier=None,
    ),
    RedFlagQuestion(
        key="night_or_lying_down_pain",
        text=_(
            "Is your back pain constant at night, not relieved by changing position, or worse lying down?"
        ),
        finding="Constant night pain, not relieved by changing position, or worse lying down",
        concern="Tumour or infection",
        tier=Tier.FLAG,
    ),
    RedFlagQuestion(
        key="thoracic_pain",
        text=_("Do you have pain in your mid-back?"),
        finding="Thoracic (mid-back) pain",
        concern=None,
        tier=Tier.FLAG,
    ),
    RedFlagQuestion(
        key="spinal_deformity",
        text=_("Can you see a change in the shape of your spine?"),
        finding="Visible spinal deformity",
        concern=None,
        tier=Tier.FLAG,
    ),
    RedFlagQuestion(
        key="no_improvement_after_a_month",
        text=_("Has your pain not improved after about 1 month?"),
        finding="No improvement after about 1 month",
        concern=None,
        tier=Tier.FLAG,
    ),
    RedFlagQuestion(
        key="morning_stiffness_eased_by_exercise",
        text=_("Do you have stiffness in the morning that gets better with exercise?"),
        finding="Morning stiffness that improves with exercise",
        concern="Axial spondyloarthritis",
        tier=Tier.FLAG,
        evidence=Evidence.UNVERIFIED,
    ),
)

QUESTIONS_BY_KEY: Final[Mapping[str, RedFlagQuestion]] = {question.key: question for question in QUESTIONS}

FRAGILITY_FRACTURE: Final = CombinedRedFlag(
    key="fragility_fracture",
    finding="Minor trauma or heavy lifting with osteoporosis or long-term corticosteroid use",
    concern="Fragility fracture",
    tier=Tier.URGENT,
    requires_all=("minor_trauma_or_heavy_lifting", "osteoporosis_or_long_term_steroids"),
)
COMBINED_RED_FLAGS: Final[tuple[CombinedRedFlag, ...]] = (FRAGILITY_FRACTURE,)

# Computed from date of birth and onset date, never asked.
ONSET_AGE_FLAG_KEY: Final = "onset_age"
ONSET_AGE_TIER: Final = Tier.FLAG

EMERGENCY_GUIDANCE: Final = _(
    "Your answers suggest you may need emergency care. Go to the nearest emergency department now, "
    "or call 911. Do not wait for your appointment."
)
URGENT_GUIDANCE: Final = _(
    "Some of your answers need to be reviewed by a clinician today. "
    "If your symptoms get worse before we contact you, go to the nearest emergency department or call 911."
)
# Shown at once for a PHQ-9 item 9 answer above 0. 988 and 911 are for a clinic in the US [U].
CRISIS_RESOURCES: Final = _(
    "If you are thinking about harming yourself or ending your life, help is available now. "
    "Call or text 988 to reach the 988 Suicide & Crisis Lifeline, any time of day or night. "
    "In an emergency, call 911."
)
GUIDANCE_BY_TIER: Final[Mapping[Tier, StrPromise]] = {
    Tier.EMERGENCY: EMERGENCY_GUIDANCE,
    Tier.URGENT: URGENT_GUIDANCE,
}


@dataclass(frozen=True)
class RedFlagResult:
    # Most severe tier first.
    flags: list[RaisedRedFlag]

    @property
    def highest_tier(self) -> Tier | None:
        return self.flags[0].tier if self.flags else None

    @property
    def is_emergency(self) -> bool:
        return self.highest_tier == Tier.EMERGENCY

    @property
    def needs_alert(self) -> bool:
        return self.highest_tier in STAFF_ALERT_TIERS

    @property
    def patient_guidance(self) -> StrPromise | None:
        return GUIDANCE_BY_TIER.get(self.highest_tier) if self.highest_tier else None


def evaluate_red_flags(
    answers: Mapping[str, str | None],
    *,
    date_of_birth: date | None = None,
    pain_onset: date | None = None,
) -> RedFlagResult:
    """Flags raised by the answers ("yes" / "no" / "not_sure"; missing or None is unanswered).

    The onset age needs both dates; an onset before birth (which the forms refuse) gives none.
    """
    counts_as_yes = _answers_counting_as_yes(answers)
    flags = [
        RaisedRedFlag(question.key, question.tier, question.concern, question.finding)
        for question in QUESTIONS
        if question.tier is not None and question.key in counts_as_yes
    ]
    flags += [
        RaisedRedFlag(combined.key, combined.tier, combined.concern, combined.finding)
        for combined in COMBINED_RED_FLAGS
        if counts_as_yes.issuperset(combined.requires_all)
    ]
    if (
        date_of_birth is not None
        and pain_onset is not None
        and not pain_began_before_birth(pain_onset, date_of_birth=date_of_birth)
    ):
        onset_age = age_at(pain_onset, date_of_birth=date_of_birth)
        if onset_age > ONSET_AGE_FLAGGED_ABOVE or onset_age < ONSET_AGE_FLAGGED_BELOW:
            flags.append(
                RaisedRedFlag(
                    ONSET_AGE_FLAG_KEY, ONSET_AGE_TIER, None, f"New back pain starting at age {onset_age}"
                )
            )
    flags.sort(key=lambda flag: TIERS_MOST_SEVERE_FIRST.index(flag.tier))
    return RedFlagResult(flags)


def _answers_counting_as_yes(answers: Mapping[str, str | None]) -> set[str]:
    unknown = set(answers) - set(QUESTIONS_BY_KEY)
    if unknown:
        raise ValueError(f"Unknown red-flag question(s): {', '.join(sorted(map(str, unknown)))}")
    valid_answers = set(Answer)
    for key, answer in answers.items():
        if answer is not None and not (isinstance(answer, str) and answer in valid_answers):
            raise ValueError(f"Invalid answer {answer!r} to red-flag question {key!r}")
    return {key for key, answer in answers.items() if answer in ANSWERS_THAT_COUNT_AS_YES}
