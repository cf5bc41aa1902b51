"""Pre-procedure safety screening (`shared/clinical/procedure-safety.md`).

The intake collects and flags; it never tells a patient to stop an antithrombotic drug. Holding
decisions are made by the proceduralist together with the prescriber, so the drug table here is staff
reference data and every patient-facing text defers to the prescribing doctor.
"""

import enum
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clinic.core.clinical import medicines
from clinic.core.clinical.evidence import Evidence
from clinic.core.clinical.medicines import DrugClass
from clinic.core.clinical.phrases import PhraseFinder

# --- 11a. Procedure bleeding-risk class -------------------------------------------------------------


class BleedingRisk(enum.StrEnum):
    LOW = "low"
    INTERMEDIATE = "intermediate"
    HIGH = "high"


BLEEDING_RISK_LOWEST_FIRST: Final = (BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH)


@dataclass(frozen=True, kw_only=True)
class Procedure:
    key: str
    label: str
    bleeding_risk: BleedingRisk
    uses_radiofrequency: bool = False
    evidence: Evidence = Evidence.VERIFIED


# Narouze et al. 2018 (ASRA/ESRA/AAPM/INS/NANS/WIP).
PROCEDURES: Final[tuple[Procedure, ...]] = (
    Procedure(key="scs_trial_or_implant", label="SCS trial or implant", bleeding_risk=BleedingRisk.HIGH),
    Procedure(
        key="drg_stimulator_trial_or_implant",
        label="Dorsal root ganglion stimulator trial or implant",
        bleeding_risk=BleedingRisk.HIGH,
    ),
    Procedure(
        key="intrathecal_catheter_and_pump_implant",
        label="Intrathecal catheter and pump implant",
        bleeding_risk=BleedingRisk.HIGH,
    ),
    Procedure(
        key="vertebral_augmentation",
        label="Vertebral augmentation (vertebroplasty or kyphoplasty)",
        bleeding_risk=BleedingRisk.HIGH,
    ),
    Procedure(
        key="percutaneous_decompression_laminotomy",
        label="Percutaneous decompression laminotomy",
        bleeding_risk=BleedingRisk.HIGH,
    ),
    Procedure(
        key="epiduroscopy",
        label="Epiduroscopy",
        bleeding_risk=BleedingRisk.HIGH,
        evidence=Evidence.UNVERIFIED,
    ),
    Procedure(
        key="epidural_decompression",
        label="Epidural decompression",
        bleeding_risk=BleedingRisk.HIGH,
        evidence=Evidence.UNVERIFIED,
    ),
    Procedure(
        key="interlaminar_epidural_steroid_injection",
        label="Interlaminar epidural steroid injection",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="transforaminal_epidural_steroid_injection",
        label="Transforaminal epidural steroid injection",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="cervical_facet_medial_branch_block",
        label="Cervical facet medial branch block",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="cervical_facet_rfa",
        label="Cervical facet radiofrequency ablation",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
        uses_radiofrequency=True,
    ),
    Procedure(
        key="sympathetic_block",
        label="Sympathetic block (stellate, celiac, splanchnic, lumbar, hypogastric, impar)",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="trigeminal_ganglion_block",
        label="Trigeminal ganglion block",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="sphenopalatine_ganglion_block",
        label="Sphenopalatine ganglion block",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
    ),
    Procedure(
        key="intradiscal_procedure",
        label="Intradiscal procedure",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
        evidence=Evidence.UNVERIFIED,
    ),
    Procedure(
        key="paravertebral_block",
        label="Paravertebral block",
        bleeding_risk=BleedingRisk.INTERMEDIATE,
        evidence=Evidence.UNVERIFIED,
    ),
    Procedure(key="trigger_point_injection", label="Trigger point injection", bleeding_risk=BleedingRisk.LOW),
    Procedure(key="joint_injection", label="Joint injection", bleeding_risk=BleedingRisk.LOW),
    Procedure(
        key="sacroiliac_joint_injection",
        label="Sacroiliac joint injection",
        bleeding_risk=BleedingRisk.LOW,
        evidence=Evidence.UNVERIFIED,
    ),
    Procedure(
        key="lumbar_thoracic_facet_medial_branch_block",
        label="Lumbar or thoracic facet medial branch block",
        bleeding_risk=BleedingRisk.LOW,
    ),
    Procedure(
        key="lumbar_thoracic_facet_rfa",
        label="Lumbar or thoracic facet radiofrequency ablation",
        bleeding_risk=BleedingRisk.LOW,
        uses_radiofrequency=True,
    ),
    Procedure(key="peripheral_nerve_block", label="Peripheral nerve block", bleeding_risk=BleedingRisk.LOW),
    Procedure(
        key="peripheral_nerve_stimulator_trial_or_implant",
        label="Peripheral nerve stimulator trial or implant",
        bleeding_risk=BleedingRisk.LOW,
    ),
    Procedure(
        key="intrathecal_pump_replacement",
        label="Intrathecal pump replacement",
        bleeding_risk=BleedingRisk.LOW,
    ),
    Procedure(
        key="pulse_generator_replacement",
        label="Implantable pulse generator replacement",
        bleeding_risk=BleedingRisk.LOW,
    ),
)
PROCEDURES_BY_KEY: Final[Mapping[str, Procedure]] = {procedure.key: procedure for procedure in PROCEDURES}

