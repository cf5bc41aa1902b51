"""Log lines never carry a patient's link, a search, or an email address.

Lines are read from the handler the settings configure (the one every process writes to), after
real requests. The URLs to try are read from the URL conf, so a new link cannot be left out.
"""

import io
import logging
import re
import runpy
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from appointments.tokens import manage_path
from clinic.core.links import known_patient_request_path
from clinic.core.redaction import REDACTED, RedactUrlsFilter, redact_url
from intake.tokens import resume_url
from tests.conftest import need
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


def test_a_traceback_loses_the_link_and_email_address_its_exception_names(log_lines):
    link = known_patient_request_path(uuid.uuid4())
    token = link.split("=", 1)[1]

    try:
        try:
            raise ConnectionError(f"The mail server refused jane.doe@example.org for {link}")
        except ConnectionError as error:
            raise RuntimeError(f"Could not send {link}") from error
    except RuntimeError:
        logging.getLogger("clinic.anywhere").exception("Sending failed")

    lines = log_lines.getvalue()
    assert "Traceback (most recent call last)" in lines
    assert f"ConnectionError: The mail server refused [email] for /appointments/?patient={REDACTED}" in lines
    assert f"RuntimeError: Could not send /appointments/?patient={REDACTED}" in lines
    assert token not in lines
    assert "jane.doe" not in lines


def test_the_values_of_a_row_postgresql_refused_stay_out_of_the_log(log_lines):
    from django.db import DatabaseError, connection, transaction

    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE refused (name text, born date, CHECK (born > '2000-01-01'))")
        cursor.execute("CREATE TEMPORARY TABLE unique_email (email text UNIQUE)")
        cursor.execute("INSERT INTO unique_email VALUES ('Jane.Doe@Example.org ')")
        for sql, params in [
            ("INSERT INTO refused VALUES (%s, %s)", ["Jane Doe", "1980-02-29"]),
            ("INSERT INTO unique_email VALUES (%s)", ["Jane.Doe@Example.org "]),
        ]:
            try:
                with transaction.atomic():
                    cursor.execute(sql, params)
            except DatabaseError:
                logging.getLogger("clinic.anywhere").exception("Could not save")

    lines = log_lines.getvalue()
    assert f"Failing row contains ({REDACTED})" in lines
    assert f"Key (email)=({REDACTED}) already exists" in lines
    for value in ("Jane", "1980-02-29"):
        assert value not in lines


def test_the_task_data_celery_attaches_to_a_line_is_redacted_too():
    link = known_patient_request_path(uuid.uuid4())
    record = logging.makeLogRecord(
        {"msg": "Task %(name)s received", "args": ({"name": "clinic.outbox.send"},),
         "data": {"args": f"('{link}', 'jane.doe@example.org')", "id": 7}}
    )  # fmt: skip

    RedactUrlsFilter().filter(record)

    assert record.data == {"args": f"('/appointments/?patient={REDACTED}', '[email]')", "id": 7}


def test_gunicorns_error_log_loses_the_link_of_a_request_it_could_not_handle(capsys):
    from gunicorn.config import Config

    config = Config()
    namespace = runpy.run_path(str(Path(__file__).resolve().parents[2] / "clinic" / "gunicorn.conf.py"))
    link = resume_url(uuid.uuid4()).removeprefix("http://127.0.0.1:8000")
    token = link.rstrip("/").rsplit("/", 1)[1]

    error_log = namespace["RedactingLogger"](config)
    try:
        raise OSError(f"Broken pipe while sending {link}")
    except OSError:
        error_log.exception("Error handling request %s", link)

    lines = capsys.readouterr().err
    assert f"Error handling request /intake/link/{REDACTED}/" in lines
    assert f"OSError: Broken pipe while sending /intake/link/{REDACTED}/" in lines
    assert token not in lines
