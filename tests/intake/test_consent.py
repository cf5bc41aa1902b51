"""Submitting: the typed name and the steps still to do are checked once, by `intake_submit`, and the
review page shows what the service says."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.models import IntakeStatus, IntakeStep
from intake.services import IntakeIncomplete, intake_submit
from intake.tokens import resume_url
from tests.factories import IntakeFactory

pytestmark = pytest.mark.django_db

CONSENT = {"consent_privacy": "on", "consent_financial": "on"}


def _open(client, intake):
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))


def _review(client, intake, **data):
    return client.post(reverse("intake:review", args=[intake.public_id]), {**CONSENT, **data})


def test_the_review_page_shows_the_services_own_words_for_a_name_that_does_not_match(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez", completed_steps=list(IntakeStep.values))
    _open(client, intake)
    with pytest.raises(ValidationError) as refused:
        intake_submit(
            intake=intake, consent_name="Someone Else", consent_privacy=True, consent_financial=True
        )
    [message] = refused.value.message_dict["consent_name"]

    response = _review(client, intake, consent_name="Someone Else")

    assert response.status_code == 400
    assert response.context["form"].errors["consent_name"] == [message]
    assert message in response.content.decode()
    assert "Maria Lopez" in message
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_a_name_that_does_not_match_is_reported_while_steps_are_still_to_do(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez", completed_steps=["about", "pain"])
    _open(client, intake)

    response = _review(client, intake, consent_name="Someone Else")

    assert response.status_code == 400
    assert "consent_name" in response.context["form"].errors
    assert [step.slug for step in response.context["missing"]] == [
        "insurance",
        "treatments",
        "medications",
        "history",
        "questionnaires",
        "goals",
    ]


def test_the_right_name_with_steps_still_to_do_lists_them_and_submits_nothing(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez", completed_steps=["about"])
    _open(client, intake)

    response = _review(client, intake, consent_name="maria lopez")

    assert response.status_code == 400
    assert not response.context["form"].errors
    assert len(response.context["missing"]) == len(IntakeStep.values) - 1
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_submitting_with_steps_still_to_do_names_them_in_order():
    intake = IntakeFactory(first_name="Maria", last_name="Lopez", completed_steps=["goals", "about"])

    assert intake.missing_steps() == [
        "insurance",
        "pain",
        "treatments",
        "medications",
        "history",
        "questionnaires",
    ]
    with pytest.raises(IntakeIncomplete) as incomplete:
        intake_submit(intake=intake, consent_name="Maria Lopez", consent_privacy=True, consent_financial=True)
    assert incomplete.value.missing_steps == intake.missing_steps()
