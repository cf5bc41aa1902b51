"""Pre-procedure safety screening (`docs/clinical/procedure-safety.md`).

The intake collects and flags; it never tells a patient to stop an antithrombotic drug. Holding
decisions are made by the proceduralist together with the prescriber, so the drug table here is staff
reference data and every patient-facing text defers to the prescribing doctor.

One module per section of the spec; the names the rest of the code uses are re-exported here.
"""

from clinic.core.clinical.medicines import DrugClass

from .allergies import (
    ALLERGY_CATEGORIES,
    ALLERGY_CATEGORIES_BY_KEY,
    NOT_A_CONTRAST_RISK_FACTOR,
    recognise_allergy,
)
from .antithrombotics import (
    ANTITHROMBOTIC_INDICATIONS,
    ANTITHROMBOTIC_TABLE,
    DRUGS_BY_KEY,
    drug_matches,
    recognise_medication,
    recognise_medications,
)
from .conditions import BLEEDING_HISTORY, INFECTION_SIGNS, OTHER_CONCERNS
from .devices import DEVICES_BY_KEY, IMPLANTED_DEVICES, devices_named_in
from .preparation import (
    BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS,
    DIABETES_GLUCOSE_RISE,
    INFECTION_REVIEW,
    PREPARATION_INSTRUCTIONS,
    SEDATION_ESCORT_AND_FASTING,
    TELL_US_ABOUT_CHANGES,
    preparation_instructions,
)
from .procedures import PROCEDURES, RISK_RAISING_PATIENT_FACTORS, BleedingRisk, procedure_bleeding_risk
from .screening import RULES_VERSION, Decision, SafetyScreen, flag_decision, procedure_defer_reasons, screen

__all__ = [
    "ALLERGY_CATEGORIES",
    "ALLERGY_CATEGORIES_BY_KEY",
    "ANTITHROMBOTIC_INDICATIONS",
    "ANTITHROMBOTIC_TABLE",
    "BLEEDING_HISTORY",
    "BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS",
    "BleedingRisk",
    "DEVICES_BY_KEY",
    "DIABETES_GLUCOSE_RISE",
    "DRUGS_BY_KEY",
    "Decision",
    "DrugClass",
    "IMPLANTED_DEVICES",
    "INFECTION_REVIEW",
    "INFECTION_SIGNS",
    "NOT_A_CONTRAST_RISK_FACTOR",
    "OTHER_CONCERNS",
    "PREPARATION_INSTRUCTIONS",
    "PROCEDURES",
    "RISK_RAISING_PATIENT_FACTORS",
    "RULES_VERSION",
    "SEDATION_ESCORT_AND_FASTING",
    "SafetyScreen",
    "TELL_US_ABOUT_CHANGES",
    "devices_named_in",
    "drug_matches",
    "flag_decision",
    "preparation_instructions",
    "procedure_bleeding_risk",
    "procedure_defer_reasons",
    "recognise_allergy",
    "recognise_medication",
    "recognise_medications",
    "screen",
]
