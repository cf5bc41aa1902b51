"""System checks (`manage.py check`) for settings that fail silently at the worst moment."""

from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from .ratelimits import RATE_PATTERN, LimitedAction, rate_of
from .roles import ALERTS, ESCALATIONS, staff_recipients


def alert_recipients_state() -> dict[str, str]:
    """ "ok" or "none" for the alert and the escalation lists; "unknown" without a database."""
    try:
        return {
            "alert_recipients": "ok" if staff_recipients(ALERTS) else "none",
            "escalation_recipients": "ok" if staff_recipients(ESCALATIONS) else "none",
        }
    except DatabaseError:
        return {"alert_recipients": "unknown", "escalation_recipients": "unknown"}


@register()
def check_staff_alert_recipients(app_configs, **kwargs) -> list[Warning]:
    state = alert_recipients_state()
    warnings = []
    if state["alert_recipients"] == "none":
        warnings.append(
            Warning(
                "No staff alert recipient with an email address: red-flag and PHQ-9 item 9 alerts "
                "reach nobody.",
                hint="Set CLINIC_ALERT_EMAILS, or give an active Clinician an email address.",
                id="clinic.W001",
            )
        )
    if state["escalation_recipients"] == "none":
        warnings.append(
            Warning(
                "No escalation recipient with an email address: unacknowledged alerts are only re-sent to "
                "the alert recipients.",
                hint="Set CLINIC_ESCALATION_EMAILS, or give an active Clinic administrator an email address.",
                id="clinic.W002",
            )
        )
    return warnings


@register()
def check_rate_limits(app_configs, **kwargs) -> list[Error]:
    """A rate that django-ratelimit cannot read would stop the limited page at the first request."""
    errors = []
    for action in LimitedAction:
        for per in ("per_address", "per_email"):
            rate = rate_of(action, per)
            if rate and not RATE_PATTERN.match(rate):
                errors.append(
                    Error(
                        f"The rate limit {rate!r} for {action} {per.replace('_', ' ')} is not a rate.",
                        hint=f"Set RATE_LIMIT_{action.upper()}_{per.upper()} to a count per period such as "
                        "5/h or 10/15m (s, m, h, d), or to nothing to turn it off.",
                        id="clinic.E001",
                    )
                )
    return errors
