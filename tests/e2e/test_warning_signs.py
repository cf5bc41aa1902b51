"""Warning signs in a real browser, with and without JavaScript: the guidance shows the moment the
answer is chosen (script) or on the refused page (no script), and the emergency stops the
questionnaire on a page with a call button."""

import pytest
from django.urls import reverse

from intake.tokens import resume_token
from tests.factories import IntakeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_pain_step(page, live_server, intake):
    page.goto(live_server.url + reverse("intake:resume", args=[resume_token(intake.public_id)]))
    page.goto(live_server.url + reverse("intake:step", args=[intake.public_id, "pain"]))


def test_with_javascript_the_emergency_box_appears_on_choosing_yes_before_anything_is_sent(page, live_server):
    intake = IntakeFactory(completed_steps=["about", "insurance"])
    open_pain_step(page, live_server, intake)
    live_box = page.locator("#emergency-live")
    assert not live_box.is_visible()

    page.locator('input[name="rf_saddle_numbness"][value="yes"]').check()
    assert live_box.is_visible()
    assert live_box.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
    page.locator('input[name="rf_saddle_numbness"][value="no"]').check()
    assert not live_box.is_visible()

    page.locator('input[name="rf_cancer"][value="not_sure"]').check()
    assert page.locator("#urgent-live").is_visible()
    assert not intake.alerts.exists()  # nothing sent yet: the box is the page's own


def test_without_javascript_a_refused_page_with_an_emergency_answer_is_the_emergency_page(
    browser, live_server
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        intake = IntakeFactory(completed_steps=["about", "insurance"])
        open_pain_step(page, live_server, intake)
        # The main complaint is left blank, so the page is refused; the warning sign still counts.
        for field in page.locator('input[type="radio"][value="no"][name^="rf_"]').all():
            field.check()
        page.locator('input[name="rf_bowel_incontinence"][value="yes"]').check()
        page.get_by_role("button", name="Save and continue").last.click()

        assert page.get_by_role("heading", name="Get emergency care now").is_visible()
        assert page.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
        assert page.get_by_text("Saved.", exact=True).count() == 0
        assert intake.alerts.filter(tier="emergency").count() == 1

        page.get_by_role("link", name="Continue the questionnaire").click()
        # Back on the refused step: guidance first, and what is still missing.
        assert page.locator("#emergency-guidance").is_visible()
        assert page.locator('input[name="rf_bowel_incontinence"][value="yes"]').is_checked()
    finally:
        context.close()


def test_a_browser_closed_mid_step_loses_nothing_and_starting_again_makes_no_second_draft(page, live_server):
    from intake.models import Intake

    intake = IntakeFactory(
        first_name="Rosa", last_name="Diaz", email="rosa@example.com", completed_steps=["about", "insurance"]
    )
    open_pain_step(page, live_server, intake)
    page.get_by_label("In a few words, what is your main pain problem?").fill("Burning in my left leg")
    # The browser closes: its session cookie goes; the page the patient filled in is still on screen.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save and continue").last.click()

    # The rest of the page still needs answers, so it comes back refused, with the typing kept and
    # the browser let back in.
    assert page.get_by_text("nothing you typed is lost").is_visible()
    assert page.get_by_label("In a few words, what is your main pain problem?").input_value() == (
        "Burning in my left leg"
    )
    page.get_by_role("link", name="2. Insurance").click()
    assert page.get_by_role("heading", name="Insurance").is_visible()

    page.context.clear_cookies()
    page.goto(live_server.url + reverse("intake:start"))
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Diaz")
    page.get_by_label("Date of birth").fill(intake.date_of_birth.isoformat())
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_role("button", name="Email me my link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert Intake.objects.count() == 1
