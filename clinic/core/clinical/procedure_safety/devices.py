"""Implanted devices, and the words patients use for them (the spec's section 11c)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext_lazy as _

from clinic.core.clinical.phrases import PhraseFinder
from clinic.core.translated import StrPromise


@dataclass(frozen=True, kw_only=True)
class Device:
    key: str
    staff_label: str
    patient_label: StrPromise


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
