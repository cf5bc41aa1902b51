"""The screen: staff-facing flags and patient-facing preparation, and what each flag means for booking."""

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from clinic.core.clinical import medicines
from clinic.core.clinical.evidence import Evidence
from clinic.core.clinical.medicines import DrugClass

from .allergies import (
    _NOT_A_CONTRAST_RISK_FACTOR_FINDER,
    ALLERGY_CATEGORIES,
    NOT_A_CONTRAST_RISK_FACTOR,
    AllergyCategory,
    is_denial,
    recognise_allergy,
)
from .antithrombotics import (
    DRUGS_BY_KEY,
    UNVERIFIED_ROW_WARNING,
    Drug,
    DrugMatch,
    recognise_medications,
    table_drug,
)
from .conditions import (
    BLEEDING_HISTORY,
    COAGULATION_TESTS_SUGGESTED,
    INFECTION_DEFERRAL,
    INFECTION_DEFERRAL_CODE,
    INFECTION_SIGNS,
    OTHER_CONCERNS,
    PREGNANCY_POLICY,
    RENAL_OR_HEPATIC_DISEASE,
    SEDATION_QUESTIONS,
    STEROID_GLUCOSE_COUNSELLING,
)
from .devices import (
    DEVICE_RADIOFREQUENCY_REVIEW,
    DEVICES_BY_KEY,
    IMPLANTED_DEVICES,
    SCS_CANDIDATE_PROCEDURES,
    SCS_CANDIDATE_REVIEW,
)
from .preparation import (
    BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS,
    DIABETES_GLUCOSE_RISE,
    INFECTION_REVIEW,
    SEDATION_ESCORT_AND_FASTING,
    TELL_US_ABOUT_CHANGES,
    PreparationInstruction,
)
from .procedures import (
    PROCEDURES_BY_KEY,
    RISK_RAISING_PATIENT_FACTORS,
    BleedingRisk,
    _known_keys,
    _known_procedure,
    procedure_bleeding_risk,
)


@dataclass(frozen=True)
class SafetyFlag:
    code: str
    # Staff-facing.
    label: str
    detail: str | None = None


@dataclass(frozen=True)
class SafetyScreen:
    flags: list[SafetyFlag]
    instructions: list[PreparationInstruction]
    medications: list[DrugMatch]
    # None when no procedure was given.
    bleeding_risk: BleedingRisk | None

    @property
    def flag_codes(self) -> set[str]:
        return {flag.code for flag in self.flags}

    @property
    def needs_clinician_review(self) -> bool:
        return bool(self.flags)

    @property
    def should_defer(self) -> bool:
        return INFECTION_DEFERRAL_CODE in self.flag_codes


# Stored with every screen result (clinic.SafetyScreenRecord): raise it whenever a change in this
# package could change a result, so that staff can tell which rules produced a stored screen.
RULES_VERSION: Final = "2026-12-02.2"

BLOOD_THINNER_UNNAMED_CODE: Final = "blood_thinner_unnamed"
BLOOD_THINNER_CONTRADICTION_CODE: Final = "blood_thinner_contradiction"
MEDICINE_NOT_RECOGNISED_CODE: Final = "medication_not_recognised"
_BLOOD_THINNER_ANSWERS_TO_CHECK: Final = frozenset({"yes", "not_sure"})
ANTITHROMBOTIC_CLASSES: Final = frozenset({DrugClass.ANTICOAGULANT, DrugClass.ANTIPLATELET})


class Decision(enum.StrEnum):
    """What a flag means for booking a procedure: defer it, have a clinician look, or just know."""

    DEFER = "defer"
    REVIEW = "review"
    NOTE = "note"


_NOTE_CODES: Final = frozenset({"breastfeeding", "diabetes", "opioids", "sedation:planned"})


