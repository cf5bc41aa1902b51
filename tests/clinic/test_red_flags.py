"""The spine red-flag screen, as `docs/clinical/red-flags.md` defines it. Pure: no database."""

from datetime import date

import pytest
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from clinic.core.clinical.evidence import Evidence
from clinic.core.clinical.red_flags import (
    ANSWERS_THAT_COUNT_AS_YES,
    COMBINED_RED_FLAGS,
    CRISIS_RESOURCES,
    EMERGENCY_GUIDANCE,
    FRAGILITY_FRACTURE,
    ONSET_AGE_FLAG_KEY,
    ONSET_AGE_FLAGGED_ABOVE,
    ONSET_AGE_FLAGGED_BELOW,
    QUESTIONS,
    QUESTIONS_BY_KEY,
    URGENT_GUIDANCE,
    Answer,
    RaisedRedFlag,
    Tier,
    evaluate_red_flags,
)
from clinic.core.person import age_at

STANDALONE = [question for question in QUESTIONS if question.tier is not None]
EMERGENCY_KEYS = [question.key for question in QUESTIONS if question.tier == Tier.EMERGENCY]
URGENT_KEYS = [question.key for question in QUESTIONS if question.tier == Tier.URGENT]
FLAG_KEYS = [question.key for question in QUESTIONS if question.tier == Tier.FLAG]
PARTS = list(FRAGILITY_FRACTURE.requires_all)


def all_no() -> dict[str, str]:
    return dict.fromkeys(QUESTIONS_BY_KEY, Answer.NO)


# --- The questions as data ------------------------------------------------------------------------


def test_every_question_has_a_unique_stable_key():
    assert len(QUESTIONS_BY_KEY) == len(QUESTIONS)
    assert "bladder_dysfunction" in QUESTIONS_BY_KEY


def test_the_tiers_follow_the_spec_table():
    assert EMERGENCY_KEYS == [
        "bladder_dysfunction",
        "bowel_incontinence",
        "saddle_numbness",
        "sexual_dysfunction",
        "progressive_leg_weakness",
    ]
    assert URGENT_KEYS == [
        "pain_in_both_legs",
        "fever_or_unwell",
        "spinal_infection_risk",
        "cancer",
        "unexplained_weight_loss",
        "major_trauma",
    ]
    assert FLAG_KEYS == [
        "night_or_lying_down_pain",
        "thoracic_pain",
        "spinal_deformity",
        "no_improvement_after_a_month",
        "morning_stiffness_eased_by_exercise",
    ]
    assert FRAGILITY_FRACTURE.tier == Tier.URGENT


def test_the_concerns_follow_the_spec_table():
    concerns = {question.key: question.concern for question in STANDALONE}
    assert {concerns[key] for key in EMERGENCY_KEYS[:4]} == {"Cauda equina"}
    assert concerns["progressive_leg_weakness"] == "Severe or progressive neurological deficit"
    assert concerns["pain_in_both_legs"] == "Cauda equina risk"
    assert concerns["fever_or_unwell"] == "Infection"
    assert concerns["spinal_infection_risk"] == "Spinal infection"
    assert concerns["cancer"] == concerns["unexplained_weight_loss"] == "Malignancy"
    assert concerns["major_trauma"] == "Fracture"
    assert FRAGILITY_FRACTURE.concern == "Fragility fracture"
    assert concerns["night_or_lying_down_pain"] == "Tumour or infection"
    assert concerns["morning_stiffness_eased_by_exercise"] == "Axial spondyloarthritis"
    # The spec names no concern for these.
    assert concerns["thoracic_pain"] is concerns["spinal_deformity"] is None


def test_unverified_and_secondary_evidence_is_recorded_as_in_the_spec():
    assert QUESTIONS_BY_KEY["morning_stiffness_eased_by_exercise"].evidence == Evidence.UNVERIFIED
    assert QUESTIONS_BY_KEY["sexual_dysfunction"].evidence == Evidence.VERIFIED_SECONDARY


def test_patient_facing_texts_are_translatable():
    assert all(isinstance(question.text, Promise) for question in QUESTIONS)
    assert all(isinstance(text, Promise) for text in (EMERGENCY_GUIDANCE, URGENT_GUIDANCE, CRISIS_RESOURCES))


def test_onset_age_thresholds_are_fifty_and_twenty():
    assert (ONSET_AGE_FLAGGED_ABOVE, ONSET_AGE_FLAGGED_BELOW) == (50, 20)


# --- Each tier ------------------------------------------------------------------------------------


def test_all_no_raises_no_flag():
    result = evaluate_red_flags(all_no())
    assert result.flags == []
    assert result.highest_tier is None
    assert not result.is_emergency
    assert not result.needs_alert
    assert result.patient_guidance is None


