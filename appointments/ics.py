"""The calendar file sent with booking, reschedule and cancellation emails (RFC 5545, icalendar).

A calendar entry for the patient's own calendar, not a meeting invitation: METHOD:PUBLISH (RFC 5546
3.2.1) with no ATTENDEE and no ORGANIZER, so no calendar offers to accept, decline or reply to the
clinic's no-reply address (RFC 5545 3.8.4.3: ORGANIZER is for group-scheduled events only). One UID
per appointment for its whole life; SEQUENCE goes up at every change, so calendars replace the entry
they already have; a cancellation is the same entry again with STATUS:CANCELLED.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment

PRODID = "-//Pain Clinic Portal//Appointments//EN"
METHOD = "PUBLISH"


def appointment_ics(appointment: Appointment, *, manage_url: str, cancel: bool = False) -> str:
    zone = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", METHOD)

    location = appointment.location
    event = Event()
    event.add("uid", appointment.ical_uid)
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", f"Appointment at {settings.CLINIC_NAME}")
    event.add("location", f"{location.name}, {location.address}")
    description = [
        f"With {appointment.physician.display_name}.",
        f"Location: {location.name}, {location.address}.",
    ]
    if location.arrival_notes:
        description.append(location.arrival_notes)
    description.append(f"To cancel or ask for another time: {manage_url}")
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    # VTIMEZONE for settings.TIME_ZONE, so the file stands alone (RFC 5545 3.6.5); only the years
    # around the visit, to keep the file small.
    start_year = appointment.starts_at.astimezone(zone).year
    calendar.add_missing_timezones(
        first_date=datetime.date(start_year - 1, 1, 1), last_date=datetime.date(start_year + 2, 1, 1)
    )
    return calendar.to_ical().decode()
