from django.core.management.base import BaseCommand
from django.core.validators import validate_email

from clinic.core.emails import email_test_message


class Command(BaseCommand):
    help = "Queue a test email (no patient content) through the outbox, to check delivery."

    def add_arguments(self, parser):
        parser.add_argument("to")

    def handle(self, *args, to: str, **options):
        validate_email(to)
        email = email_test_message(to=to)
        self.stdout.write(f"Queued outbound email {email.public_id} to {to}.")