@pytest.mark.parametrize("key", EMERGENCY_KEYS)
def test_yes_to_an_emergency_question_is_an_emergency_with_an_alert(key):
    result = evaluate_red_flags({**all_no(), key: Answer.YES})
    assert result.highest_tier == Tier.EMERGENCY
    assert result.is_emergency
    assert result.needs_alert
    assert result.patient_guidance is EMERGENCY_GUIDANCE
    assert [flag.key for flag in result.flags] == [key]


@pytest.mark.parametrize("key", URGENT_KEYS)
def test_yes_to_an_urgent_question_alerts_staff_but_is_not_an_emergency(key):
    result = evaluate_red_flags({**all_no(), key: Answer.YES})
    assert result.highest_tier == Tier.URGENT
    assert not result.is_emergency
    assert result.needs_alert
    assert result.patient_guidance is URGENT_GUIDANCE


@pytest.mark.parametrize("key", FLAG_KEYS)
def test_yes_to_a_flag_question_is_flagged_for_the_visit_without_an_alert(key):
    result = evaluate_red_flags({**all_no(), key: Answer.YES})
    assert result.highest_tier == Tier.FLAG
    assert not result.is_emergency
    assert not result.needs_alert
    assert result.patient_guidance is None


def test_a_flag_records_key_tier_concern_and_finding():
    [flag] = evaluate_red_flags({"saddle_numbness": "yes"}).flags
    key, tier, concern, finding = flag
    assert (key, tier, concern) == ("saddle_numbness", Tier.EMERGENCY, "Cauda equina")
    assert finding == QUESTIONS_BY_KEY["saddle_numbness"].finding


def test_highest_tier_is_the_most_severe_and_its_flags_come_first():
    result = evaluate_red_flags({"thoracic_pain": "yes", "cancer": "yes", "bowel_incontinence": "yes"})
    assert result.highest_tier == Tier.EMERGENCY
    assert [flag.key for flag in result.flags] == ["bowel_incontinence", "cancer", "thoracic_pain"]


# --- Answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", STANDALONE, ids=lambda question: question.key)
def test_not_sure_counts_as_yes_for_triage(question):
    not_sure = evaluate_red_flags({question.key: Answer.NOT_SURE})
    yes = evaluate_red_flags({question.key: Answer.YES})
    assert not_sure == yes
    assert not_sure.highest_tier == question.tier


def test_answers_that_count_as_yes_are_yes_and_not_sure():
    assert frozenset({"yes", "not_sure"}) == ANSWERS_THAT_COUNT_AS_YES


def test_unanswered_questions_raise_no_flag():
    assert evaluate_red_flags({}).flags == []
    assert evaluate_red_flags(dict.fromkeys(QUESTIONS_BY_KEY)).flags == []


def test_an_unknown_question_is_rejected():
    with pytest.raises(ValueError, match="bladder_dysfuntcion"):
        evaluate_red_flags({"bladder_dysfuntcion": "yes"})


@pytest.mark.parametrize("answer", ["maybe", "Yes", "YES", "", "not sure", True, 1, 0, ["yes"]])
def test_an_invalid_answer_is_rejected(answer):
    with pytest.raises(ValueError, match="cancer"):
        evaluate_red_flags({"cancer": answer})


def test_red_flag_answers_are_never_scored_or_summed():
    result = evaluate_red_flags(dict.fromkeys(QUESTIONS_BY_KEY, Answer.YES))
    assert not any(hasattr(result, name) for name in ("score", "total", "sum"))
    assert len(result.flags) == len(STANDALONE) + len(COMBINED_RED_FLAGS)


# --- Minor trauma or heavy lifting AND osteoporosis or long-term corticosteroids ------------------


def test_minor_trauma_or_heavy_lifting_alone_is_not_a_red_flag():
    assert evaluate_red_flags({"minor_trauma_or_heavy_lifting": "yes"}).flags == []


def test_osteoporosis_or_long_term_steroids_alone_is_not_a_red_flag():
    assert evaluate_red_flags({"osteoporosis_or_long_term_steroids": "yes"}).flags == []


@pytest.mark.parametrize("trauma", ["yes", "not_sure"])
@pytest.mark.parametrize("bones", ["yes", "not_sure"])
def test_minor_trauma_with_osteoporosis_or_steroids_is_an_urgent_fragility_fracture(trauma, bones):
    result = evaluate_red_flags(
        {"minor_trauma_or_heavy_lifting": trauma, "osteoporosis_or_long_term_steroids": bones}
    )
    assert result.flags == [
        RaisedRedFlag("fragility_fracture", Tier.URGENT, "Fragility fracture", FRAGILITY_FRACTURE.finding)
    ]
    assert result.needs_alert