# Any one of these moves a procedure up one bleeding-risk class. The spec sets no age for "older".
RISK_RAISING_PATIENT_FACTORS: Final[Mapping[str, str]] = {
    "older_age": "Older age",
    "coagulopathy": "Coagulopathy",
    "severe_liver_or_kidney_disease": "Severe liver or kidney disease",
    "prior_surgery_at_site": "Prior surgery at the site",
}


def procedure_bleeding_risk(procedure: str, *, patient_factors: Collection[str] = ()) -> BleedingRisk:
    """The procedure's bleeding-risk class, moved up one class if any risk-raising factor applies."""
    risk = _known_procedure(procedure).bleeding_risk
    if not _known_keys(patient_factors, RISK_RAISING_PATIENT_FACTORS, "patient factor"):
        return risk
    one_class_up = min(BLEEDING_RISK_LOWEST_FIRST.index(risk) + 1, len(BLEEDING_RISK_LOWEST_FIRST) - 1)
    return BLEEDING_RISK_LOWEST_FIRST[one_class_up]


# --- 11b. Antithrombotic medications ---------------------------------------------------------------


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


# --- 11c. Other safety questions: each a Yes/No, and a Yes raises a flag for clinician review ---------


@dataclass(frozen=True, kw_only=True)
class AllergyCategory:
    key: str
    staff_label: str
    patient_label: Promise
    # Words that name the category in a patient's own description.
    keywords: tuple[str, ...]


# Iodinated contrast agents (X-ray, CT, fluoroscopy), generic and brand names.
IODINATED_CONTRAST_AGENTS: Final = (
    "iohexol",
    "omnipaque",
    "iopamidol",
    "isovue",
    "iodixanol",
    "visipaque",
    "ioversol",
    "optiray",
    "iopromide",
    "ultravist",
    "iomeprol",
    "iomeron",
    "ioxilan",
    "oxilan",
    "ioxaglate",
    "hexabrix",
    "iothalamate",
    "conray",
    "cysto-conray",
    "diatrizoate",
    "gastrografin",
    "hypaque",
    "cystografin",
    "renografin",
    "iopentol",
    "imagopaque",
    "iobitridol",
    "xenetix",
    "ethiodized oil",
    "lipiodol",
)
# Gadolinium-based (MRI) contrast agents, generic and brand names.
GADOLINIUM_AGENTS: Final = (
    "gadobutrol",
    "gadavist",
    "gadovist",
    "gadoterate",
    "gadoteric acid",
    "dotarem",
    "clariscan",
    "gadoteridol",
    "prohance",
    "gadobenate",
    "multihance",
    "gadoxetate",
    "eovist",
    "primovist",
    "gadopentetate",
    "magnevist",
    "gadodiamide",
    "omniscan",
    "gadoversetamide",
    "optimark",
    "gadopiclenol",
    "elucirem",
    "vueway",
    "gadofosveset",
    "ablavar",
)