def flag_decision(code: str) -> Decision:
    """The decision kind of a flag code. Antithrombotics, infection, possible pregnancy and the
    device/radiofrequency review defer a procedure until a clinician has confirmed it can go ahead."""
    if code in {INFECTION_DEFERRAL_CODE, "pregnancy_possible", "device_radiofrequency_review"}:
        return Decision.DEFER
    if code == BLOOD_THINNER_UNNAMED_CODE:
        return Decision.DEFER
    if code.startswith("drug:"):
        key = code.removeprefix("drug:")
        drug = DRUGS_BY_KEY.get(key) or table_drug(key)
        return (
            Decision.DEFER if drug is None or drug.drug_class in ANTITHROMBOTIC_CLASSES else Decision.REVIEW
        )
    if code in _NOTE_CODES or code.startswith("infection:"):
        return Decision.NOTE
    return Decision.REVIEW


def procedure_defer_reasons(
    flags: Sequence[Mapping[str, str]], *, procedure: str | None
) -> list[dict[str, str]]:
    """The stored flags that stop a procedure being booked without a clinician's override.

    `flags` are stored flag rows ({"code", "label", "detail", "decision"}). The device review applies
    only when the procedure uses radiofrequency; with no procedure given it applies (conservative).
    """
    uses_radiofrequency = procedure is None or _known_procedure(procedure).uses_radiofrequency
    reasons = []
    for flag in flags:
        code = str(flag.get("code", ""))
        if flag_decision(code) != Decision.DEFER:
            continue
        if code == "device_radiofrequency_review" and not uses_radiofrequency:
            continue
        reasons.append({"code": code, "label": str(flag.get("label", code))})
    has_device = any(str(flag.get("code", "")).startswith("device:") for flag in flags)
    if (
        has_device
        and uses_radiofrequency
        and not any(r["code"] == "device_radiofrequency_review" for r in reasons)
    ):
        reasons.append({"code": "device_radiofrequency_review", "label": DEVICE_RADIOFREQUENCY_REVIEW})
    return reasons


_PREGNANCY_ANSWERS: Final[Mapping[bool | str | None, bool]] = {
    True: True,
    "yes": True,
    # "Is there any chance you could be pregnant?": not sure is a chance.
    "not_sure": True,
    False: False,
    "no": False,
    None: False,
}


