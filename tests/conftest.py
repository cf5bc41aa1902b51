import os

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def need(available: bool, what: str) -> None:
    """Skip a test whose service is missing; with REQUIRE_SERVICES=1 (CI) fail it instead."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available.", pytrace=False)
    pytest.skip(f"{what} not available; set it up or run `.ci/run`.")


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def client():
    """pytest-django's client, whose staff sign-ins have passed the second factor (tests/clients.py)."""
    from tests.clients import SignInClient

    return SignInClient()


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's superuser client, past the second factor like `client`."""
    from tests.clients import SignInClient

    client = SignInClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def without_rate_limits(settings):
    """The rate limits off (django-ratelimit's own switch), for tests that send a page hundreds of
    requests to see how it answers them, not how often it may be asked."""
    settings.RATELIMIT_ENABLE = False