ALLERGY_CATEGORIES: Final[tuple[AllergyCategory, ...]] = (
    AllergyCategory(
        key="iodinated_contrast",
        staff_label="Contrast allergy (iodinated)",
        patient_label=_("Contrast dye used for X-rays or CT scans"),
        keywords=(
            "contrast",
            "iodinated contrast",
            "contrast dye",
            "contrast media",
            "x-ray dye",
            "xray dye",
            "ct dye",
            "ct contrast",
            "iv dye",
            "dye",
            "iodinated",
            "iodine contrast",
            "iodine dye",
            "iodinated dye",
            "cat scan dye",
            "angiogram dye",
            "cath dye",
            *IODINATED_CONTRAST_AGENTS,
        ),
    ),
    AllergyCategory(
        key="gadolinium",
        staff_label="Gadolinium allergy",
        patient_label=_("Gadolinium (contrast dye used for MRI scans)"),
        keywords=(
            "gadolinium",
            "gadolinium contrast",
            "gadolinium based contrast",
            "mri contrast",
            "mri dye",
            "mri contrast dye",
            "mri scan dye",
            "mri scan contrast",
            "contrast for mri",
            "dye for mri",
            *GADOLINIUM_AGENTS,
        ),
    ),
    AllergyCategory(
        key="local_anaesthetic",
        staff_label="Local anaesthetic allergy",
        patient_label=_("Local anaesthetics (numbing medicines such as lidocaine)"),
        keywords=(
            "local anaesthetic",
            "local anesthetic",
            "local anaesthesia",
            "local anesthesia",
            "lidocaine",
            "lignocaine",
            "xylocaine",
            "bupivacaine",
            "marcaine",
            "ropivacaine",
            "procaine",
            "novocaine",
            "novocain",
            "numbing medicine",
        ),
    ),
    AllergyCategory(
        key="corticosteroid",
        staff_label="Corticosteroid allergy",
        patient_label=_("Steroids (corticosteroids, such as cortisone)"),
        keywords=(
            "steroid",
            "corticosteroid",
            "cortisone",
            "triamcinolone",
            "kenalog",
            "methylprednisolone",
            "depo-medrol",
            "medrol",
            "dexamethasone",
            "betamethasone",
            "celestone",
            "prednisone",
            "prednisolone",
        ),
    ),
    AllergyCategory(
        key="latex",
        staff_label="Latex allergy",
        patient_label=_("Latex"),
        keywords=("latex", "rubber"),
    ),
    AllergyCategory(
        key="chlorhexidine_or_skin_preparation",
        staff_label="Chlorhexidine or skin preparation allergy",
        patient_label=_("Chlorhexidine or other skin cleaning solutions"),
        keywords=(
            "chlorhexidine",
            "hibiclens",
            "chloraprep",
            "povidone-iodine",
            "betadine",
            "skin prep",
            "skin preparation",
        ),
    ),
    AllergyCategory(
        key="adhesive",
        staff_label="Adhesive allergy",
        patient_label=_("Adhesives (tape, dressings)"),
        keywords=("adhesive", "tape", "band-aid", "bandaid"),
    ),
    AllergyCategory(
        key="antibiotic",
        staff_label="Antibiotic allergy",
        patient_label=_("Antibiotics"),
        keywords=(
            "antibiotic",
            "penicillin",
            "amoxicillin",
            "ampicillin",
            "cephalosporin",
            "cefazolin",
            "ancef",
            "cephalexin",
            "keflex",
            "sulfa",
            "vancomycin",
            "clindamycin",
        ),
    ),
)
ALLERGY_CATEGORIES_BY_KEY: Final[Mapping[str, AllergyCategory]] = {
    category.key: category for category in ALLERGY_CATEGORIES
}

# [V] "Shellfish or povidone-iodine allergy is not a contrast risk factor. Do not use the label
# 'iodine allergy'." So "iodine" alone names no category, and povidone-iodine is a skin preparation.
NOT_A_CONTRAST_RISK_FACTOR: Final = (
    "Shellfish or povidone-iodine allergy is not a contrast risk factor: ask what the reaction was to"
)
_NOT_A_CONTRAST_RISK_FACTOR_WORDS: Final = ("shellfish", "iodine", "seafood")
# Phrases that contain a keyword but name something else.
_ALLERGY_PHRASES_NAMING_NO_CATEGORY: Final = ("hair dye", "food dye", "food colouring dye")

_IGNORED = ""


def _allergy_phrases() -> dict[str, str]:
    phrases = dict.fromkeys(_ALLERGY_PHRASES_NAMING_NO_CATEGORY, _IGNORED)
    for category in ALLERGY_CATEGORIES:
        phrases.update(dict.fromkeys(category.keywords, category.key))
    return phrases


