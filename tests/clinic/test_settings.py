"""Production settings: secure, and loud about a missing or malformed variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "clinic.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-production-test-key-9f3a",
    "DJANGO_ALLOWED_HOSTS": "portal.clinic.example",
    "DATABASE_URL": "postgres://clinic@db.internal:5432/clinic",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_HOST": "smtp.internal",
    "SITE_URL": "https://portal.clinic.example",
    # A clinic that offers the licensed questionnaires (without, `check` says they are not offered).
    "INSTRUMENT_WORDING_FILE": str(Path(__file__).resolve().parents[1] / "data" / "instrument_wording.json"),
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist_with_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "SITE_URL"],
)
def test_production_refuses_to_start_without_a_required_variable(variable):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != variable}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize(
    ("variable", "bad_value"),
    [
        ("DATABASE_URL", "not-a-database-url"),
        ("DJANGO_SECRET_KEY", "short"),
        ("DJANGO_SECURE_SSL_REDIRECT", "maybe"),
        ("SITE_URL", "http://portal.clinic.example"),
    ],
)
def test_production_refuses_to_start_with_a_malformed_variable(variable, bad_value):
    result = run_manage("check", env={**PRODUCTION_ENV, variable: bad_value})

    assert result.returncode != 0
    assert variable in result.stderr
