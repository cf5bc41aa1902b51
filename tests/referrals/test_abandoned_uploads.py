"""Documents stored by referral forms that were never sent are discarded after a day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import Upload
from referrals import services
from referrals.models import Referral
from referrals.tasks import discard_abandoned_uploads_task
from tests.factories import IntakeFactory, ReferralDocumentFactory, UploadFactory

from .conftest import pdf, referral_post

pytestmark = pytest.mark.django_db


def aged(upload, days=2):
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    return upload


def test_an_old_upload_attached_to_nothing_is_deleted_with_its_file(django_capture_on_commit_callbacks):
    abandoned = aged(UploadFactory())
    storage, name = abandoned.file.storage, abandoned.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.referral_uploads_discard_abandoned() == 1

    assert not Upload.objects.filter(pk=abandoned.pk).exists()
    assert not storage.exists(name)


def test_documents_of_referrals_intake_cards_and_recent_uploads_are_kept():
    on_a_referral = aged(ReferralDocumentFactory().upload)
    intake_card = aged(UploadFactory())
    IntakeFactory(insurance_card_front=intake_card)
    recent = UploadFactory()

    assert discard_abandoned_uploads_task() == 0

    assert set(Upload.objects.values_list("pk", flat=True)) == {on_a_referral.pk, intake_card.pk, recent.pk}


def test_a_document_kept_from_a_failed_submit_and_discarded_since_is_asked_for_again(provider_client):
    first = provider_client.post(
        reverse("referrals:new"), {**referral_post(patient_phone=""), "documents": [pdf("notes.pdf")]}
    )
    ((upload, token),) = first.context["kept"]
    aged(upload)
    services.referral_uploads_discard_abandoned()

    again = provider_client.post(reverse("referrals:new"), {**referral_post(), "kept_documents": [token]})

    assert again.status_code == 400
    assert again.context["form"].errors["documents"] == [
        "A document attached earlier is no longer available: please attach it again."
    ]
    assert Referral.objects.count() == 0


def test_resubmitting_a_sent_form_with_its_kept_document_still_finds_the_referral(provider_client):
    first = provider_client.post(
        reverse("referrals:new"), {**referral_post(patient_phone=""), "documents": [pdf("notes.pdf")]}
    )
    ((_upload, token),) = first.context["kept"]
    data = {**referral_post(), "kept_documents": [token]}
    sent = provider_client.post(reverse("referrals:new"), data)

    again = provider_client.post(reverse("referrals:new"), data)

    referral = Referral.objects.get()
    assert sent["Location"] == again["Location"] == reverse("referrals:detail", args=[referral.public_id])
    assert [d.upload.original_name for d in referral.documents.select_related("upload")] == ["notes.pdf"]
