"""Demo data for a first run. Idempotent: loading it twice changes nothing."""

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from appointments.models import LocationHours, Physician
from clinic.core.models import Location
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from clinic.core.second_factor import AUTHENTICATOR_APP, secret_for_typing
from referrals.demo import demo_referring_provider_load

DEMO_LOCATIONS = [
    {
        "name": "Riverside Main Campus",
        "address_line1": "100 River Road",
        "address_line2": "Suite 200",
        "city": "Albany",
        "state": "NY",
        "postal_code": "12207",
        "phone": "+15185550100",
        "arrival_notes": "Free parking in the garage on Elm Street. Check in on the 2nd floor.",
    },
    {
        "name": "Northside Procedure Center",
        "address_line1": "42 Oak Avenue",
        "city": "Albany",
        "state": "NY",
        "postal_code": "12208",
        "phone": "+15185550142",
        "arrival_notes": "Arrive 30 minutes early for procedures; bring a driver if you will be sedated.",
    },
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    # Staff sign in with a second factor too: this key goes into an authenticator app.
    authenticator_key: str = ""


# Demo-only passwords, printed by `make run`; the command refuses to run when DEBUG is off.
DEMO_STAFF = [
    DemoLogin(FRONT_DESK, "frontdesk", "demo-frontdesk-pass"),
    DemoLogin(CLINICIAN, "clinician", "demo-clinician-pass"),
    DemoLogin(CLINIC_ADMINISTRATOR, "clinicadmin", "demo-clinicadmin-pass"),
]


# Appointments: who can be booked, and when each location is open (weekday: opens, closes).
DEMO_PHYSICIANS: list[dict[str, Any]] = [
    {
        "first_name": "Maya",
        "last_name": "Okafor",
        "credentials": "MD",
        "locations": ["Riverside Main Campus"],
    },
    {
        "first_name": "Daniel",
        "last_name": "Reyes",
        "credentials": "DO",
        "locations": ["Riverside Main Campus", "Northside Procedure Center"],
    },
]
DEMO_LOCATION_HOURS = {
    "Riverside Main Campus": {day: (datetime.time(8), datetime.time(17)) for day in range(5)},
    "Northside Procedure Center": {day: (datetime.time(7, 30), datetime.time(15, 30)) for day in (0, 2, 4)},
}


def _demo_appointments_setup(locations: dict[str, Location]) -> None:
    for data in DEMO_PHYSICIANS:
        physician, _created = Physician.objects.get_or_create(
            first_name=data["first_name"],
            last_name=data["last_name"],
            defaults={"credentials": data["credentials"]},
        )
        physician.locations.add(*(locations[name] for name in data["locations"]))
    for name, week in DEMO_LOCATION_HOURS.items():
        for weekday, (opens_at, closes_at) in week.items():
            LocationHours.objects.get_or_create(
                location=locations[name],
                weekday=weekday,
                defaults={"opens_at": opens_at, "closes_at": closes_at},
            )


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    locations = {}
    for location in DEMO_LOCATIONS:
        locations[location["name"]], _created = Location.objects.get_or_create(
            name=location["name"], defaults=location
        )
    _demo_appointments_setup(locations)
    logins = []
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
        logins.append(replace(login, authenticator_key=secret_for_typing(_demo_authenticator(user))))
    return [*logins, _demo_referring_provider()]


def _demo_authenticator(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=True)


def _demo_referring_provider() -> DemoLogin:
    username, password = demo_referring_provider_load()
    return DemoLogin("Referring provider (sign in at /referrals/sign-in/)", username, password)
