from django import template

from clinic.core.clinical import medicines

register = template.Library()


@register.inclusion_tag("intake/_medicine_names.html")
def medicine_names_datalist() -> dict:
    """A <datalist> of the classified drugs' names, so type-ahead works without JavaScript; intake.js
    adds the everyday medicines from the JSON list."""
    return {"names": medicines.classified_suggestion_names()}
