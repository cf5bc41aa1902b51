"""Answers that contradict each other are asked about (issue [Safety net], point 5): a steroid
injection on the Treatments page against "no" on the history page, a device named in the patient's
own words against "no implanted device". Until the patient confirms, the screen takes the safer
reading."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from clinic.core.models import SafetyScreenRecord
from intake.tokens import resume_url
from tests.factories import IntakeFactory

from . import helpers

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def step_url(intake, step):
    return reverse("intake:step", args=[intake.public_id, step])


@pytest.fixture
def intake(client):
    intake = IntakeFactory(completed_steps=["about", "insurance", "pain"])
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))
    return intake


def screen_codes(intake):
    record = SafetyScreenRecord.objects.get(source_id=intake.public_id)
    return {flag["code"] for flag in record.flags}


def save_treatments(client, intake, kind, month):
    data = helpers.treatments(injections=[{"kind": kind, "date": month, "relief_percent": "50"}])
    response = client.post(step_url(intake, "treatments"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@time_machine.travel(TODAY)
def test_an_epidural_last_october_with_no_to_a_recent_steroid_injection_is_asked(client, intake):
    save_treatments(client, intake, "epidural_steroid", "2026-10")
    # The screen already counts the injection, before the history page is even reached.
    assert "other:recent_steroid_injection" in screen_codes(intake)

    response = client.post(step_url(intake, "history"), helpers.history())

    assert response.status_code == 400
    assert "steroid injection in 2026-10" in response.content.decode()
    assert "other:recent_steroid_injection" in screen_codes(intake)


@time_machine.travel(TODAY)
def test_once_confirmed_the_patients_answer_is_used(client, intake):
    save_treatments(client, intake, "epidural_steroid", "2026-10")
    response = client.post(step_url(intake, "history"), helpers.history(confirm_answers="on"))
    assert response.status_code == 302
    assert "other:recent_steroid_injection" not in screen_codes(intake)


@time_machine.travel(TODAY)
def test_ticking_the_recent_injection_answers_the_question(client, intake):
    save_treatments(client, intake, "facet_joint", "2026-11")
    data = helpers.history(other_concerns=["recent_steroid_injection"])
    assert client.post(step_url(intake, "history"), data).status_code == 302
    assert "other:recent_steroid_injection" in screen_codes(intake)


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("kind", "month"),
    [("epidural_steroid", "2026-08"), ("epidural_steroid", "2025-11"), ("medial_branch_block", "2026-11")],
)
def test_an_older_injection_or_one_without_steroid_is_not_asked_about(client, intake, kind, month):
    save_treatments(client, intake, kind, month)
    assert client.post(step_url(intake, "history"), helpers.history()).status_code == 302
    assert "other:recent_steroid_injection" not in screen_codes(intake)


@pytest.mark.parametrize(
    ("words", "device"),
    [
        ("Pacemaker put in 2019", "device:pacemaker"),
        ("I have a spinal cord stimulator from Medtronic", "device:scs_drg_pns"),
        ("L4-5 fusion with rods and screws", "device:spinal_hardware"),
    ],
)
def test_a_device_named_in_the_patients_words_with_no_device_ticked_is_asked(client, intake, words, device):
    client.post(step_url(intake, "treatments"), helpers.treatments())
    response = client.post(step_url(intake, "history"), helpers.history(device_details=words))

    assert response.status_code == 400
    assert "ticked no implanted device" in response.content.decode()
    assert words in response.content.decode()  # nothing typed is lost

    # Confirmed "no device": the patient's answer stands; until then the device counts.
    client.post(step_url(intake, "history"), helpers.history(device_details=words, confirm_answers="on"))
    assert device not in screen_codes(intake)


def test_a_surgery_that_left_hardware_counts_until_the_patient_says_otherwise(client, intake):
    data = helpers.treatments(surgeries=[{"procedure": "Lumbar fusion L5-S1", "year": "2015"}])
    client.post(step_url(intake, "treatments"), data)
    assert "device:spinal_hardware" in screen_codes(intake)
    response = client.post(step_url(intake, "history"), helpers.history())
    assert response.status_code == 400


def test_nothing_to_check_means_no_question(client, intake):
    client.post(step_url(intake, "treatments"), helpers.treatments())
    data = helpers.history(device_details="None", devices=[])
    assert client.post(step_url(intake, "history"), data).status_code == 302
