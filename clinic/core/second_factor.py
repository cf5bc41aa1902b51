"""A second factor after the password: a TOTP app, or one of the account's single-use backup codes.

Staff must have one: a staff account with no confirmed device enrols on its first sign-in (a QR
code and the secret). Referring providers may turn the same on, and off again, from their account
page; once on, their sign-in asks for the code too. The codes given at enrolment are the way back in
when the phone is lost. Nothing here bypasses the check: a test signs staff in the same way, with a
device of their own.
"""

import base64
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR_APP = "Authenticator app"
BACKUP_CODES = "Backup codes"
BACKUP_CODE_COUNT = 10

AnyUser = AbstractBaseUser | AnonymousUser


def is_verified_staff(user: AnyUser) -> bool:
    """Signed in, active, staff, and past the second factor in this session."""
    is_verified = getattr(user, "is_verified", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "is_staff", False)
        and is_verified
        and is_verified()
    )


def awaits_second_factor(user: AnyUser) -> bool:
    """Staff who gave their password but not yet a code."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_staff", False)) and not (
        is_verified_staff(user)
    )


def verified_staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For staff pages outside the admin site: the admin's sign-in (and its second factor) first."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_verified_staff(request.user):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return guarded


def has_second_factor(user: AnyUser) -> bool:
    """A confirmed device of any kind; one query (a union), as every provider page asks it."""
    if not user.is_authenticated:
        return False
    first, *others = (cls.objects.filter(user=user, confirmed=True).values("pk") for cls in device_classes())
    return first.union(*others).exists()


def second_factor_pending(user: AnyUser) -> bool:
    """Any account with a second factor set up that gave its password but not yet a code in this
    session (staff without one set up are `awaits_second_factor`: they must enrol)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and not (is_verified and is_verified()) and has_second_factor(user))


def second_factor_check(user: AnyUser, code: str) -> Device | None:
    """The device that accepts the code (an app's current code or an unused backup code), or None.

    Each device throttles its own failures (django-otp doubles the wait after each wrong code)."""
    code = "".join(code.split())
    for device in devices_for_user(user, confirmed=True):
        if verified := verify_token(user, device.persistent_id, code):
            return verified
    return None


def second_factor_sign_in(request: HttpRequest, code: str) -> Device | None:
    """Check the code of the signed-in user and, when a device accepts it, record in the session
    that the second step is passed (under a new session key). Returns that device, or None."""
    device = second_factor_check(request.user, code)
    if device is not None:
        request.session.cycle_key()
        otp_login(request, device)
    return device


def is_backup_code(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def enrolment_device(user: AnyUser) -> TOTPDevice:
    """The unconfirmed app device being set up: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)


@transaction.atomic
def enrolment_confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code; returns the new backup codes, or None if the code is wrong."""
    if not device.verify_token("".join(code.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_issue(device.user)


def enrolment_finish(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the signed-in user's new app with its first code and count this session as past the
    second step; returns the backup codes to show once, or None if the code is wrong."""
    codes = enrolment_confirm(device, code)
    if codes is not None:
        request.session.cycle_key()
        otp_login(request, device)
    return codes


@transaction.atomic
def backup_codes_issue(user: AbstractBaseUser) -> list[str]:
    """A new set of single-use backup codes; any earlier set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_remove(*, request: HttpRequest) -> None:
    """Turn the signed-in user's second factor off: the app and the backup codes are deleted, and
    the next sign-in asks for the password only. For referring providers; staff cannot do without."""
    user = request.user
    if getattr(user, "is_staff", False):
        raise PermissionError("Staff keep their second factor.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def backup_codes_left(user: AnyUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_typing(device: TOTPDevice) -> str:
    """The app secret in base32, in groups of four, for those who cannot scan the QR code."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no script, no external image: the CSP holds)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=False))
