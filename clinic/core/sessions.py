"""Signed-in sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
the sign-in whatever happens; a page warns a minute before the idle end and lets the person stay
(WCAG 2.2.1). Sign-out flushes the session on the server, so an old cookie opens nothing."""

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# The last request is written to the session at most this often (seconds), not on every request.
LAST_SEEN_GRANULARITY = 20


def idle_seconds() -> int:
    return int(settings.SESSION_IDLE_MINUTES * 60)


def _seconds_left(request: HttpRequest, now: float) -> float:
    session = request.session
    idle_left = session.get(LAST_SEEN_AT, now) + idle_seconds() - now
    absolute_left = session.get(SIGNED_IN_AT, now) + settings.SESSION_MAX_HOURS * 3600 - now
    return min(idle_left, absolute_left)


@receiver(user_logged_in)
def _session_start(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def _session_paths() -> tuple[str, str]:
    return reverse("session_status"), reverse("session_keep_alive")


def _signed_out_why(*, too_long: bool) -> str:
    if too_long:
        hours = settings.SESSION_MAX_HOURS
        return ngettext(
            "You were signed out: a session lasts at most %(hours)d hour. Please sign in again.",
            "You were signed out: a session lasts at most %(hours)d hours. Please sign in again.",
            hours,
        ) % {"hours": hours}
    minutes = settings.SESSION_IDLE_MINUTES
    return ngettext(
        "You were signed out after %(minutes)d minute without activity, to keep patients' information "
        "safe. Please sign in again.",
        "You were signed out after %(minutes)d minutes without activity, to keep patients' information "
        "safe. Please sign in again.",
        minutes,
    ) % {"minutes": minutes}


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: ends a signed-in session that has been idle or open too long."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if _seconds_left(request, now) <= 0:
                too_long = now - request.session.get(SIGNED_IN_AT, now) >= settings.SESSION_MAX_HOURS * 3600
                logout(request)
                messages.info(request, _signed_out_why(too_long=too_long))
                if request.path in _session_paths():
                    return self.get_response(request)  # "0 seconds left": the page reloads and says why
                # The same page again: its own guard sends the person to the right sign-in page.
                return HttpResponseRedirect(request.get_full_path())
            status, keep_alive = _session_paths()
            since_written = now - request.session.get(LAST_SEEN_AT, 0)
            if request.path == keep_alive or (
                request.path != status and since_written >= LAST_SEEN_GRANULARITY
            ):
                request.session.setdefault(SIGNED_IN_AT, now)
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def _left(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0})
    # Rounded up: 0 only once the session has ended, so the page reloads onto the sign-in.
    return JsonResponse({"seconds_left": max(0, math.ceil(_seconds_left(request, time.time())))})


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the session ends (0 when signed out): another tab may have kept it alive."""
    return _left(request)


@never_cache
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": this request is activity, so the middleware has already moved the idle end."""
    return _left(request)
