"""The date of birth on the start page and the "About you" step: one rule, each edge, answers kept."""

import html

import pytest
from django.urls import reverse

from intake.models import Intake
from tests.dates_of_birth import EDGES, REFUSED, typed
from tests.factories import IntakeFactory

from . import helpers
from .test_journey import open_link, step_url

pytestmark = pytest.mark.django_db


def start(client, date_of_birth: str):
    return client.post(
        reverse("intake:start"),
        {"first_name": "Ann", "last_name": "Lee", "date_of_birth": date_of_birth, "email": "ann@example.com"},
    )


@pytest.mark.parametrize("edge", REFUSED)
def test_the_start_page_refuses_each_impossible_date_of_birth_by_the_field_and_keeps_the_rest(client, edge):
    response = start(client, typed(edge))

    assert response.status_code == 200
    assert response.context["form"].errors == {"date_of_birth": [EDGES[edge]]}
    assert html.escape(EDGES[edge]) in response.content.decode()
    assert (
        'value="Ann"' in response.content.decode() and 'value="ann@example.com"' in response.content.decode()
    )
    assert not Intake.objects.exists()


def test_the_start_page_accepts_a_date_of_birth_of_today(client):
    response = start(client, typed("today"))

    assert b"Check your email" in response.content
    assert Intake.objects.get().date_of_birth.isoformat() == typed("today")


@pytest.mark.parametrize("edge", REFUSED)
def test_the_about_step_refuses_each_impossible_date_of_birth_by_the_field_and_keeps_the_rest(client, edge):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez")
    open_link(client, intake)
    born = intake.date_of_birth

    response = client.post(step_url(intake, "about"), helpers.about(intake, date_of_birth=typed(edge)))

    assert response.status_code == 400
    assert response.context["form"].errors == {"date_of_birth": [EDGES[edge]]}
    content = response.content.decode()
    assert html.escape(EDGES[edge]) in content
    assert 'value="1 Main St"' in content and 'value="Springfield"' in content
    intake.refresh_from_db()
    assert intake.date_of_birth == born and "about" not in intake.completed_steps


def test_the_about_step_accepts_a_date_of_birth_of_today(client):
    intake = IntakeFactory()
    open_link(client, intake)

    response = client.post(step_url(intake, "about"), helpers.about(intake, date_of_birth=typed("today")))

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.date_of_birth.isoformat() == typed("today")
