from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.staff.demo import demo_data_load


class Command(BaseCommand):
    help = "Load demo locations and one staff login per role (idempotent; refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for a local first run only: DEBUG is off.")
        logins = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Staff sign in at /staff/ with:"))
        for login in logins:
            self.stdout.write(f"  {login.role:<22} username {login.username:<12} password {login.password}")
            if login.authenticator_key:
                self.stdout.write(
                    f"  {'':<22} then a code from an authenticator app with key {login.authenticator_key}"
                )
        self.stdout.write(
            "  (Add the key by hand to an authenticator app, or print the current code with "
            "`.venv/bin/python manage.py demo_code USERNAME`.)"
        )