def screen(
    *,
    procedure: str | None = None,
    risk_raising_factors: Collection[str] = (),
    medications: Sequence[str] = (),
    allergies: Sequence[str] = (),
    devices: Collection[str] = (),
    pacemaker_dependent: bool = False,
    pregnant: bool | str | None = None,
    breastfeeding: bool = False,
    diabetes: bool = False,
    insulin: bool = False,
    infection_signs: Collection[str] = (),
    bleeding_history: Collection[str] = (),
    sedation_planned: bool = False,
    sedation_answers: Collection[str] = (),
    other_concerns: Collection[str] = (),
    blood_thinner_answer: str | None = None,
    blood_thinner_listed_confirmed: bool = False,
    opioids: bool = False,
) -> SafetyScreen:
    """Staff-facing flags and patient-facing preparation for a procedure.

    `procedure` is a `PROCEDURES` key when known. `medications` and `allergies` are the patient's
    entries as written; `pregnant` is True/False/None or "yes"/"no"/"not_sure"; the other collections
    hold the keys of the questions answered yes. Unknown keys and answers raise ValueError.
    `blood_thinner_answer` is the answer to "do you take a blood thinner?" ("yes", "no", "not_sure"):
    a yes or not sure with no anticoagulant or antiplatelet recognised is flagged, whatever else is
    listed; a "no" with one listed is flagged as a contradiction unless the patient confirmed taking
    it (`blood_thinner_listed_confirmed`). The drug counts either way (the safer reading).
    """
    factors = _known_keys(risk_raising_factors, RISK_RAISING_PATIENT_FACTORS, "patient factor")
    bleeding_risk = (
        procedure_bleeding_risk(procedure, patient_factors=factors) if procedure is not None else None
    )
    drug_matches = _unique_drugs(medications)
    signs = _known_keys(infection_signs, INFECTION_SIGNS, "infection sign")
    bleeding = _known_keys(bleeding_history, BLEEDING_HISTORY, "bleeding-history answer")

    flags = [
        SafetyFlag(f"drug:{m.drug.key}", m.drug.staff_label, _hold_detail(m.drug, bleeding_risk))
        for m in drug_matches
    ]
    flags += _blood_thinner_flags(
        blood_thinner_answer, drug_matches, listed_confirmed=blood_thinner_listed_confirmed
    )
    unread = _medicines_to_check(medications)
    if unread:
        flags.append(
            SafetyFlag(MEDICINE_NOT_RECOGNISED_CODE, "Medicine not recognised: check", "; ".join(unread))
        )
    flags += _allergy_flags(allergies)
    flags += _device_flags(procedure, devices, pacemaker_dependent=pacemaker_dependent)
    if _pregnancy_possible(pregnant):
        flags.append(SafetyFlag("pregnancy_possible", "Possible pregnancy (fluoroscopy)", PREGNANCY_POLICY))
    if breastfeeding:
        flags.append(SafetyFlag("breastfeeding", "Breastfeeding"))
    if diabetes:
        label = "Diabetes (on insulin)" if insulin else "Diabetes"
        flags.append(SafetyFlag("diabetes", label, STEROID_GLUCOSE_COUNSELLING))
    flags += [SafetyFlag(f"infection:{key}", INFECTION_SIGNS[key]) for key in signs]
    if signs:
        flags.append(SafetyFlag(INFECTION_DEFERRAL_CODE, INFECTION_DEFERRAL))
    flags += [SafetyFlag(f"bleeding:{key}", BLEEDING_HISTORY[key]) for key in bleeding]
    flags += [
        SafetyFlag(
            f"risk_factor:{key}",
            RISK_RAISING_PATIENT_FACTORS[key],
            "Moves the procedure up a bleeding-risk class",
        )
        for key in factors
    ]
    if RENAL_OR_HEPATIC_DISEASE.intersection([*bleeding, *factors]):
        flags.append(SafetyFlag("consider_coagulation_tests", COAGULATION_TESTS_SUGGESTED))
    if sedation_planned:
        flags.append(SafetyFlag("sedation:planned", "Sedation planned"))
    flags += [
        SafetyFlag(f"sedation:{key}", SEDATION_QUESTIONS[key])
        for key in _known_keys(sedation_answers, SEDATION_QUESTIONS, "sedation answer")
    ]
    flags += [
        SafetyFlag(f"other:{key}", OTHER_CONCERNS[key])
        for key in _known_keys(other_concerns, OTHER_CONCERNS, "other concern")
    ]

    if opioids:
        flags.append(SafetyFlag("opioids", "Takes opioid pain medicine"))

    instructions = [TELL_US_ABOUT_CHANGES]
    if drug_matches or blood_thinner_answer in _BLOOD_THINNER_ANSWERS_TO_CHECK:
        instructions.append(BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS)
    if sedation_planned:
        instructions.append(SEDATION_ESCORT_AND_FASTING)
    if diabetes:
        instructions.append(DIABETES_GLUCOSE_RISE)
    if signs:
        instructions.append(INFECTION_REVIEW)
    return SafetyScreen(
        flags=flags, instructions=instructions, medications=drug_matches, bleeding_risk=bleeding_risk
    )


def _blood_thinner_flags(
    answer: str | None, drug_matches: Sequence[DrugMatch], *, listed_confirmed: bool
) -> list[SafetyFlag]:
    """A yes or not sure with no blood thinner recognised, and a no with one listed (unconfirmed)."""
    flags = []
    listed = [m for m in drug_matches if m.drug_class in ANTITHROMBOTIC_CLASSES]
    if answer in _BLOOD_THINNER_ANSWERS_TO_CHECK and not listed:
        said = "yes" if answer == "yes" else "not sure"
        flags.append(
            SafetyFlag(
                BLOOD_THINNER_UNNAMED_CODE,
                f"Blood thinner: answered {said}, none recognised: check",
                "Ask which blood thinner, its dose and the prescriber",
            )
        )
    if answer == "no" and listed and not listed_confirmed:
        flags.append(
            SafetyFlag(
                BLOOD_THINNER_CONTRADICTION_CODE,
                "Lists a blood thinner but answered no blood thinner (not confirmed)",
                ", ".join(m.matched_name for m in listed),
            )
        )
    return flags


