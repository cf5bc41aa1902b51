"""Template helpers for appointment emails and pages."""

from django import template

from clinic.clinical import procedure_safety

register = template.Library()

_INSTRUCTIONS = {
    instruction.code: instruction
    for instruction in (
        procedure_safety.TELL_US_ABOUT_CHANGES,
        procedure_safety.BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS,
        procedure_safety.SEDATION_ESCORT_AND_FASTING,
        procedure_safety.DIABETES_GLUCOSE_RISE,
        procedure_safety.INFECTION_REVIEW,
    )
}


@register.filter
def preparation_text(code: str) -> str:
    """The patient-facing text of a preparation instruction code from the safety module."""
    instruction = _INSTRUCTIONS.get(code)
    return str(instruction.text) if instruction else ""
