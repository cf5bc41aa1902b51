"""Demo data for a first run. Idempotent: loading it twice changes nothing."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from .models import Location
from .roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK

DEMO_LOCATIONS = [
    {
        "name": "Riverside Main Campus",
        "address_line1": "100 River Road",
        "address_line2": "Suite 200",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "+12175550100",
        "arrival_notes": "Free parking in the garage on Elm Street. Check in on the 2nd floor.",
    },
    {
        "name": "Northside Procedure Center",
        "address_line1": "42 Oak Avenue",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62702",
        "phone": "+12175550142",
        "arrival_notes": "Arrive 30 minutes early for procedures; bring a driver if you will be sedated.",
    },
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


# Demo-only passwords, printed by `make run`; the command refuses to run when DEBUG is off.
DEMO_STAFF = [
    DemoLogin(FRONT_DESK, "frontdesk", "demo-frontdesk-pass"),
    DemoLogin(CLINICIAN, "clinician", "demo-clinician-pass"),
    DemoLogin(CLINIC_ADMINISTRATOR, "clinicadmin", "demo-clinicadmin-pass"),
]


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    for location in DEMO_LOCATIONS:
        Location.objects.get_or_create(name=location["name"], defaults=location)
    for login in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "is_staff": True,
                "first_name": login.role,
                "email": f"{login.username}@clinic.example",
            },
        )
        if created:
            user.set_password(login.password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=login.role))
    return DEMO_STAFF
