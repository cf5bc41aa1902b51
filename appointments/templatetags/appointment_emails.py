"""Template helpers for appointment emails and pages."""

from django import template

from clinic.core.clinical import procedure_safety

register = template.Library()

_INSTRUCTIONS = {instruction.code: instruction for instruction in procedure_safety.PREPARATION_INSTRUCTIONS}


@register.filter
def preparation_text(code: str) -> str:
    """The patient-facing text of a preparation instruction code from the safety module."""
    instruction = _INSTRUCTIONS.get(code)
    return str(instruction.text) if instruction else ""
