"""Uploaded files: parsed, not sniffed (DESIGN.md §2, Files), stored under random names, served only
by views that have already decided the person asking may see them.

upload_validate is the one check every upload field uses: a picture is decoded in full within a
pixel limit and re-encoded from its pixels (so its metadata, GPS included, is not kept); a PDF is
parsed and refused when it carries anything that can act (scripts, actions, attached files) or is
encrypted; and nothing may ride along after the picture's or the document's end.
"""

import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .models import Upload

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCUMENT_TYPES = (PDF, JPEG, PNG)
IMAGE_TYPES = (JPEG, PNG)
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# What a file's name or the browser may call each type; any other name ending is another type.
NAME_ENDINGS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"}, PNG: {".png"}}
MEDIA_TYPES = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/png": PNG,
    "image/x-png": PNG,
}

# Signatures at the very start of the file; anything else (HTML, scripts, executables) is refused.
MAGIC_NUMBERS = {PDF: (b"%PDF-",), JPEG: (b"\xff\xd8\xff",), PNG: (b"\x89PNG\r\n\x1a\n",)}

# Markup, code or a document that a browser or a PDF reader would find in a picture's metadata.
WEB_CODE = (b"<script", b"<html", b"<!doctype html", b"<?php", b"<iframe", b"javascript:", b"%pdf-")
# A progressive JPEG has about ten scans; thousands in a small file make decoding take minutes.
MAX_JPEG_SCANS = 100

# PDF dictionary keys, and action or annotation kinds, that make a document act by itself.
PDF_ACTIVE_KEYS = {
    "/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF",
    "/RichMedia", "/RichMediaContent", "/XFA",
}  # fmt: skip
PDF_ACTIVE_KINDS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/RichMediaExecute",
    "/Rendition", "/Sound", "/Movie", "/FileAttachment", "/RichMedia", "/Screen", "/EmbeddedFile",
}  # fmt: skip
PDF_SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
_PDF_NAME = re.compile(rb"/((?:[^\s()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_PDF_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
# In a JPEG's compressed data a marker is 0xFF followed by anything but 0x00 (stuffing), a restart
# marker or another 0xFF (fill).
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


@dataclass(frozen=True)
class CheckedFile:
    """A file that upload_validate accepted, and the bytes to store: a picture re-encoded from its
    pixels, a PDF as it was sent."""

    name: str
    content_type: str
    content: bytes


def detect_content_type(head: bytes) -> str | None:
    for content_type, signatures in MAGIC_NUMBERS.items():
        if head.startswith(signatures):
            return content_type
    return None


def upload_validate(
    uploaded_file: UploadedFile, *, allowed_types: tuple[str, ...] = DOCUMENT_TYPES
) -> CheckedFile:
    """Parse the file; a CheckedFile to store, or a ValidationError whose message a person can act on."""
    name = safe_display_name(uploaded_file.name)
    limit = settings.MAX_UPLOAD_BYTES
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if not content:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name}, code="empty")
    if len(content) > limit:
        raise ValidationError(
            _("The file %(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    content_type = detect_content_type(content)
    if content_type not in allowed_types:
        allowed = _type_list(allowed_types)
        raise ValidationError(
            _("The file %(name)s is not a %(allowed)s file. Please choose a %(allowed)s file.")
            % {"name": name, "allowed": allowed},
            code="wrong_type",
        )
    _check_declared_type(uploaded_file, name, content_type)
    if content_type == PDF:
        _check_pdf(content, name)
    else:
        content = _image_reencoded(content, name, content_type)
    return CheckedFile(name=name, content_type=content_type, content=content)


def upload_store(*, checked: CheckedFile) -> Upload:
    """Store a file upload_validate accepted under a random name, with the size and SHA-256 of what is
    stored (for a picture, the re-encoded bytes)."""
    upload = Upload(
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
    )
    upload.file.save("upload", ContentFile(checked.content), save=False)
    try:
        upload.full_clean()
        with transaction.atomic():
            upload.save()
    except Exception:
        upload.file.delete(save=False)
        raise
    return upload


def _type_list(types: tuple[str, ...]) -> str:
    names = [TYPE_NAMES[t] for t in types]
    if len(names) == 1:
        return names[0]
    return _("%(list)s or %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}


def _check_declared_type(uploaded_file: UploadedFile, name: str, content_type: str) -> None:
    """A file must be what its name and the browser say it is (a PNG called .jpg is refused)."""
    ending = os.path.splitext(name)[1].lower()
    named_other = (
        bool(re.fullmatch(r"\.[a-z][a-z0-9]{0,4}", ending)) and ending not in NAME_ENDINGS[content_type]
    )
    sent_as = MEDIA_TYPES.get((uploaded_file.content_type or "").split(";")[0].strip().lower())
    if named_other or sent_as not in (None, content_type):
        raise ValidationError(
            _(
                "The file %(name)s is a %(type)s file, but its name or type says otherwise. Please choose "
                "a file whose name ends in %(ending)s, or save it again as one."
            )
            % {"name": name, "type": TYPE_NAMES[content_type], "ending": EXTENSIONS[content_type]},
            code="declared_type",
        )


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file %(name)s could not be read: it seems damaged or incomplete. Please save, scan or "
            "photograph it again and choose the new file."
        )
        % {"name": name},
        code="damaged",
    )


def _hidden_content(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file %(name)s holds something besides the picture or document itself (hidden data or "
            "code), so we cannot accept it. Please save, scan or photograph it again and choose the new file."
        )
        % {"name": name},
        code="hidden_content",
    )


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The picture %(name)s is too large: it has more than %(limit)s million pixels. Please choose "
            "a smaller photo or scan."
        )
        % {"name": name, "limit": f"{settings.MAX_IMAGE_PIXELS / 1_000_000:g}"},
        code="too_many_pixels",
    )


