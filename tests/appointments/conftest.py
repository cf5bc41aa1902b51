import datetime

import pytest
from django.utils import timezone

from tests.factories import LocationFactory, PhysicianFactory, open_every_day


def local_slot(days_ahead: int = 5, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A clinic wall-clock time `days_ahead` days from today."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def location():
    return open_every_day(
        LocationFactory(
            name="Riverside Main Campus",
            address_line1="100 River Road",
            city="Springfield",
            postal_code="62701",
            arrival_notes="Park in the Elm Street garage.",
        )
    )


@pytest.fixture
def physician(location):
    physician = PhysicianFactory(first_name="Maya", last_name="Okafor")
    physician.locations.add(location)
    return physician


def calendar_part(mime_message):
    """The text/calendar attachment of a sent email (a stdlib Message), parsed back with icalendar."""
    from icalendar import Calendar

    for part in mime_message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True)), part
    raise AssertionError("no calendar attached")
