"""One client address per request: the audit row, the rate limits' count and the sign-in lockout
(django-axes) all name the address clinic.core.addresses.client_address gives, which believes
X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies of ours wrote it."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import get_usage

from clinic.core.addresses import client_address
from clinic.core.models import RecordView
from clinic.core.ratelimits import LimitedAction, address_key, rate_of
from clinic.core.roles import CLINICIAN
from intake.models import IntakeStatus
from tests.clinic.test_settings import run_manage
from tests.factories import IntakeFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.1"
CLIENT = "203.0.113.9"
FORGED = "198.51.100.7"  # written by the client, left of what the balancer appended
HEADERS = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": f"{FORGED}, {CLIENT}"}


def sign_in_count(address: str) -> int:
    action = LimitedAction.STAFF_SIGN_IN
    usage = get_usage(
        RequestFactory().post("/"),
        group=f"{action}:per_address",
        key=lambda _group, _request: address,
        rate=rate_of(action, "per_address"),
        increment=False,
    )
    return usage["count"]


@pytest.mark.parametrize(("proxies", "seen"), [(1, CLIENT), (0, BALANCER)])
def test_the_audit_the_rate_limit_and_the_lockout_see_the_same_address(client, settings, proxies, seen):
    settings.TRUSTED_PROXY_COUNT = proxies
    staff = StaffUserFactory(role=CLINICIAN)
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())

    response = client.post(
        reverse("admin:login"),
        {"username": staff.username, "password": "wrong", "next": reverse("admin:index")},
        **HEADERS,
    )
    assert response.status_code == 200
    client.force_login(staff)
    assert client.get(reverse("admin:intake_intake_change", args=[intake.pk]), **HEADERS).status_code == 200

    assert RecordView.objects.get().client_address == seen
    assert AccessAttempt.objects.get().ip_address == seen
    assert sign_in_count(seen) == 1
    assert [sign_in_count(other) for other in {BALANCER, CLIENT, FORGED} - {seen}] == [0, 0]


def test_behind_two_proxies_the_address_the_outer_one_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}, 10.0.0.2"
    )

    assert client_address(request) == CLIENT


def test_a_request_without_a_readable_address_is_audited_without_one_and_limited_with_the_others(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    unreadable = [
        factory.get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=f"not-an-address-{n}") for n in (1, 2)
    ]

    assert [client_address(request) for request in unreadable] == [None, None]
    # A new unreadable value each time would otherwise be a fresh count each time.
    assert {address_key(request) for request in unreadable} == {"unknown"}


def test_an_ipv6_client_is_audited_as_itself_and_counted_as_its_network():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")

    assert client_address(one) == "2001:db8:1:2:aaaa::1"
    assert address_key(one) == address_key(other) == "2001:db8:1:2::"
    assert client_address(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.9")) == "192.0.2.9"


@pytest.mark.parametrize(
    ("env", "count"),
    [({"TRUSTED_PROXY_COUNT": "1"}, "1"), ({"RATE_LIMIT_PROXY_COUNT": "2"}, "2"), ({}, "0")],
)
def test_the_proxy_count_is_read_from_its_variable_or_its_former_name(env, count):
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)",
        env={"DJANGO_SETTINGS_MODULE": "clinic.settings.test", **env},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == count
