"""A lost session loses nothing (issue [Safety net], point 7): a browser closed mid-page, or a patient
starting again from the home page, keeps every answer in the one open draft."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import OutboundEmail
from intake.models import Intake
from intake.tokens import resume_url
from tests.factories import IntakeFactory

from . import helpers

pytestmark = pytest.mark.django_db


def step_url(intake, step):
    return reverse("intake:step", args=[intake.public_id, step])


def open_link(client, intake):
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))


def key_in(page) -> str:
    found = re.search(r'name="intake_key" value="([^"]+)"', page.content.decode())
    assert found, "the page carries no intake key"
    return found.group(1)


@pytest.fixture
def intake():
    return IntakeFactory(first_name="Maria", last_name="Lopez", completed_steps=["about", "insurance"])


def page_then_closed_browser(intake, step="pain"):
    """The patient opens the page, then the browser closes: a new browser with no session cookie
    posts the form they had filled in."""
    first = Client()
    open_link(first, intake)
    key = key_in(first.get(step_url(intake, step)))
    return Client(), key


def test_a_page_posted_after_the_browser_closed_is_saved_and_says_how_to_get_back_in(intake):
    browser, key = page_then_closed_browser(intake)

    response = browser.post(step_url(intake, "pain"), {**helpers.pain(), "intake_key": key}, follow=True)

    assert response.redirect_chain[-1][0] == step_url(intake, "treatments")
    assert "nothing you typed is lost" in response.content.decode()
    assert "emailed you a new link" in response.content.decode()
    intake.refresh_from_db()
    assert intake.step_answers("pain")["main_complaint"] == "Low back pain"
    assert OutboundEmail.objects.filter(template="intake-resume", to=intake.email).count() == 1


def test_a_refused_page_after_the_browser_closed_keeps_what_was_typed(intake):
    browser, key = page_then_closed_browser(intake)
    data = {**helpers.pain(main_complaint="Burning in my left leg"), "pain_now": "12", "intake_key": key}

    response = browser.post(step_url(intake, "pain"), data)

    assert response.status_code == 400
    assert b"Burning in my left leg" in response.content
    assert b"has not been opened in this browser" not in response.content
    # The browser can carry on from here.
    assert browser.get(step_url(intake, "treatments")).status_code == 200


def test_the_intake_address_alone_opens_nothing(intake):
    stranger = Client()
    response = stranger.post(step_url(intake, "pain"), helpers.pain(main_complaint="Overwritten"))
    assert response.status_code == 404
    assert stranger.get(step_url(intake, "pain")).status_code == 404
    intake.refresh_from_db()
    assert "pain" not in intake.answers


def test_a_key_from_another_intake_or_a_tampered_one_opens_nothing(intake):
    other = IntakeFactory(completed_steps=["about", "insurance"])
    _browser, other_key = page_then_closed_browser(other)
    for key in [other_key, other_key[:-2] + "xx", "", "garbage"]:
        response = Client().post(step_url(intake, "pain"), {**helpers.pain(), "intake_key": key})
        assert response.status_code == 404, key
    intake.refresh_from_db()
    assert "pain" not in intake.answers


def test_a_page_key_older_than_a_day_opens_nothing(intake):
    browser, key = page_then_closed_browser(intake)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = browser.post(step_url(intake, "pain"), {**helpers.pain(), "intake_key": key})
    assert response.status_code == 404


def test_the_consent_page_also_survives_a_closed_browser(intake):
    first = Client()
    open_link(first, intake)
    key = key_in(first.get(reverse("intake:review", args=[intake.public_id])))
    response = Client().post(
        reverse("intake:review", args=[intake.public_id]), {"consent_name": "", "intake_key": key}
    )
    assert response.status_code == 400  # refused for the missing steps and consent, not a dead end


def start(client, **overrides):
    data = {
        "first_name": "Ann",
        "last_name": "Lee",
        "date_of_birth": "1970-02-03",
        "email": "ann@example.com",
        **overrides,
    }
    return client.post(reverse("intake:start"), data)


def test_the_same_person_starting_again_resumes_their_draft_instead_of_making_a_second(client):
    first_page = start(client)
    draft = Intake.objects.get()
    draft.answers = {"pain": {"red_flags": {"saddle_numbness": "yes"}}}
    draft.save()

    again = start(Client(), first_name=" ann ", last_name="LEE", email="Ann@Example.com")

    assert Intake.objects.count() == 1
    assert b"Check your email" in again.content and b"Check your email" in first_page.content
    assert OutboundEmail.objects.filter(template="intake-resume", to=draft.email).count() == 1


def test_someone_else_with_the_same_name_gets_their_own_draft(client):
    start(client)
    start(Client(), email="another.ann@example.com")
    start(Client(), date_of_birth="1971-02-03")
    assert Intake.objects.count() == 3


def test_a_submitted_or_expired_intake_is_not_resumed_by_starting_again(client):
    start(client)
    Intake.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    start(Client())
    assert Intake.objects.count() == 2


def test_an_emergency_answer_in_a_draft_never_finished_has_alerted_staff(settings):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    intake = IntakeFactory(completed_steps=["about", "insurance"])
    browser = Client()
    open_link(browser, intake)
    browser.post(step_url(intake, "pain"), helpers.pain({"saddle_numbness": "yes"}, main_complaint=""))
    # The patient never comes back.
    assert intake.alerts.filter(tier="emergency").count() == 1
    assert OutboundEmail.objects.filter(template="staff-alert", to="duty@clinic.example").count() == 1
