"""A referring provider may turn on the same second step as staff (a TOTP app and backup codes) from
their account page; then a password alone opens none of their referrals. A provider who has not
turned it on signs in as before."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.second_factor import backup_codes_issue
from tests.clients import current_code
from tests.factories import ReferralDocumentFactory, ReferralFactory, ReferringProviderFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password
WRONG_CODE = "That code is not right"


def later(seconds: int = 5):
    """Past the wait django-otp puts after a wrong code."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def password_step(browser, provider, next_url=""):
    data = {"username": provider.user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return browser.post(reverse("referrals:login"), data)


def with_app(provider) -> TOTPDevice:
    return TOTPDevice.objects.create(user=provider.user, name="Authenticator app", confirmed=True)


def code_error(response) -> str:
    """The message shown under the code box (crispy's feedback for the field)."""
    match = re.search(r'id="error_1_id_code"[^>]*>\s*<strong>(.*?)</strong>', response.content.decode(), re.S)
    return match.group(1) if match else ""


@pytest.fixture
def browser():
    """A plain client: it signs in only through the pages."""
    return Client()


def test_a_provider_turns_the_second_step_on_with_a_qr_code_and_sees_the_backup_codes_once(browser):
    provider = ReferringProviderFactory()
    password_step(browser, provider)

    account = browser.get(reverse("referrals:account")).content.decode()
    assert "You sign in with your password alone." in account
    enrol = browser.get(reverse("referrals:second_factor_enrol"))
    page = enrol.content.decode()
    assert "<svg" in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    secret = re.search(r'<code id="second-step-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert len(secret) == 32
    device = TOTPDevice.objects.get(user=provider.user, confirmed=False)

    wrong = browser.post(reverse("referrals:second_factor_enrol"), {"code": "000000"})
    assert WRONG_CODE in code_error(wrong)
    with later():
        done = browser.post(reverse("referrals:second_factor_enrol"), {"code": current_code(device)})

        codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
        assert len(codes) == 10 and StaticToken.objects.filter(device__user=provider.user).count() == 10
        device.refresh_from_db()
        assert device.confirmed
        account = browser.get(reverse("referrals:account")).content.decode()
        assert (
            "asks for the code of your authenticator app" in account and "10 unused backup codes" in account
        )
        assert not any(code in account for code in codes)
        # Once on, the same session stays signed in, and no second app can be added.
        assert browser.get(reverse("referrals:list")).status_code == 200
        again = browser.get(reverse("referrals:second_factor_enrol"))
        assert again["Location"] == reverse("referrals:account")
        assert TOTPDevice.objects.filter(user=provider.user).count() == 1


def test_with_the_second_step_on_the_sign_in_asks_for_the_code_and_no_referral_opens_before(browser):
    document = ReferralDocumentFactory(referral__patient_last_name="Quillfeather")
    referral = document.referral
    device = with_app(referral.provider)
    detail = reverse("referrals:detail", args=[referral.public_id])

    signed = password_step(browser, referral.provider, next_url=detail)

    assert signed.status_code == 302 and signed["Location"].startswith(reverse("referrals:second_factor"))
    for url in (
        reverse("referrals:list"),
        detail,
        reverse("referrals:cancel", args=[referral.public_id]),
        reverse("referrals:document", args=[referral.public_id, document.public_id]),
        reverse("referrals:account"),
        reverse("referrals:second_factor_disable"),
    ):
        page = browser.get(url, follow=True)
        assert page.redirect_chain[-1][0].startswith(reverse("referrals:second_factor")), url
        assert "Quillfeather" not in page.content.decode()
    code_page = browser.get(signed["Location"])
    assert "authenticator app" in code_page.content.decode()

    wrong = browser.post(
        code_page.request["PATH_INFO"] + "?" + code_page.request["QUERY_STRING"], {"code": "123 456"}
    )
    assert WRONG_CODE in code_error(wrong) and wrong.status_code == 200
    assert browser.get(detail).status_code == 302
    with later():
        right = browser.post(
            reverse("referrals:second_factor"), {"code": current_code(device), "next": detail}
        )
        assert right.status_code == 302 and right["Location"] == detail
        assert "Quillfeather" in browser.get(detail).content.decode()


def test_a_wrong_code_makes_the_next_try_wait_and_many_are_stopped(browser, settings):
    provider = ReferringProviderFactory()
    device = with_app(provider)
    password_step(browser, provider)
    browser.post(reverse("referrals:second_factor"), {"code": "000000"})

    right_too_soon = browser.post(reverse("referrals:second_factor"), {"code": current_code(device)})

    assert WRONG_CODE in code_error(right_too_soon)
    assert browser.get(reverse("referrals:list")).status_code == 302
    limit = int(settings.RATE_LIMITS["provider_second_factor"]["per_email"].split("/")[0])
    for _ in range(limit - 2):
        browser.post(reverse("referrals:second_factor"), {"code": "000000"})
    device.throttle_reset()  # as if django-otp's growing wait had passed: the hour's count has not

    stopped = browser.post(reverse("referrals:second_factor"), {"code": current_code(device)})

    assert stopped.status_code == 429 and "too many sign-in attempts" in stopped.content.decode()
    assert browser.get(reverse("referrals:list")).status_code == 302


def test_a_backup_code_signs_in_once(browser):
    provider = ReferringProviderFactory()
    with_app(provider)
    code = backup_codes_issue(provider.user)[0]

    password_step(browser, provider)
    used = browser.post(reverse("referrals:second_factor"), {"code": code}, follow=True)
    assert "backup code; 9 are left" in used.content.decode()
    assert browser.get(reverse("referrals:list")).status_code == 200
    browser.post(reverse("referrals:logout"))

    password_step(browser, provider)
    with later():
        again = browser.post(reverse("referrals:second_factor"), {"code": code})
    assert WRONG_CODE in code_error(again)
    assert browser.get(reverse("referrals:list")).status_code == 302


def test_turning_the_second_step_off_takes_a_code_or_the_password(client):
    provider = ReferringProviderFactory()
    device = with_app(provider)
    backup_codes_issue(provider.user)
    client.force_login(provider.user)  # past the second step, with the provider's own app
    url = reverse("referrals:second_factor_disable")

    empty = client.post(url, {})
    assert "Type the code your app shows now, or your password." in empty.content.decode()
    wrong = client.post(url, {"password": "not-the-password"})
    assert "That password is not right." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=provider.user).exists()

    off = client.post(url, {"password": PASSWORD}, follow=True)
    assert "The second step is off" in off.content.decode()
    assert not TOTPDevice.objects.filter(user=provider.user).exists()
    assert not StaticDevice.objects.filter(user=provider.user).exists()
    del device
    browser = Client()
    assert password_step(browser, provider)["Location"] == reverse("referrals:list")


def test_a_current_code_turns_it_off_too(client):
    provider = ReferringProviderFactory()
    device = with_app(provider)
    client.force_login(provider.user)

    with later():
        off = client.post(reverse("referrals:second_factor_disable"), {"code": current_code(device)})

    assert off["Location"] == reverse("referrals:account")
    assert not TOTPDevice.objects.filter(user=provider.user).exists()


def test_new_backup_codes_take_a_code_or_the_password_and_the_old_ones_stop_working(client):
    provider = ReferringProviderFactory()
    with_app(provider)
    old = backup_codes_issue(provider.user)
    client.force_login(provider.user)
    url = reverse("referrals:second_factor_new_codes")

    wrong = client.post(url, {"password": "not-the-password"})
    assert "That password is not right." in wrong.content.decode()
    assert sorted(
        StaticToken.objects.filter(device__user=provider.user).values_list("token", flat=True)
    ) == sorted(old)
    made = client.post(url, {"password": PASSWORD})

    new = re.findall(r"<li><code>(\w+)</code></li>", made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "The old ones no longer work." in made.content.decode()
    browser = Client()
    password_step(browser, provider)
    assert WRONG_CODE in code_error(browser.post(reverse("referrals:second_factor"), {"code": old[0]}))
    with later():
        assert browser.post(reverse("referrals:second_factor"), {"code": new[0]}).status_code == 302


def test_a_provider_without_the_second_step_signs_in_as_before(browser):
    referral = ReferralFactory(patient_last_name="Quillfeather")

    signed = password_step(browser, referral.provider)

    assert signed["Location"] == reverse("referrals:list")
    assert "Quillfeather" in browser.get(reverse("referrals:list")).content.decode()
    assert browser.get(reverse("referrals:second_factor"))["Location"] == reverse("referrals:list")


def test_turning_it_on_sends_the_providers_other_signed_in_sessions_to_the_code_step(browser):
    provider = ReferringProviderFactory()
    elsewhere = Client()
    password_step(elsewhere, provider)
    password_step(browser, provider)
    browser.get(reverse("referrals:second_factor_enrol"))
    device = TOTPDevice.objects.get(user=provider.user)

    browser.post(reverse("referrals:second_factor_enrol"), {"code": current_code(device)})

    assert browser.get(reverse("referrals:list")).status_code == 200
    assert elsewhere.get(reverse("referrals:list"))["Location"].startswith(reverse("referrals:second_factor"))


def test_another_provider_cannot_touch_ones_second_step(browser):
    owner = ReferringProviderFactory()
    owners_app = with_app(owner)
    backup_codes_issue(owner.user)
    other = ReferringProviderFactory()
    password_step(browser, other)

    # Turning off acts on the signed-in provider's own devices; the other has none.
    off = browser.post(
        reverse("referrals:second_factor_disable"), {"password": PASSWORD, "code": current_code(owners_app)}
    )
    assert off["Location"] == reverse("referrals:account")
    # Setting up makes the other a device of their own, which the owner's codes do not confirm.
    browser.get(reverse("referrals:second_factor_enrol"))
    refused = browser.post(reverse("referrals:second_factor_enrol"), {"code": current_code(owners_app)})
    assert WRONG_CODE in code_error(refused)

    assert TOTPDevice.objects.filter(user=owner.user, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=owner.user).count() == 10
    assert not TOTPDevice.objects.filter(user=other.user, confirmed=True).exists()
    owners_app.refresh_from_db()
    assert owners_app.throttling_failure_count == 0
    # And the owner's sign-in still asks for the owner's code.
    assert password_step(Client(), owner)["Location"].startswith(reverse("referrals:second_factor"))
