"""Treatments so far in a browser: injections as rows, a new row added with the keyboard, kept on resume;
and the body map worked with the keyboard alone."""

import datetime

import pytest
from django.urls import reverse

from intake.tokens import resume_token
from tests.factories import IntakeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_intake(page, live_server, intake, step):
    page.goto(live_server.url + reverse("intake:resume", args=[resume_token(intake.public_id)]))
    page.goto(live_server.url + reverse("intake:step", args=[intake.public_id, step]))


def test_a_patient_adds_injection_rows_by_keyboard_and_finds_them_again(page, live_server):
    intake = IntakeFactory(
        date_of_birth=datetime.date(1970, 1, 1), completed_steps=["about", "insurance", "pain"]
    )
    open_intake(page, live_server, intake, "treatments")
    for name in ["physical_therapy", "chiropractic", "acupuncture", "massage"]:
        page.locator(f'input[name="{name}_tried"][value="no"]').check()
    page.locator("#id_injection-0-kind").select_option("epidural_steroid")
    page.locator("#id_injection-0-date").fill("2024-03")
    page.locator("#id_injection-0-relief_percent").fill("60")
    page.locator("#id_injection-0-relief_duration").select_option("months")

    # "Add another injection" by keyboard: a third row appears and takes the focus.
    page.get_by_role("button", name="Add another injection").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_injection-2-kind"
    assert page.get_by_role("group", name="Injection 3").is_visible()
    page.locator("#id_injection-2-kind").select_option("facet_joint")
    page.locator("#id_surgery-0-procedure").fill("Discectomy L5-S1")
    page.get_by_role("button", name="Save and continue").last.click()
    assert page.get_by_text("Step 5 of 8").is_visible()

    intake.refresh_from_db()
    saved = intake.step_answers("treatments")
    assert [row["kind"] for row in saved["injections"]] == ["epidural_steroid", "facet_joint"]
    assert saved["surgeries"][0]["procedure"] == "Discectomy L5-S1"

    page.get_by_role("link", name="4. Treatments so far").click()
    assert page.locator("#id_injection-0-date").input_value() == "2024-03"
    assert page.locator("#id_injection-1-kind").input_value() == "facet_joint"


def test_the_body_map_works_with_the_keyboard_alone(page, live_server):
    intake = IntakeFactory(completed_steps=["about", "insurance"])
    open_intake(page, live_server, intake, "pain")
    page.get_by_role("checkbox", name="Head and face").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # front of neck

    assert page.get_by_role("checkbox", name="Front of neck").is_checked()
    # The picture follows the checkboxes.
    assert "selected" in page.locator('.region[data-region="neck_front"]').get_attribute("class")
    # Focus is visible on the checkbox the keyboard is on.
    outline = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline not in ("", "none")


def test_a_refused_step_takes_the_focus_to_the_list_of_answers_to_check(page, live_server):
    intake = IntakeFactory(completed_steps=["about", "insurance"])
    open_intake(page, live_server, intake, "pain")

    page.get_by_role("button", name="Save and continue").last.click()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.tagName") in {"INPUT", "SELECT", "TEXTAREA"}
