"""Procedure bleeding-risk class (the spec's section 11a)."""

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final

from clinic.core.clinical.evidence import Evidence


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