# --- Pictures ---------------------------------------------------------------------------------------


def _several_pictures(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file %(name)s holds more than one picture (an animation or a multi-picture photo). "
            "Please choose a single still photo."
        )
        % {"name": name},
        code="several_pictures",
    )


def _image_reencoded(content: bytes, name: str, content_type: str) -> bytes:
    image_format = "JPEG" if content_type == JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            if image.width * image.height > settings.MAX_IMAGE_PIXELS:
                raise _too_many_pixels(name)
            if getattr(image, "n_frames", 1) > 1:
                raise _several_pictures(name)
            image.verify()
        end, metadata = _jpeg_layout(content) if content_type == JPEG else _png_layout(content)
        if end is None:
            raise _damaged(name)
        if content[end:].strip(b"\x00") or any(_has_web_code(segment) for segment in metadata):
            raise _hidden_content(name)
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            image.load()
            texts = getattr(image, "text", {})  # PNG text chunks, decompressed
            if any(_has_web_code(f"{key} {value}".encode()) for key, value in texts.items()):
                raise _hidden_content(name)
            # Turned as the camera meant before the orientation tag goes with the rest of the metadata.
            return _encoded(ImageOps.exif_transpose(image), image_format)
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name) from error
    except Exception as error:  # whatever a hostile file makes the decoder raise, it is not a picture
        raise _damaged(name) from error


def _encoded(image: Image.Image, image_format: str) -> bytes:
    """The pixels alone in a new file: no EXIF (GPS, camera, time), no text chunks, no ICC profile."""
    transparency = image.info.get("transparency")
    if image_format == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")  # CMYK and YCCK scans are shown in RGB everywhere
    elif image_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA")
    image.info = {} if transparency is None else {"transparency": transparency}
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=90)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def _has_web_code(segment: bytes) -> bool:
    lowered = segment.lower()
    return any(code in lowered for code in WEB_CODE)


