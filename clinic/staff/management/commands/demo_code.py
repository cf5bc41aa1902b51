from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print a demo staff login's current authenticator code (a local first run only, DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Codes are printed for a local first run only: DEBUG is off.")
        device = TOTPDevice.objects.filter(
            user__in=User.objects.filter(username=options["username"]), confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{options['username']} has no authenticator app set up.")
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{code:0{device.digits}d}")
