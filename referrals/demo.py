"""The demo referring provider for a first run (called by clinic.staff.demo). Idempotent."""

from django.contrib.auth.models import User
from django.utils import timezone

from .models import ReferringProvider

DEMO_REFERRER_EMAIL = "referrer@practice.example"
DEMO_REFERRER_PASSWORD = "demo-referrer-pass"  # noqa: S105 - printed by `make run`, DEBUG only
DEMO_REFERRER_NPI = "1234567893"


def demo_referring_provider_load() -> tuple[str, str]:
    """A verified, email-confirmed referring provider; returns (username, password)."""
    user, created = User.objects.get_or_create(
        username=DEMO_REFERRER_EMAIL,
        defaults={"email": DEMO_REFERRER_EMAIL, "first_name": "Ana", "last_name": "Reyes"},
    )
    if created:
        user.set_password(DEMO_REFERRER_PASSWORD)
        user.save(update_fields=["password"])
    now = timezone.now()
    ReferringProvider.objects.get_or_create(
        user=user,
        defaults={
            "first_name": "Ana",
            "last_name": "Reyes",
            "credentials": "MD",
            "npi": DEMO_REFERRER_NPI,
            "practice_name": "Oak Street Family Medicine",
            "address_line1": "12 Oak Street",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "phone": "+12175550101",
            "fax": "+12175550102",
            "email_verified_at": now,
            "verified_at": now,
        },
    )
    return DEMO_REFERRER_EMAIL, DEMO_REFERRER_PASSWORD