_ALLERGY_FINDER: Final = PhraseFinder(_allergy_phrases())
_NOT_A_CONTRAST_RISK_FACTOR_FINDER: Final = PhraseFinder(
    dict.fromkeys(_NOT_A_CONTRAST_RISK_FACTOR_WORDS, "not_a_contrast_risk_factor")
)


# A part of an entry that denies an allergy ("no known contrast allergy", "NKDA", "not allergic to
# dye", "denies latex allergy") names none, whatever substance it mentions.
_NEGATED_PART: Final = re.compile(
    r"^\W*(?:(?:i\s+am\s+|i'?m\s+)?(?:no|not|none|never|nil|denies|denied|without|nkda|nka|nkma)\b)"
    r"|\b(?:no|not|never|denies)\s+(?:known\s+)?(?:allerg|reaction|problem|issue)",
    re.IGNORECASE,
)
# Where one statement in an allergy entry ends and the next begins.
_ALLERGY_PARTS: Final = re.compile(r"[,;.\n]|\bbut\b|\bexcept\b", re.IGNORECASE)


_MRI: Final = re.compile(r"\bmri\b|\bmagnetic resonance\b", re.IGNORECASE)
_IODINATED_AGENT_FINDER: Final = PhraseFinder(dict.fromkeys(IODINATED_CONTRAST_AGENTS, "iodinated_contrast"))


def recognise_allergy(text: str) -> set[str]:
    """The keys of the allergy categories that `text` names (whole words, any case).

    A part of the entry that denies an allergy ("no known contrast allergy", "no allergy to dye",
    "NKDA") names none.
    """
    categories = set()
    for part in _ALLERGY_PARTS.split(text):
        if is_denial(part):
            continue
        found = {hit.target for hit in _ALLERGY_FINDER.find(part) if hit.target != _IGNORED}
        # "the dye they use for MRI": a contrast word in a part about MRI is gadolinium.
        if "iodinated_contrast" in found and _MRI.search(part) and not _IODINATED_AGENT_FINDER.find(part):
            found = (found - {"iodinated_contrast"}) | {"gadolinium"}
        categories |= found
    return categories


def is_denial(text: str) -> bool:
    """Whether an allergy entry (or a part of one) says there is no allergy."""
    return bool(_NEGATED_PART.search(text))


@dataclass(frozen=True, kw_only=True)
class Device:
    key: str
    staff_label: str
    patient_label: Promise


IMPLANTED_DEVICES: Final[tuple[Device, ...]] = (
    Device(key="pacemaker", staff_label="Pacemaker", patient_label=_("Pacemaker")),
    Device(
        key="icd_or_crt",
        staff_label="ICD or CRT",
        patient_label=_("Implanted defibrillator (ICD) or heart resynchronisation device (CRT)"),
    ),
    Device(
        key="loop_recorder", staff_label="Loop recorder", patient_label=_("Implanted heart loop recorder")
    ),
    Device(
        key="scs_drg_pns",
        staff_label="Neurostimulator (SCS/DRG/PNS)",
        patient_label=_("Spinal cord, dorsal root ganglion or peripheral nerve stimulator"),
    ),
    Device(
        key="intrathecal_pump", staff_label="Intrathecal pump", patient_label=_("Intrathecal (spinal) pump")
    ),
    Device(key="dbs", staff_label="Deep brain stimulator (DBS)", patient_label=_("Deep brain stimulator")),
    Device(
        key="vagal_nerve_stimulator",
        staff_label="Vagal nerve stimulator",
        patient_label=_("Vagal nerve stimulator"),
    ),
    Device(key="cochlear_implant", staff_label="Cochlear implant", patient_label=_("Cochlear implant")),
    Device(
        key="spinal_hardware",
        staff_label="Spinal hardware",
        patient_label=_("Metal in the spine from surgery (rods, screws, plates)"),
    ),
)
DEVICES_BY_KEY: Final[Mapping[str, Device]] = {device.key: device for device in IMPLANTED_DEVICES}

