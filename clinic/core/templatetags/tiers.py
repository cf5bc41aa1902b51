"""Red-flag tiers as every page shows them: one set of words, one include per shape, one stylesheet
(static/css/tiers.css). Emergency and urgent are alarms (red, first, with what to do); a finding
"for the visit" is a note (neutral, after)."""

from django import template

from clinic.core.clinical.red_flags import (
    STAFF_ALERT_TIERS,
    TIER_ACTIONS,
    TIER_LABELS,
    TIERS_MOST_SEVERE_FIRST,
    Tier,
)

register = template.Library()


def tier_context(tier: str) -> dict:
    if tier not in set(Tier):
        return {"tier": None}
    tier = Tier(tier)
    return {
        "tier": tier.value,
        "label": TIER_LABELS[tier],
        "action": TIER_ACTIONS[tier],
        "alarm": tier in STAFF_ALERT_TIERS,
    }


@register.inclusion_tag("includes/tier_badge.html")
def tier_badge(tier: str) -> dict:
    """The highest tier of an intake or a referral, for a list row. Nothing for no flag."""
    return tier_context(tier)


@register.inclusion_tag("includes/red_flag_findings.html")
def red_flag_findings(flags: list[dict]) -> dict:
    """Stored findings ({"tier", "finding", "concern"}): one alarm box per alarm tier, most severe
    first, then the notes for the visit."""
    groups = []
    for tier in TIERS_MOST_SEVERE_FIRST:
        findings = [flag for flag in flags if flag.get("tier") == tier]
        if findings:
            groups.append({**tier_context(tier), "findings": findings})
    return {"alarms": [g for g in groups if g["alarm"]], "notes": [g for g in groups if not g["alarm"]]}
