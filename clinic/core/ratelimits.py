"""Rate limits: how often one client address, and one email address, may do each limited action.

Every limited action is named in `LimitedAction`; its two rates (per client address, per email
address) are in settings.RATE_LIMITS, so operators tune them without a code change. The counts live
in the cache (Redis in production) through django-ratelimit. A view is limited with the
`rate_limited` decorator; a request over a limit gets the "try again in N minutes" page
(templates/429.html, status 429, the page of every 429, the sign-in lockout's too), which keeps what
the person typed so it can be sent again.

When the cache cannot be reached, limits fail open: the request goes through and one warning is
logged for it. Nothing here logs an address or an email address.
"""

import contextlib
import enum
import ipaddress
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .addresses import client_address

logger = logging.getLogger(__name__)


class LimitedAction(enum.StrEnum):
    """The keys of settings.RATE_LIMITS."""

    INTAKE_START = "intake_start"
    INTAKE_RESEND_LINK = "intake_resend_link"
    APPOINTMENT_REQUEST = "appointment_request"
    PROVIDER_REGISTRATION = "provider_registration"
    PROVIDER_RESEND_VERIFICATION = "provider_resend_verification"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (an action, not a password)
    PROVIDER_SIGN_IN = "provider_sign_in"
    STAFF_SIGN_IN = "staff_sign_in"
    # The code step of a referring provider's sign-in, and turning their second factor off.
    PROVIDER_SECOND_FACTOR = "provider_second_factor"


# Sign-ins count failed attempts only (a successful sign-in is not held against an office whose
# staff all share one address); every other action counts each request it receives.
FAILURES_ONLY = frozenset(
    {LimitedAction.PROVIDER_SIGN_IN, LimitedAction.STAFF_SIGN_IN, LimitedAction.PROVIDER_SECOND_FACTOR}
)
# The 429 page of a sign-in leads back to the sign-in form; a password is never sent back.
SIGN_INS = FAILURES_ONLY

# django-ratelimit's rate syntax: "5/h" is five an hour, "10/15m" ten in fifteen minutes.
RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smhd])$")
# Fields that are never written back into the 429 page.
NOT_KEPT = re.compile(r"password|csrfmiddlewaretoken", re.IGNORECASE)
# Gmail ignores dots in the local part, and googlemail.com is the same mailbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
MAX_EMAIL_LENGTH = 320


def rate_of(action: LimitedAction, per: str) -> str:
    """The configured rate for `per` ("per_address" or "per_email"), or "" when that limit is off."""
    return str(settings.RATE_LIMITS.get(str(action), {}).get(per, "") or "").strip()