# Words a patient uses for an implanted device, by IMPLANTED_DEVICES key.
_DEVICE_WORDS: Final[Mapping[str, str]] = {
    "pacemaker": "pacemaker",
    "pace maker": "pacemaker",
    "defibrillator": "icd_or_crt",
    "icd": "icd_or_crt",
    "crt": "icd_or_crt",
    "loop recorder": "loop_recorder",
    "spinal cord stimulator": "scs_drg_pns",
    "nerve stimulator": "scs_drg_pns",
    "stimulator": "scs_drg_pns",
    "scs": "scs_drg_pns",
    "intrathecal pump": "intrathecal_pump",
    "pain pump": "intrathecal_pump",
    "morphine pump": "intrathecal_pump",
    "baclofen pump": "intrathecal_pump",
    "deep brain stimulator": "dbs",
    "vagal nerve stimulator": "vagal_nerve_stimulator",
    "vagus nerve stimulator": "vagal_nerve_stimulator",
    "cochlear implant": "cochlear_implant",
    "spinal fusion": "spinal_hardware",
    "fusion": "spinal_hardware",
    "rods": "spinal_hardware",
    "rod": "spinal_hardware",
    "screws": "spinal_hardware",
    "screw": "spinal_hardware",
    "hardware": "spinal_hardware",
}
_DEVICE_FINDER: Final = PhraseFinder(_DEVICE_WORDS)


def devices_named_in(texts: Sequence[str]) -> list[str]:
    """The IMPLANTED_DEVICES keys a patient names in their own words, in table order."""
    named = {hit.target for text in texts for hit in _DEVICE_FINDER.find(text) if not hit.followed_by_free}
    return [key for key in DEVICES_BY_KEY if key in named]


# [V] with the device-specific steps [U]: radiofrequency energy can interfere with implanted devices.
DEVICE_RADIOFREQUENCY_REVIEW: Final = (
    "Implanted device and radiofrequency energy: follow the ASPN 2023 guideline on RFA in patients with "
    "implanted devices and coordinate with cardiology or the device clinic"
)
# [D] For an SCS trial or implant.
SCS_CANDIDATE_REVIEW: Final = (
    "SCS candidate: compatibility review against any existing implants and MRI-conditionality review"
)
SCS_CANDIDATE_PROCEDURES: Final = frozenset({"scs_trial_or_implant"})

# [U] Any of these means: defer the procedure and have the clinician review.
INFECTION_SIGNS: Final[Mapping[str, str]] = {
    "current_fever": "Current fever",
    "on_antibiotics": "On antibiotics",
    "skin_infection_near_site": "Skin infection at or near the site",
    "recent_hospital_stay": "Recent hospital stay",
    "immunosuppression": "Immunosuppression",
}
INFECTION_DEFERRAL_CODE: Final = "infection_defer"
INFECTION_DEFERRAL: Final = "Possible infection: defer the procedure until a clinician has reviewed"

BLEEDING_HISTORY: Final[Mapping[str, str]] = {
    "bleeding_disorder": "Bleeding disorder",
    "easy_bruising": "Easy bruising",
    "liver_or_kidney_disease": "Liver or kidney disease",
    "low_platelets": "Low platelets",
}
# [V] ASRA 2018 suggests considering coagulation tests in patients with renal or hepatic disease.
COAGULATION_TESTS_SUGGESTED: Final = "Renal or hepatic disease: consider coagulation tests (ASRA 2018)"
RENAL_OR_HEPATIC_DISEASE: Final = frozenset({"liver_or_kidney_disease", "severe_liver_or_kidney_disease"})

# [U] Pregnancy-testing and deferral policy belongs to the clinic.
PREGNANCY_POLICY: Final = "Fluoroscopy: pregnancy testing and deferral follow clinic policy"

# [V] Even et al., Spine 2012; ISIS FactFinder.
STEROID_GLUCOSE_COUNSELLING: Final = (
    "Counsel: epidural steroids cause a transient rise in glucose (mean about 126 mg/dL, half-life 1.06 "
    "days, back to baseline in about 2 days; longer in susceptible patients, up to 2 weeks)"
)

# Asked only when sedation is planned.
SEDATION_QUESTIONS: Final[Mapping[str, str]] = {
    "osa_or_cpap": "Obstructive sleep apnoea or CPAP",
    "opioid_or_benzodiazepine_use": "Opioid or benzodiazepine use",
}

OTHER_CONCERNS: Final[Mapping[str, str]] = {
    "uncontrolled_hypertension": "Uncontrolled hypertension (steroid effects)",
    "heart_failure": "Heart failure (steroid effects)",
    "recent_steroid_injection": "Recent steroid injection: record its date and drug (cumulative dose)",
    "cannot_lie_prone": "Unable to lie prone",
}


# --- Patient-facing preparation for a procedure visit ----------------------------------------------


@dataclass(frozen=True)
class PreparationInstruction:
    code: str
    text: Promise


