"""Answers on one step that another step contradicts. The patient is asked to confirm; until they do,
the safety screen takes the safer reading (the injection or the device counts)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from clinic.core.clinical.procedure_safety import DEVICES_BY_KEY, devices_named_in

# Injection kinds on the Treatments step that give a steroid (a medial branch block and RFA do not).
STEROID_INJECTION_KINDS = frozenset({"epidural_steroid", "facet_joint", "sacroiliac_joint", "joint"})
RECENT_STEROID_INJECTION = "recent_steroid_injection"
DEVICE_NOT_DECLARED = "device_not_declared"


@dataclass(frozen=True)
class Contradiction:
    code: str
    # The history field the question sits next to.
    field: str
    message: str
    # What the safer reading adds to the screen.
    devices: tuple[str, ...] = ()


def recent_steroid_injections(treatments: Mapping, *, today: date, months: int) -> list[dict]:
    """Steroid injections on the Treatments step dated (month and year) within `months` of today."""
    first_month = today.year * 12 + today.month - 1 - months
    recent = []
    for row in treatments.get("injections", []):
        when = str(row.get("date") or "")
        if row.get("kind") not in STEROID_INJECTION_KINDS or len(when) < 7:
            continue
        try:
            year, month = int(when[:4]), int(when[5:7])
        except ValueError:
            continue
        if year * 12 + month - 1 >= first_month:
            recent.append(row)
    return recent


def devices_named(history: Mapping, treatments: Mapping) -> list[str]:
    """Device keys named in the patient's own words (history text, surgeries), in table order."""
    texts = [str(value) for value in history.values() if isinstance(value, str)]
    texts += [str(row.get("procedure", "")) for row in treatments.get("surgeries", [])]
    return devices_named_in(texts)


def find_contradictions(
    *, history: Mapping, treatments: Mapping, today: date, months: int
) -> list[Contradiction]:
    found = []
    injections = recent_steroid_injections(treatments, today=today, months=months)
    if injections and RECENT_STEROID_INJECTION not in history.get("other_concerns", []):
        found.append(
            Contradiction(
                RECENT_STEROID_INJECTION,
                "other_concerns",
                str(
                    _(
                        "On the Treatments page you listed a steroid injection in %(month)s, in the last "
                        "%(months)s months. Please tick “recent steroid injection” here, or confirm "
                        "below that your answers are right."
                    )
                    % {"month": injections[0]["date"], "months": months}
                ),
            )
        )
    named = devices_named(history, treatments)
    if named and not history.get("devices"):
        found.append(
            Contradiction(
                DEVICE_NOT_DECLARED,
                "devices",
                str(
                    _(
                        "You mentioned %(device)s, but ticked no implanted device. Please tick it here, "
                        "or confirm below that you have no implanted device."
                    )
                    % {"device": DEVICES_BY_KEY[named[0]].patient_label}
                ),
                devices=tuple(named),
            )
        )
    return found
