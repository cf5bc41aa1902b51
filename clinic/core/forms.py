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
