"""The patient's date of birth and the day the pain began, on the referral form: one rule each."""

import datetime
import html

import pytest
from django.urls import reverse

from referrals.models import Referral
from referrals.services import referral_red_flags
from tests.dates_of_birth import EDGES, REFUSED, typed

from .conftest import referral_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("edge", REFUSED)
def test_each_impossible_date_of_birth_is_refused_by_the_field_with_the_rest_kept(provider_client, edge):
    response = provider_client.post(
        reverse("referrals:new"), referral_post(patient_date_of_birth=typed(edge))
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"patient_date_of_birth": [EDGES[edge]]}
    content = response.content.decode()
    assert html.escape(EDGES[edge]) in content
    assert 'value="XJH123456789"' in content and 'value="Lopez"' in content
    assert Referral.objects.count() == 0


def test_a_patient_born_today_can_be_referred(provider_client):
    data = referral_post(patient_date_of_birth=typed("today"), pain_onset="")

    response = provider_client.post(reverse("referrals:new"), data)

    assert response.status_code == 302
    assert Referral.objects.get().patient_date_of_birth.isoformat() == typed("today")


@pytest.mark.parametrize(
    ("onset", "message"),
    [
        ("1961-04-11", "The pain cannot have started before the date of birth."),
        ("2999-01-01", "The date the pain started cannot be in the future."),
    ],
)
def test_a_pain_onset_outside_the_patients_life_is_refused_by_the_field(provider_client, onset, message):
    response = provider_client.post(reverse("referrals:new"), referral_post(pain_onset=onset))

    assert response.status_code == 400
    assert response.context["form"].errors == {"pain_onset": [message]}
    assert 'value="XJH123456789"' in response.content.decode()
    assert Referral.objects.count() == 0


def test_a_pain_onset_on_the_day_of_birth_is_accepted(provider_client):
    response = provider_client.post(reverse("referrals:new"), referral_post(pain_onset="1961-04-12"))

    assert response.status_code == 302
    assert Referral.objects.get().pain_onset.isoformat() == "1961-04-12"


def test_the_red_flags_of_a_referral_ignore_an_onset_before_birth():
    red = referral_red_flags(
        red_flag_answers={}, date_of_birth=datetime.date(1961, 4, 12), pain_onset=datetime.date(1950, 1, 1)
    )
    assert red.flags == []
