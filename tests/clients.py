"""The test client: a staff sign-in passes the second factor as a real one must, with a device of
the user's own verified in the session the way django-otp's login records it."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice


def second_factor_pass(client: Client, user) -> None:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Test device", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class SignInClient(Client):
    def force_login(self, user, backend=None, *, second_factor: bool = True):
        super().force_login(user, backend)
        if second_factor and user.is_staff:
            second_factor_pass(self, user)


def current_code(device) -> str:
    """What the staff member's authenticator app shows now for this device."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
