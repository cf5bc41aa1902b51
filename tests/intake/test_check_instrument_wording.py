import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TEST_WORDING = Path(__file__).resolve().parents[1] / "data" / "instrument_wording.json"


def test_a_usable_wording_file_is_reported_with_its_versions(settings, capsys):
    settings.INSTRUMENT_WORDING_FILE = str(TEST_WORDING)

    call_command("check_instrument_wording")

    out = capsys.readouterr().out
    assert "odi:" in out and "ndi:" in out and "dn4:" in out
    assert "is usable" in out


def test_no_wording_file_says_the_licensed_questionnaires_are_not_offered(settings):
    settings.INSTRUMENT_WORDING_FILE = ""
    with pytest.raises(CommandError, match="not offered") as error:
        call_command("check_instrument_wording")
    assert "INSTRUMENT_WORDING_FILE" in str(error.value)


def test_a_wording_file_missing_an_item_names_the_item(settings, tmp_path):
    wording = json.loads(TEST_WORDING.read_text())
    del wording["odi"]["items"]["s3"]
    broken = tmp_path / "wording.json"
    broken.write_text(json.dumps(wording))
    settings.INSTRUMENT_WORDING_FILE = str(broken)

    with pytest.raises(CommandError, match="s3"):
        call_command("check_instrument_wording")
