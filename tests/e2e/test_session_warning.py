"""A minute before an idle staff session ends, the page asks; "Stay signed in" keeps the session and
what was typed on the page; ignored, the session ends and the page leaves the patient's data."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.core.roles import FRONT_DESK
from tests.e2e.conftest import staff_sign_in
from tests.factories import PatientFactory, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_warning_lets_staff_stay_and_an_ignored_one_signs_them_out(page, live_server, settings):
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_WARNING_SECONDS = 55
    patient = PatientFactory(last_name="Quintero")
    staff_sign_in(page, live_server.url, StaffUserFactory(role=FRONT_DESK))
    page.goto(live_server.url + reverse("admin:clinic_patient_change", args=[patient.pk]))
    page.locator("#id_first_name").fill("Typed but not saved")

    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=15_000)
    dialog.get_by_role("button", name="Stay signed in").click()

    expect(dialog).to_be_hidden()
    assert page.locator("#id_first_name").input_value() == "Typed but not saved"
    left = page.evaluate("fetch('/session/').then(r => r.json()).then(d => d.seconds_left)")
    assert left > 55

    # Nobody answers the next warning: the session ends and the page reloads to the sign-in.
    expect(page.get_by_label("Username")).to_be_visible(timeout=75_000)
    assert "Quintero" not in page.content()
    assert "signed out after 1 minute without activity" in page.content()
