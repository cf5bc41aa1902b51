"""Checks (`manage.py check`) of the intake's configuration: told to administrators, not on staff pages."""

from django.core.checks import Info, register

from .instruments.licensed import LICENSED_CODES, SETTING_NAME, instrument_unavailable_reason
from .instruments.registry import INSTRUMENTS


@register()
def check_licensed_wording(app_configs, **kwargs) -> list[Info]:
    """The licensed questionnaires (ODI, NDI, DN4) are not offered to patients without their wording."""
    reasons = {code: instrument_unavailable_reason(code) for code in LICENSED_CODES}
    unavailable = [code for code, reason in reasons.items() if reason]
    if not unavailable:
        return []
    return [
        Info(
            f"Not offered to patients: {', '.join(str(INSTRUMENTS[code].title) for code in unavailable)}. "
            f"{reasons[unavailable[0]]}",
            hint=f"Set {SETTING_NAME} to the clinic's licensed wording file "
            "(check it with `manage.py check_instrument_wording`), or leave it empty to go without them.",
            id="intake.I001",
        )
    ]
