"""Garbage sent to a page ends where it should, never in a server error.

A broken client, an old bookmark, a tampered link or a curious person may send anything: missing
fields, huge strings, words for numbers, lists for single values, bad ids and tokens, the wrong
method. Each answer is sorted into one `End`, and each test names the ends it expects for what it
sends: the form shown again with an error, a redirect, a page refused, not found, or a method not
allowed. A server error is never expected.
"""

import enum
import uuid
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import urlencode

from django.contrib import messages
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from tests.clients import SignInClient

HUGE = "x" * 100_000
JUNK_VALUES = [
    "",
    HUGE,
    "abc",
    "-1",
    "11",
    "1e999",
    "NaN",
    "0x10",
    "\x00",
    "2024-13-45",
    "0001-01-01",
    "9999-12-31",
    "23:59:59.999999",
    "99:99",
    "<script>",
    "🙂" * 50,
]
METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
WRONG_METHODS = ("put", "patch", "delete")


class End(enum.Enum):
    PAGE = "a page"
    FORM_ERROR = "the form again, with an error"
    REDIRECT = "a redirect"
    REFUSED = "refused (400 or 403)"
    NOT_FOUND = "not found (404)"
    NOT_ALLOWED = "method not allowed (405)"
    GONE = "gone (410)"
    SERVER_ERROR = "a server error"


REFUSALS = frozenset({End.REFUSED, End.NOT_FOUND, End.NOT_ALLOWED, End.GONE})
FORM_ENDS = frozenset({End.FORM_ERROR, End.REDIRECT})

Ends = Collection[End] | Mapping[str, Collection[End]]


def fuzz_client(user=None) -> Client:
    """A client that answers a server error with its status, as a browser would see it."""
    client = SignInClient(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args, query: Mapping | None = None) -> str:
    """The URL named `name`, with a query string built from `query` (lists give repeated keys)."""
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


class _Bad:
    pass


BAD = _Bad()


def malformed_url(name: str, *args, bad: str) -> str:
    """The URL named `name` with the BAD argument replaced, raw, by `bad`: a path no `reverse` builds.

    The URL is built with a fresh UUID where BAD stands (any converter takes it), then that UUID is
    swapped for `bad`, so the resolver, not `reverse`, meets the malformed segment.
    """
    stand_in = str(uuid.uuid4())
    path = reverse(name, args=[stand_in if arg is BAD else arg for arg in args])
    assert path.count(stand_in) == 1, path
    return path.replace(stand_in, bad)


def garbage(names: Iterable[str], values: Iterable[str] = JUNK_VALUES) -> list[tuple[str, dict]]:
    """(label, body) pairs: nothing first, then each junk value in every field, then lists."""
    names = list(names)
    return [
        ("nothing", {}),
        *((f"every field {value[:10]!r}", dict.fromkeys(names, value)) for value in values),
        ("lists for every field", {name: ["a", "b", HUGE] for name in names}),
    ]


def _shows_a_form_error(response: HttpResponseBase) -> bool:
    """A bound form or formset with errors on the page, or a refusal (400) that says why in an error
    message. (A message on a page that is not a refusal may be left from an earlier request.)"""
    stored = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    if response.status_code == 400 and any(message.level >= messages.ERROR for message in stored or ()):
        return True
    context = getattr(response, "context", None)
    contexts = context if isinstance(context, list) else [context]
    for one in filter(None, contexts):
        for value in one.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
            if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
                return True
    return False


def end_of(response: HttpResponseBase) -> End:
    status = response.status_code
    if status >= 500:
        return End.SERVER_ERROR
    if 300 <= status < 400:
        return End.REDIRECT
    if status in (200, 400) and _shows_a_form_error(response):
        return End.FORM_ERROR
    if status in (400, 403):
        return End.REFUSED
    if status == 404:
        return End.NOT_FOUND
    if status == 405:
        return End.NOT_ALLOWED
    if status == 410:
        return End.GONE
    if 200 <= status < 300:
        return End.PAGE
    raise AssertionError(f"status {status} is not an end this helper knows")


def unexpected(response: HttpResponseBase, ends: Collection[End], what) -> str | None:
    """None when the response ends in one of `ends`, else a line saying what happened."""
    end = end_of(response)
    if end in ends and end is not End.SERVER_ERROR:
        return None
    expected = " or ".join(sorted(e.value for e in ends))
    return f"{what}: {end.value} ({response.status_code}), expected {expected}"


def expect(response: HttpResponse, ends: Collection[End], what) -> None:
    problem = unexpected(response, ends, what)
    assert problem is None, problem


def fuzz(
    client: Client,
    target: str,
    ends: Ends,
    *,
    bodies: Iterable[tuple[str, dict]] = (),
    methods: Iterable[str] = METHODS,
) -> list[str]:
    """Every method without a body, then POST with each body; the lines for each unexpected end.

    `ends` is one collection for every method, or a mapping from method ("post" is also used for
    the bodies) to the ends expected for it.
    """

    def ends_for(method: str) -> Collection[End]:
        return ends[method] if isinstance(ends, Mapping) else ends

    problems = []
    for method in methods:
        response = getattr(client, method)(target)
        problems.append(unexpected(response, ends_for(method), f"{method.upper()} {target[:120]}"))
    for label, body in bodies:
        response = client.post(target, body)
        problems.append(unexpected(response, ends_for("post"), f"POST {target[:120]} {label}"))
    return [problem for problem in problems if problem]
