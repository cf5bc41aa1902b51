"""The patient's date of birth on the referral form: one rule, each edge, everything typed kept."""

import html

import pytest
from django.urls import reverse

from referrals.models import Referral
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
