"""The dates of birth every form that asks for one is tried with, and what each must answer.

Values are made on the day the test runs (`typed(edge)`), so no case goes stale at midnight or in
a new year.
"""

import datetime

from django.utils import timezone

FUTURE = "The date of birth cannot be in the future."
TOO_OLD = "Please check the year: that date is more than 120 years ago."
NO_SUCH_DAY = "Enter a date of birth that exists, for example 03/25/1970."
TWO_DIGIT_YEAR = "Please type the year in full, for example 1970 rather than 70."

# edge name: the message next to the field, or None when the date is accepted.
EDGES: dict[str, str | None] = {
    "today": None,
    "tomorrow": FUTURE,
    "1900": TOO_OLD,
    "150 years ago": TOO_OLD,
    "31/02 typed day first": NO_SUCH_DAY,
    "31 February, as the date picker sends it": NO_SUCH_DAY,
    "two-digit year": TWO_DIGIT_YEAR,
}
REFUSED = [edge for edge, message in EDGES.items() if message]


def typed(edge: str) -> str:
    today = timezone.localdate()
    return {
        "today": today.isoformat(),
        "tomorrow": (today + datetime.timedelta(days=1)).isoformat(),
        "1900": "1900-06-15",
        "150 years ago": datetime.date(today.year - 150, 6, 15).isoformat(),
        "31/02 typed day first": "31/02/1980",
        "31 February, as the date picker sends it": "1980-02-31",
        "two-digit year": "04/12/61",
    }[edge]