def normalised_email(value: str) -> str:
    """The mailbox an address reaches, so that spellings of one victim's address share one count.

    Case is ignored (providers treat addresses case-insensitively in practice), a "+tag" is
    dropped on every domain (most providers deliver victim+1@ to victim@; where one does not, two
    mailboxes only share a count), dots in a Gmail local part are dropped, and the domain is put
    in its IDNA (xn--) form. Anything without an "@" (a staff username) is only trimmed and
    lower-cased.
    """
    value = value.strip().lower()[:MAX_EMAIL_LENGTH]
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return value
    domain = domain.rstrip(".")
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def address_key(request: HttpRequest) -> str:
    """What a request counts against per address: its client address (clinic.core.addresses, as the
    audit and the lockout see it), an IPv6 address as its /64 (one subscriber's block, which an
    attacker could otherwise walk for fresh tries), and one shared "unknown" for a request without a
    readable address, so that writing a new unreadable one each time buys no fresh tries."""
    address = client_address(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return address


@dataclass(frozen=True)
class RateLimitHit:
    action: LimitedAction
    seconds_left: int

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up (never 0: "try again in 0 minutes" helps nobody)."""
        return max(1, math.ceil(self.seconds_left / 60))


def _usage(
    request: HttpRequest, action: LimitedAction, per: str, value: str, *, increment: bool
) -> dict[str, int] | None:
    rate = rate_of(action, per)
    # A malformed rate is reported by the clinic.E001 system check.
    if not value or not RATE_PATTERN.match(rate):
        return None
    usage: dict[str, int] | None = get_usage(
        request, group=f"{action}:{per}", key=lambda _group, _request: value, rate=rate, increment=increment
    )
    return usage


class _CacheUnavailable(Exception):
    pass


def _count(
    request: HttpRequest, action: LimitedAction, *, email: str, increment: bool
) -> RateLimitHit | None:
    keys = {"per_address": address_key(request), "per_email": normalised_email(email) if email else ""}
    seconds_left = []
    try:
        for per, value in keys.items():
            usage = _usage(request, action, per, value, increment=increment)
            if usage is None:
                continue
            over = usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]
            if over:
                seconds_left.append(max(usage["time_left"], 0))
    except Exception as error:  # whatever the cache raises: limits fail open
        logger.warning(
            "Rate limit %s not applied: the cache did not answer (%s); the request was let through.",
            action,
            type(error).__name__,
        )
        raise _CacheUnavailable from error
    return RateLimitHit(action=action, seconds_left=max(seconds_left)) if seconds_left else None


def rate_limit_count(
    request: HttpRequest, action: LimitedAction, *, email: str = "", increment: bool = True
) -> RateLimitHit | None:
    """Count this request against `action`'s limits (unless `increment` is False: only look) and
    say whether the request is over one of them.

    With `increment`, the request is over when it is past the limit; looking only, when the limit
    is already reached, so that the next counted request would be past it. When the cache does not
    answer, the request is let through and one warning logged.
    """
    try:
        return _count(request, action, email=email, increment=increment)
    except _CacheUnavailable:
        return None


def rate_limited_response(request: HttpRequest, hit: RateLimitHit) -> HttpResponse:
    """The "try again in N minutes" page, with what was posted kept in the form that sends it again
    (a sign-in only links back to its form)."""
    sign_in = hit.action in SIGN_INS
    kept = (
        []
        if sign_in
        else [
            (name, value)
            for name, values in request.POST.lists()
            if not NOT_KEPT.search(name)
            for value in values
        ]
    )
    response = render(
        request,
        "429.html",
        {
            "minutes": hit.minutes,
            "sign_in": sign_in,
            "sign_in_url": request.get_full_path(),
            "kept": kept,
            "send_again_url": request.get_full_path(),
            "dropped_passwords": any("password" in name.lower() for name in request.POST),
        },
        status=429,
    )
    response["Retry-After"] = str(max(hit.seconds_left, 1))
    return response


EmailOf = Callable[[HttpRequest], str]


def posted(field: str) -> EmailOf:
    """The email address a limited request names in one of its posted fields."""

    def email_of(request: HttpRequest) -> str:
        return request.POST.get(field, "")

    return email_of


View = Callable[..., HttpResponse]


def rate_limited(action: LimitedAction, *, email: EmailOf | None = None) -> Callable[[View], View]:
    """Limit a view's POSTs by `action` (GETs only show a form and are never limited).

    `email(request)` gives the email address the request would write to, counted under its
    normalised form. Sign-ins (FAILURES_ONLY) are refused once the limit of failures is reached,
    and a response other than a redirect (the form shown again: wrong password) counts as a failure.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            address_of_email = email(request) if email else ""
            failures_only = action in FAILURES_ONLY
            try:
                hit = _count(request, action, email=address_of_email, increment=not failures_only)
            except _CacheUnavailable:
                return view(request, *args, **kwargs)
            if hit is not None:
                return rate_limited_response(request, hit)
            response = view(request, *args, **kwargs)
            if failures_only and not 300 <= response.status_code < 400:
                rate_limit_count(request, action, email=address_of_email)
            return response

        return wrapper

    return decorator
