"""Treatments so far: therapies, then injections and surgeries as rows, each with its date and effect."""

import datetime
import re

import pytest
from django.urls import reverse

from intake.selectors import step_summaries
from intake.tokens import resume_token
from tests.factories import IntakeFactory

from . import helpers

pytestmark = pytest.mark.django_db

EPIDURAL = {
    "kind": "epidural_steroid",
    "date": "2024-03",
    "relief_percent": "60",
    "relief_duration": "months",
}
FACET = {"kind": "facet_joint", "date": "2023-11", "relief_percent": "0", "relief_duration": ""}
LAMINECTOMY = {"procedure": "Laminectomy L4-L5", "date": "2019-06", "effect": "some"}


@pytest.fixture
def intake(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez", date_of_birth=datetime.date(1970, 1, 1))
    client.get(reverse("intake:resume", args=[resume_token(intake.public_id)]))
    return intake


def url(intake):
    return reverse("intake:step", args=[intake.public_id, "treatments"])


def test_each_injection_and_surgery_is_saved_as_its_own_row(client, intake):
    response = client.post(
        url(intake), helpers.treatments(injections=[EPIDURAL, FACET], surgeries=[LAMINECTOMY])
    )

    assert response.status_code == 302
    intake.refresh_from_db()
    saved = intake.step_answers("treatments")
    assert saved["injections"] == [
        {"kind": "epidural_steroid", "date": "2024-03-01", "relief_percent": 60, "relief_duration": "months"},
        {"kind": "facet_joint", "date": "2023-11-01", "relief_percent": 0, "relief_duration": ""},
    ]
    assert saved["surgeries"] == [{"procedure": "Laminectomy L4-L5", "date": "2019-06-01", "effect": "some"}]


def test_saved_rows_come_back_filled_in_and_empty_rows_are_ignored(client, intake):
    client.post(url(intake), helpers.treatments(injections=[EPIDURAL, {"kind": ""}], surgeries=[LAMINECTOMY]))

    page = client.get(url(intake)).content.decode()

    assert 'name="injection-0-date" value="2024-03"' in page
    assert 'name="injection-0-relief_percent" value="60"' in page
    assert 'value="Laminectomy L4-L5"' in page
    assert 'name="injection-INITIAL_FORMS" value="1"' in page
    intake.refresh_from_db()
    assert len(intake.step_answers("treatments")["injections"]) == 1


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({**EPIDURAL, "relief_percent": "150"}, "relief_percent", "Choose a number from 0 to 100."),
        ({**EPIDURAL, "relief_percent": "lots"}, "relief_percent", "Choose a number from 0 to 100."),
        ({**EPIDURAL, "date": "2999-01"}, "date", "This date cannot be in the future."),
        ({**EPIDURAL, "date": "last spring"}, "date", "Enter a month and year, for example 2024-03."),
        ({**EPIDURAL, "kind": ""}, "kind", "Choose the type of injection"),
    ],
)
def test_a_bad_injection_row_gets_a_message_by_the_field_and_keeps_what_was_typed(
    client, intake, row, field, message
):
    response = client.post(url(intake), helpers.treatments(injections=[row]))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # The message is tied to its field, and what was typed is still there.
    assert re.search(f'aria-describedby="[^"]*id_injection-0-{field}_error"', page)
    assert f'name="injection-0-relief_percent" value="{row["relief_percent"]}"' in page
    intake.refresh_from_db()
    assert "treatments" not in intake.completed_steps


def test_a_surgery_needs_its_name_when_a_date_or_effect_is_given(client, intake):
    response = client.post(url(intake), helpers.treatments(surgeries=[{"procedure": "", "date": "2019-06"}]))

    assert response.status_code == 400
    assert "Add what the operation was." in response.content.decode()


def test_the_review_lists_each_injection_and_surgery_with_its_date_and_effect(client, intake):
    client.post(url(intake), helpers.treatments(injections=[EPIDURAL], surgeries=[LAMINECTOMY]))
    intake.refresh_from_db()

    rows = dict(next(s["rows"] for s in step_summaries(intake) if s["step"].slug == "treatments"))

    assert rows["Injection 1"] == "Epidural steroid injection, 2024-03, 60% relief, 1 to 3 months"
    assert rows["Surgery 1"] == "Laminectomy L4-L5, 2019-06, Helped a little"
    assert rows["Physical therapy"] == "No"


def test_an_early_draft_with_free_text_still_opens_and_shows_its_text(client, intake):
    intake.answers = {"treatments": {"physical_therapy_tried": "no", "injections": "ESI 2022, helped"}}
    intake.save()

    assert client.get(url(intake)).status_code == 200
    rows = dict(next(s["rows"] for s in step_summaries(intake) if s["step"].slug == "treatments"))
    assert rows["Injections"] == "ESI 2022, helped"
