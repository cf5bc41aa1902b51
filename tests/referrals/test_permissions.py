"""Provider A, provider B, an anonymous visitor and staff, on every referral URL."""

import pytest
from django.urls import reverse

from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from referrals.models import Referral
from tests.factories import ReferralDocumentFactory, ReferringProviderFactory, StaffUserFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the referrer sign-in
ADMIN_LOGIN = "admin-login"


@pytest.fixture
def world():
    # A patient name no generated provider name can contain, so "nothing of it" is unambiguous.
    document = ReferralDocumentFactory(referral__patient_last_name="Quenneville-Zbornak")
    referral = document.referral
    return {
        "referral": referral,
        "document": document,
        "A": referral.provider.user,
        "B": ReferringProviderFactory().user,
        "anonymous": None,
        "staff": StaffUserFactory(role=FRONT_DESK),
        "staff without a role": StaffUserFactory(),
    }


def provider_urls(referral, document):
    return {
        "detail": ("get", reverse("referrals:detail", args=[referral.public_id])),
        "add documents": ("post", reverse("referrals:add_documents", args=[referral.public_id])),
        "cancel page": ("get", reverse("referrals:cancel", args=[referral.public_id])),
        "cancel": ("post", reverse("referrals:cancel", args=[referral.public_id])),
        "document": ("get", reverse("referrals:document", args=[referral.public_id, document.public_id])),
    }


EXPECTED = {
    # url: {who: status}
    "detail": {"A": 200, "B": 404, "anonymous": LOGIN, "staff": 403, "staff without a role": 403},
    "add documents": {"A": 302, "B": 404, "anonymous": LOGIN, "staff": 403, "staff without a role": 403},
    "cancel page": {"A": 200, "B": 404, "anonymous": LOGIN, "staff": 403, "staff without a role": 403},
    "cancel": {"A": 302, "B": 404, "anonymous": LOGIN, "staff": 403, "staff without a role": 403},
    "document": {"A": 200, "B": 404, "anonymous": LOGIN, "staff": 200, "staff without a role": 404},
}
CASES = [(url, who, status) for url, by_who in EXPECTED.items() for who, status in by_who.items()]


def request(client, method, url):
    if method == "post":
        return client.post(url, {"documents": [pdf()], "note": ""})
    return client.get(url)


@pytest.mark.parametrize(("url_name", "who", "expected"), CASES)
def test_each_person_reaches_only_their_own_referral(client, world, url_name, who, expected):
    if world[who] is not None:
        client.force_login(world[who])
    method, url = provider_urls(world["referral"], world["document"])[url_name]

    response = request(client, method, url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("referrals:login"))
    else:
        assert response.status_code == expected
    if who != "A":
        world["referral"].refresh_from_db()
        assert world["referral"].status == "submitted"
        assert world["referral"].documents.count() == 1


def test_a_guessed_or_mismatched_id_is_a_404_not_an_error(client, world):
    client.force_login(world["A"])
    referral, document = world["referral"], world["document"]
    other = ReferralDocumentFactory(referral__provider=referral.provider)

    assert client.get(f"/referrals/{'0' * 8}-0000-0000-0000-{'0' * 12}/").status_code == 404
    assert client.get("/referrals/not-a-uuid/").status_code == 404
    # A document of one referral asked for under another referral's id.
    url = reverse("referrals:document", args=[referral.public_id, other.public_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("referrals:document", args=[referral.public_id, document.public_id])).status_code
        == 200
    )


def test_another_providers_list_shows_nothing_of_it(client, world):
    client.force_login(world["B"])
    content = client.get(reverse("referrals:list")).content.decode()
    assert world["referral"].number not in content
    assert world["referral"].patient_last_name not in content


@pytest.mark.parametrize("who", ["A", "B", "anonymous", "staff without a role"])
def test_the_staff_referral_pages_are_closed_to_everyone_but_staff_with_a_role(client, world, who):
    if world[who] is not None:
        client.force_login(world[who])
    referral = world["referral"]
    for url in (
        reverse("admin:referrals_referral_changelist"),
        reverse("admin:referrals_referral_change", args=[referral.pk]),
        reverse("admin:referrals_referral_action", args=[referral.pk, "accept"]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert reverse("admin:login") in response["Location"]
    assert Referral.objects.get().status == "submitted"


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (FRONT_DESK, "under_review", True),
        (FRONT_DESK, "accept", True),
        (FRONT_DESK, "schedule", True),
        (CLINICIAN, "accept", True),
        (CLINICIAN, "decline", True),
        (CLINICIAN, "under_review", False),
        (CLINICIAN, "cancel", False),
        (CLINIC_ADMINISTRATOR, "cancel", True),
    ],
)
def test_staff_roles_reach_only_their_actions(client, world, role, action, allowed):
    client.force_login(StaffUserFactory(role=role))
    url = reverse("admin:referrals_referral_action", args=[world["referral"].pk, action])
    assert client.get(url).status_code == (200 if allowed else 403)


def test_the_document_is_served_inline_with_nosniff_and_a_sandbox(client, world):
    client.force_login(world["staff"])
    response = client.get(
        reverse("referrals:document", args=[world["referral"].public_id, world["document"].public_id])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
