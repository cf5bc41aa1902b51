"""A referral from a provider the clinic has not verified is held: stored and shown to its provider,
in no staff worklist, only declined or cancelled, until staff verify the provider; and such a
provider stores at most REFERRAL_UNVERIFIED_DOCUMENT_QUOTA documents."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.core.models import Upload
from clinic.core.roles import FRONT_DESK
from clinic.staff.worklists import staff_worklists
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    ReferralDocumentFactory,
    ReferralFactory,
    ReferringProviderFactory,
    StaffUserFactory,
)

from .conftest import pdf, referral_post

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:referrals_referral_changelist"
HELD = "Referrals held until their provider is verified"
NEW = "New referrals to triage"


def submit(client, files=(), **overrides):
    payload = referral_post(**overrides)
    if files:
        payload["documents"] = list(files)
    return client.post(reverse("referrals:new"), payload)


def queue(client, worklist: str) -> list[str]:
    response = client.get(reverse(CHANGELIST), {"worklist": worklist})
    assert response.status_code == 200
    return [referral.number for referral in response.context["cl"].result_list]


def counts(user) -> dict[str, int]:
    return {str(entry.label): entry.count for entry in staff_worklists(user)}


@pytest.fixture
def unverified(client):
    provider = ReferringProviderFactory(verified_at=None)
    client.force_login(provider.user)
    return provider


def test_a_held_referral_waits_outside_the_queue_until_its_provider_is_verified(client, unverified):
    assert submit(client).status_code == 302
    referral = Referral.objects.get()
    desk = StaffUserFactory(role=FRONT_DESK)
    client.force_login(desk)

    assert referral.is_held
    assert queue(client, "new") == [] and queue(client, "open") == []
    assert queue(client, "held") == [referral.number]
    assert counts(desk)[NEW] == 0 and counts(desk)[HELD] == 1

    services.referring_provider_verify(provider=unverified, by=desk)

    assert queue(client, "new") == [referral.number] and queue(client, "held") == []
    assert counts(desk)[NEW] == 1 and counts(desk)[HELD] == 0


def test_a_referral_of_a_verified_provider_is_never_held(client):
    referral = ReferralFactory()
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    assert not referral.is_held
    assert queue(client, "new") == [referral.number] and queue(client, "held") == []


def test_a_held_referral_cannot_be_accepted_or_reviewed_but_can_be_declined():
    referral = ReferralFactory(provider=ReferringProviderFactory(verified_at=None))
    desk = StaffUserFactory(role=FRONT_DESK)

    for move in (services.referral_mark_under_review, services.referral_accept):
        with pytest.raises(ValidationError, match="held until the clinic verifies its referring provider"):
            move(referral=referral, by=desk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and referral.patient is None

    services.referral_decline(referral=referral, by=desk, reason="other", note="Not a real practice")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_the_staff_page_of_a_held_referral_says_why_and_links_to_the_provider(client):
    referral = ReferralFactory(provider=ReferringProviderFactory(verified_at=None))
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()
    assert "Held: awaiting provider verification" in page
    assert reverse("admin:referrals_referringprovider_change", args=[referral.provider.pk]) in page


# --- The document quota ----------------------------------------------------------------------------


def test_an_unverified_provider_stores_no_more_documents_than_the_quota(client, unverified):
    quota = settings.REFERRAL_UNVERIFIED_DOCUMENT_QUOTA
    assert submit(client, files=[pdf(f"note{n}.pdf") for n in range(quota - 1)]).status_code == 302
    referral = Referral.objects.get()
    add = reverse("referrals:add_documents", args=[referral.public_id])

    response = client.post(add, {"documents": [pdf("a.pdf"), pdf("b.pdf")]})

    assert response.status_code == 400
    page = response.content.decode()
    assert f"you can send {quota} documents in all, and 1 more now" in page
    assert settings.CLINIC_PHONE in page
    assert Upload.objects.count() == quota - 1
    assert client.post(add, {"documents": [pdf("c.pdf")]}).status_code == 302
    assert referral.documents.count() == quota

    services.referring_provider_verify(provider=unverified, by=StaffUserFactory())
    assert client.post(add, {"documents": [pdf("d.pdf"), pdf("e.pdf")]}).status_code == 302
    assert referral.documents.count() == quota + 2


def test_a_new_referral_past_the_quota_is_refused_with_nothing_stored(client, unverified):
    quota = settings.REFERRAL_UNVERIFIED_DOCUMENT_QUOTA
    ReferralDocumentFactory(referral=ReferralFactory(provider=unverified))

    response = submit(client, files=[pdf(f"note{n}.pdf") for n in range(quota)])

    assert response.status_code == 400
    assert f"and {quota - 1} more now" in response.content.decode()
    assert Upload.objects.count() == 1 and Referral.objects.count() == 1
    # What was typed is still there to send without the extra documents.
    assert 'value="Maria"' in response.content.decode()


def test_an_unverified_providers_files_are_not_kept_for_a_retry(client, unverified):
    response = submit(client, files=[pdf()], patient_last_name="")

    assert response.status_code == 400
    assert "Your documents were not kept" in response.content.decode()
    assert not Upload.objects.exists()


def test_the_quota_is_checked_by_the_service_too(unverified):
    referral = ReferralFactory(provider=unverified)
    for _ in range(settings.REFERRAL_UNVERIFIED_DOCUMENT_QUOTA):
        ReferralDocumentFactory(referral=referral)
    upload = Upload.objects.create(
        file="x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )

    with pytest.raises(ValidationError, match="Until the clinic has verified your account"):
        services.referral_document_add(referral=referral, upload=upload, by=unverified.user)
