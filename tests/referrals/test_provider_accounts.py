import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from referrals.models import ReferringProvider
from referrals.services import referring_provider_verify
from tests.factories import ReferringProviderFactory, StaffUserFactory

from .conftest import VALID_NPI

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "first_name": "Ana",
    "last_name": "Reyes",
    "credentials": "MD",
    "npi": VALID_NPI,
    "email": "Ana.Reyes@Practice.example",
    "practice_name": "Oak Street Family Medicine",
    "address_line1": "12 Oak Street",
    "city": "Springfield",
    "state": "il",
    "postal_code": "62701",
    "phone": "(217) 555-0101",
    "fax": "(217) 555-0102",
    "password1": "correct horse battery staple",
    "password2": "correct horse battery staple",
}


def verification_link(message) -> str:
    found = re.search(r"https?://\S+/referrals/verify-email/\S+/", message.body)
    assert found, "the email carries no verification link"
    return found.group(0)


def test_a_provider_registers_and_confirms_the_email_by_the_emailed_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:register"), REGISTRATION)

    assert response.status_code == 302 and response["Location"] == reverse("referrals:register_done")
    provider = ReferringProvider.objects.get(npi=VALID_NPI)
    assert provider.user.username == "ana.reyes@practice.example"
    assert provider.state == "IL"
    assert not provider.email_is_verified and not provider.is_verified
    assert not provider.user.is_staff
    (message,) = mail.outbox
    assert message.to == ["ana.reyes@practice.example"]

    link = verification_link(message)
    response = client.get(link.split("127.0.0.1:8000", 1)[-1])

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.email_is_verified


def test_registration_refuses_an_npi_that_fails_the_check_digit_and_keeps_what_was_typed(client):
    response = client.post(reverse("referrals:register"), {**REGISTRATION, "npi": "1234567890"})

    assert response.status_code == 200
    assert "not a valid NPI" in response.content.decode()
    assert 'value="Oak Street Family Medicine"' in response.content.decode()
    assert not User.objects.filter(email__iexact=REGISTRATION["email"]).exists()


def test_registration_refuses_a_weak_password_next_to_it(client):
    response = client.post(
        reverse("referrals:register"), {**REGISTRATION, "password1": "short", "password2": "short"}
    )
    assert "password1" in response.context["form"].errors


def register(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("referrals:register"), {**REGISTRATION, **changes})


def test_a_taken_email_or_npi_gets_the_same_page_and_the_owner_is_told_once_per_attempt(
    client, django_capture_on_commit_callbacks
):
    by_email = ReferringProviderFactory(user__username="ana.reyes@practice.example")
    by_npi = ReferringProviderFactory(npi=VALID_NPI)
    capture = django_capture_on_commit_callbacks

    taken_email = register(client, capture, npi="1245319599")
    taken_npi = register(client, capture, email="someone.else@practice.example")
    taken_both = register(client, capture)
    fresh = register(client, capture, email="new.person@practice.example", npi="1245319599")

    assert (
        fresh.status_code == taken_email.status_code == taken_npi.status_code == taken_both.status_code == 302
    )
    assert fresh["Location"] == taken_email["Location"] == taken_npi["Location"] == taken_both["Location"]
    assert fresh["Location"] == reverse("referrals:register_done")
    assert "_auth_user_id" not in client.session
    assert client.get(fresh["Location"]).status_code == 200
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients == [
        by_email.user.email,
        by_npi.user.email,
        *sorted([by_email.user.email, by_npi.user.email]),
        "new.person@practice.example",  # the verification link of the new account
    ]
    notice = mail.outbox[0]
    assert "Someone tried to register" in notice.subject
    assert "/referrals/password-reset/" in notice.body and "/referrals/sign-in/" in notice.body
    assert ReferringProvider.objects.count() == 3
    assert not User.objects.filter(username="someone.else@practice.example").exists()


def test_a_tampered_or_foreign_verification_link_verifies_nothing(client):
    provider = ReferringProviderFactory(email_verified_at=None)
    response = client.get(reverse("referrals:verify_email", args=["not-a-real-token"]))
    assert response.status_code == 400
    assert "does not work" in response.content.decode()
    provider.refresh_from_db()
    assert not provider.email_is_verified


