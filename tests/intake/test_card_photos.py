"""Insurance card photos: parsed and re-encoded before they are stored; a refused photo is named next
to its field, and the accepted one beside it is kept."""

import hashlib
import html
import io
import mimetypes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intake.tokens import resume_url
from tests.data import hostile
from tests.factories import IntakeFactory

from . import helpers

pytestmark = pytest.mark.django_db

ON_FILE = "We have this photo on file."


@pytest.fixture
def intake(client):
    intake = IntakeFactory(first_name="Maria", last_name="Lopez")
    client.get(resume_url(intake.public_id).removeprefix("http://127.0.0.1:8000"))
    return intake


def post_insurance(client, intake, **files):
    return client.post(
        reverse("intake:step", args=[intake.public_id, "insurance"]), {**helpers.insurance(), **files}
    )


def photo(name: str, content: bytes) -> SimpleUploadedFile:
    """As a browser sends it: the type from the name's ending."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return SimpleUploadedFile(name, content, content_type=content_type)


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def staff_sees(admin_client, intake, side: str) -> bytes:
    response = admin_client.get(reverse("intake:insurance_card", args=[intake.public_id, side]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("kind", sorted(hostile.HOSTILE_IMAGES))
def test_a_hostile_back_photo_is_refused_by_name_and_the_accepted_front_photo_is_kept(client, intake, kind):
    name, content = hostile.HOSTILE_IMAGES[kind]()

    response = post_insurance(
        client, intake, card_front=photo("front.jpg", hostile.jpeg()), card_back=photo(name, content)
    )

    assert response.status_code == 400
    [message] = field_errors(response, "card_back")
    assert f" {name} " in message
    assert html.escape(message) in response.content.decode()
    assert not field_errors(response, "card_front")
    assert 'value="XZ123"' in response.content.decode()
    intake.refresh_from_db()
    assert (
        intake.insurance_card_front is not None and intake.insurance_card_front.original_name == "front.jpg"
    )
    assert intake.insurance_card_back is None
    assert "insurance" not in intake.completed_steps


def test_a_pdf_is_not_a_card_photo(client, intake):
    response = post_insurance(client, intake, card_front=photo("card.pdf", hostile.pdf()))

    assert field_errors(response, "card_front") == [
        "The file card.pdf is not a JPEG or PNG file. Please choose a JPEG or PNG file."
    ]


def test_after_a_refused_back_photo_the_patient_sends_only_the_back_again(client, intake, admin_client):
    front = hostile.jpeg(color=(10, 200, 10))
    truncated_png = hostile.png_cut_in_its_image_data()

    refused = post_insurance(
        client,
        intake,
        card_front=photo("front.jpg", front),
        card_back=photo("back.png", truncated_png),
    )

    assert refused.status_code == 400
    assert "back.png could not be read" in field_errors(refused, "card_back")[0]
    assert ON_FILE in str(refused.context["form"]["card_front"].help_text)
    assert not refused.context["form"]["card_back"].help_text
    intake.refresh_from_db()
    kept_front = intake.insurance_card_front

    again = post_insurance(client, intake, card_back=photo("back.png", hostile.png()))

    assert again.status_code == 302
    intake.refresh_from_db()
    assert intake.insurance_card_front == kept_front
    assert intake.insurance_card_back is not None
    assert "insurance" in intake.completed_steps
    assert Image.open(io.BytesIO(staff_sees(admin_client, intake, "front"))).getpixel((5, 5))[1] > 150
    page = client.get(reverse("intake:step", args=[intake.public_id, "insurance"])).content.decode()
    assert page.count(ON_FILE) == 2


def test_an_accepted_photo_is_kept_when_another_answer_is_refused(client, intake):
    response = client.post(
        reverse("intake:step", args=[intake.public_id, "insurance"]),
        {**helpers.insurance(member_id=""), "card_front": photo("front.jpg", hostile.jpeg())},
    )

    assert response.status_code == 400
    assert field_errors(response, "member_id")
    intake.refresh_from_db()
    assert intake.insurance_card_front is not None
    assert ON_FILE in str(response.context["form"]["card_front"].help_text)


def test_a_phone_photo_is_stored_upright_without_its_location_or_other_metadata(client, intake, admin_client):
    # Orientation 6: the camera held sideways; the 40x20 picture is shown turned a quarter clockwise.
    sent = hostile.jpeg_with_exif(orientation=6, gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(hostile.GPS_IFD)

    assert post_insurance(client, intake, card_front=photo("IMG_0001.jpg", sent)).status_code == 302

    stored = staff_sees(admin_client, intake, "front")
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (20, 40)
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored
    red, blue = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]
    intake.refresh_from_db()
    upload = intake.insurance_card_front
    assert upload.size == len(stored) and upload.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_cmyk_scan_is_accepted_and_stored_in_its_colours(client, intake, admin_client):
    cmyk_red = hostile.jpeg(mode="CMYK", color=(0, 255, 255, 0))

    assert post_insurance(client, intake, card_front=photo("scan.jpg", cmyk_red)).status_code == 302

    image = Image.open(io.BytesIO(staff_sees(admin_client, intake, "front")))
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((3, 3))
    assert red > 230 and green < 25 and blue < 25
