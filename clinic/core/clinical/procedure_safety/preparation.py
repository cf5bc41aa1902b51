"""Patient-facing preparation for a procedure visit."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext_lazy as _

from clinic.core.translated import StrPromise


@dataclass(frozen=True)
class PreparationInstruction:
    code: str
    text: StrPromise


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
