"""A referring provider turns the second step on from their account page, as a person would: the key
typed into an app, the backup codes shown once; then signing in asks for the code, a wrong one is
named next to the box; and they turn it off again with their password."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.clients import current_code
from tests.factories import ReferralFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/referrals/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_provider_turns_the_second_step_on_signs_in_with_it_and_turns_it_off(page, live_server):
    referral = ReferralFactory(patient_last_name="Quillfeather")
    email = referral.provider.user.email
    refused_by_csp = []
    page.on(
        "console", lambda m: refused_by_csp.append(m.text) if "Content Security Policy" in m.text else None
    )

    sign_in(page, live_server.url, email)
    expect(page.get_by_role("heading", name="My referrals")).to_be_visible()
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Turn the second step on").click()
    expect(page.locator("figure svg")).to_be_visible()
    key = page.locator("#second-step-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(f"{TOTP(base64.b32decode(key)).token():06d}")
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert page.locator(".backup-codes li").count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.locator("#second-step-status")).to_contain_text("On")
    page.get_by_role("button", name="Sign out").click()
    device = TOTPDevice.objects.get(user=referral.provider.user, confirmed=True)

    # The next 30-second step: an app's code is good once.
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True) as traveller:
        sign_in(page, live_server.url, email)
        expect(page.get_by_role("heading", name="Referring providers: second step")).to_be_visible()
        page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
        expect(page.get_by_label("Code")).to_be_visible()
        assert "Quillfeather" not in page.content()

        page.get_by_label("Code").fill("000000")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("#error_1_id_code")).to_contain_text("That code is not right")
        traveller.shift(timedelta(seconds=5))  # past the wait after a wrong code
        page.get_by_label("Code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name=f"Referral {referral.number}")).to_be_visible()
        assert "Quillfeather" in page.content()

        page.get_by_role("link", name="My account").click()
        page.get_by_role("link", name="Turn the second step off").click()
        page.get_by_label("Or your password").fill(PASSWORD)
        page.get_by_role("button", name="Turn the second step off").click()
        expect(page.get_by_text("The second step is off")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, live_server.url, email)
        expect(page.get_by_role("heading", name="My referrals")).to_be_visible()
    assert not refused_by_csp, refused_by_csp
