"""The referral form reads blood-thinner names with the same recogniser as the intake (issue 9)."""

import pytest
from django.urls import reverse

from referrals.models import Referral

from .conftest import referral_post

pytestmark = pytest.mark.django_db


def flags_after(provider_client, **answers) -> dict[str, dict]:
    response = provider_client.post(reverse("referrals:new"), referral_post(**answers))
    assert response.status_code == 302, response.content.decode()[:2000]
    return {flag["code"]: flag for flag in Referral.objects.get().safety_flags}


@pytest.mark.parametrize("names", ["fish oil", "fish oil and Celebrex", "ginkgo, vitamin E", "Zoloft"])
def test_a_supplement_or_other_drug_does_not_cancel_the_unnamed_blood_thinner_flag(provider_client, names):
    flags = flags_after(provider_client, blood_thinner="yes", blood_thinner_names=names)
    assert "blood_thinner_unnamed" in flags


@pytest.mark.parametrize(
    ("names", "code"),
    [
        ("Xarleto 20mg", "drug:rivaroxaban"),
        ("Plavicks", "drug:clopidogrel"),
        ("Brilinta (free samples)", "drug:ticagrelor"),
    ],
)
def test_a_misspelt_or_free_sample_blood_thinner_is_recognised(provider_client, names, code):
    flags = flags_after(provider_client, blood_thinner="yes", blood_thinner_names=names)
    assert code in flags
    assert "blood_thinner_unnamed" not in flags


def test_a_misspelling_is_shown_to_staff_as_what_it_was_read_as(provider_client):
    flags = flags_after(provider_client, blood_thinner="yes", blood_thinner_names="Xarleto")
    assert "Xarleto read as rivaroxaban" in flags["medication_not_recognised"]["detail"]


def test_an_unknown_name_is_kept_for_staff(provider_client):
    flags = flags_after(provider_client, blood_thinner="yes", blood_thinner_names="Blorptaxil")
    assert "blood_thinner_unnamed" in flags
    assert "Blorptaxil" in flags["medication_not_recognised"]["detail"]
