"""The Procfile's web process as an operator runs it: gunicorn, production settings, a load balancer.

Started once for the module from the Procfile's own `web:` line. On SQLite the database is an empty
file (the pages tried need no table); on PostgreSQL it is the test database, and the fault tests cut
the server's connections as a database restart or failover would.
"""

import http.client
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from clinic.core.links import KNOWN_PATIENT, link_sign
from intake.tokens import resume_token
from tests.clinic.test_entry_points import PRODUCTION_VARIABLES, clean_environment
from tests.conftest import need
from tests.integration.conftest import free_port, wait_for
from tests.integration.conftest import test_database_url as database_url_for_tests

# The mark makes pytest-django create the test database the web process is pointed at.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.clinic.example"
APPLICATION_NAME = "clinic-web-process-test"


class WebProcess:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "error.log"

    def get(self, path: str, *, https: bool = True, headers: dict[str, str] | None = None):
        """(status, headers, body) of one request, as the load balancer would pass it on."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, **({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
        conn.request("GET", path, headers=sent)
        response = conn.getresponse()
        body = response.read().decode()
        conn.close()
        return response.status, response, body

    def logs(self) -> str:
        return self.access_log.read_text() + self.error_log.read_text()


def web_command() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name == "web":
            return command.strip()
    raise AssertionError("no web process in the Procfile")


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("web")
    with django_db_blocker.unblock():
        on_postgres = connection.vendor == "postgresql"
        database_url = (
            f"{database_url_for_tests()}?application_name={APPLICATION_NAME}"
            if on_postgres
            else f"sqlite:///{workdir / 'empty.sqlite3'}"
        )
    env = {
        **clean_environment(),
        **PRODUCTION_VARIABLES,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "clinic.settings.production"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    server = WebProcess(int(env["PORT"]), workdir)
    with open(server.access_log, "w") as stdout, open(server.error_log, "w") as stderr:
        process = subprocess.Popen(
            ["bash", "-c", web_command()], cwd=ROOT, env=env, stdout=stdout, stderr=stderr
        )
    try:
        wait_for(lambda: "Booting worker" in server.error_log.read_text() or process.poll() is not None,
                 timeout=120, message="gunicorn to start")  # fmt: skip
        wait_for(
            lambda: _answers(server) or process.poll() is not None, timeout=120, message="the first page"
        )
        assert process.poll() is None, server.logs()
        server.on_postgres = on_postgres
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _answers(server: WebProcess) -> bool:
    try:
        return server.get("/healthz", https=False)[0] in (200, 503)
    except OSError:
        return False


def test_the_load_balancer_health_check_is_answered_over_plain_http(web):
    status, _, body = web.get("/healthz", https=False)

    assert status in (200, 503)  # 503 only when this machine's Redis is down
    health = json.loads(body)
    assert health["database"] == "ok"
    assert "oldest_due_email_seconds" in health


def test_every_other_page_over_plain_http_is_sent_to_https(web):
    status, response, _ = web.get("/new-patients/", https=False)

    assert status == 301
    assert response.getheader("Location") == f"https://{HOST}/new-patients/"


def test_the_web_process_serves_production_pages_with_the_security_headers(web):
    status, response, body = web.get("/no-such-page/")

    assert status == 404
    assert "Page not found" in body
    assert settings.CLINIC_PHONE in body
    assert "Request Method" not in body  # no DEBUG page
    assert "camera=()" in response.getheader("Permissions-Policy")
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert "max-age=" in response.getheader("Strict-Transport-Security")


def test_the_access_and_error_logs_carry_no_patient_link_or_staff_search(web):
    intake_token = resume_token(uuid.uuid4())
    patient_token = link_sign(KNOWN_PATIENT, uuid.uuid4())
    request_id = uuid.uuid4()

    web.get(f"/intake/link/{intake_token}/")
    web.get(f"/appointments/r/{request_id}/manage-token-{intake_token[:12]}/cancel/")
    web.get(f"/appointments/?patient={patient_token}")
    web.get("/staff/clinic/patient/?q=Jane+Doe&date_of_birth=1980-02-29",
            headers={"Referer": f"https://{HOST}/intake/link/{intake_token}/"})  # fmt: skip
    wait_for(
        lambda: "/staff/clinic/patient/" in web.access_log.read_text(), timeout=10, message="the last line"
    )

    access = web.access_log.read_text()
    logs = web.logs()
    assert '"GET /intake/link/[redacted]/ HTTP/1.1" 404' in access
    assert f"/appointments/r/{request_id}/[redacted]/cancel/" in access
    assert '"GET /appointments/?patient=[redacted] HTTP/1.1"' in access
    assert '"GET /staff/clinic/patient/?q=[redacted]&date_of_birth=[redacted] HTTP/1.1" 302' in access
    assert "Not Found: /intake/link/[redacted]/" in web.error_log.read_text()
    for secret in (intake_token, intake_token[:12], patient_token, "Jane", "1980-02-29"):
        assert secret not in logs


def _as_superuser(sql: str, params: list[str] | None = None) -> int:
    """Run `sql` from the maintenance database, as a database's own settings cannot be changed from it."""
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432, user=database["USER"],
        password=database["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as maintenance:  # fmt: skip
        cursor = maintenance.execute(sql, params)
        row = cursor.fetchone() if cursor.description else None
    return row[0] if row else 0


def _cut_connections(*, refuse_new: bool = False) -> int:
    """As a database restart would: end the web process's connections; optionally refuse new ones."""
    if refuse_new:
        _set_allow_connections(False)
    return _as_superuser(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
        [APPLICATION_NAME],
    )


def _set_allow_connections(allowed: bool) -> None:
    name = connection.settings_dict["NAME"]
    _as_superuser(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}')


def test_a_connection_the_database_dropped_is_opened_again_before_the_next_page(web, django_db_blocker):
    need(web.on_postgres, "PostgreSQL (DATABASE_URL=postgres://...)")
    assert web.get("/")[0] == 200, web.logs()

    with django_db_blocker.unblock():
        cut = _cut_connections()

    assert cut == 1  # the worker kept its connection (CONN_MAX_AGE): the case that used to fail
    status, _, body = web.get("/")
    assert status == 200, body
    assert "New patients" in body


def test_with_the_database_gone_a_visitor_gets_the_clinic_page_and_the_balancer_a_503(web, django_db_blocker):
    need(web.on_postgres, "PostgreSQL (DATABASE_URL=postgres://...)")
    assert web.get("/")[0] == 200, web.logs()

    with django_db_blocker.unblock():
        try:
            _cut_connections(refuse_new=True)
            page_status, _, page = web.get("/")
            health_status, _, health = web.get("/healthz", https=False)
        finally:
            _set_allow_connections(True)

    assert page_status == 500
    assert "Something went wrong on our side" in page
    assert settings.CLINIC_PHONE in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    assert health_status == 503
    assert json.loads(health)["database"] == "error"
    # Once the database is back, the same worker serves pages again.
    assert web.get("/")[0] == 200
