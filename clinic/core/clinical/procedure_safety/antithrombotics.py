"""Antithrombotic medications (the spec's section 11b): the staff hold table and the drugs a patient names."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from clinic.core.clinical import medicines
from clinic.core.clinical.evidence import Evidence
from clinic.core.clinical.medicines import DrugClass

from .procedures import BleedingRisk


@dataclass(frozen=True, kw_only=True)
class HoldGuidance:
    """One row of the staff reference table: the cells are the spec's text, read by staff only.

    `high_risk`, `intermediate_risk`, `low_risk`: the interval before a procedure of that class;
    `restart`: the interval after the procedure; None where the spec's cell is empty or a dash.
    """

    applies_to: str | None = None
    high_risk: str | None
    intermediate_risk: str | None
    low_risk: str | None
    restart: str | None
    note: str | None = None
    status: Evidence

    def before(self, risk: BleedingRisk) -> str | None:
        return {
            BleedingRisk.HIGH: self.high_risk,
            BleedingRisk.INTERMEDIATE: self.intermediate_risk,
            BleedingRisk.LOW: self.low_risk,
        }[risk]


@dataclass(frozen=True, kw_only=True)
class Drug:
    key: str
    generic: str
    brands: tuple[str, ...] = ()
    drug_class: DrugClass
    hold_guidance: tuple[HoldGuidance, ...]

    @property
    def staff_label(self) -> str:
        if self.generic == self.drug_class:
            return f"On {self.generic}"
        return f"On {self.generic} ({self.drug_class})"


# [U] The spec: "[U] rows must be checked against the 2018 Narouze tables before go-live."
UNVERIFIED_ROW_WARNING: Final = "Unverified: check against the 2018 Narouze tables before go-live"


def _row(
    high_risk: str | None,
    intermediate_risk: str | None,
    low_risk: str | None,
    restart: str | None,
    status: Evidence,
    *,
    applies_to: str | None = None,
    note: str | None = None,
) -> HoldGuidance:
    return HoldGuidance(
        applies_to=applies_to,
        high_risk=high_risk,
        intermediate_risk=intermediate_risk,
        low_risk=low_risk,
        restart=restart,
        note=note,
        status=status,
    )


def _drug(generic: str, brands: tuple[str, ...], drug_class: DrugClass, *rows: HoldGuidance) -> Drug:
    return Drug(key=generic, generic=generic, brands=brands, drug_class=drug_class, hold_guidance=rows)


def _nsaid(generic: str, brands: tuple[str, ...], high_risk: str) -> Drug:
    note = "NSAIDs: 5 half-lives for high-risk procedures only"
    return _drug(generic, brands, DrugClass.NSAID, _row(high_risk, "No", "No", "24 h", _V, note=note))


def _capture_only(key: str, generic: str, drug_class: DrugClass) -> Drug:
    note = "Capture them; ASRA 2018 gives supplement-specific advice for high-risk procedures"
    row = _row(None, None, None, None, _U, note=note)
    return Drug(key=key, generic=generic, drug_class=drug_class, hold_guidance=(row,))


_V = Evidence.VERIFIED
_U = Evidence.UNVERIFIED
_ANTICOAGULANT = DrugClass.ANTICOAGULANT
_ANTIPLATELET = DrugClass.ANTIPLATELET
_LMWH_RESTART = "12-24 h after intermediate/high; 4 h after low"
_INR = "normal INR"
_DABIGATRAN_HOLD = "4-5 days (6 days if renal impairment)"

# §11b row by row; the cells are: high risk, intermediate, low, restart, status. Aggrenox
# (aspirin/dipyridamole) is listed under aspirin, as in the spec; Lixiana is edoxaban outside the US.
ANTITHROMBOTIC_TABLE: Final[tuple[Drug, ...]] = (
    _drug(
        "aspirin",
        ("Bayer", "Ecotrin", "Excedrin", "Aggrenox"),
        _ANTIPLATELET,
        _row(
            "Primary prophylaxis: 6 days. Secondary prophylaxis: shared decision",
            "Shared decision",
            "No",
            "24 h",
            _V,
        ),
    ),
    _nsaid("ibuprofen", ("Advil", "Motrin"), "1 day"),
    _nsaid("diclofenac", ("Voltaren",), "1 day"),
    _nsaid("ketorolac", ("Toradol",), "1 day"),
    _nsaid("etodolac", (), "2 days"),
    _nsaid("indomethacin", ("Indocin",), "2 days"),
    _nsaid("naproxen", ("Aleve", "Naprosyn"), "4 days"),
    _nsaid("meloxicam", ("Mobic",), "4 days"),
    _nsaid("nabumetone", ("Relafen",), "6 days"),
    _nsaid("oxaprozin", ("Daypro",), "10 days"),
    _nsaid("piroxicam", ("Feldene",), "10 days"),
    _drug("cilostazol", ("Pletal",), _ANTIPLATELET, _row("2 days", "No", "No", "24 h", _V)),
    _drug("dipyridamole", ("Persantine",), _ANTIPLATELET, _row("2 days", "No", "No", None, _V)),
    _drug(
        "warfarin",
        ("Coumadin", "Jantoven"),
        _ANTICOAGULANT,
        _row(f"5 days, {_INR}", f"5 days, {_INR}", "No (shared decision)", "6 h", _V),
    ),
    _drug(
        "acenocoumarol",
        ("Sintrom",),
        _ANTICOAGULANT,
        _row(f"3 days, {_INR}", f"3 days, {_INR}", "No (shared decision)", "24 h", _V),
    ),
    _drug(
        "heparin",
        (),
        _ANTICOAGULANT,
        _row("6 h", "6 h", "6 h", "2 h", _V, applies_to="IV"),
        _row(
            "24 h",
            "6 h",
            "6 h",
            "6 h after high-risk; 2 h after low/intermediate",
            _V,
            applies_to="SC (BID/TID)",
        ),
    ),
    _drug(
        "enoxaparin",
        ("Lovenox",),
        _ANTICOAGULANT,
        _row("12 h", "12 h", "12 h", _LMWH_RESTART, _V, applies_to="prophylactic dose"),
        _row("24 h", "24 h", "24 h", _LMWH_RESTART, _V, applies_to="therapeutic dose"),
    ),
    _drug("dalteparin", ("Fragmin",), _ANTICOAGULANT, _row("24 h", "24 h", "24 h", _LMWH_RESTART, _V)),
    _drug("clopidogrel", ("Plavix",), _ANTIPLATELET, _row("7 days", "7 days", "No", "12-24 h", _U)),
    _drug("prasugrel", ("Effient",), _ANTIPLATELET, _row("7-10 days", "7-10 days", "No", "24 h", _U)),
    _drug("ticagrelor", ("Brilinta",), _ANTIPLATELET, _row("5 days", "5 days", "No", "24 h", _U)),
    _drug(
        "dabigatran",
        ("Pradaxa",),
        _ANTICOAGULANT,
        # The spec's intermediate cell says "same".
        _row(_DABIGATRAN_HOLD, _DABIGATRAN_HOLD, "shared decision", "24 h", _U),
    ),
    _drug(
        "rivaroxaban", ("Xarelto",), _ANTICOAGULANT, _row("3 days", "3 days", "shared decision", "24 h", _U)
    ),
    _drug(
        "apixaban", ("Eliquis",), _ANTICOAGULANT, _row("3-5 days", "3-5 days", "shared decision", "24 h", _U)
    ),
    _drug(
        "edoxaban",
        ("Savaysa", "Lixiana"),
        _ANTICOAGULANT,
        _row("3 days", "3 days", "shared decision", "24 h", _U),
    ),
    _drug(
        "fondaparinux",
        ("Arixtra",),
        _ANTICOAGULANT,
        _row("4 days", "4 days", "shared decision", "24 h", _U),
    ),
    _capture_only("ssri_snri", "SSRI/SNRI", DrugClass.SSRI_SNRI),
    _capture_only("fish_oil", "fish oil", DrugClass.SUPPLEMENT),
    _capture_only("vitamin_e", "vitamin E", DrugClass.SUPPLEMENT),
    _capture_only("ginkgo", "ginkgo", DrugClass.SUPPLEMENT),
    _capture_only("garlic", "garlic", DrugClass.SUPPLEMENT),
)
DRUGS_BY_KEY: Final[Mapping[str, Drug]] = {drug.key: drug for drug in ANTITHROMBOTIC_TABLE}

# What the intake captures with each antithrombotic drug, besides its dose and the prescriber's name
# and phone number.
ANTITHROMBOTIC_INDICATIONS: Final[Mapping[str, str]] = {
    "coronary_stent": "Coronary stent (and its date)",
    "atrial_fibrillation": "AF",
    "venous_thromboembolism": "VTE",
    "mechanical_valve": "Mechanical valve",
    "stroke_or_tia": "Stroke or TIA",
}


@dataclass(frozen=True)
class DrugMatch:
    drug: Drug
    # The name as the patient wrote it.
    matched_name: str
    # RECOGNISED, or NEAR_MATCH: read through a typo and not yet confirmed by the patient. Until it is,
    # the safety screen counts it: the safer reading.
    status: medicines.Status = medicines.Status.RECOGNISED

    @property
    def generic(self) -> str:
        return self.drug.generic

    @property
    def drug_class(self) -> DrugClass:
        return self.drug.drug_class


# Classified generics the spec's table lists under another key.
_TABLE_KEY_BY_GENERIC: Final[Mapping[str, str]] = {
    "fish oil": "fish_oil",
    "vitamin e": "vitamin_e",
}
NOT_IN_THE_TABLE: Final = "Not in the spec's hold table: ask the prescriber how long to hold it"


@functools.cache
def _drug_outside_the_table(generic: str, drug_class: DrugClass) -> Drug:
    row = _row(None, None, None, None, _U, note=NOT_IN_THE_TABLE)
    return Drug(key=generic, generic=generic, drug_class=drug_class, hold_guidance=(row,))


def table_drug(generic: str) -> Drug | None:
    """The table row (or, for a classified drug the table lacks, a row without hold guidance)."""
    principal = medicines.principal_generic(generic)
    if principal is None:
        return None
    drug_class = medicines.CLASSIFIED_GENERICS[principal]
    if drug_class == DrugClass.SSRI_SNRI:
        return DRUGS_BY_KEY["ssri_snri"]
    key = _TABLE_KEY_BY_GENERIC.get(principal, principal)
    return DRUGS_BY_KEY.get(key) or _drug_outside_the_table(principal, drug_class)


def drug_matches(reading: medicines.MedicineReading) -> list[DrugMatch]:
    """The classified drugs of one read entry, each once, in the order they appear."""
    matches: dict[str, DrugMatch] = {}
    for finding in reading.findings:
        drug = table_drug(finding.generic)
        if drug is not None and drug.key not in matches:
            matches[drug.key] = DrugMatch(drug, finding.as_typed, finding.status)
    return list(matches.values())


def recognise_medications(text: str) -> list[DrugMatch]:
    """The classified drugs named in `text` (exactly or as a near-match), in order, each once.

    Reading is `medicines.read_medicine`: any case, whatever surrounds the name ("Eliquis 5 mg twice
    daily"). A text that calls itself free of a drug ("Excedrin Aspirin Free", "aspirin-free") is not
    that drug, even where it also names one of its brands.
    """
    return drug_matches(medicines.read_medicine(text))


def recognise_medication(name: str) -> DrugMatch | None:
    """The first classified drug named in `name`, or None."""
    matches = recognise_medications(name)
    return matches[0] if matches else None
