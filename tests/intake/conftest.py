from pathlib import Path

import pytest

WORDING_FILE = Path(__file__).resolve().parents[1] / "data" / "instrument_wording.json"


@pytest.fixture
def wording_file(settings):
    """The test-only licensed wording (placeholder text of the documented shape)."""
    settings.INSTRUMENT_WORDING_FILE = str(WORDING_FILE)
    return WORDING_FILE
