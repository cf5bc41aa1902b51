"""Allergies that matter for a procedure, read from a patient's own words (the spec's section 11c)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext_lazy as _

from clinic.core.clinical.phrases import PhraseFinder
from clinic.core.translated import StrPromise


@dataclass(frozen=True, kw_only=True)
class AllergyCategory:
    key: str
    staff_label: str
    patient_label: StrPromise
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
