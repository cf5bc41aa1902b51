"""A referring provider from registration to a submitted referral, and staff closing the loop."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from clinic.core.clinical import red_flags
from clinic.core.roles import FRONT_DESK
from referrals.models import Referral
from tests.e2e.conftest import staff_sign_in
from tests.factories import PDF_BYTES, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_EMAIL = "ana.reyes@practice.example"
PATIENT_EMAIL = "maria.lopez@mail.example"


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def register_and_confirm(page, live_server):
    page.goto(live_server.url)
    page.get_by_role("main").get_by_role("link", name="Referring providers").click()
    page.get_by_role("link", name="Register as a referring provider").click()
    for field, value in {
        "first_name": "Ana",
        "last_name": "Reyes",
        "credentials": "MD",
        "npi": "1234567890",  # fails the check digit first
        "email": PROVIDER_EMAIL,
        "practice_name": "Oak Street Family Medicine",
        "address_line1": "12 Oak Street",
        "city": "Springfield",
        "postal_code": "62701",
        "phone": "(217) 555-0101",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
    }.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_state", label="Illinois")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This is not a valid NPI")).to_be_visible()
    assert page.input_value("#id_practice_name") == "Oak Street Family Medicine"
    assert page.input_value("#id_state") == "IL"

    page.fill("#id_npi", "1234567893")
    page.fill("#id_password1", "correct horse battery staple")
    page.fill("#id_password2", "correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    (verification,) = emails_to(PROVIDER_EMAIL)
    link = re.search(r"https?://\S+/referrals/verify-email/\S+/", verification.body).group(0)
    page.goto(link)
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    page.fill("#id_username", PROVIDER_EMAIL)
    page.fill("#id_password", "correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My referrals")).to_be_visible()
    expect(page.get_by_text("awaiting verification by the clinic")).to_be_visible()


def fill_referral(page):
    page.get_by_role("link", name="New referral").click()
    fields = {
        "patient_first_name": "Maria",
        "patient_last_name": "Lopez",
        "patient_date_of_birth": "1961-04-12",
        "patient_phone": "(217) 555-0143",
        "patient_email": PATIENT_EMAIL,
        "insurance_carrier": "Blue Cross",
        "insurance_member_id": "XJH123456789",
        "reason": "Left L5 radicular pain for 4 months despite physical therapy.",
        "physical_therapy_weeks": "8",
        "medications_tried": "Naproxen, gabapentin",
        "imaging_date": "2025-03-01",
    }
    for field, value in fields.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_requested_service", "epidural_steroid_injection")
    page.select_option("#id_imaging_type", "mri")

    # The code search (JavaScript): words find the code, "Add" puts it in the codes field.
    page.fill("#icd10-query", "lumbar radiculopathy")
    page.get_by_role("button", name="Add M54.16").click()
    assert page.input_value("#id_diagnosis_codes") == "M54.16"

    # An emergency answer shows the message at once; taking it back hides it.
    alert = page.locator("#red-flag-alert")
    expect(alert).to_be_hidden()
    page.check("#id_rf_saddle_numbness_0")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("not an emergency service")
    for question in red_flags.QUESTIONS:
        page.check(f"#id_rf_{question.key}_1")  # No
    expect(alert).to_be_hidden()

    page.check("#id_blood_thinner_1")
    page.check("#id_diabetes_0")
    page.check("#id_contrast_allergy_1")
    page.set_input_files(
        "#id_documents",
        files=[{"name": "mri-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )


def staff_action(page, live_server, referral, button, fill=None):
    page.goto(f"{live_server.url}/staff/referrals/referral/{referral.pk}/change/")
    page.locator("#content").get_by_role("link", name=button, exact=True).click()
    if fill:
        fill(page)
    page.locator("input[type=submit][name=confirm]").click()
    expect(page.get_by_text(f"Referral {referral.number}:")).to_be_visible()


def test_a_provider_registers_refers_with_a_document_and_staff_close_the_loop(
    page, browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    register_and_confirm(page, live_server)
    fill_referral(page)
    page.get_by_role("button", name="Send referral").click()

    referral = Referral.objects.get()
    expect(page.get_by_role("heading", name=f"Referral {referral.number}")).to_be_visible()
    expect(page.get_by_role("link", name="mri-report.pdf")).to_be_visible()
    assert referral.documents.get().upload.sha256
    (ack,) = emails_to(PROVIDER_EMAIL)[1:]
    assert referral.number in ack.subject and "ML" in ack.body and "Lopez" not in ack.body

    staff = StaffUserFactory(username="desk", role=FRONT_DESK)
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = staff_context.new_page()
    try:
        TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
        staff_sign_in(desk, live_server.url, staff)
        desk.goto(f"{live_server.url}/staff/referrals/referral/")
        desk.get_by_role("link", name=referral.number).click()
        expect(desk.get_by_text("Radiculopathy, lumbar region")).to_be_visible()
        expect(desk.get_by_text("Held: awaiting provider verification")).to_be_visible()
        # A held referral is accepted only once staff have verified its provider.
        desk.get_by_role("link", name="check and verify the referring provider").click()
        desk.get_by_role("button", name="Verify this provider").click()
        expect(desk.get_by_text("is verified.")).to_be_visible()

        staff_action(desk, live_server, referral, "Accept")
        assert [m.subject for m in emails_to(PROVIDER_EMAIL)][-1] == f"Referral {referral.number} accepted"
        (invitation,) = emails_to(PATIENT_EMAIL)
        assert "/intake/" in invitation.body and "M54.16" not in invitation.body

        staff_action(
            desk,
            live_server,
            referral,
            "Mark scheduled",
            lambda p: p.fill("#id_visit_at", "2031-05-06T09:30"),
        )
        scheduled = emails_to(PROVIDER_EMAIL)[-1]
        assert "visit scheduled" in scheduled.subject and "2031" in scheduled.body
        assert "2031" in emails_to(PATIENT_EMAIL)[-1].body

        staff_action(desk, live_server, referral, "Mark seen")
        assert emails_to(PROVIDER_EMAIL)[-1].subject == f"Referral {referral.number}: patient seen"
        expect(desk.locator("#referral-status")).to_have_text("Seen")
    finally:
        staff_context.close()

    # The provider sees the closed loop behind the login.
    page.goto(f"{live_server.url}/referrals/mine/")
    expect(page.get_by_role("row").filter(has_text=referral.number).get_by_text("Seen")).to_be_visible()
    subjects = [m.subject for m in emails_to(PROVIDER_EMAIL)]
    assert len(subjects) == 6  # verify link, acknowledgement, verified, accepted, scheduled, seen
    assert len(emails_to(PATIENT_EMAIL)) == 2  # intake invitation, visit date
