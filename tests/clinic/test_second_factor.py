"""Staff reach no PHI with a password alone: a code from their authenticator app (or a backup code)
is the second step, set up with a QR code on the first sign-in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.roles import CLINICIAN, FRONT_DESK
from tests.clients import current_code
from tests.factories import IntakeFactory, PatientFactory, ReferralDocumentFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password


def password_step(client, user, next_url="/staff/"):
    return client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def browser():
    """A plain client: nothing signs its staff in past the second step."""
    return Client()


def test_a_password_alone_opens_no_staff_page_and_no_file(browser):
    staff = StaffUserFactory(role=CLINICIAN)
    with_app(staff)
    patient = PatientFactory(last_name="Quenneville-Zbornak")
    document = ReferralDocumentFactory()
    intake = IntakeFactory()

    response = password_step(browser, staff)

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:verify"))
    for url in (
        reverse("admin:index"),
        reverse("admin:clinic_patient_change", args=[patient.pk]),
        reverse("admin:intake_intake_changelist"),
    ):
        page = browser.get(url, follow=True)
        assert page.redirect_chain[-1][0].startswith(reverse("admin:verify")), url
        assert patient.last_name not in page.content.decode()
    card = browser.get(reverse("intake:insurance_card", args=[intake.public_id, "front"]))
    assert card.status_code == 302 and reverse("admin:login") in card["Location"]
    download = browser.get(
        reverse("referrals:document", args=[document.referral.public_id, document.public_id])
    )
    assert download.status_code == 404


def test_the_first_sign_in_sets_up_the_app_with_a_qr_code_and_gives_backup_codes(browser):
    staff = StaffUserFactory(role=FRONT_DESK)

    enrol = browser.get(password_step(browser, staff)["Location"], follow=True)

    assert enrol.redirect_chain[-1][0].startswith(reverse("admin:enrol"))
    page = enrol.content.decode()
    assert "<svg" in page and "Set up your second step" in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    assert len(secret) == 32

    wrong = browser.post(reverse("admin:enrol"), {"code": "000000", "next": "/staff/"})
    assert "That code is not right" in wrong.content.decode()
    assert browser.get(reverse("admin:index")).status_code == 302

    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):  # past the wrong code's wait
        done = browser.post(reverse("admin:enrol"), {"code": current_code(device), "next": "/staff/"})

        codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
        assert len(codes) == 10 and StaticToken.objects.filter(device__user=staff).count() == 10
        device.refresh_from_db()
        assert device.confirmed
        assert browser.get(reverse("admin:index")).status_code == 200


def test_with_an_app_set_up_the_password_alone_cannot_set_up_another(browser):
    staff = StaffUserFactory(role=FRONT_DESK)
    device = with_app(staff)
    password_step(browser, staff)

    response = browser.get(reverse("admin:enrol"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:verify"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    refused = browser.post(reverse("admin:verify"), {"code": "123 456", "next": "/staff/"})
    assert "That code is not right" in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        accepted = browser.post(
            reverse("admin:verify"), {"code": current_code(device), "next": "/staff/intake/"}
        )
        assert accepted.status_code == 302 and accepted["Location"] == "/staff/intake/"
        assert browser.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_makes_the_next_try_wait(browser):
    staff = StaffUserFactory(role=FRONT_DESK)
    device = with_app(staff)
    password_step(browser, staff)
    browser.post(reverse("admin:verify"), {"code": "000000"})

    right_too_soon = browser.post(reverse("admin:verify"), {"code": current_code(device)})

    assert "That code is not right" in right_too_soon.content.decode()
    assert browser.get(reverse("admin:index")).status_code == 302


def test_a_backup_code_lets_staff_in_once(browser):
    from clinic.core.second_factor import backup_codes_issue

    staff = StaffUserFactory(role=CLINICIAN)
    with_app(staff)
    code = backup_codes_issue(staff)[0]

    password_step(browser, staff)
    used = browser.post(reverse("admin:verify"), {"code": code}, follow=True)
    assert "backup code; 9 are left" in used.content.decode()
    assert browser.get(reverse("admin:index")).status_code == 200
    browser.post(reverse("admin:logout"))

    password_step(browser, staff)
    again = browser.post(reverse("admin:verify"), {"code": code})
    assert "That code is not right" in again.content.decode()


def test_staff_halfway_through_signing_in_can_sign_out(browser):
    staff = StaffUserFactory()
    with_app(staff)
    password_step(browser, staff)

    browser.post(reverse("admin:logout"))

    assert "_auth_user_id" not in browser.session
    assert browser.get(reverse("admin:verify"))["Location"].startswith(reverse("admin:login"))


def test_the_next_page_after_the_code_stays_on_this_site(browser):
    staff = StaffUserFactory()
    device = with_app(staff)
    password_step(browser, staff, next_url="https://evil.example/phish")

    response = browser.post(
        reverse("admin:verify"), {"code": current_code(device), "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_a_referring_provider_has_no_second_step_to_take_here(browser):
    from tests.factories import ReferringProviderFactory

    provider = ReferringProviderFactory()
    browser.force_login(provider.user)

    assert browser.get(reverse("admin:verify"))["Location"].startswith(reverse("admin:login"))
    assert browser.get(reverse("admin:enrol"))["Location"] == reverse("admin:login")
    assert not TOTPDevice.objects.filter(user=provider.user).exists()
