"""The questionnaires score every reference case of the clinical spec, and behave as it says."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from intake.instruments import (
    INSTRUMENTS,
    InvalidAnswers,
    LicensedWordingError,
    ScoreResult,
    ScoreStatus,
    UnknownInstrument,
    available_instruments,
    get_instrument,
    instrument_unavailable_reason,
    load_licensed_wording,
    ort_oud,
    peg,
    promis_pi_4a,
    score,
    worded_instrument,
)
from intake.instruments.scoring import round_half_up

REPO_DIR = Path(__file__).resolve().parents[2]
# Copies of the clinical spec and its reference cases, kept in the repository so a fresh clone tests alone.
CLINICAL_DIR = REPO_DIR / "tests" / "data" / "clinical"
SPEC_DIR = REPO_DIR / "docs" / "clinical"
WORDING_FILE = REPO_DIR / "tests" / "data" / "instrument_wording.json"
ONE_DECIMAL = Decimal("0.1")

REFERENCE_CASES: list[dict[str, Any]] = json.loads((CLINICAL_DIR / "reference_cases.json").read_text())

# From the README table: the answer values of each scored item, and the band codes, per instrument.
YES_NO = (False, True)
SCORED_VALUES: dict[str, dict[str, Any]] = {
    "peg": dict.fromkeys(("p", "e", "g"), range(11)),
    "odi": {f"s{n}": range(6) for n in range(1, 11)},
    "ndi": {f"q{n}": range(6) for n in range(1, 11)},
    "phq9": {f"q{n}": range(4) for n in range(1, 10)},
    "gad7": {f"q{n}": range(4) for n in range(1, 8)},
    "start_back": {f"q{n}": range(2) for n in range(1, 9)} | {"q9": range(5)},
    "ort_oud": dict.fromkeys(
        (
            "fam_alcohol",
            "fam_illegal",
            "fam_rx",
            "pers_alcohol",
            "pers_illegal",
            "pers_rx",
            "age_16_45",
            "psych_add_ocd_bipolar_schiz",
            "psych_depression",
        ),
        YES_NO,
    ),
    "dn4_interview": dict.fromkeys(
        ("burning", "painful_cold", "electric_shocks", "tingling", "pins_needles", "numbness", "itching"),
        YES_NO,
    ),
    "promis_pi_4a": dict.fromkeys(("PAININ9", "PAININ22", "PAININ31", "PAININ34"), range(1, 6)),
}
SCORED_VALUES["dn4"] = SCORED_VALUES["dn4_interview"] | dict.fromkeys(
    ("hypoesthesia_touch", "hypoesthesia_prick", "brushing"), YES_NO
)
BAND_CODES = {
    "peg": (),
    "odi": ("minimal", "moderate", "severe", "crippled", "bed_bound"),
    "ndi": ("none", "mild", "moderate", "severe", "complete"),
    "phq9": ("minimal", "mild", "moderate", "moderately_severe", "severe"),
    "gad7": ("minimal", "mild", "moderate", "severe"),
    "start_back": ("low", "medium", "high"),
    "ort_oud": ("low", "high"),
    "dn4_interview": ("positive", "negative"),
    "dn4": ("positive", "negative"),
    "promis_pi_4a": ("within_normal_limits", "mild", "moderate", "severe"),
}
LICENSED = {"odi", "ndi", "dn4_interview", "dn4"}


def to_one_decimal(number: float) -> Decimal:
    return Decimal(str(number)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def assert_same_value(actual: object, expected: object, what: str) -> None:
    if expected is None or isinstance(expected, bool):
        assert actual is expected, f"{what}: {actual!r} != {expected!r}"
    elif isinstance(expected, int | float):
        assert not isinstance(actual, bool), f"{what}: {actual!r}"
        assert isinstance(actual, int | float), f"{what}: {actual!r}"
        assert to_one_decimal(actual) == to_one_decimal(expected), f"{what}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{what}: {actual!r} != {expected!r}"


def phq9_answers(**overrides: int | None) -> dict[str, int | None]:
    return {f"q{number}": 1 for number in range(1, 10)} | overrides


def odi_answers(**overrides: int | None) -> dict[str, int | None]:
    return {f"s{number}": 2 for number in range(1, 11)} | overrides


@pytest.fixture
def configured_settings() -> None:
    """Django settings for tests that render lazy text or read settings, with or without pytest-django."""
    try:
        settings.USE_I18N  # noqa: B018 -- loads the project's settings when there are any
    except ImproperlyConfigured:
        settings.configure(USE_I18N=False)


# Reference cases


@pytest.mark.parametrize(
    "case", REFERENCE_CASES, ids=[f"{index:02d}-{case['code']}" for index, case in enumerate(REFERENCE_CASES)]
)
def test_reference_case(case: dict[str, Any]) -> None:
    expected = case["expected"]
    if expected.get("error") == "InvalidAnswers":
        with pytest.raises(InvalidAnswers):
            score(case["code"], case["answers"])
        return

    result = score(case["code"], case["answers"])

    assert result.status == expected["status"]
    assert_same_value(result.total, expected["total"], "total")
    assert result.band == expected["band"]
    if "flags" in expected:
        assert result.flags == frozenset(expected["flags"])
    for key, value in expected.get("details", {}).items():
        assert key in result.details, f"details lacks {key!r}"
        assert_same_value(result.details[key], value, f"details[{key!r}]")


def test_reference_cases_cover_every_instrument() -> None:
    assert {case["code"] for case in REFERENCE_CASES} == set(INSTRUMENTS)


# Registry and definitions


def test_registry_holds_exactly_the_instruments_of_the_spec() -> None:
    assert set(INSTRUMENTS) == set(SCORED_VALUES)
    assert all(code == instrument.code for code, instrument in INSTRUMENTS.items())


def test_unknown_instrument_code_is_refused() -> None:
    with pytest.raises(UnknownInstrument):
        score("phq10", {})


@pytest.mark.parametrize("code", sorted(SCORED_VALUES))
def test_scored_items_offer_exactly_the_values_the_scoring_accepts(code: str) -> None:
    scored_items = {item.key: item for item in get_instrument(code).items if item.scored}
    assert list(scored_items) == list(SCORED_VALUES[code])
    for key, item in scored_items.items():
        assert len(set(item.values)) == len(item.values)
        assert set(item.values) == set(SCORED_VALUES[code][key]), key


@pytest.mark.parametrize("code", sorted(SCORED_VALUES))
def test_instrument_declares_the_band_codes_of_the_spec(code: str) -> None:
    assert set(get_instrument(code).band_codes) == set(BAND_CODES[code])


@pytest.mark.parametrize("code", sorted(SCORED_VALUES))
def test_instrument_carries_a_scoring_version_and_copyright_notice(code: str) -> None:
    instrument = get_instrument(code)
    assert instrument.version
    assert instrument.copyright_notice
    assert instrument.licensed is (code in LICENSED)


@pytest.mark.usefixtures("configured_settings")
def test_free_wording_is_verbatim_from_the_spec() -> None:
    spec = (SPEC_DIR / "instruments.md").read_text()
    for instrument in INSTRUMENTS.values():
        if instrument.licensed:
            continue
        for item in instrument.items:
            assert str(item.text) in spec, f"{instrument.code}.{item.key}: {item.text}"
            for option in item.options:
                assert str(option.label) in spec, f"{instrument.code}.{item.key}: {option.label}"


def test_required_copyright_notices_are_quoted_from_the_spec() -> None:
    spec = (SPEC_DIR / "instruments.md").read_text()
    assert get_instrument("phq9").copyright_notice in spec
    assert get_instrument("start_back").copyright_notice in spec
    assert get_instrument("dn4").copyright_notice in spec


def test_only_optional_items_are_the_if_applicable_and_unscored_ones() -> None:
    optional = {(code, item.key) for code, i in INSTRUMENTS.items() for item in i.items if not item.required}
    assert optional == {("odi", "s8"), ("phq9", "difficulty"), ("gad7", "difficulty")}


# Validation


def test_out_of_range_value_is_refused_not_clamped() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        score("phq9", phq9_answers(q1=4))
    assert raised.value.errors == {"q1": "validation_error_out_of_range"}
    assert isinstance(raised.value, ValueError)


def test_unknown_answer_key_is_refused() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        score("gad7", {"q8": 1})
    assert raised.value.errors == {"q8": "validation_error_unknown_item"}


def test_a_yes_no_item_does_not_take_a_number_and_a_rating_does_not_take_a_bool() -> None:
    with pytest.raises(InvalidAnswers):
        score("dn4_interview", {"burning": 1})
    with pytest.raises(InvalidAnswers):
        score("peg", {"p": True, "e": 1, "g": 1})


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(InvalidAnswers):
        score("peg", [1, 2, 3])  # type: ignore[arg-type]


# Rounding


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(9, 2), 0, "5"),
        (Fraction(5, 2), 0, "3"),
        (Fraction(1, 4), 1, "0.3"),
        (Fraction(1600, 45), 1, "35.6"),
        (Fraction(11, 3), 1, "3.7"),
    ],
)
def test_rounding_is_half_up_not_half_even(value: Fraction, places: int, expected: str) -> None:
    assert round_half_up(value, places) == Decimal(expected)


# PEG


def test_peg_is_the_mean_of_three_items_to_one_decimal() -> None:
    result = score("peg", {"p": 5, "e": 6, "g": 6})
    assert (result.status, result.total, result.band, result.details["sum"]) == ("scored", 5.7, None, 17)


def test_peg_needs_all_three_items() -> None:
    assert score("peg", {"p": 5, "e": 6}).status == "not_scored_missing_item"


def test_peg_improvement_of_exactly_thirty_percent_is_meaningful() -> None:
    assert peg.percent_improvement(20, 14) == 30.0
    assert peg.is_meaningful_improvement(20, 14) is True
    assert peg.is_meaningful_improvement(20, 15) is False


def test_peg_improvement_from_the_integer_sums_rounds_half_up() -> None:
    assert peg.percent_improvement(15, 10) == 33.3
    assert peg.percent_improvement(16, 17) == -6.3


def test_peg_improvement_from_a_zero_baseline_is_undefined() -> None:
    assert peg.percent_improvement(0, 5) is None
    assert peg.is_meaningful_improvement(0, 0) is None


# ODI and NDI


def test_odi_with_one_section_missing_uses_smaller_denominator() -> None:
    answers = odi_answers(s1=2, s2=2, s3=2, s4=2, s5=2, s6=2, s7=2, s8=None, s9=1, s10=1)
    result = score("odi", answers)
    assert result.status == "scored"
    assert result.total == 35.6
    assert result.band == "moderate"
    assert result.details == {"raw_sum": 16, "answered": 9}


def test_odi_absent_section_counts_as_unanswered() -> None:
    answers = odi_answers()
    del answers["s8"]
    assert score("odi", answers).details["answered"] == 9


def test_odi_does_not_show_a_partial_sum_when_not_scored() -> None:
    result = score("odi", odi_answers(s8=None, s9=None))
    assert result.total is None
    assert result.band is None
    assert "raw_sum" not in result.details


@pytest.mark.parametrize(
    ("section_value", "band"),
    [(0, "minimal"), (1, "minimal"), (2, "moderate"), (3, "severe"), (4, "crippled"), (5, "bed_bound")],
)
def test_odi_bands_include_their_upper_limit(section_value: int, band: str) -> None:
    assert score("odi", odi_answers(**{f"s{n}": section_value for n in range(1, 11)})).band == band


def test_ndi_prorates_one_missing_item_and_reports_percent() -> None:
    answers = {f"q{number}": 3 for number in range(1, 11)} | {"q8": None, "q1": 4}
    result = score("ndi", answers)
    assert result.status == "scored"
    assert result.total == 31.1  # 28 x 10 / 9 = 31.11
    assert result.band == "severe"
    assert result.details["percent"] == 62.2


@pytest.mark.parametrize(
    ("raw", "band"), [(4, "none"), (5, "mild"), (24, "moderate"), (25, "severe"), (35, "complete")]
)
def test_ndi_bands_on_the_raw_score(raw: int, band: str) -> None:
    values = [5] * (raw // 5) + [raw % 5]
    answers = {f"q{number}": value for number, value in enumerate(values + [0] * (10 - len(values)), start=1)}
    assert score("ndi", answers).band == band


# PHQ-9 and GAD-7


def test_phq9_item9_positive_is_flagged_whatever_the_total() -> None:
    result = score("phq9", {f"q{number}": 0 for number in range(1, 9)} | {"q9": 1})
    assert result.flags == {"item9_positive"}
    assert result.band == "minimal"


def test_phq9_item9_unanswered_is_flagged_and_not_imputed() -> None:
    result = score("phq9", phq9_answers(q9=None))
    assert result.status == "scored_prorated"
    assert result.total == 9
    assert result.flags == {"item9_unanswered"}


def test_phq9_prorated_total_is_rounded_half_up_before_banding() -> None:
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": None, "q9": 0}
    result = score("phq9", answers)
    assert result.status == "scored_prorated"
    assert result.total == 5  # 4 x 9 / 8 = 4.5
    assert result.band == "mild"
    assert result.details["total_unrounded"] == 4.5


def test_phq9_with_three_missing_items_is_not_scored_but_still_flags() -> None:
    result = score("phq9", phq9_answers(q3=None, q4=None, q5=None, q9=2))
    assert (result.status, result.total, result.band) == ("not_scored_too_many_missing", None, None)
    assert result.flags == {"item9_positive"}


def test_phq2_is_not_derived_when_item_1_or_2_is_missing() -> None:
    result = score("phq9", phq9_answers(q2=None))
    assert result.details["phq2"] is None
    assert result.details["phq2_positive"] is None


def test_difficulty_item_is_stored_but_not_scored() -> None:
    assert score("phq9", phq9_answers(difficulty=3)).total == score("phq9", phq9_answers()).total
    assert score("gad7", {f"q{n}": 0 for n in range(1, 8)} | {"difficulty": 3}).total == 0


def test_gad7_prorates_up_to_two_missing_items() -> None:
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": None, "q7": None}
    result = score("gad7", answers)
    assert (result.status, result.total, result.band) == ("scored_prorated", 4, "minimal")  # 3 x 7 / 5 = 4.2
    assert result.details["gad2"] == 2


def test_gad7_with_three_missing_items_is_not_scored() -> None:
    answers = {"q1": 3, "q2": 3, "q3": 3, "q4": 3, "q5": None, "q6": None, "q7": None}
    assert score("gad7", answers).status == "not_scored_too_many_missing"


# STarT Back, ORT-OUD, DN4, PROMIS


def test_start_back_bothersomeness_scores_only_very_much_and_extremely() -> None:
    base = {f"q{number}": 0 for number in range(1, 9)}
    assert [score("start_back", base | {"q9": value}).total for value in range(5)] == [0, 0, 0, 1, 1]


def test_start_back_is_not_scored_with_a_missing_item() -> None:
    assert score("start_back", {"q1": 1}).status == "not_scored_missing_item"


def test_ort_oud_is_not_scored_when_an_item_is_unanswered() -> None:
    result = score("ort_oud", {"fam_alcohol": True, "pers_rx": True, "pers_alcohol": True})
    assert result.status == "not_scored_missing_item"


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2009, 6, 1), True),
        (date(2009, 6, 2), False),
        (date(1979, 6, 2), True),
        (date(1979, 6, 1), False),
    ],
)
def test_ort_age_item_is_derived_from_the_date_of_birth_inclusive(born: date, expected: bool) -> None:
    assert ort_oud.is_age_16_to_45(born, on=date(2025, 6, 1)) is expected


def test_ort_age_item_is_not_asked_of_the_patient() -> None:
    assert not get_instrument("ort_oud").item("age_16_45").ask_patient


def test_dn4_interview_needs_every_item() -> None:
    assert score("dn4_interview", {"burning": True}).status == "not_scored_missing_item"


def test_promis_table_covers_every_raw_sum() -> None:
    assert sorted(promis_pi_4a.RAW_TO_T_SCORE) == list(range(4, 21))


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (6, "within_normal_limits"),
        (7, "within_normal_limits"),
        (11, "mild"),
        (12, "moderate"),
        (18, "moderate"),
        (19, "severe"),
    ],
)
def test_promis_bands_on_the_t_score(raw: int, band: str) -> None:
    values = [5] * ((raw - 4) // 4) + [1 + (raw - 4) % 4]
    answers = dict(zip(promis_pi_4a.ITEM_KEYS, values + [1] * (4 - len(values)), strict=True))
    result = score("promis_pi_4a", answers)
    assert result.details["raw"] == raw
    assert result.band == band


def test_promis_is_not_scored_with_a_missing_item() -> None:
    result = score("promis_pi_4a", {"PAININ9": 3, "PAININ22": 3, "PAININ31": 3})
    assert result == ScoreResult(status=ScoreStatus.NOT_SCORED_MISSING_ITEM)


# Licensed wording


def test_placeholder_wording_file_is_valid_for_every_licensed_instrument() -> None:
    wording = load_licensed_wording(WORDING_FILE)
    assert set(wording) == LICENSED
    assert wording["odi"].items["s1"].options[0] == "ODI section 1 statement 0 (placeholder)"


def write_wording(tmp_path: Path, change: Any) -> Path:
    data = json.loads(WORDING_FILE.read_text())
    change(data)
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data))
    return path


def test_wording_file_missing_an_instrument_is_refused(tmp_path: Path) -> None:
    path = write_wording(tmp_path, lambda data: data.pop("ndi"))
    with pytest.raises(LicensedWordingError, match="missing instrument 'ndi'"):
        load_licensed_wording(path)


def test_wording_file_missing_an_item_is_refused(tmp_path: Path) -> None:
    path = write_wording(tmp_path, lambda data: data["odi"]["items"].pop("s8"))
    with pytest.raises(LicensedWordingError, match="odi: missing item 's8'"):
        load_licensed_wording(path)


def test_wording_file_with_wrong_option_count_is_refused(tmp_path: Path) -> None:
    path = write_wording(tmp_path, lambda data: data["ndi"]["items"]["q3"]["options"].pop())
    with pytest.raises(LicensedWordingError, match="ndi item 'q3': expected 6 options, got 5"):
        load_licensed_wording(path)


def test_wording_file_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path = write_wording(tmp_path, lambda data: data["dn4"].update(titel="DN4"))
    with pytest.raises(LicensedWordingError, match="dn4: unknown field 'titel'"):
        load_licensed_wording(path)


def test_wording_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    def break_twice(data: dict[str, Any]) -> None:
        data["odi"]["version"] = ""
        data["dn4_interview"]["items"]["itching"]["text"] = 7

    with pytest.raises(LicensedWordingError) as raised:
        load_licensed_wording(write_wording(tmp_path, break_twice))
    assert raised.value.problems == (
        "odi: 'version' must be a non-empty string",
        "dn4_interview item 'itching': 'text' must be a non-empty string",
    )


def test_wording_file_that_is_not_json_or_not_there_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(LicensedWordingError, match="not valid UTF-8 JSON"):
        load_licensed_wording(broken)
    with pytest.raises(LicensedWordingError, match="cannot be read"):
        load_licensed_wording(tmp_path / "absent.json")


@pytest.mark.usefixtures("configured_settings")
def test_licensed_instruments_are_not_offered_without_a_wording_file() -> None:
    with override_settings(INSTRUMENT_WORDING_FILE=None):
        assert set(available_instruments()) == set(INSTRUMENTS) - LICENSED
        assert "INSTRUMENT_WORDING_FILE" in str(instrument_unavailable_reason("odi"))
        assert instrument_unavailable_reason("phq9") is None
        with pytest.raises(LicensedWordingError):
            worded_instrument("ndi")


@pytest.mark.usefixtures("configured_settings")
def test_licensed_instruments_are_scored_without_a_wording_file() -> None:
    with override_settings(INSTRUMENT_WORDING_FILE=None):
        assert score("odi", odi_answers()).total == 40.0


@pytest.mark.usefixtures("configured_settings")
def test_licensed_instruments_are_offered_with_their_wording_from_the_file() -> None:
    with override_settings(INSTRUMENT_WORDING_FILE=str(WORDING_FILE)):
        assert set(available_instruments()) == set(INSTRUMENTS)
        assert instrument_unavailable_reason("dn4_interview") is None
        odi = worded_instrument("odi")
    assert odi.item("s10").text == "ODI section 10 (placeholder)"
    assert [option.value for option in odi.item("s10").options] == list(range(6))
    assert odi.item("s10").options[5].label == "ODI section 10 statement 5 (placeholder)"
    assert odi.copyright_notice == "ODI copyright notice (placeholder)"
    assert odi.wording_version
    assert odi.title == get_instrument("odi").title


@pytest.mark.usefixtures("configured_settings")
def test_an_invalid_wording_file_says_why_the_instruments_are_not_offered(tmp_path: Path) -> None:
    path = write_wording(tmp_path, lambda data: data.pop("dn4"))
    with override_settings(INSTRUMENT_WORDING_FILE=str(path)):
        assert "missing instrument 'dn4'" in str(instrument_unavailable_reason("odi"))
        assert "odi" not in available_instruments()
