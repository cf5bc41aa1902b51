"""Rate limits on the pages that send email or create accounts, and on both sign-ins, with the test
settings' in-memory cache (tests/clinic/test_rate_limits_redis.py runs them on a real Redis)."""

import datetime
import math
import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from appointments.models import AppointmentRequest
from clinic.core.models import OutboundEmail
from clinic.core.ratelimits import LimitedAction, RateLimitHit, address_key, normalised_email
from intake.models import Intake
from intake.tokens import resume_token
from referrals.models import ReferringProvider
from tests.factories import (
    IntakeFactory,
    LocationFactory,
    ReferringProviderFactory,
    StaffUserFactory,
    _valid_npi,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password
VICTIM = "victim.person@gmail.com"
# The same Gmail mailbox, spelled as an attacker would to dodge a naive count.
VICTIM_SPELLINGS = [
    "victim.person@gmail.com",
    "Victim.Person@Gmail.com",
    "victimperson@gmail.com",
    "v.i.c.t.i.m.person+clinic@gmail.com",
    "victim.person+1@googlemail.com",
    " VICTIMPERSON@GMAIL.COM ",
]


def address(n: int) -> str:
    return f"198.51.{n // 250}.{n % 250 + 1}"


def per_email_limit(action: LimitedAction) -> int:
    return int(settings.RATE_LIMITS[action]["per_email"].split("/")[0])


def per_address_limit(action: LimitedAction) -> int:
    return int(settings.RATE_LIMITS[action]["per_address"].split("/")[0])


def start_data(email: str, n: int = 0) -> dict:
    # A different name each time: the same person starting again is sent their one open draft.
    return {
        "first_name": f"Ana {chr(97 + n // 26)}{chr(97 + n % 26)}",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": email,
    }


def emails_to_victim() -> int:
    return OutboundEmail.objects.filter(to__in=[spelling.strip() for spelling in VICTIM_SPELLINGS]).count()


def appointment_data(location, email: str) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1970-04-02",
        "email": email,
        "visit_type": "new_consultation",
        "location": str(location.pk),
        "preferred_days": ["mon", "wed"],
        "time_windows": ["morning"],
        "earliest_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "contact_preference": "email",
        "phone": "",
        "reason": "Low back pain for months, worse when I sit at work all day",
    }


def registration_data(n: int, email: str) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Reyes",
        "credentials": "MD",
        "npi": _valid_npi(90_000 + n),
        "email": email,
        "practice_name": "Oak Street Family Medicine",
        "address_line1": "12 Oak Street",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "(217) 555-0101",
        "fax": "",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
    }


# --- One victim's address ---------------------------------------------------------------------------


def test_fifty_intake_starts_from_one_address_send_the_victim_only_a_few_emails(client):
    responses = [client.post(reverse("new_patient"), start_data(VICTIM, n)) for n in range(50)]

    limit = per_email_limit(LimitedAction.INTAKE_START)
    assert [r.status_code for r in responses] == [200] * limit + [429] * (50 - limit)
    assert emails_to_victim() == limit


def test_intake_starts_for_one_mailbox_from_many_addresses_and_spellings_are_counted_together(client):
    responses = [
        client.post(
            reverse("new_patient"),
            start_data(VICTIM_SPELLINGS[n % len(VICTIM_SPELLINGS)], n),
            REMOTE_ADDR=address(n),
        )
        for n in range(50)
    ]

    limit = per_email_limit(LimitedAction.INTAKE_START)
    assert sum(r.status_code == 200 for r in responses) == limit
    assert emails_to_victim() == limit


def test_one_address_cannot_start_intakes_for_many_people(client):
    limit = per_address_limit(LimitedAction.INTAKE_START)
    responses = [
        client.post(reverse("new_patient"), start_data(f"person{n}@example.com")) for n in range(limit + 5)
    ]

    assert sum(r.status_code == 200 for r in responses) == limit
    assert Intake.objects.count() == limit
    # Someone else, elsewhere, is not affected.
    assert (
        client.post(
            reverse("new_patient"), start_data("other@example.com"), REMOTE_ADDR="192.0.2.7"
        ).status_code
        == 200
    )


def test_fifty_appointment_requests_for_one_address_send_only_a_few_emails(client):
    location = LocationFactory()
    responses = [
        client.post(
            reverse("request_appointment"),
            appointment_data(location, VICTIM_SPELLINGS[n % 6]),
            REMOTE_ADDR=address(n),
        )
        for n in range(50)
    ]

    limit = per_email_limit(LimitedAction.APPOINTMENT_REQUEST)
    assert sum(r.status_code == 302 for r in responses) == limit
    assert AppointmentRequest.objects.count() == limit
    assert emails_to_victim() == limit


def test_fifty_provider_registrations_from_one_address_create_only_a_few_accounts(client):
    responses = []
    for n in range(50):
        responses.append(
            client.post(reverse("referrals:register"), registration_data(n, f"doc{n}@practice.example"))
        )
        client.logout()

    limit = per_address_limit(LimitedAction.PROVIDER_REGISTRATION)
    assert sum(r.status_code == 302 for r in responses) == limit
    assert ReferringProvider.objects.count() == limit