def _medicines_to_check(medications: Sequence[str]) -> list[str]:
    """What staff must check by hand: names read only through a typo, and words not read at all."""
    notes = []
    for entry in medications:
        reading = medicines.read_medicine(entry)
        notes += [
            f"{f.as_typed} read as {f.generic}"
            for f in reading.findings
            if f.status == medicines.Status.NEAR_MATCH
        ]
        notes += [f"{word}: not recognised" for word in reading.unread_words]
    return notes


def _pregnancy_possible(answer: bool | str | None) -> bool:
    if not isinstance(answer, bool | str | None) or answer not in _PREGNANCY_ANSWERS:
        raise ValueError(f"Invalid pregnancy answer {answer!r}")
    return _PREGNANCY_ANSWERS[answer]


def _unique_drugs(medications: Sequence[str]) -> list[DrugMatch]:
    matches: dict[str, DrugMatch] = {}
    for entry in medications:
        for match in recognise_medications(entry):
            matches.setdefault(match.drug.key, match)
    return list(matches.values())


def _hold_detail(drug: Drug, risk: BleedingRisk | None) -> str | None:
    """The table's row for the procedure's risk class, for staff."""
    if risk is None:
        return None
    parts = []
    for row in drug.hold_guidance:
        cells = [f"{risk} risk: {row.before(risk) or '-'}", f"restart: {row.restart or '-'}"]
        if row.note:
            cells.append(row.note)
        if row.status == Evidence.UNVERIFIED:
            cells.append(UNVERIFIED_ROW_WARNING)
        text = "; ".join(cells)
        parts.append(f"{row.applies_to}: {text}" if row.applies_to else text)
    return f"Staff reference ({drug.generic}): " + " | ".join(parts)


def _allergy_flags(allergies: Sequence[str]) -> list[SafetyFlag]:
    flags: dict[str, SafetyFlag] = {}
    for entry in allergies:
        categories = recognise_allergy(entry)
        for category in ALLERGY_CATEGORIES:
            if category.key in categories:
                flags.setdefault(category.key, _allergy_flag(category))
        if not categories and entry.strip() and not is_denial(entry):
            detail = NOT_A_CONTRAST_RISK_FACTOR if _NOT_A_CONTRAST_RISK_FACTOR_FINDER.find(entry) else None
            flags[f"other:{entry.strip()}"] = SafetyFlag("allergy:other", f"Allergy: {entry.strip()}", detail)
    return list(flags.values())


def _allergy_flag(category: AllergyCategory) -> SafetyFlag:
    detail = (
        "Record the agent, the reaction and its severity; a prior reaction to the same contrast class is "
        "the strongest risk factor"
        if category.key == "iodinated_contrast"
        else None
    )
    return SafetyFlag(f"allergy:{category.key}", category.staff_label, detail)


def _device_flags(
    procedure: str | None, devices: Collection[str], *, pacemaker_dependent: bool
) -> list[SafetyFlag]:
    present = _known_keys(devices, DEVICES_BY_KEY, "device")
    flags = []
    for device in IMPLANTED_DEVICES:
        if device.key in present:
            label = device.staff_label
            if device.key == "pacemaker" and pacemaker_dependent:
                label = "Pacemaker (pacemaker-dependent)"
            flags.append(SafetyFlag(f"device:{device.key}", label, "Record the manufacturer and model"))
    # Unknown procedure: the device review is raised rather than missed.
    if present and (procedure is None or PROCEDURES_BY_KEY[procedure].uses_radiofrequency):
        flags.append(SafetyFlag("device_radiofrequency_review", DEVICE_RADIOFREQUENCY_REVIEW))
    if procedure in SCS_CANDIDATE_PROCEDURES:
        flags.append(SafetyFlag("scs_candidate_review", SCS_CANDIDATE_REVIEW))
    return flags
