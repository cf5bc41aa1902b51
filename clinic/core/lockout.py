"""Sign-in lockout (django-axes hooks): who an attempt counts against, and what a locked-out person sees.

Axes itself counts the failures and refuses a locked-out sign-in before any password is checked
(settings AXES_*). Nothing here logs: usernames are email addresses and must stay out of the logs.
"""

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

LOCKOUT_USERNAME_MAX_LENGTH = 255  # axes' AccessAttempt.username


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username an attempt counts against, trimmed and lower-cased, so changing its case does
    not buy an attacker a fresh set of tries (the referrer form lower-cases emails the same way)."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(field)
    if not isinstance(username, str):
        return None
    # The sign-in forms refuse longer names before this runs; the cut keeps the lockout record
    # (255 characters, no NUL on PostgreSQL) writable whatever calls authenticate().
    return username.replace("\x00", "").strip().lower()[:LOCKOUT_USERNAME_MAX_LENGTH]


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The friendly "too many attempts" page (templates/429.html, as for a rate limit), status 429,
    for either sign-in page."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    sign_in_url = request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "/"
    return render(
        request,
        "429.html",
        {"minutes": minutes, "locked_out": True, "sign_in_url": sign_in_url},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
