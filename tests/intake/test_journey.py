"""A patient's whole intake through the web pages, and what each step's rules do."""

import html
import re

import pytest
from django.urls import reverse

from clinic.core.emails import render_email
from clinic.core.models import OutboundEmail, Patient, StaffAlert
from intake.models import Intake, IntakeStatus
from intake.tokens import resume_url
from referrals.models import QueuePriority
from tests.factories import PNG_BYTES, IntakeFactory, PatientFactory, ReferralFactory

from . import helpers

pytestmark = pytest.mark.django_db


def step_url(intake, step):
    return reverse("intake:step", args=[intake.public_id, step])


def open_link(client, intake):
    return client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))


@pytest.fixture
def intake(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez")
    open_link(client, intake)
    return intake


def test_starting_from_the_home_page_emails_a_link_that_verifies_and_resumes(client):
    response = client.get(reverse("new_patient"), follow=True)
    assert response.status_code == 200
    response = client.post(
        reverse("intake:start"),
        {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-02-03", "email": "ann@example.com"},
    )
    assert b"Check your email" in response.content
    intake = Intake.objects.get(email="ann@example.com")
    assert intake.email_verified_at is None
    # The intake is not reachable before the link is opened.
    assert client.get(step_url(intake, "about")).status_code == 404

    link = OutboundEmail.objects.get(template="intake-verify").context["resume_url"]
    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 302
    assert response["Location"] == step_url(intake, "about")
    intake.refresh_from_db()
    assert intake.email_verified_at is not None


@pytest.mark.parametrize(
    ("dob", "message"),
    [("2999-01-01", b"cannot be in the future"), ("1850-01-01", b"more than 120 years ago")],
)
def test_impossible_dates_of_birth_are_refused_with_the_typed_answers_kept(client, dob, message):
    response = client.post(
        reverse("intake:start"),
        {"first_name": "Ann", "last_name": "Lee", "date_of_birth": dob, "email": "ann@example.com"},
    )
    assert response.status_code == 200
    assert message in response.content
    assert b'value="Ann"' in response.content
    assert not Intake.objects.exists()


def test_a_whole_intake_is_scored_flagged_submitted_once_and_then_read_only(client, intake, wording_file):
    helpers.walk_to_questionnaires(client, intake)
    codes = {"peg", "promis_pi_4a", "phq9", "gad7", "ort_oud", "start_back", "odi"}
    response = client.get(step_url(intake, "questionnaires"))
    for code in codes:
        assert f'data-instrument="{code}"'.encode() in response.content
    assert b"ODI copyright notice (placeholder)" in response.content
    assert b"Copyright \xc2\xa9 Pfizer" in response.content

    answers = helpers.questionnaires(
        intake, value_for=lambda code, key: "1" if (code, key) == ("phq9", "q9") else None
    )
    response = client.post(step_url(intake, "questionnaires"), answers)
    # The crisis page at once (call and text 988), a way on to the next step, and staff alerted.
    assert response.status_code == 200
    assert b'href="tel:988"' in response.content and b'href="sms:988"' in response.content
    assert step_url(intake, "goals").encode() in response.content
    response = client.get(step_url(intake, "goals"))
    assert b"crisis-resources" in response.content
    alert = StaffAlert.objects.get(intake=intake, kind="phq9_item9")
    assert alert.acknowledged_at is None

    intake.refresh_from_db()
    responses = {r.code: r for r in intake.responses.all()}
    assert set(responses) == codes
    assert responses["phq9"].answers["q9"] == 1
    assert responses["phq9"].version == "1.0"
    assert "item9_positive" in responses["phq9"].flags
    assert responses["odi"].wording_version.startswith("ODI placeholder")
    assert responses["ort_oud"].answers["age_16_45"] in (True, False)
    assert responses["peg"].total is not None

    medication = intake.medications.get()
    assert (medication.drug_key, medication.drug_class) == ("apixaban", "anticoagulant")
    assert "drug:apixaban" in {flag["code"] for flag in intake.safety_flags}
    assert "allergy:iodinated_contrast" in {flag["code"] for flag in intake.safety_flags}

    assert client.post(step_url(intake, "goals"), helpers.goals()).status_code == 302
    review = client.get(reverse("intake:review", args=[intake.public_id]))
    assert review.status_code == 200
    assert b"Walk my dog again" in review.content and b"Eliquis 5 mg" in review.content

    wrong = client.post(
        reverse("intake:review", args=[intake.public_id]),
        {"consent_name": "Someone Else", "consent_privacy": "on", "consent_financial": "on"},
    )
    assert wrong.status_code == 400 and b"must match your name" in wrong.content

    consent = {"consent_name": " maria  LOPEZ ", "consent_privacy": "on", "consent_financial": "on"}
    response = client.post(reverse("intake:review", args=[intake.public_id]), consent)
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:thanks", args=[intake.public_id]
    )
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.patient == Patient.objects.get(last_name="Lopez")
    confirmation = render_email(OutboundEmail.objects.get(template="intake-submitted"))
    assert confirmation.subject == "We received your questionnaire (Riverside Interventional Pain Center)"
    assert "Lopez" not in confirmation.body and "988" not in confirmation.body

    # Submitting twice and editing afterwards change nothing and show the thank-you page.
    again = client.post(reverse("intake:review", args=[intake.public_id]), consent, follow=True)
    assert again.status_code == 200 and b"Thank you" in again.content
    # The thank-you page leads to an appointment request that already knows who the patient is.
    request_link = re.search(r'href="(/appointments/\?patient=[^"]+)"', again.content.decode())
    assert request_link
    request_form = client.get(html.unescape(request_link.group(1)))
    assert request_form.status_code == 200 and b'name="date_of_birth"' not in request_form.content
    edit = client.post(step_url(intake, "goals"), {"goals": "changed"}, follow=True)
    assert b"can no longer be changed" in edit.content
    intake.refresh_from_db()
    assert intake.answers["goals"]["goals"] == "Walk my dog again"
    assert OutboundEmail.objects.filter(template="intake-submitted").count() == 1


def test_an_emergency_red_flag_shows_guidance_on_the_next_page_and_alerts_staff_once(
    client, intake, settings
):
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    client.post(step_url(intake, "about"), helpers.about(intake))
    data = helpers.pain({"bowel_incontinence": "not_sure"})
    response = client.post(step_url(intake, "pain"), data, follow=True)

    # The questionnaire stops: the page is the emergency guidance itself, with a call button first.
    content = response.content.decode()
    assert "emergency-guidance" in content and 'href="tel:911"' in content
    assert content.index("emergency-guidance") < content.index("Continue the questionnaire")
    assert "Saved." not in content
    assert step_url(intake, "treatments") in content
    alert = StaffAlert.objects.get(intake=intake)
    assert (alert.kind, alert.tier) == ("red_flag", "emergency")
    client.post(step_url(intake, "pain"), data)  # saved again: no second alert
    emails = OutboundEmail.objects.filter(template="staff-alert")
    assert [e.to for e in emails] == ["duty@clinic.example"]
    # The tier and a link, nothing about the patient.
    assert set(emails[0].context) == {"alert_url", "kind", "tier", "escalation"}
    assert (emails[0].context["kind"], emails[0].context["tier"]) == ("red_flag", "emergency")


def test_pain_scores_outside_0_to_10_are_refused_and_everything_typed_is_kept(client, intake):
    data = helpers.pain(pain_now="11", main_complaint="Sciatica on the left")
    response = client.post(step_url(intake, "pain"), data)
    assert response.status_code == 400
    assert b"Choose a number from 0 to 10." in response.content
    assert b"Sciatica on the left" in response.content
    assert b'value="low_back" id="id_body_regions_' in response.content
    assert b"checked" in response.content
    intake.refresh_from_db()
    # Only the warning-sign answers are kept from a refused page; the step is not done.
    assert set(intake.answers["pain"]) == {"red_flags"}
    assert "pain" not in intake.completed_steps


def test_a_card_photo_that_is_not_an_image_is_refused_next_to_the_field(client, intake):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("card.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = client.post(step_url(intake, "insurance"), {**helpers.insurance(), "card_front": fake})
    assert response.status_code == 400
    assert b"is not a JPEG or PNG file" in response.content
    assert b'value="XZ123"' in response.content


def test_a_real_card_photo_is_stored_and_only_staff_may_see_it(client, intake, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    card = SimpleUploadedFile("card.png", PNG_BYTES, content_type="image/png")
    response = client.post(step_url(intake, "insurance"), {**helpers.insurance(), "card_front": card})
    assert response.status_code == 302
    intake.refresh_from_db()
    url = reverse("intake:insurance_card", args=[intake.public_id, "front"])
    assert client.get(url).status_code == 302  # the patient is not staff: to the login page
    staff = admin_client.get(url)
    assert staff.status_code == 200 and staff["X-Content-Type-Options"] == "nosniff"


def test_tampered_links_and_other_peoples_intakes_get_a_friendly_404(client, intake):
    other = IntakeFactory()
    assert client.get(step_url(other, "about")).status_code == 404
    tampered = resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000")[:-3] + "abc/"
    response = client.get(tampered)
    assert response.status_code == 404 and b"This link does not work" in response.content


def test_an_expired_link_offers_a_new_one_sent_to_the_intakes_own_address(client, settings):
    intake = IntakeFactory()
    link = resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000")
    settings.INTAKE_LINK_MAX_AGE_DAYS = -1
    response = client.get(link)
    assert response.status_code == 410 and b"This link has expired" in response.content
    token = link.rstrip("/").rsplit("/", 1)[1]
    client.post(reverse("intake:resend_link"), {"token": token})
    assert OutboundEmail.objects.get(template="intake-resume").to == intake.email


def test_save_and_finish_later_emails_a_resume_link(client, intake):
    response = client.post(step_url(intake, "about"), {**helpers.about(intake), "action": "later"})
    assert b"Your answers are saved" in response.content
    assert OutboundEmail.objects.filter(template="intake-resume", to=intake.email).count() == 1


def test_step_pages_use_a_bounded_number_of_queries(
    client, intake, wording_file, django_assert_max_num_queries
):
    helpers.walk_to_questionnaires(client, intake)
    client.post(
        step_url(intake, "medications"), helpers.medications(names=[f"Medicine {n}" for n in range(25)])
    )
    for step in [
        "about",
        "insurance",
        "pain",
        "treatments",
        "medications",
        "history",
        "questionnaires",
        "goals",
    ]:
        with django_assert_max_num_queries(12):
            assert client.get(step_url(intake, step)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("intake:review", args=[intake.public_id])).status_code == 200


def test_a_red_flag_in_the_intake_moves_the_patients_referral_to_the_top_of_the_queue(client):
    patient = PatientFactory()
    referral = ReferralFactory(patient=patient, status="accepted")
    closed = ReferralFactory(patient=patient, status="seen")
    intake = IntakeFactory(patient=patient, first_name=patient.first_name, last_name=patient.last_name)
    open_link(client, intake)
    client.post(step_url(intake, "about"), helpers.about(intake))

    client.post(step_url(intake, "pain"), helpers.pain({"bowel_incontinence": "yes"}))

    referral.refresh_from_db()
    closed.refresh_from_db()
    assert referral.queue_priority == QueuePriority.EMERGENCY_RED_FLAG
    assert closed.queue_priority == QueuePriority.ROUTINE


def test_a_step_with_errors_lists_them_at_the_top_with_links_to_each_question(client, intake):
    response = client.post(step_url(intake, "pain"), helpers.pain(pain_now="11"))

    content = response.content.decode()
    summary = content.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_pain_now"' in summary
    assert "Choose a number from 0 to 10." in summary
    assert content.index('id="error-summary"') < content.index('name="pain_now"')
