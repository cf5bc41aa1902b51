"""The day the pain started, on the pain step: between the date of birth and today."""

import datetime

import pytest

from clinic.core.clinical.red_flags import ONSET_AGE_FLAG_KEY
from intake.services import intake_save_about
from tests.factories import IntakeFactory

from . import helpers
from .test_journey import open_link, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(client):
    intake = IntakeFactory(date_of_birth=datetime.date(1980, 5, 20))
    open_link(client, intake)
    return intake


@pytest.mark.parametrize(
    ("onset", "message"),
    [
        ("1980-05-19", "The pain cannot have started before the date of birth."),
        ("2999-01-01", "The date the pain started cannot be in the future."),
    ],
)
def test_a_pain_onset_outside_the_patients_life_is_refused_by_the_field(client, intake, onset, message):
    response = client.post(
        step_url(intake, "pain"), helpers.pain(onset_date=onset, main_complaint="Sciatica on the left")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"onset_date": [message]}
    assert b"Sciatica on the left" in response.content
    intake.refresh_from_db()
    assert "pain" not in intake.completed_steps


def test_a_pain_that_began_on_the_day_of_birth_is_accepted(client, intake):
    response = client.post(step_url(intake, "pain"), helpers.pain(onset_date="1980-05-20"))

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.answers["pain"]["onset_date"] == "1980-05-20"


def test_a_date_of_birth_moved_after_the_saved_onset_gives_no_onset_flag(client, intake):
    client.post(step_url(intake, "pain"), helpers.pain(onset_date="1985-01-01"))
    intake.refresh_from_db()
    assert [flag["key"] for flag in intake.red_flags] == [ONSET_AGE_FLAG_KEY]  # pain starting at 4

    data = {**helpers.about(intake, date_of_birth=datetime.date(1990, 1, 1)), "sex_at_birth": "female"}
    intake = intake_save_about(intake=intake, data=data)

    assert intake.red_flags == []
