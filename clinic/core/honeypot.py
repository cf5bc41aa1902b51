"""A honeypot field on the public forms: people never see it, form-filling robots fill it in.

The field is moved off the screen by a class of static/css/site.css (no inline style), hidden from
screen readers (aria-hidden), skipped by the Tab key and by autofill. A form with it filled in is
answered exactly as a good one would be, and nothing is stored or sent: the view asks
`form.filled_by_a_robot` once the form is valid.
"""

import logging
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A name robots like to fill and browsers do not autofill.
HONEYPOT_FIELD = "website"


class HoneypotInput(forms.TextInput):
    """Rendered alone with its own label (crispy and Django lay out a hidden field without a wrapper)."""

    @property
    def is_hidden(self) -> bool:
        return True

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = {**(attrs or {}), "tabindex": "-1", "autocomplete": "off"}
        field_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = field_id
        return format_html(
            '<div class="hp-field" aria-hidden="true"><label for="{}">{}</label>{}</div>',
            field_id,
            _("Leave this field empty"),
            super().render(name, "", attrs, renderer),
        )


class HoneypotMixin:
    """Adds the honeypot to a form; list HONEYPOT_FIELD in a crispy Layout when the form has one.
    The field never reaches `cleaned_data`."""

    fields: dict[str, forms.Field]
    data: Any
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(required=False, widget=HoneypotInput, label="")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # the form this is mixed into
        self.cleaned_data.pop(HONEYPOT_FIELD, None)
        if cleaned is not None:
            cleaned.pop(HONEYPOT_FIELD, None)
        return cleaned

    @property
    def filled_by_a_robot(self) -> bool:
        value = self.data.get(HONEYPOT_FIELD, "")
        filled = bool(value.strip()) if isinstance(value, str) else bool(value)
        if filled:
            logger.info(
                "The honeypot of %s was filled in: answered as a success, nothing kept.", type(self).__name__
            )
        return filled