TELL_US_ABOUT_CHANGES: Final = PreparationInstruction(
    "tell_us_about_changes",
    _(
        "Before your procedure, tell us if there is any chance you could be pregnant, "
        "if you have a fever or an infection, or if you have started antibiotics."
    ),
)
# The intake never tells a patient to stop an antithrombotic drug.
BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS: Final = PreparationInstruction(
    "blood_thinners_only_as_prescriber_says",
    _(
        "Do not stop or change a blood thinner or any other medicine on your own. A blood thinner is "
        "stopped only if the doctor who prescribed it tells you to. Our clinician will plan any change "
        "together with your prescribing doctor."
    ),
)
# [U] Clinic policy.
SEDATION_ESCORT_AND_FASTING: Final = PreparationInstruction(
    "sedation_escort_and_fasting",
    _(
        "You are having sedation. A responsible adult must drive you home and stay with you on the way. "
        "Do not drive for the rest of the day. Follow the clinic’s instructions about eating and drinking "
        "before your procedure."
    ),
)
DIABETES_GLUCOSE_RISE: Final = PreparationInstruction(
    "diabetes_glucose_rise",
    _(
        "If your procedure includes a steroid injection, your blood sugar may rise for a short time "
        "afterwards, usually for about 2 days and sometimes longer."
    ),
)
INFECTION_REVIEW: Final = PreparationInstruction(
    "infection_review",
    _(
        "Because you told us about a possible infection, a clinician will review your answers before "
        "your procedure, and it may need to be moved to a later date."
    ),
)


PREPARATION_INSTRUCTIONS: Final[tuple[PreparationInstruction, ...]] = (
    TELL_US_ABOUT_CHANGES,
    BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS,
    SEDATION_ESCORT_AND_FASTING,
    DIABETES_GLUCOSE_RISE,
    INFECTION_REVIEW,
)


def preparation_instructions(
    codes: Collection[str], *, sedation_planned: bool
) -> list[PreparationInstruction]:
    """A procedure patient's preparation from a stored screen's instruction codes, in a fixed order.

    Every procedure patient is told to report changes and never to stop a blood thinner on their own
    (a patient may take one the screen does not know of); sedation follows the booking.
    """
    wanted = {*codes, TELL_US_ABOUT_CHANGES.code, BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS.code}
    if sedation_planned:
        wanted.add(SEDATION_ESCORT_AND_FASTING.code)
    else:
        wanted.discard(SEDATION_ESCORT_AND_FASTING.code)
    return [instruction for instruction in PREPARATION_INSTRUCTIONS if instruction.code in wanted]


# --- The screen ----------------------------------------------------------------------------------


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


# Stored with every screen result (clinic.SafetyScreenRecord): raise it whenever a change here could
# change a result, so that staff can tell which rules produced a stored screen.
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


def procedure_defer_reasons(flags: Sequence[Mapping[str, str]], *, procedure: str | None) -> list[dict]:
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
    if blood_thinner_answer in _BLOOD_THINNER_ANSWERS_TO_CHECK and not any(
        m.drug_class in ANTITHROMBOTIC_CLASSES for m in drug_matches
    ):
        answer = "yes" if blood_thinner_answer == "yes" else "not sure"
        flags.append(
            SafetyFlag(
                BLOOD_THINNER_UNNAMED_CODE,
                f"Blood thinner: answered {answer}, none recognised: check",
                "Ask which blood thinner, its dose and the prescriber",
            )
        )
    listed = [m for m in drug_matches if m.drug_class in ANTITHROMBOTIC_CLASSES]
    if blood_thinner_answer == "no" and listed and not blood_thinner_listed_confirmed:
        flags.append(
            SafetyFlag(
                BLOOD_THINNER_CONTRADICTION_CODE,
                "Lists a blood thinner but answered no blood thinner (not confirmed)",
                ", ".join(m.matched_name for m in listed),
            )
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


def _known_procedure(key: str) -> Procedure:
    try:
        return PROCEDURES_BY_KEY[key]
    except KeyError:
        raise ValueError(f"Unknown procedure {key!r}") from None


def _known_keys(keys: Collection[str], known: Mapping[str, object], what: str) -> list[str]:
    """`keys`, checked and in the order of `known`."""
    unknown = set(keys) - set(known)
    if unknown:
        raise ValueError(f"Unknown {what}(s): {', '.join(sorted(map(str, unknown)))}")
    return [key for key in known if key in keys]
