"""Accounts shared by staff and referring providers: the sign-in form's limits and password reset.

A sign-in is checked in this order: the fields' own limits (length, characters), then django-axes'
lockout, then the password. So nothing a person can type reaches the lockout record unchecked.
"""

import uuid
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .emails import email_queue
from .models import OutboundEmail
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


# --- Password reset by email ------------------------------------------------------------------------
# One flow for staff (/staff/password-reset/) and referring providers (/referrals/password-reset/):
# the same page and status whether or not the address has an account, an email through the outbox
# holding only the link, and Django's reset token (signed with SECRET_KEY, expiring after
# PASSWORD_RESET_TIMEOUT, and dead once the password changes or the person signs in). Django's
# confirm view moves the token from the URL into the session at once, so the path that carries it
# is requested once (the access log's line for it is the only copy outside the email).


def email_password_reset(*, to: str, reset_url: str) -> OutboundEmail:
    # One per request: asking again sends a fresh link.
    return email_queue(
        to=to,
        template="password-reset",
        context={"reset_url": reset_url, "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
        idempotency_key=f"password-reset:{uuid.uuid4()}",
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Asks for an address and emails each account of this kind that has it a link; says nothing
    about whether one did. Subclasses say which accounts (`accounts`) and where the link leads."""

    confirm_url_name: str

    def accounts(self) -> QuerySet:
        raise NotImplementedError

    def get_users(self, email: str) -> Iterator[Any]:
        for user in self.accounts().filter(email__iexact=email, is_active=True):
            if user.has_usable_password() and user.email.casefold() == email.casefold():
                yield user

    def save(self, *, token_generator: Any = default_token_generator, **_options: Any) -> None:  # type: ignore[override]
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                uid = urlsafe_base64_encode(force_bytes(user.pk))
                path = reverse(self.confirm_url_name, args=[uid, token_generator.make_token(user)])
                email_password_reset(to=user.email, reset_url=settings.SITE_URL + path)


class StaffPasswordResetForm(PasswordResetRequestForm):
    confirm_url_name = "password_reset_confirm"

    def accounts(self) -> QuerySet:
        return get_user_model().objects.filter(is_staff=True)
