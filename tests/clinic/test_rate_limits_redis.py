"""The rate limits on a real Redis, and with Redis gone (a port nobody listens on, a server stopped
in the middle of a flood): then requests go through and each one is logged once.

The live-Redis tests use REDIS_URL (skipped without it, required with REQUIRE_SERVICES=1); their
keys carry a prefix of their own and are deleted afterwards, nothing else in that database is
touched.
"""

import logging
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from clinic.core.models import OutboundEmail
from clinic.core.ratelimits import LimitedAction
from intake.models import Intake
from tests.conftest import need
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")
VICTIM = "victim@example.com"
PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def use_redis_cache(settings, url: str) -> str:
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": settings.CACHE_OPTIONS,
        }
    }
    return prefix


def start_data(n: int, email: str = VICTIM) -> dict:
    return {
        "first_name": f"Ana {chr(97 + n // 26)}{chr(97 + n % 26)}",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": email,
    }


def limiter_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "clinic.core.ratelimits" and r.levelno == logging.WARNING]


@pytest.fixture
def live_redis(settings):
    need(bool(REDIS_URL) and answers(REDIS_URL), "Redis (REDIS_URL=redis://127.0.0.1:6379/N)")
    prefix = use_redis_cache(settings, REDIS_URL)
    client = redis.Redis.from_url(REDIS_URL)
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_a_flood_at_one_address_is_stopped_by_counts_kept_in_redis(client, live_redis):
    redis_client, prefix = live_redis
    responses = [
        client.post(reverse("new_patient"), start_data(n), REMOTE_ADDR=f"198.51.100.{n + 1}")
        for n in range(30)
    ]

    limit = int(settings.RATE_LIMITS[LimitedAction.INTAKE_START]["per_email"].split("/")[0])
    assert sum(r.status_code == 200 for r in responses) == limit
    assert OutboundEmail.objects.filter(to=VICTIM).count() == limit
    keys = list(redis_client.scan_iter(match=f"{prefix}:*"))
    # One count for the victim's address and one for each client address, each expiring by itself.
    assert len(keys) == 31
    assert all(0 < redis_client.ttl(key) <= 3600 + 5 for key in keys)
    assert "victim" not in b" ".join(keys).decode()


def test_the_counts_outlive_a_web_process_reconnecting(client, live_redis):
    for n in range(5):
        client.post(reverse("new_patient"), start_data(n))
    cache.close()  # what a new worker process would have: no connection yet, the same Redis

    assert client.post(reverse("new_patient"), start_data(99)).status_code == 429


def test_with_redis_unreachable_requests_go_through_and_each_is_logged_once(client, settings, caplog):
    use_redis_cache(settings, f"redis://127.0.0.1:{free_port()}/6")
    caplog.set_level(logging.WARNING, logger="clinic.core.ratelimits")
    started = time.monotonic()

    responses = [client.post(reverse("new_patient"), start_data(n)) for n in range(12)]

    assert [r.status_code for r in responses] == [200] * 12
    assert Intake.objects.count() == 12
    assert time.monotonic() - started < 10
    warnings = limiter_warnings(caplog)
    assert len(warnings) == 12
    assert all("intake_start" in w.getMessage() and "let through" in w.getMessage() for w in warnings)
    assert not any(VICTIM in w.getMessage() or "127.0.0.1" in w.getMessage() for w in warnings)


def test_with_redis_unreachable_signing_in_still_works_and_is_logged_once(client, settings, caplog):
    use_redis_cache(settings, f"redis://127.0.0.1:{free_port()}/6")
    caplog.set_level(logging.WARNING, logger="clinic.core.ratelimits")
    staff = StaffUserFactory()

    wrong = client.post(reverse("admin:login"), {"username": staff.username, "password": "guess"})
    right = client.post(reverse("admin:login"), {"username": staff.username, "password": PASSWORD})

    assert wrong.status_code == 200 and right.status_code == 302
    assert len(limiter_warnings(caplog)) == 2


def test_redis_stopped_in_the_middle_of_a_flood_lets_requests_through(client, settings, caplog, tmp_path):
    need(shutil.which("redis-server") is not None, "redis-server")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while not answers(url):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        use_redis_cache(settings, url)
        caplog.set_level(logging.WARNING, logger="clinic.core.ratelimits")
        before = [client.post(reverse("new_patient"), start_data(n)).status_code for n in range(6)]
        assert before == [200] * 5 + [429]
        assert not limiter_warnings(caplog)
    finally:
        server.terminate()
        server.wait(timeout=10)

    after = [client.post(reverse("new_patient"), start_data(n)).status_code for n in range(10, 14)]

    assert after == [200] * 4
    assert len(limiter_warnings(caplog)) == 4