def test_the_combination_parts_are_asked_but_carry_no_tier_of_their_own():
    assert all(QUESTIONS_BY_KEY[key].tier is None for key in PARTS)


# --- New back pain onset age, computed from dates -------------------------------------------------

BORN = date(1960, 6, 15)


def onset_flags(pain_onset: date, date_of_birth: date = BORN) -> list[RaisedRedFlag]:
    result = evaluate_red_flags({}, date_of_birth=date_of_birth, pain_onset=pain_onset)
    return [flag for flag in result.flags if flag.key == ONSET_AGE_FLAG_KEY]


@pytest.mark.parametrize("pain_onset", [date(2011, 6, 15), date(2023, 1, 1)], ids=["at 51", "at 62"])
def test_onset_after_fifty_is_flagged_for_the_visit(pain_onset):
    [flag] = onset_flags(pain_onset)
    assert flag.tier == Tier.FLAG
    assert flag.concern is None
    result = evaluate_red_flags({}, date_of_birth=BORN, pain_onset=pain_onset)
    assert not result.needs_alert


@pytest.mark.parametrize(
    "pain_onset", [date(2010, 6, 15), date(2011, 6, 14)], ids=["on 50th birthday", "day before 51st"]
)
def test_onset_at_fifty_is_not_flagged(pain_onset):
    assert onset_flags(pain_onset) == []


@pytest.mark.parametrize(
    "pain_onset", [date(1960, 6, 15), date(1980, 6, 14)], ids=["at birth", "day before 20th"]
)
def test_onset_before_twenty_is_flagged_for_the_visit(pain_onset):
    assert [flag.tier for flag in onset_flags(pain_onset)] == [Tier.FLAG]


def test_onset_at_twenty_is_not_flagged():
    assert onset_flags(date(1980, 6, 15)) == []


def test_the_onset_finding_tells_staff_the_age():
    [flag] = onset_flags(date(2023, 1, 1))
    assert "62" in flag.finding


@pytest.mark.parametrize(
    ("date_of_birth", "pain_onset"), [(BORN, None), (None, date(2023, 1, 1)), (None, None)]
)
def test_onset_age_needs_both_dates(date_of_birth, pain_onset):
    assert evaluate_red_flags({}, date_of_birth=date_of_birth, pain_onset=pain_onset).flags == []


def test_an_onset_before_birth_gives_no_onset_age():
    assert onset_flags(date(1959, 1, 1)) == []
    assert onset_flags(date(1960, 6, 14)) == []
    assert [flag.finding for flag in onset_flags(BORN)] == ["New back pain starting at age 0"]


def test_an_onset_before_birth_leaves_the_answered_flags_as_they_are():
    answers = {question.key: "yes" for question in STANDALONE[:1]}
    result = evaluate_red_flags(answers, date_of_birth=BORN, pain_onset=date(1959, 1, 1))
    assert [flag.key for flag in result.flags] == [STANDALONE[0].key]


def test_onset_age_is_never_asked():
    assert ONSET_AGE_FLAG_KEY not in QUESTIONS_BY_KEY
    with pytest.raises(ValueError):
        evaluate_red_flags({ONSET_AGE_FLAG_KEY: "yes"})


# --- Properties over any set of answers -----------------------------------------------------------

any_answers = st.dictionaries(st.sampled_from(list(QUESTIONS_BY_KEY)), st.sampled_from([*Answer, None]))


@given(any_answers)
def test_flags_are_exactly_the_questions_answered_yes_or_not_sure(answers):
    positive = {key for key, answer in answers.items() if answer in ("yes", "not_sure")}
    expected = {question.key for question in STANDALONE if question.key in positive}
    if positive.issuperset(PARTS):
        expected.add(FRAGILITY_FRACTURE.key)
    result = evaluate_red_flags(answers)
    assert {flag.key for flag in result.flags} == expected
    assert result.is_emergency == bool(positive.intersection(EMERGENCY_KEYS))
    assert result.needs_alert == bool(expected - set(FLAG_KEYS))


@given(any_answers)
def test_replacing_yes_with_not_sure_changes_nothing(answers):
    hedged = {key: ("not_sure" if answer == "yes" else answer) for key, answer in answers.items()}
    assert evaluate_red_flags(hedged) == evaluate_red_flags(answers)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 120 * 366))
def test_onset_flag_matches_the_age_in_completed_years(date_of_birth, days_later):
    pain_onset = date.fromordinal(min(date_of_birth.toordinal() + days_later, date.max.toordinal()))
    age = age_at(pain_onset, date_of_birth=date_of_birth)
    assert (age > 50 or age < 20) == bool(onset_flags(pain_onset, date_of_birth))
