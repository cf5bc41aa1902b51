import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests.factories import ReferralDocumentFactory, ReferralFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_my_referrals_lists_status_dates_and_days_waiting_and_filters(provider_client, provider):
    waiting = ReferralFactory(provider=provider, submitted_at=timezone.now() - datetime.timedelta(days=12))
    seen = ReferralFactory(provider=provider, status="seen", seen_at=timezone.now())

    content = provider_client.get(reverse("referrals:list")).content.decode()
    assert waiting.number in content and seen.number in content and "12 days" in content

    content = provider_client.get(reverse("referrals:list"), {"status": "open"}).content.decode()
    assert waiting.number in content and seen.number not in content
    content = provider_client.get(reverse("referrals:list"), {"status": "seen"}).content.decode()
    assert seen.number in content and waiting.number not in content
    assert provider_client.get(reverse("referrals:list"), {"status": "<bad>"}).status_code == 200


def test_my_referrals_makes_a_bounded_number_of_queries(
    provider_client, provider, django_assert_max_num_queries
):
    for referral in ReferralFactory.create_batch(25, provider=provider):
        ReferralDocumentFactory(referral=referral)
    with django_assert_max_num_queries(6):
        response = provider_client.get(reverse("referrals:list"))
    assert len(response.context["referrals"]) == 25


def test_the_referral_page_makes_a_bounded_number_of_queries(
    provider_client, provider, django_assert_max_num_queries
):
    referral = ReferralFactory(provider=provider)
    ReferralDocumentFactory.create_batch(5, referral=referral)
    with django_assert_max_num_queries(8):
        assert provider_client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 200


def test_a_document_can_be_added_later_and_a_bad_one_is_refused(provider_client, provider):
    referral = ReferralFactory(provider=provider)
    url = reverse("referrals:add_documents", args=[referral.public_id])

    assert provider_client.post(url, {"documents": [pdf("lab.pdf")]}).status_code == 302
    response = provider_client.post(url, {"documents": [pdf("fake.pdf", b"<html>")]})

    assert response.status_code == 400
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert [d.upload.original_name for d in referral.documents.all()] == ["lab.pdf"]


def test_no_document_is_added_to_a_closed_referral(provider_client, provider):
    referral = ReferralFactory(provider=provider, status="cancelled")
    provider_client.post(
        reverse("referrals:add_documents", args=[referral.public_id]), {"documents": [pdf()]}
    )
    assert referral.documents.count() == 0


def test_the_referrer_cancels_an_unscheduled_referral_but_not_a_scheduled_one(provider_client, provider):
    referral = ReferralFactory(provider=provider)
    page = provider_client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert reverse("referrals:cancel", args=[referral.public_id]) in page

    provider_client.post(reverse("referrals:cancel", args=[referral.public_id]), {"note": "Went elsewhere"})
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    assert referral.events.get().actor == provider.user

    scheduled = ReferralFactory(provider=provider, status="scheduled", scheduled_for=timezone.now())
    page = provider_client.get(reverse("referrals:detail", args=[scheduled.public_id])).content.decode()
    assert reverse("referrals:cancel", args=[scheduled.public_id]) not in page
    response = provider_client.post(reverse("referrals:cancel", args=[scheduled.public_id]), follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert Referral.objects.get(pk=scheduled.pk).status == "scheduled"


def test_the_declined_referral_tells_the_referrer_why_behind_the_login(provider_client, provider):
    referral = ReferralFactory(
        provider=provider, status="declined", decline_reason="needs_imaging", decline_note="Lumbar MRI please"
    )
    content = provider_client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert "Imaging needed before referral" in content and "Lumbar MRI please" in content
    assert not mail.outbox
