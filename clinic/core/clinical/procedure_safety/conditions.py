"""The other yes/no safety questions of the spec's section 11c; a yes raises a flag for clinician review."""

from collections.abc import Mapping
from typing import Final

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
