"""Log lines never carry a patient's link, a search, or an email address.

Lines are read from the handler the settings configure (the one every process writes to), after
real requests. The URLs to try are read from the URL conf, so a new link cannot be left out.
"""

import io
import logging
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from appointments.tokens import manage_path
from clinic.core.links import known_patient_request_path
from clinic.core.redaction import REDACTED, redact_url
from intake.tokens import resume_url
from tests.factories import AppointmentRequestFactory, IntakeFactory

pytestmark = pytest.mark.django_db

MARKER = "PatientSecretValue42"
SAMPLE_BY_CONVERTER = {
    "int": "7",
    "uuid": str(uuid.uuid4()),
    "slug": "about-you",
    "str": MARKER,
    "path": MARKER,
}


@pytest.fixture
def log_lines():
    """What the configured console handler writes while the test runs."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def urls_with_free_text(resolver: URLResolver | None = None, prefix: str = "/") -> list[str]:
    """Every route with a part that is not a number, a public id or a slug, that part set to MARKER."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = _sample(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += urls_with_free_text(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and MARKER in prefix + route:
            found.append(prefix + route)
    return found


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_BY_CONVERTER[m.group(1) or "str"], str(pattern))
    regex = str(pattern).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return re.sub(r"\(\?P<\w+>[^)]*\)", MARKER, regex)


def test_the_url_conf_has_links_with_tokens_to_check():
    urls = urls_with_free_text()

    assert f"/intake/link/{MARKER}/" in urls
    assert f"/appointments/r/{SAMPLE_BY_CONVERTER['uuid']}/{MARKER}/cancel/" in urls
    assert f"/referrals/verify-email/{MARKER}/" in urls


@pytest.mark.parametrize("url", urls_with_free_text())
def test_no_route_puts_its_free_text_part_or_query_in_a_log_line(url, log_lines):
    for method in (Client().get, Client().post, Client(enforce_csrf_checks=True).post):
        method(f"{url}?q={MARKER}")

    assert MARKER not in log_lines.getvalue()
    # The access log's redaction (clinic/gunicorn.conf.py) is the same function.
    assert MARKER not in redact_url(f"{url}?q={MARKER}")
    assert MARKER not in redact_url(url.rstrip("/"))
    assert MARKER not in redact_url(f"{url}extra/part")


def test_an_expired_intake_link_is_logged_without_its_token(log_lines):
    intake = IntakeFactory(expires_at=timezone.now() - timedelta(days=1))
    link = resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000")
    token = link.rstrip("/").rsplit("/", 1)[1]

    Client().get(link + "extra")

    lines = log_lines.getvalue()
    assert "Not Found: /intake/link/" + REDACTED in lines
    assert token not in lines


def test_a_refused_cancellation_is_logged_without_the_patients_token(log_lines):
    request = AppointmentRequestFactory()
    path = manage_path(request.public_id)
    token = path.rstrip("/").rsplit("/", 1)[1]

    response = Client(enforce_csrf_checks=True).post(path + "cancel/")

    assert response.status_code == 403
    lines = log_lines.getvalue()
    assert "Forbidden (CSRF cookie not set.)" in lines
    assert str(request.public_id) in lines  # the public id stays, to say which request it was
    assert token not in lines


def test_a_line_the_code_writes_loses_its_link_and_email_address_too(log_lines):
    link = known_patient_request_path(uuid.uuid4())
    token = link.split("=", 1)[1]

    logging.getLogger("clinic.anywhere").warning("Retrying %s for %s", link, "jane.doe@example.org")

    lines = log_lines.getvalue()
    assert f"Retrying /appointments/?patient={REDACTED} for [email]" in lines
    assert token not in lines
    assert "jane.doe" not in lines
