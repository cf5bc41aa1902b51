"""The eight steps of the intake, in order (DESIGN.md §1.1), then review and consent."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    # Long steps get Save/Continue controls at the top as well as the bottom.
    long: bool = False


STEPS: tuple[Step, ...] = (
    Step("about", _("About you")),
    Step("insurance", _("Insurance")),
    Step("pain", _("Your pain"), long=True),
    Step("treatments", _("Treatments so far")),
    Step("medications", _("Medications and allergies"), long=True),
    Step("history", _("Health history"), long=True),
    Step("questionnaires", _("Questionnaires"), long=True),
    Step("goals", _("Goals of care")),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def step_index(slug: str) -> int:
    return STEP_SLUGS.index(slug)


def next_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def previous_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index - 1] if index > 0 else None
