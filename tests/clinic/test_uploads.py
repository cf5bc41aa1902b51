import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.core.uploads import IMAGE_TYPES, upload_response, upload_store
from tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def test_a_real_pdf_is_stored_under_a_random_name_with_its_hash():
    upload = upload_store(uploaded_file=SimpleUploadedFile("MRI report.pdf", PDF_BYTES))

    assert upload.content_type == "application/pdf"
    assert upload.original_name == "MRI report.pdf"
    assert upload.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert "MRI" not in upload.file.name and not upload.file.name.endswith(".pdf")
    with upload.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00 a Windows executable"),
        ("notes.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("scan.png", b"GIF89a not a png"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, content):
    with pytest.raises(ValidationError, match="is not a PDF, JPEG or PNG file"):
        upload_store(uploaded_file=SimpleUploadedFile(name, content))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="is empty"):
        upload_store(uploaded_file=SimpleUploadedFile("empty.pdf", b""))


def test_a_file_over_the_size_cap_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than 1.0"):
        upload_store(uploaded_file=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048))


def test_only_images_where_only_images_are_wanted():
    with pytest.raises(ValidationError, match="not a JPEG or PNG file"):
        upload_store(uploaded_file=SimpleUploadedFile("card.pdf", PDF_BYTES), allowed_types=IMAGE_TYPES)
    assert upload_store(uploaded_file=SimpleUploadedFile("card.png", PNG_BYTES), allowed_types=IMAGE_TYPES)


def test_a_name_made_to_traverse_paths_is_reduced_to_a_plain_name(settings, tmp_path):
    upload = upload_store(uploaded_file=SimpleUploadedFile("../../etc/passwd<script>.pdf", PDF_BYTES))

    assert upload.original_name == "passwdscript.pdf"
    assert ".." not in upload.file.name


def test_a_stored_file_is_served_inline_sandboxed_and_never_sniffed():
    upload = upload_store(uploaded_file=SimpleUploadedFile("report.pdf", PDF_BYTES))

    response = upload_response(upload)

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_stored_file_can_be_served_as_a_download():
    upload = upload_store(uploaded_file=SimpleUploadedFile("report.pdf", PDF_BYTES))
    assert upload_response(upload, inline=False)["Content-Disposition"].startswith("attachment")
