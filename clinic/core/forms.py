"""How a service's refusal reaches the person: on a form next to the field it names, or as a line
of text for a message. Views and admin pages use these and nothing else."""

from django import forms
from django.core.exceptions import ValidationError


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


class NothingCutForm(forms.BaseForm):
    """A form a patient or provider types into: no `maxlength` on its inputs, because a browser cuts
    a pasted text to it without a word. Each field's `max_length` still refuses a longer value, with
    a message next to it and everything else kept."""

    def __getitem__(self, name: str) -> forms.BoundField:
        # Every way of showing a field goes through here, fields added in __init__ included.
        bound = super().__getitem__(name)
        bound.field.widget.attrs.pop("maxlength", None)
        return bound
