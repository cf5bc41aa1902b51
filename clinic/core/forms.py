"""How a service's refusal reaches the person: on a form next to the field it names, or as a line
of text for a message. Views and admin pages use these and nothing else."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .person import PhoneTextFormField, validate_phone_without_extension


def form_add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Each message next to the field it names; a message for no field of this form goes on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def validation_error_text(error: ValidationError) -> str:
    """The refusal as one line, for a message at the top of a page."""
    return " ".join(error.messages)


# Line breaks, tabs and other control characters, and the invisible marks that reverse how text reads
# (the "Trojan Source" characters): a one-line box in a browser cannot hold them; a forged post can.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def validate_one_line(value: str) -> None:
    """Text typed into a one-line box: no line breaks, tabs, control or direction-reversing characters."""
    if _NOT_ON_ONE_LINE.search(value):
        raise ValidationError(
            _("This must be one line of text, without line breaks, tabs or invisible characters."),
            code="not_one_line",
        )


class NothingCutForm(forms.BaseForm):
    """A form a patient or provider types into. No `maxlength` on its inputs, because a browser cuts
    a pasted text to it without a word: each field's `max_length` still refuses a longer value, with
    a message next to it and everything else kept. And what is typed into a one-line box is one line
    (`validate_one_line`). A phone kept in a phone column is refused with an extension, which that
    column would drop (`validate_phone_without_extension`)."""

    def __getitem__(self, name: str) -> forms.BoundField:
        # Every way of showing a field goes through here, fields added in __init__ included.
        bound = super().__getitem__(name)
        bound.field.widget.attrs.pop("maxlength", None)
        return bound

    def full_clean(self) -> None:
        # Plain text only: a name, ZIP code, NPI, email or phone field refuses these by its own shape.
        for field in self.fields.values():
            plain_one_line = type(field) is forms.CharField and isinstance(field.widget, forms.TextInput)
            if plain_one_line and validate_one_line not in field.validators:
                field.validators.append(validate_one_line)
            # A phone kept in a phone column loses its extension; one kept as text keeps it.
            kept_in_a_phone_column = isinstance(field, PhoneNumberField) and not isinstance(
                field, PhoneTextFormField
            )
            if kept_in_a_phone_column and validate_phone_without_extension not in field.validators:
                field.validators.append(validate_phone_without_extension)
        super().full_clean()


class SecondFactorForm(forms.Form):
    """The code step of a sign-in (staff and referring providers), and the confirmation of a new app."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
