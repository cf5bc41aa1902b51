"""Hostile files sent as referral documents are refused by name next to the field; the good ones
beside them are kept, and nothing the referrer typed is lost."""

import html
import mimetypes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic.core.models import Upload
from referrals.models import Referral
from tests.data import hostile
from tests.factories import ReferralFactory

from .conftest import pdf, referral_post

pytestmark = pytest.mark.django_db


def hostile_file(kind: str) -> SimpleUploadedFile:
    """As a browser sends it: the type from the name's ending."""
    name, content = hostile.HOSTILE[kind]()
    return SimpleUploadedFile(name, content, content_type=mimetypes.guess_type(name)[0] or "text/plain")


@pytest.mark.parametrize("kind", sorted(hostile.HOSTILE))
def test_a_hostile_document_added_later_is_refused_by_name_and_the_good_one_beside_it_is_kept(
    provider_client, provider, kind
):
    referral = ReferralFactory(provider=provider)
    refused = hostile_file(kind)

    response = provider_client.post(
        reverse("referrals:add_documents", args=[referral.public_id]),
        {"documents": [refused, pdf("lab results.pdf")]},
    )

    assert response.status_code == 400
    [message] = response.context["document_form"].errors["documents"]
    assert f" {refused.name} " in message
    assert html.escape(message) in response.content.decode()
    assert [d.upload.original_name for d in referral.documents.all()] == ["lab results.pdf"]
    assert Upload.objects.count() == 1


@pytest.mark.parametrize(
    "kind",
    [
        "jpeg_then_html",
        "png_truncated_in_image_data",
        "pdf_javascript_open_action",
        "png_then_zip",
        "pdf_incremental_update_adding_javascript",
        "png_decompression_bomb",
    ],
)
def test_a_hostile_document_on_the_referral_form_is_refused_and_nothing_typed_is_lost(provider_client, kind):
    refused = hostile_file(kind)
    data = referral_post(reason="Left L5 radicular pain & numbness")

    response = provider_client.post(
        reverse("referrals:new"), {**data, "documents": [refused, pdf("mri.pdf")]}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["documents"]
    assert refused.name in form.errors["documents"][0]
    assert "Left L5 radicular pain &amp; numbness" in response.content.decode()
    assert [upload.original_name for upload, _token in response.context["kept"]] == ["mri.pdf"]
    assert Referral.objects.count() == 0
