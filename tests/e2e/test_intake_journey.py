"""Done-when of [Intake]: a patient with low back pain on Eliquis, PHQ-9 item 9 = 1, who leaves midway
and resumes from the emailed link on another device, submits; staff then see scores, bands, flags."""

from pathlib import Path

import pytest

from clinic.core.clinical import red_flags
from clinic.core.models import OutboundEmail
from intake.models import Intake, IntakeStatus
from tests.e2e.conftest import staff_sign_in
from tests.factories import StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDING_FILE = Path(__file__).resolve().parents[1] / "data" / "instrument_wording.json"


def link_path(template: str, live_server) -> str:
    url = OutboundEmail.objects.filter(template=template).latest("created_at").context["resume_url"]
    return live_server.url + url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_patient_completes_the_intake_across_two_devices_and_staff_see_the_result(
    browser, page, live_server, settings
):
    settings.INSTRUMENT_WORDING_FILE = str(WORDING_FILE)
    settings.SITE_URL = live_server.url

    # Start from the home page.
    page.goto(live_server.url)
    page.get_by_role("main").get_by_role("link", name="New patient: start your intake").click()
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Parks")
    page.get_by_label("Date of birth").fill("1961-04-12")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_role("button", name="Email me my link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()

    # The emailed link verifies the address and opens step 1.
    page.goto(link_path("intake-verify", live_server))
    assert page.get_by_text("Step 1 of 8").is_visible()
    page.get_by_label("Sex assigned at birth").select_option("female")
    page.get_by_label("Address", exact=True).fill("12 Elm Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_role("button", name="Save and continue").last.click()

    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Save and continue").last.click()

    # Your pain: the body map picture toggles the labelled checkbox.
    assert page.get_by_text("Step 3 of 8").is_visible()
    page.locator('.region[data-region="low_back"]').click()
    assert page.get_by_role("checkbox", name="Low back").is_checked()
    page.get_by_label("In a few words, what is your main pain problem?").fill("Low back pain for two years")
    page.get_by_label("About when did this pain start?").fill("2023-05-01")
    page.get_by_role("radio", name="No particular cause").check()
    page.get_by_role("radio", name="Constant").check()
    page.get_by_role("checkbox", name="Aching").check()
    for label, value in [
        ("Your pain right now", "6"),
        ("Your average pain in the past week", "5"),
        ("Your worst pain in the past week", "8"),
        ("Your least pain in the past week", "3"),
    ]:
        page.get_by_label(label).fill(value)  # fmt: skip
    for question in red_flags.QUESTIONS:
        page.locator(f'input[name="rf_{question.key}"][value="no"]').check()
    page.get_by_role("button", name="Save and continue").last.click()

    # Treatments, then leave midway.
    assert page.get_by_text("Step 4 of 8").is_visible()
    page.locator('input[name="physical_therapy_tried"][value="yes"]').check()
    page.get_by_label("When (roughly)?").first.fill("2023")
    for name in ["chiropractic", "acupuncture", "massage"]:
        page.locator(f'input[name="{name}_tried"][value="no"]').check()
    page.get_by_role("button", name="Save and finish later").click()
    assert page.get_by_role("heading", name="Your answers are saved").is_visible()

    # Another device: a fresh browser context, opened from the resume email.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = other.new_page()
    phone.goto(link_path("intake-resume", live_server))
    assert phone.get_by_text("Step 5 of 8").is_visible()
    phone.get_by_role("link", name="4. Treatments so far").click()
    assert phone.get_by_label("When (roughly)?").first.input_value() == "2023"
    phone.get_by_role("button", name="Save and continue").last.click()

    phone.locator("#id_med-0-name").fill("Eliquis")
    phone.locator("#id_med-0-dose").fill("5 mg")
    phone.locator("#id_med-0-frequency").fill("twice a day")
    phone.locator('input[name="blood_thinner"][value="yes"]').check()
    phone.get_by_role("checkbox", name="Atrial fibrillation (irregular heartbeat)").check()
    phone.locator('input[name="opioids"][value="no"]').check()
    phone.get_by_role("button", name="Save and continue").last.click()

    for name, value in [
        ("diabetes", "no"),
        ("pregnant", "not_applicable"),
        ("smoking", "never"),
        ("alcohol", "never"),
        ("work_injury_or_claim", "no"),
    ]:
        phone.locator(f'input[name="{name}"][value="{value}"]').check()  # fmt: skip
    phone.get_by_label("Work status").select_option("working")
    phone.get_by_role("button", name="Save and continue").last.click()

    # Questionnaires chosen by the answers: low back -> ODI and STarT Back.
    assert phone.get_by_text("Step 7 of 8").is_visible()
    for code in ["peg", "promis_pi_4a", "phq9", "gad7", "ort_oud", "start_back", "odi"]:
        assert phone.locator(f'fieldset[data-instrument="{code}"]').count() == 1
    assert phone.locator('fieldset[data-instrument="ndi"]').count() == 0
    names = phone.eval_on_selector_all(
        "fieldset.instrument input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    for name in names:
        phone.locator(f'input[name="{name}"]').first.check()
    phone.locator('input[name="phq9__q9"][value="1"]').check()
    assert phone.locator("#crisis-live").is_visible()  # at once, before saving
    phone.get_by_role("button", name="Save and continue").last.click()

    # The next page is the crisis help itself, with call and text buttons, then the way on.
    assert phone.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    assert phone.get_by_role("link", name="Text 988").get_attribute("href") == "sms:988"
    phone.get_by_role("link", name="Continue the questionnaire").click()
    assert phone.get_by_text("Step 8 of 8").is_visible()
    crisis = phone.locator("#crisis-resources")
    assert crisis.is_visible() and "988" in crisis.inner_text()
    phone.get_by_label("What would you most like to be able to do again").fill("Garden without pain")
    phone.get_by_role("button", name="Save and continue").last.click()

    assert phone.get_by_role("heading", name="Review and submit").is_visible()
    assert phone.get_by_text("Eliquis").first.is_visible()
    phone.get_by_label("I have read the privacy notice.").check()
    phone.get_by_label("I have read and accept the financial policy.").check()
    phone.get_by_label("Type your full name as your signature").fill("Rosa Parks")
    phone.get_by_role("button", name="Submit my questionnaire").click()
    assert phone.get_by_role("heading", name="Thank you").is_visible()
    other.close()

    intake = Intake.objects.get(email="rosa@example.com")
    assert intake.status == IntakeStatus.SUBMITTED
    assert OutboundEmail.objects.filter(template="intake-submitted").count() == 1

    # Staff: the admin page shows scores with bands, and the flags.
    # A clinician's first sign-in sets up the second step in the browser.
    staff_sign_in(page, live_server.url, StaffUserFactory(username="dr-who", role="Clinician"))
    page.goto(f"{live_server.url}/staff/intake/intake/")
    row = page.locator("#result_list tbody tr").first
    assert "PHQ-9 item 9" in row.inner_text()
    assert "Patient Health Questionnaire (PHQ-9) 1 (minimal)" in row.inner_text()
    row.get_by_role("link").first.click()
    detail = page.locator("#content").inner_text()
    for expected in [
        "Oswestry Disability Index v2.1a (ODI)",
        "minimal",
        "Keele STarT Back Screening Tool",
        "low",
        "item9_positive",
        "On apixaban (anticoagulant)",
        "anticoagulant",
        "Low back",
        "POSITIVE: crisis resources were shown",
    ]:
        assert expected in detail, expected  # fmt: skip
