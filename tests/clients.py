"""The test client: a staff sign-in passes the second factor as a real one must, with a device of
the user's own verified in the session the way django-otp's login records it; so does a referring
provider's who has turned the second step on (one who has not needs none)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice


def second_factor_pass(client: Client, user) -> None:
    device = None if user.is_staff else next(iter(devices_for_user(user, confirmed=True)), None)
    if device is None:
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="Test device", defaults={"confirmed": True}
        )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class SignInClient(Client):
    def force_login(self, user, backend=None, *, second_factor: bool = True):
        super().force_login(user, backend)
        if second_factor and (user.is_staff or any(devices_for_user(user, confirmed=True))):
            second_factor_pass(self, user)


def current_code(device) -> str:
    """What the user's authenticator app shows now for this device."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
