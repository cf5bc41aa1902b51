"""Documents sent with a referral or later: each refused file gets its own message, by name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Referral
from tests.factories import ReferralFactory

from .conftest import pdf, referral_post

pytestmark = pytest.mark.django_db


def empty(name="empty.pdf"):
    return SimpleUploadedFile(name, b"", content_type="application/pdf")


def exe(name="setup.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03 a Windows executable", content_type="application/pdf")


def test_an_empty_file_added_later_does_not_hide_the_other_files_messages(provider_client, provider):
    referral = ReferralFactory(provider=provider)
    url = reverse("referrals:add_documents", args=[referral.public_id])

    response = provider_client.post(url, {"documents": [empty(), exe(), pdf("lab.pdf")]})

    assert response.status_code == 400
    errors = response.context["document_form"].errors["documents"]
    assert len(errors) == 2
    assert errors[0] == "The file empty.pdf is empty."
    assert errors[1].startswith("The file setup.pdf is not a PDF, JPEG")
    assert [d.upload.original_name for d in referral.documents.all()] == ["lab.pdf"]


def test_an_empty_file_on_the_referral_form_gets_one_message_that_names_it(provider_client):
    response = provider_client.post(
        reverse("referrals:new"), {**referral_post(), "documents": [empty(), pdf("notes.pdf")]}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["documents"] == ["The file empty.pdf is empty."]
    assert [upload.original_name for upload, _token in response.context["kept"]] == ["notes.pdf"]
    assert Referral.objects.count() == 0