def test_a_provider_signs_in_and_out_with_the_email_address(client, provider):
    response = client.post(
        reverse("referrals:login"),
        {"username": provider.user.email.upper(), "password": "a-long-test-password"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("referrals:list")

    response = client.post(reverse("referrals:logout"))
    assert response.status_code == 302
    assert client.get(reverse("referrals:list")).status_code == 302


def sign_in(client, email: str, password: str, **extra):
    return client.post(reverse("referrals:login"), {"username": email, "password": password}, **extra)


def test_five_wrong_passwords_lock_that_sign_in_with_a_friendly_page(client, provider):
    for _ in range(4):
        assert sign_in(client, provider.user.email, "wrong").status_code == 200
    assert sign_in(client, provider.user.email, "wrong").status_code == 429

    # Another case of the same email is the same account: no fresh tries.
    response = sign_in(client, provider.user.email.upper(), "a-long-test-password")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "Please try again in 15 minutes." in page
    assert settings.CLINIC_PHONE in page
    assert "_auth_user_id" not in client.session


def test_a_locked_sign_in_does_not_lock_out_other_providers_or_the_same_one_elsewhere(client, provider):
    other = ReferringProviderFactory()
    for _ in range(5):
        sign_in(client, provider.user.email, "wrong")

    assert sign_in(client, other.user.email, "a-long-test-password").status_code == 302
    client.logout()
    response = sign_in(client, provider.user.email, "a-long-test-password", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_after_the_cool_off_the_right_password_signs_in_again(client, provider):
    for _ in range(5):
        sign_in(client, provider.user.email, "wrong")
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert sign_in(client, provider.user.email, "a-long-test-password").status_code == 429

    # Each attempt during the lockout restarts the wait.
    with time_machine.travel(timezone.now() + timedelta(minutes=14 + 16), tick=False):
        response = sign_in(client, provider.user.email, "a-long-test-password")

    assert response.status_code == 302 and response["Location"] == reverse("referrals:list")


def test_a_successful_sign_in_clears_earlier_failures(client, provider):
    for _ in range(4):
        sign_in(client, provider.user.email, "wrong")
    assert sign_in(client, provider.user.email, "a-long-test-password").status_code == 302
    client.logout()

    for _ in range(4):
        assert sign_in(client, provider.user.email, "wrong").status_code == 200
    assert sign_in(client, provider.user.email, "a-long-test-password").status_code == 302


def test_staff_verify_a_provider_once_and_the_provider_is_told(django_capture_on_commit_callbacks):
    provider = ReferringProviderFactory(verified_at=None)
    staff = StaffUserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert referring_provider_verify(provider=provider, by=staff) is True
        assert referring_provider_verify(provider=provider, by=staff) is False

    provider.refresh_from_db()
    assert provider.is_verified and provider.verified_by == staff
    assert [m.subject for m in mail.outbox] == ["Your referring-provider account is verified"]


def test_the_home_page_link_leads_to_the_referrer_landing_page(client, provider):
    anonymous = client.get(reverse("referring_providers")).content.decode()
    assert reverse("referrals:login") in anonymous and reverse("referrals:register") in anonymous

    client.force_login(provider.user)
    signed_in = client.get(reverse("referring_providers")).content.decode()
    assert reverse("referrals:new") in signed_in and reverse("referrals:list") in signed_in


def test_demo_data_prints_a_verified_referrer_login_that_signs_in(client, settings, capsys):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo_data")
    call_command("load_demo_data")
    printed = capsys.readouterr().out

    assert "referrer@practice.example" in printed and "demo-referrer-pass" in printed
    assert ReferringProvider.objects.filter(user__username="referrer@practice.example").count() == 1
    provider = ReferringProvider.objects.get(user__username="referrer@practice.example")
    assert provider.is_verified and provider.email_is_verified
    response = client.post(
        reverse("referrals:login"),
        {"username": "referrer@practice.example", "password": "demo-referrer-pass"},
    )
    assert response.status_code == 302