def test_resending_an_expired_intake_link_is_limited_at_the_intake_address(client):
    intake = IntakeFactory(email=VICTIM)
    with time_machine.travel(timezone.now() - timedelta(days=settings.INTAKE_LINK_MAX_AGE_DAYS + 1)):
        token = resume_token(intake.public_id)
    # The intake itself is still open (its draft expires later than the link).
    responses = [
        client.post(reverse("intake:resend_link"), {"token": token}, REMOTE_ADDR=address(n))
        for n in range(20)
    ]

    limit = per_email_limit(LimitedAction.INTAKE_RESEND_LINK)
    assert sum(r.status_code == 200 for r in responses) == limit
    assert [r.status_code for r in responses][limit:] == [429] * (20 - limit)


def test_resending_the_provider_verification_email_is_limited(client):
    provider = ReferringProviderFactory(email_verified_at=None)
    client.force_login(provider.user)
    responses = [client.post(reverse("referrals:resend_verification")) for _ in range(10)]

    limit = per_email_limit(LimitedAction.PROVIDER_RESEND_VERIFICATION)
    assert sum(r.status_code == 302 for r in responses) == limit
    assert OutboundEmail.objects.filter(to=provider.user.email).count() == limit


# --- The page that says when to try again -----------------------------------------------------------


def test_the_429_page_says_in_minutes_when_to_try_again_and_then_it_works(client):
    limit = per_email_limit(LimitedAction.INTAKE_START)
    for _ in range(limit):
        client.post(reverse("new_patient"), start_data(VICTIM))

    response = client.post(reverse("new_patient"), start_data(VICTIM))

    assert response.status_code == 429
    page = response.content.decode()
    seconds = int(response["Retry-After"])
    minutes = math.ceil(seconds / 60)
    assert 1 <= minutes <= 60
    expected = f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}."
    assert expected in page
    assert settings.CLINIC_PHONE in page
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds + 1)):
        assert client.post(reverse("new_patient"), start_data(VICTIM)).status_code == 200


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 1), (1, 1), (59, 1), (60, 1), (61, 2), (899, 15), (3600, 60)]
)
def test_the_wait_is_said_in_whole_minutes_rounded_up(seconds, minutes):
    assert RateLimitHit(action=LimitedAction.INTAKE_START, seconds_left=seconds).minutes == minutes


def test_a_limited_appointment_request_keeps_what_was_typed_and_sends_it_again(client):
    location = LocationFactory()
    limit = per_email_limit(LimitedAction.APPOINTMENT_REQUEST)
    for _ in range(limit):
        client.post(reverse("request_appointment"), appointment_data(location, VICTIM))
    typed = appointment_data(location, VICTIM)

    response = client.post(reverse("request_appointment"), typed)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Nothing you typed is lost" in page
    assert f'<input type="hidden" name="reason" value="{typed["reason"]}">' in page
    assert page.count('name="time_windows"') == 1 and page.count('name="preferred_days"') == 2
    send_again = re.search(r'<form method="post" action="([^"]+)">', page).group(1)
    kept = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    data: dict[str, list[str]] = {}
    for name, value in kept:
        data.setdefault(name, []).append(value)
    seconds = int(response["Retry-After"])
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds + 1)):
        assert client.post(send_again, data).status_code == 302
    sent = AppointmentRequest.objects.order_by("-pk").first()
    assert sent.reason == typed["reason"] and sent.email == VICTIM


def test_a_limited_registration_never_writes_the_password_back(client):
    limit = per_address_limit(LimitedAction.PROVIDER_REGISTRATION)
    for n in range(limit):
        client.post(reverse("referrals:register"), registration_data(n, f"doc{n}@practice.example"))
        client.logout()

    response = client.post(reverse("referrals:register"), registration_data(99, "late@practice.example"))

    assert response.status_code == 429
    page = response.content.decode()
    assert "correct horse battery staple" not in page
    assert "your password is not kept" in page
    assert 'value="Oak Street Family Medicine"' in page


# --- Sign-ins: failures count, from one address or at one account -----------------------------------


