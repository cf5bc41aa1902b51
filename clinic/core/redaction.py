"""What a log line may say about a URL: never a patient's link, never what someone searched for.

Patient links carry a signed token in the path (`/intake/link/<token>/`,
`/appointments/r/<id>/<token>/`) or the query string (`/appointments/?patient=<token>`), and staff
search the admin by name and date of birth (`/staff/...?q=...`). The rule is read from the URL conf
itself, so a new link cannot be forgotten: a path is matched against every route as Django resolves
it, and each part captured by a converter other than int, uuid or slug (a `str` or `path` converter,
any group of a regular expression route) is replaced. Public ids, numbers and step names stay, as
they are not personal and help a reader. Every value in a query string is replaced; the names stay.

A log line's message, its traceback (exception text is where a database or a mail server repeats
the values it was given) and Celery's extra data pass the same rule, and PostgreSQL's row details
("Failing row contains (...)", "Key (email)=(...)") lose their values.

`redact_url` is used by the logging filter here (Django's and Celery's lines: clinic/celery.py puts it
on the worker's handlers) and by gunicorn's access log (clinic/gunicorn.conf.py).
"""

import logging
import re
from functools import cache
from urllib.parse import SplitResult

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

REDACTED = "[redacted]"
_KEPT_CONVERTERS = (IntConverter, UUIDConverter, SlugConverter)
# A Django signed value (signing.dumps) joins its parts with colons; no route of the portal has one.
_SIGNED_SEGMENT = re.compile(r"[^/]*(?::|%3[aA])[^/]*")
# A URL inside a log message: with its origin, or a path that starts a word ("GET /x", "Not Found: /x").
_URL_IN_TEXT = re.compile(
    r"""https?://[^/\s"'<>?#]+(?P<rest>[/?][^\s"'<>]*)?|(?<![\w.~:/%-])(?P<path>/[^\s"'<>]*)"""
)

# An email address (a patient's, a referrer's username) in a message.
# Not from a quote before it (the repr of a task's args: "('jane@example.org',)").
_EMAIL_ADDRESS = re.compile(r"[\w.!#$%&*+/=?^`{|}~-][\w.!#$%&'*+/=?^`{|}~-]*@[\w-]+(?:\.[\w-]+)+")
EMAIL_REDACTED = "[email]"
# PostgreSQL repeats the values of a refused row in its error detail: a patient's name, date of birth.
_ROW_DETAIL = re.compile(r"(Failing row contains )\(.*\)")
_KEY_DETAIL = re.compile(
    r"(Key \([^)]*\)=)\(.*?\)(?=\s+(?:already exists|is not present|is still referenced|conflicts with))"
)

Span = tuple[int, int]


def redact_url(url: str) -> str:
    """`url` (a path, with or without a query string) with tokens and query values replaced."""
    path, question, query = url.partition("?")
    redacted = _redact_path(path)
    if question:
        redacted += "?" + redact_query(query)
    return redacted


def redact_query(query: str) -> str:
    """Each parameter's name, its value replaced: `q=Smith&p=2` -> `q=[redacted]&p=[redacted]`."""
    if not query:
        return ""
    names = (part.partition("=")[0] for part in query.split("&") if part)
    return "&".join(f"{_redact_path(name, resolve=False)}={REDACTED}" for name in names)


def redact_text(text: str) -> str:
    """Every URL and email address inside `text` (a log message) redacted, the rest as it was."""

    def replace(match: re.Match[str]) -> str:
        if match.group("path") is not None:
            return redact_url(match.group("path"))
        rest = match.group("rest") or ""
        return match.group(0)[: len(match.group(0)) - len(rest)] + redact_url(rest)

    text = _KEY_DETAIL.sub(rf"\1({REDACTED})", _ROW_DETAIL.sub(rf"\1({REDACTED})", text))
    return _URL_IN_TEXT.sub(replace, _EMAIL_ADDRESS.sub(EMAIL_REDACTED, text))


def redact_split_url(url: SplitResult) -> str:
    """An absolute URL (a Referer or Location header) with its path and query redacted."""
    origin = f"{url.scheme}://{url.netloc}" if url.scheme else ""
    return origin + redact_url(url.path + (f"?{url.query}" if url.query else ""))


def _redact_path(path: str, *, resolve: bool = True) -> str:
    spans = _route_spans(path) if resolve else []
    if spans is None:
        # Without a URL conf (a line logged while Django starts) only the first segment is safe to show.
        head, slash, _rest = path.lstrip("/").partition("/")
        return f"/{head}/{REDACTED}" if slash else path
    for start, end in sorted(spans, reverse=True):
        path = path[:start] + REDACTED + path[end:]
    return _SIGNED_SEGMENT.sub(REDACTED, path)


