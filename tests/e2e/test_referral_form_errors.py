"""What a referrer sees when the referral form comes back with mistakes."""

import pytest
from playwright.sync_api import expect

from tests.factories import ReferringProviderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server):
    provider = ReferringProviderFactory()
    page.goto(live_server.url + "/referrals/sign-in/")
    page.fill("#id_username", provider.user.email)
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My referrals")).to_be_visible()


def test_an_unanswered_yes_no_question_shows_its_message_next_to_it(page, live_server):
    sign_in(page, live_server)
    page.goto(live_server.url + "/referrals/new/")
    page.fill("#id_patient_first_name", "Maria")

    page.get_by_role("button", name="Send referral").click()

    for group in ("blood_thinner", "diabetes", "contrast_allergy", "rf_bladder_dysfunction"):
        expect(page.locator(f"#id_{group}_error")).to_be_visible()
        expect(page.locator(f"#id_{group}_error")).to_have_text("This field is required.")
    assert page.input_value("#id_patient_first_name") == "Maria"
