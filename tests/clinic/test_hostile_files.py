"""The clinic's own hostile files, dropped into tests/data/hostile/, are all refused."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, upload_validate

FOLDER = Path(__file__).resolve().parents[1] / "data" / "hostile"
CLINIC_FILES = sorted(
    path for path in FOLDER.iterdir() if path.is_file() and path.suffix not in {".py", ".pyc", ".md"}
)


@pytest.mark.parametrize("allowed_types", [DOCUMENT_TYPES, IMAGE_TYPES], ids=["document", "card photo"])
def test_every_file_of_the_clinics_hostile_set_is_refused(allowed_types):
    # One test over the folder, so that an empty folder (the clinic's set is kept outside the
    # repository) runs rather than skips; a file accepted fails it by name.
    accepted = []
    for path in CLINIC_FILES:
        try:
            upload_validate(SimpleUploadedFile(path.name, path.read_bytes()), allowed_types=allowed_types)
        except ValidationError:
            continue
        accepted.append(path.name)
    assert accepted == []