def _route_spans(path: str) -> list[Span] | None:
    """Where the free-text parts of `path` are, by the route it resolves to, [] for no route.

    A mangled link (its last slash lost, something appended) is matched as a prefix of a route, so
    its token is still found. None when the URL conf cannot be read yet.
    """
    if not apps.ready:
        return None
    resolver = get_resolver()
    try:
        # As Django resolves it; else, for a mangled link (its last slash lost, something appended),
        # the route that matches most of it.
        for prefix in (False, True):
            for candidate in (path, path + "/"):
                found = _walk(resolver, candidate, 0, prefix=prefix)
                if found is not None:
                    return _within(found[0], path)
    except Exception:  # noqa: BLE001 - a URL conf that cannot load must not stop logging
        return None
    return []


def _within(spans: list[Span], path: str) -> list[Span]:
    return [(start, min(end, len(path))) for start, end in spans if start < len(path)]


def _walk(resolver: URLResolver, path: str, offset: int, *, prefix: bool) -> tuple[list[Span], int] | None:
    """The free-text spans of the route `path` resolves to below `resolver`, and where it ends.

    As Django resolves: the first route that matches. As a prefix: the route that matches most.
    """
    match = resolver.pattern.regex.search(path)
    if match is None:
        return None
    spans = _free_spans(resolver.pattern, match, offset)
    rest, rest_offset = path[match.end() :], offset + match.end()
    best: tuple[list[Span], int] | None = None
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found = _walk(pattern, rest, rest_offset, prefix=prefix)
        else:
            found = _endpoint_spans(pattern, rest, rest_offset, prefix=prefix)
        if found is None:
            continue
        if not prefix:
            return spans + found[0], found[1]
        if best is None or found[1] > best[1]:
            best = (spans + found[0], found[1])
    return best


def _endpoint_spans(
    pattern: URLPattern, path: str, offset: int, *, prefix: bool
) -> tuple[list[Span], int] | None:
    regex = pattern.pattern.regex
    if prefix:
        match = _without_end_anchor(regex.pattern).match(path)
    elif isinstance(pattern.pattern, RegexPattern) and regex.pattern.endswith("$"):
        match = regex.fullmatch(path)
    else:
        match = regex.search(path)
    if match is None:
        return None
    return _free_spans(pattern.pattern, match, offset), offset + match.end()


@cache
def _without_end_anchor(regex: str) -> re.Pattern[str]:
    return re.compile(regex.removesuffix(r"\Z").removesuffix("$"))


def _free_spans(pattern: object, match: re.Match[str], offset: int) -> list[Span]:
    if isinstance(pattern, RoutePattern):
        groups = [
            name
            for name, converter in pattern.converters.items()
            if not isinstance(converter, _KEPT_CONVERTERS)
        ]
        spans = [match.span(name) for name in groups]
    else:
        spans = [match.span(index) for index in range(1, (match.re.groups or 0) + 1)]
    return [(offset + start, offset + end) for start, end in spans if start != -1 and end > start]


class RedactUrlsFilter(logging.Filter):
    """Rewrites a log record with every URL and email address in it redacted (redact_text): its
    message, its traceback and stack, and the `data` Celery attaches (a task's args, kwargs and
    traceback, for a handler that prints extras).

    On a handler, it sees the lines of every logger that reaches it: django.request's "Not Found:
    /intake/link/...", django.security's CSRF refusals, the development server's request lines, the
    worker's "Task ... raised unexpected" and its traceback. The traceback is formatted here, once,
    and the exception itself dropped from the record, so no formatter can print it unredacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = None
        if message is not None:
            redacted = redact_text(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        if record.exc_info:
            record.exc_text = record.exc_text or _TRACEBACKS.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        data = getattr(record, "data", None)
        if isinstance(data, dict):
            record.data = {
                key: redact_text(value) if isinstance(value, str) else value for key, value in data.items()
            }
        return True


_TRACEBACKS = logging.Formatter()


def redact_every_handler() -> None:
    """Put the filter on each handler any logger has that lacks it: the worker's, which Celery sets
    up itself (its root, task and multiprocessing loggers), not from settings.LOGGING."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if not any(isinstance(existing, RedactUrlsFilter) for existing in handler.filters):
                handler.addFilter(RedactUrlsFilter())