def test_failed_sign_ins_at_one_account_from_many_addresses_are_stopped(client):
    staff = StaffUserFactory()
    limit = per_email_limit(LimitedAction.STAFF_SIGN_IN)
    for n in range(limit):
        # A new address each time: django-axes (per account and address) never locks.
        response = client.post(
            reverse("admin:login"), {"username": staff.username, "password": "guess"}, REMOTE_ADDR=address(n)
        )
        assert response.status_code == 200

    response = client.post(
        reverse("admin:login"),
        {"username": staff.username.upper(), "password": PASSWORD},
        REMOTE_ADDR="192.0.2.50",
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "signing in is paused" in page and 'href="/staff/login/"' in page
    assert PASSWORD not in page
    assert "_auth_user_id" not in client.session


def test_successful_sign_ins_are_not_counted(client):
    provider = ReferringProviderFactory()
    limit = per_email_limit(LimitedAction.PROVIDER_SIGN_IN)
    for _ in range(limit + 5):
        response = client.post(
            reverse("referrals:login"), {"username": provider.user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        client.logout()


def test_failed_provider_sign_ins_from_one_address_at_many_accounts_are_stopped(client):
    limit = per_address_limit(LimitedAction.PROVIDER_SIGN_IN)
    for n in range(limit):
        client.post(
            reverse("referrals:login"), {"username": f"guess{n}@practice.example", "password": "guess"}
        )
    provider = ReferringProviderFactory()

    response = client.post(
        reverse("referrals:login"), {"username": provider.user.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert (
        client.post(
            reverse("referrals:login"),
            {"username": provider.user.email, "password": PASSWORD},
            REMOTE_ADDR="192.0.2.8",
        ).status_code
        == 302
    )


def test_showing_the_forms_is_never_limited(client):
    for _ in range(per_address_limit(LimitedAction.INTAKE_START) + 1):
        client.post(reverse("new_patient"), start_data("x@example.com"))
    for name in (
        "new_patient",
        "request_appointment",
        "referrals:register",
        "referrals:login",
        "admin:login",
    ):
        assert client.get(reverse(name)).status_code == 200


# --- Who the client is ------------------------------------------------------------------------------


def test_a_forged_x_forwarded_for_buys_no_fresh_tries_without_a_proxy(client):
    limit = per_address_limit(LimitedAction.INTAKE_START)
    responses = [
        client.post(reverse("new_patient"), start_data(f"p{n}@example.com"), HTTP_X_FORWARDED_FOR=address(n))
        for n in range(limit + 3)
    ]
    assert sum(r.status_code == 200 for r in responses) == limit


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    forged = factory.post("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    direct = factory.post("/", REMOTE_ADDR="203.0.113.6")
    assert address_key(forged) == "203.0.113.5"
    assert address_key(direct) == "203.0.113.6"
    settings.TRUSTED_PROXY_COUNT = 2
    assert address_key(forged) == "10.9.9.9"


def test_the_proxy_header_is_ignored_without_a_proxy_count():
    request = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="192.0.2.1")
    assert address_key(request) == "192.0.2.1"


@pytest.mark.parametrize(
    ("spelling", "mailbox"),
    [
        ("Victim.Person+promo@GMail.com", "victimperson@gmail.com"),
        ("victim.person@googlemail.com.", "victimperson@gmail.com"),
        ("Ana.Reyes+referrals@Practice.example", "ana.reyes@practice.example"),
        ("ana@Bücher.example", "ana@xn--bcher-kva.example"),
        ("+tag@example.com", "+tag@example.com"),
        ("FrontDesk1", "frontdesk1"),
    ],
)
def test_an_email_address_counts_as_the_mailbox_it_reaches(spelling, mailbox):
    assert normalised_email(spelling) == mailbox


# --- Settings -----------------------------------------------------------------------------------------


def test_operators_tune_a_limit_in_settings(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake_start": {"per_address": "2/h", "per_email": ""}}
    codes = [client.post(reverse("new_patient"), start_data(VICTIM)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_malformed_rate_stops_manage_py_check(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "staff_sign_in": {"per_address": "ten an hour", "per_email": "5/h"},
    }
    with pytest.raises(SystemCheckError, match="RATE_LIMIT_STAFF_SIGN_IN_PER_ADDRESS"):
        call_command("check")


def test_every_limited_action_has_both_rates_in_settings():
    for action in LimitedAction:
        assert set(settings.RATE_LIMITS[action]) == {"per_address", "per_email"}


@pytest.mark.parametrize("url_name", ["admin_password_reset", "referrals:password_reset"])
def test_password_reset_emails_to_one_account_are_limited_from_many_addresses(client, url_name):
    user = (
        StaffUserFactory(email=VICTIM)
        if url_name == "admin_password_reset"
        else ReferringProviderFactory().user
    )
    spellings = [user.email, user.email.upper(), f" {user.email} "]
    responses = [
        client.post(reverse(url_name), {"email": spellings[n % 3]}, REMOTE_ADDR=address(n)) for n in range(12)
    ]

    limit = per_email_limit(LimitedAction.PASSWORD_RESET)
    assert sum(r.status_code == 302 for r in responses) == limit
    assert [r.status_code for r in responses][limit:] == [429] * (12 - limit)
    assert OutboundEmail.objects.filter(to=user.email).count() == limit


def test_password_reset_for_unknown_addresses_is_limited_like_any_other(client):
    limit = per_address_limit(LimitedAction.PASSWORD_RESET)
    codes = [
        client.post(reverse("referrals:password_reset"), {"email": f"nobody{n}@example.com"}).status_code
        for n in range(limit + 1)
    ]
    assert codes == [302] * limit + [429]
