"""Times as staff read them: on the clinic's clock (settings.TIME_ZONE, from CLINIC_TIME_ZONE).

Stored datetimes are UTC; formatting one directly (f"{value:%H:%M}") prints UTC, 14:00 for a 9:00
visit in New York. Text built in Python (an object's name, an admin column, a message) goes
through clinic_time; templates get the same from Django's |date and |time filters.
"""

import datetime

from django.utils import timezone


def clinic_time(value: datetime.datetime | None) -> str:
    """ "2027-01-15 09:00" in the clinic's time zone; "" for no time."""
    if value is None:
        return ""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
