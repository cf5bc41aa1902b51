"""Which settings each way of starting the portal uses: production unless a developer says otherwise.

An operator who forgets DJANGO_SETTINGS_MODULE must not get DEBUG, printed emails and a new database
connection per request; a developer's `make run` and `manage.py` keep working with nothing set.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clinic.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
# What each entry point ends up with, printed by the process itself.
REPORT = (
    "from django.conf import settings; "
    "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.EMAIL_BACKEND)"
)


def clean_environment() -> dict[str, str]:
    """This machine's environment without any of the portal's variables."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and not key.startswith(("DJANGO_", "CELERY_"))
    }


def run_python(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_VARIABLES = {
    key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SETTINGS_MODULE"
}


def test_the_web_server_and_celery_use_production_settings_when_none_is_named():
    result = run_python(
        "import clinic.wsgi; import clinic.celery; " + REPORT + "; print(clinic.celery.app.conf.broker_url)",
        env=PRODUCTION_VARIABLES,
    )

    assert result.returncode == 0, result.stderr
    module, debug, email_backend, broker = result.stdout.split()
    assert (module, debug) == ("clinic.settings.production", "False")
    assert email_backend == "django.core.mail.backends.smtp.EmailBackend"
    assert broker == PRODUCTION_ENV["REDIS_URL"]


@pytest.mark.parametrize("entry_point", ["clinic.wsgi", "clinic.celery"])
def test_an_entry_point_with_nothing_configured_refuses_to_start_rather_than_run_in_debug(entry_point):
    result = run_python(f"import {entry_point}; " + REPORT, env={})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "True" not in result.stdout


def test_every_production_process_names_the_production_settings():
    processes = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()
    )

    assert set(processes) == {"web", "worker", "beat"}
    for command in processes.values():
        assert "DJANGO_SETTINGS_MODULE=clinic.settings.production" in command
    assert "--config clinic/gunicorn.conf.py" in processes["web"]


def test_the_development_processes_name_the_local_settings():
    for procfile in ("Procfile.dev", "Procfile.local"):
        for line in (ROOT / procfile).read_text().splitlines():
            name, command = line.split(":", 1)
            # manage.py defaults to the local settings; celery defaults to production, so it is told.
            assert "manage.py" in command or "DJANGO_SETTINGS_MODULE=clinic.settings.local" in command, (
                procfile,
                name,
            )


def test_manage_py_with_nothing_set_runs_the_local_settings_for_a_developer():
    result = run_manage("shell", "--no-imports", "-c", REPORT, env={})

    assert result.returncode == 0, result.stderr
    module, debug, email_backend = result.stdout.split()
    assert (module, debug) == ("clinic.settings.local", "True")
    assert email_backend == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "portal.clinic.example"}, "portal.clinic.example"),
        ({"DJANGO_ALLOWED_HOSTS": "127.0.0.1,*"}, "'*'"),
        ({"SITE_URL": "https://portal.clinic.example"}, "SITE_URL is on https"),
        ({"SITE_URL": "http://10.0.0.5:8000"}, "10.0.0.5"),
        # What a production host's environment looks like to an operator who forgot the settings module.
        (PRODUCTION_VARIABLES, "portal.clinic.example"),
    ],
    ids=["public-host", "any-host", "https-site", "other-machine", "production-environment"],
)
def test_local_settings_refuse_to_start_where_production_signs_show(variables, named):
    result = run_manage("check", env=variables)

    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert named in message
    assert "DJANGO_SETTINGS_MODULE=clinic.settings.production" in message


def test_local_settings_accept_this_machine_under_any_loopback_name():
    result = run_manage(
        "check",
        env={"DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1,[::1],.localhost", "SITE_URL": "http://[::1]:8000"},
    )

    assert result.returncode == 0, result.stderr
    # stderr too: without the licensed wording file the check reports intake.I001 there.
    assert re.search(r"System check identified", result.stdout + result.stderr)
