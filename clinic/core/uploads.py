"""Uploaded files: checked by their content, stored under random names, served only by views
that have already decided the person asking may see them."""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Upload

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCUMENT_TYPES = (PDF, JPEG, PNG)
IMAGE_TYPES = (JPEG, PNG)
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

# Signatures at the very start of the file; anything else (HTML, scripts, executables) is refused.
MAGIC_NUMBERS = {PDF: (b"%PDF-",), JPEG: (b"\xff\xd8\xff",), PNG: (b"\x89PNG\r\n\x1a\n",)}


def detect_content_type(head: bytes) -> str | None:
    for content_type, signatures in MAGIC_NUMBERS.items():
        if head.startswith(signatures):
            return content_type
    return None


def upload_validate(uploaded_file: UploadedFile, *, allowed_types: tuple[str, ...] = DOCUMENT_TYPES) -> str:
    """The file's real type, or a ValidationError whose message a person can act on."""
    names = [TYPE_NAMES[t] for t in allowed_types]
    allowed = (
        names[0]
        if len(names) == 1
        else _("%(list)s or %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    )
    if uploaded_file.size == 0:
        raise ValidationError(
            _("The file %(name)s is empty.") % {"name": safe_display_name(uploaded_file.name)}
        )
    if uploaded_file.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file %(name)s is larger than %(limit)s.")
            % {
                "name": safe_display_name(uploaded_file.name),
                "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            }
        )
    uploaded_file.seek(0)
    content_type = detect_content_type(uploaded_file.read(16))
    uploaded_file.seek(0)
    if content_type not in allowed_types:
        raise ValidationError(
            _("The file %(name)s is not a %(allowed)s file. Please choose a %(allowed)s file.")
            % {"name": safe_display_name(uploaded_file.name), "allowed": allowed}
        )
    return content_type


def upload_store(*, uploaded_file: UploadedFile, allowed_types: tuple[str, ...] = DOCUMENT_TYPES) -> Upload:
    """Check a file by its content and size, then store it under a random name with its SHA-256."""
    content_type = upload_validate(uploaded_file, allowed_types=allowed_types)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    upload = Upload(
        original_name=safe_display_name(uploaded_file.name),
        content_type=content_type,
        size=uploaded_file.size or 0,
        sha256=digest.hexdigest(),
    )
    upload.file.save("upload", uploaded_file, save=False)
    try:
        upload.full_clean()
        with transaction.atomic():
            upload.save()
    except Exception:
        upload.file.delete(save=False)
        raise
    return upload


def safe_display_name(name: str | None) -> str:
    """The sender's file name reduced to something harmless to show and to offer for download."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFKC", base)
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return cleaned[:200] or "document"


def upload_response(upload: Upload, *, inline: bool = True) -> FileResponse:
    """Stream a stored file. The caller has already checked that the person may see it."""
    stem = os.path.splitext(upload.original_name)[0] or "document"
    filename = f"{stem}{EXTENSIONS.get(upload.content_type, '')}"
    response = FileResponse(
        upload.file.open("rb"), as_attachment=not inline, filename=filename, content_type=upload.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
