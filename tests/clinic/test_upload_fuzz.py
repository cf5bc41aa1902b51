"""Files damaged at random: the upload check refuses them with a message or accepts a clean file, and
never fails in any other way (which would be a server error on the page)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from clinic.core.uploads import DOCUMENT_TYPES, PDF, upload_validate
from tests.data import hostile

GOOD = {
    "card.jpg": hostile.jpeg((24, 16), progressive=True),
    "card.png": hostile.noise_png((16, 16)),
    "letter.pdf": hostile.pdf(),
}


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    """A good file with a few bytes changed, cut short, or with bytes put in."""
    name = draw(st.sampled_from(sorted(GOOD)))
    content = bytearray(GOOD[name])
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(content) - 1))
        change = draw(st.sampled_from(["set", "cut", "insert"]))
        if change == "set":
            content[position] = draw(st.integers(0, 255))
        elif change == "cut":
            del content[position:]
            if not content:
                break
        else:
            content[position:position] = draw(st.binary(min_size=1, max_size=64))
    return name, bytes(content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
@example(("card.png", GOOD["card.png"][:-1]))
@example(("letter.pdf", GOOD["letter.pdf"].replace(b"/Pages", b"/Pagez")))
def test_a_damaged_file_is_refused_with_a_message_or_accepted_clean(sent):
    name, content = sent
    try:
        checked = upload_validate(SimpleUploadedFile(name, content), allowed_types=DOCUMENT_TYPES)
    except ValidationError as refused:
        assert name in refused.messages[0]
        return
    if checked.content_type == PDF:
        assert checked.content == content
    else:
        # What is stored is a clean picture that passes the check again unchanged in kind.
        Image.open(io.BytesIO(checked.content)).load()
        again = upload_validate(SimpleUploadedFile(name, checked.content), allowed_types=DOCUMENT_TYPES)
        assert again.content_type == checked.content_type


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_good_files_the_fuzzing_starts_from_are_accepted(name):
    assert upload_validate(SimpleUploadedFile(name, GOOD[name]))
