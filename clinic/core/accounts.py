"""Accounts shared by staff and referring providers: the sign-in form's limits.

A sign-in is checked in this order: the fields' own limits (length, characters), then django-axes'
lockout, then the password. So nothing a person can type reaches the lockout record unchecked.
"""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .passwords import PASSWORD_MAX_LENGTH

# An email address is at most 254 characters (RFC 5321 path limit); a staff username is shorter still.
SIGN_IN_USERNAME_MAX_LENGTH = 254


class SignInLimitsMixin(forms.Form):
    """Django's AuthenticationForm shows a username's maxlength but never checks it; this checks both
    fields, with a message next to the field, before authenticate() (and so django-axes) runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the username's max_length from the user model (150).
        username_limit = getattr(self.fields["username"], "max_length", None) or SIGN_IN_USERNAME_MAX_LENGTH
        limits = {
            "username": (
                min(username_limit, SIGN_IN_USERNAME_MAX_LENGTH),
                _("This is longer than any account name here: at most %(limit_value)d characters."),
            ),
            "password": (
                PASSWORD_MAX_LENGTH,
                _("This is longer than any password here: at most %(limit_value)d characters."),
            ),
        }
        for name, (limit, message) in limits.items():
            field = self.fields[name]
            if isinstance(field, forms.CharField):
                field.max_length = limit
            others = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators = [*others, MaxLengthValidator(limit, message=message)]
            field.widget.attrs["maxlength"] = str(limit)


class StaffSignInForm(SignInLimitsMixin, AdminAuthenticationForm):
    """The staff sign-in at /staff/login/."""
