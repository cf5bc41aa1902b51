"""A warning sign counts the moment it is given (issue [Safety net], point 2).

Red-flag answers and PHQ-9 item 9 are stored and alert staff even when the rest of the page is
refused; an emergency answer stops the questionnaire on a page that is the guidance itself.
"""

import pytest
from django.urls import reverse

from clinic.core.models import OutboundEmail
from intake.tokens import resume_url
from tests.factories import IntakeFactory

from . import helpers

pytestmark = pytest.mark.django_db


def step_url(intake, step):
    return reverse("intake:step", args=[intake.public_id, step])


@pytest.fixture
def intake(client, settings):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    intake = IntakeFactory(first_name="Maria", last_name="Lopez")
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))
    return intake


def refused_pain_page(red_flag_answers):
    """A pain step refused for another reason: the main complaint left blank."""
    return helpers.pain(red_flag_answers, main_complaint="")


def test_saddle_numbness_on_a_refused_page_stops_on_the_emergency_page_and_alerts_at_once(client, intake):
    response = client.post(step_url(intake, "pain"), refused_pain_page({"saddle_numbness": "yes"}))

    content = response.content.decode()
    assert "Get emergency care now" in content and 'href="tel:911"' in content
    assert "Saved." not in content
    # The way back leads to the page that still needs the main complaint.
    assert step_url(intake, "pain") in content
    alert = intake.alerts.get()
    assert (alert.kind, alert.tier) == ("red_flag", "emergency")
    intake.refresh_from_db()
    assert intake.answers["pain"]["red_flags"]["saddle_numbness"] == "yes"
    assert intake.red_flag_tier == "emergency"
    assert "pain" not in intake.completed_steps


def test_the_refused_page_keeps_asking_for_the_rest_and_shows_the_guidance_first(client, intake):
    client.post(step_url(intake, "pain"), refused_pain_page({"saddle_numbness": "yes"}))
    response = client.get(step_url(intake, "pain"))
    content = response.content.decode()
    assert content.index("emergency-guidance") < content.index("<form")


def test_posting_the_same_emergency_again_alerts_once(client, intake):
    for _attempt in range(3):
        client.post(step_url(intake, "pain"), refused_pain_page({"bladder_dysfunction": "not_sure"}))
    assert intake.alerts.count() == 1
    assert OutboundEmail.objects.filter(template="staff-alert").count() == 1


def test_an_emergency_page_emails_a_link_to_finish_later(client, intake):
    client.post(step_url(intake, "pain"), refused_pain_page({"progressive_leg_weakness": "yes"}))
    assert OutboundEmail.objects.filter(template="intake-resume", to=intake.email).count() == 1


def test_an_urgent_answer_on_a_refused_page_alerts_and_shows_same_day_guidance_above_the_errors(
    client, intake
):
    response = client.post(step_url(intake, "pain"), refused_pain_page({"cancer": "yes"}))

    assert response.status_code == 400
    content = response.content.decode()
    assert "urgent-guidance" in content
    assert content.index("urgent-guidance") < content.index("Some answers need your attention")
    assert "Enter your main pain problem" in content or "This field is required" in content
    alert = intake.alerts.get()
    assert (alert.kind, alert.tier) == ("red_flag", "urgent")


def test_a_note_for_the_visit_on_a_refused_page_alerts_nobody(client, intake):
    response = client.post(step_url(intake, "pain"), refused_pain_page({"thoracic_pain": "yes"}))
    assert response.status_code == 400
    assert not intake.alerts.exists()
    assert b"emergency-guidance" not in response.content


def test_a_tampered_warning_sign_answer_is_not_stored(client, intake):
    data = refused_pain_page({"saddle_numbness": "definitely"})
    response = client.post(step_url(intake, "pain"), data)
    assert response.status_code == 400
    intake.refresh_from_db()
    assert "saddle_numbness" not in intake.answers.get("pain", {}).get("red_flags", {})
    assert not intake.alerts.exists()


def test_a_valid_emergency_save_also_stops_and_says_nothing_about_saving(client, intake):
    data = {**helpers.pain({"bowel_incontinence": "yes"}), "action": "save"}
    response = client.post(step_url(intake, "pain"), data, follow=True)
    content = response.content.decode()
    assert 'href="tel:911"' in content and "Saved." not in content
    assert step_url(intake, "treatments") in content
    intake.refresh_from_db()
    assert "pain" in intake.completed_steps


def test_phq9_item9_with_another_item_blank_shows_crisis_help_without_javascript_and_alerts(
    client, intake, wording_file
):
    helpers.walk_to_questionnaires(client, intake)
    answers = helpers.questionnaires(
        intake, value_for=lambda code, key: "2" if (code, key) == ("phq9", "q9") else None
    )
    del answers["phq9__q3"]

    response = client.post(step_url(intake, "questionnaires"), answers)

    assert response.status_code == 400
    content = response.content.decode()
    # Server-rendered at the top, before anything else on the page: no script needed.
    assert 'id="crisis-resources"' in content and 'href="tel:988"' in content and 'href="sms:988"' in content
    assert content.index('id="crisis-resources"') < content.index("<form")
    alert = intake.alerts.get(kind="phq9_item9")
    assert alert.acknowledged_at is None
    intake.refresh_from_db()
    assert intake.crisis_flag


def test_phq9_item9_of_zero_on_a_refused_page_alerts_nobody(client, intake, wording_file):
    helpers.walk_to_questionnaires(client, intake)
    answers = helpers.questionnaires(intake)
    del answers["phq9__q3"]
    response = client.post(step_url(intake, "questionnaires"), answers)
    assert response.status_code == 400
    assert b'id="crisis-resources"' not in response.content
    assert not intake.alerts.filter(kind="phq9_item9").exists()


def test_the_live_boxes_name_the_emergency_and_urgent_questions_for_the_page_script(client, intake):
    content = client.get(step_url(intake, "pain")).content.decode()
    assert 'data-emergency-fields="rf_bladder_dysfunction' in content
    assert "rf_saddle_numbness" in content.split('data-emergency-fields="')[1].split('"')[0]
    urgent = content.split('data-urgent-fields="')[1].split('"')[0].split()
    assert "rf_cancer" in urgent and "rf_thoracic_pain" not in urgent