def _jpeg_layout(content: bytes) -> tuple[int | None, list[bytes]]:
    """Where the first picture ends (just after its EOI marker; None when it never does, or after
    too many scans) and its comment and application segments (EXIF, XMP and the like)."""
    metadata: list[bytes] = []
    position, in_scan, scans = 2, False, 0
    while True:
        if in_scan:
            match = _JPEG_MARKER.search(content, position)
            if match is None:
                return None, metadata
            position = match.start()
        while content[position : position + 2] == b"\xff\xff":
            position += 1
        if len(content) < position + 2 or content[position] != 0xFF:
            return None, metadata
        marker = content[position + 1]
        if marker == 0xD9:
            return position + 2, metadata
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        if length < 2 or len(content) < position + 2 + length:
            return None, metadata
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            metadata.append(content[position + 4 : position + 2 + length])
        in_scan = marker == 0xDA
        scans += in_scan
        if scans > MAX_JPEG_SCANS:
            return None, metadata
        position += 2 + length


def _png_layout(content: bytes) -> tuple[int | None, list[bytes]]:
    """Where the picture ends (just after its IEND chunk; None when it never does) and every chunk
    but the image data."""
    metadata: list[bytes] = []
    position = len(MAGIC_NUMBERS[PNG][0])
    while len(content) >= position + 12:
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        end = position + 12 + length
        if len(content) < end:
            return None, metadata
        if kind == b"IEND":
            return end, metadata
        if kind not in (b"IDAT", b"fdAT"):
            metadata.append(content[position + 8 : end - 4])
        position = end
    return None, metadata


# --- PDFs -------------------------------------------------------------------------------------------


def _check_pdf(content: bytes, name: str) -> None:
    end_of_file = content.rfind(b"%%EOF")
    if end_of_file < 0:
        raise _damaged(name)
    if content[end_of_file + len(b"%%EOF") :].strip(b"\x00\t\n\f\r "):
        raise _hidden_content(name)
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "The PDF %(name)s is protected by a password or encryption, so we cannot read it. "
                    "Please send it without protection."
                )
                % {"name": name},
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise _damaged(name)
        active = _pdf_is_active(reader) or bool(_pdf_raw_names(content) & PDF_ACTIVE_KEYS)
    except ValidationError:
        raise
    except Exception as error:  # whatever a hostile file makes the parser raise, it is not a PDF we read
        raise _damaged(name) from error
    if active:
        raise ValidationError(
            _(
                "The PDF %(name)s holds active content (scripts, automatic actions or attached files), "
                "which we do not accept. Please print it to a new PDF or scan it, and send that."
            )
            % {"name": name},
            code="active_content",
        )


def _pdf_is_active(reader: PdfReader) -> bool:
    """Whether any object of the document, reachable or not, can act: run a script, open or launch
    something, submit a form, play media, or carry an attached file."""
    for dictionary in _pdf_dictionaries(reader):
        for key, value in dictionary.items():
            if key in PDF_ACTIVE_KEYS:
                return True
            # An OpenAction that is an array only says which page to open at; a dictionary is an action.
            if key == "/OpenAction" and isinstance(value.get_object(), DictionaryObject):
                return True
            if key in ("/S", "/Subtype", "/Type") and value in PDF_ACTIVE_KINDS:
                return True
            if key == "/URI" and not str(value.get_object()).strip().lower().startswith(
                PDF_SAFE_LINK_SCHEMES
            ):
                return True
    return False


def _pdf_dictionaries(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary in the trailer and in every object the cross-reference tables list (the latest
    revision's, incremental updates included), each indirect object once."""
    pending: list[Any] = [reader.trailer]
    pending += [
        IndirectObject(number, generation, reader)
        for generation, numbers in reader.xref.items()
        for number in numbers
    ]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _pdf_raw_names(content: bytes) -> set[str]:
    """The names written in the file outside its streams, #xx escapes decoded: an object no
    cross-reference table lists (an older revision, a repaired file) is still seen."""
    outside_streams = _PDF_STREAM_BODY.sub(b" ", content)
    return {
        "/" + re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), match[1]).decode("latin-1")
        for match in _PDF_NAME.finditer(outside_streams)
    }


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
