"""Licensed wording (ODI, NDI, DN4): loaded from the clinic's file, never shipped with the code.

The project ships the structure of these instruments (item keys, section topics, option values)
and their scoring. The patient-facing text comes from a JSON file the clinic obtains under
licence, at the path in `settings.INSTRUMENT_WORDING_FILE`. Without a usable file the licensed
instruments are not offered, and `instrument_unavailable_reason` says why. Scoring never needs
the file.

The file is one JSON object with exactly one entry per licensed instrument code
(`odi`, `ndi`, `dn4_interview`, `dn4`) and nothing else:

    {
      "odi": {
        "version": "ODI v2.1a, English, as licensed from ePROVIDE on 2025-01-15",
        "instructions": "...",
        "copyright_notice": "...",
        "items": {
          "s1": {"text": "...", "options": ["...", "...", "...", "...", "...", "..."]},
          ...
          "s10": {"text": "...", "options": [...]}
        }
      },
      "ndi": {... items "q1".."q10", 6 options each ...},
      "dn4_interview": {... items "burning", "painful_cold", "electric_shocks", "tingling",
                        "pins_needles", "numbness", "itching", 2 options each ...},
      "dn4": {... the seven interview items and "hypoesthesia_touch", "hypoesthesia_prick",
              "brushing", 2 options each ...}
    }

- `version`, `instructions`, `copyright_notice`, every `text` and every option label are
  non-empty strings. `version` names the licensed text and is stored with the answers.
- `items` has exactly the instrument's item keys. `options` lists one label per option, in the
  order of the option values defined in code: ODI and NDI from the statement scoring 0 to the
  one scoring 5; DN4 "yes" first, then "no".
- No other keys are allowed, so that a typo is reported rather than ignored.

Titles and section topics are not licensed text: they ship with the code.
`load_licensed_wording(path)` checks a file and names every problem it finds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import Instrument, Item, Option
from .registry import INSTRUMENTS, get_instrument

SETTING_NAME = "INSTRUMENT_WORDING_FILE"
LICENSED_CODES: tuple[str, ...] = tuple(
    code for code, instrument in INSTRUMENTS.items() if instrument.licensed
)
TEXT_FIELDS = ("version", "instructions", "copyright_notice")
INSTRUMENT_FIELDS = (*TEXT_FIELDS, "items")
ITEM_FIELDS = ("text", "options")


class LicensedWordingError(ValueError):
    """The wording file is missing, unreadable or not of the documented shape."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


@dataclass(frozen=True)
class ItemWording:
    text: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class InstrumentWording:
    version: str
    instructions: str
    copyright_notice: str
    items: dict[str, ItemWording]


def load_licensed_wording(path: str | Path) -> dict[str, InstrumentWording]:
    """The wording in the file at `path`, by instrument code; raises LicensedWordingError."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise LicensedWordingError(source, [f"cannot be read ({error.strerror or error})"]) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LicensedWordingError(source, [f"is not valid UTF-8 JSON ({error})"]) from error
    return parse_licensed_wording(data, source=source)


def parse_licensed_wording(data: object, *, source: str = "licensed wording") -> dict[str, InstrumentWording]:
    """Check decoded JSON against the documented shape and build the wording from it."""
    if not isinstance(data, dict):
        raise LicensedWordingError(source, ["the top level must be a JSON object keyed by instrument code"])
    problems = _unexpected_keys(data, LICENSED_CODES, what="instrument", where="")
    for code in LICENSED_CODES:
        if code in data:
            problems += _instrument_problems(get_instrument(code), data[code])
    if problems:
        raise LicensedWordingError(source, problems)
    return {code: _instrument_wording(data[code]) for code in LICENSED_CODES}


def apply_wording(instrument: Instrument, wording: InstrumentWording) -> Instrument:
    """A copy of a licensed instrument with its licensed text filled in."""
    items = tuple(_worded_item(item, wording.items[item.key]) for item in instrument.items)
    return replace(
        instrument,
        instructions=wording.instructions,
        copyright_notice=wording.copyright_notice,
        items=items,
        wording_version=wording.version,
    )


def configured_wording_path() -> Path | None:
    """The wording file named in settings, or None when not set or Django is not configured."""
    try:
        configured = getattr(settings, SETTING_NAME, None)
    except ImproperlyConfigured:
        return None
    return Path(configured) if configured else None


def configured_wording() -> dict[str, InstrumentWording]:
    """The wording from the file in settings; raises LicensedWordingError when it is not usable."""
    path = configured_wording_path()
    if path is None:
        raise LicensedWordingError(
            f"settings.{SETTING_NAME}",
            ["not set (the clinic must supply its licensed wording file)"],
        )
    try:
        stat = path.stat()
    except OSError as error:
        raise LicensedWordingError(str(path), [f"cannot be read ({error.strerror or error})"]) from error
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def instrument_unavailable_reason(code: str) -> str | None:
    """Why the instrument cannot be offered to patients now, or None when it can."""
    if not get_instrument(code).licensed:
        return None
    try:
        configured_wording()
    except LicensedWordingError as error:
        return f"The licensed wording for {code} is not available: {error}"
    return None


def available_instruments() -> tuple[str, ...]:
    """The codes of the instruments that can be offered now, in registry order."""
    return tuple(code for code in INSTRUMENTS if instrument_unavailable_reason(code) is None)


def worded_instrument(code: str) -> Instrument:
    """The instrument ready to show: licensed ones with the clinic's wording filled in.

    Raises LicensedWordingError when a licensed instrument's wording is not available.
    """
    instrument = get_instrument(code)
    if not instrument.licensed:
        return instrument
    return apply_wording(instrument, configured_wording()[code])


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> dict[str, InstrumentWording]:
    # Keyed on modification time and size, so an edited file is read again.
    return load_licensed_wording(path)


def _unexpected_keys(
    data: Mapping[str, object], expected: tuple[str, ...], *, what: str, where: str
) -> list[str]:
    missing = [f"{where}missing {what} {key!r}" for key in expected if key not in data]
    unknown = [f"{where}unknown {what} {key!r}" for key in data if key not in expected]
    return missing + unknown


def _instrument_problems(instrument: Instrument, entry: object) -> list[str]:
    where = f"{instrument.code}: "
    if not isinstance(entry, dict):
        return [f"{where}must be a JSON object"]
    problems = _unexpected_keys(entry, INSTRUMENT_FIELDS, what="field", where=where)
    for field_name in TEXT_FIELDS:
        if field_name in entry and not _is_text(entry[field_name]):
            problems.append(f"{where}{field_name!r} must be a non-empty string")
    items = entry.get("items")
    if "items" not in entry:
        return problems
    if not isinstance(items, dict):
        return [*problems, f"{where}'items' must be a JSON object keyed by item key"]
    problems += _unexpected_keys(items, instrument.keys, what="item", where=where)
    for item in instrument.items:
        if item.key in items:
            problems += _item_problems(item, items[item.key], where=f"{instrument.code} item {item.key!r}: ")
    return problems


def _item_problems(item: Item, entry: object, *, where: str) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}must be a JSON object"]
    problems = _unexpected_keys(entry, ITEM_FIELDS, what="field", where=where)
    if "text" in entry and not _is_text(entry["text"]):
        problems.append(f"{where}'text' must be a non-empty string")
    options = entry.get("options")
    if "options" not in entry:
        return problems
    if not isinstance(options, list):
        problems.append(f"{where}'options' must be a list of {len(item.options)} labels")
    elif len(options) != len(item.options):
        problems.append(f"{where}expected {len(item.options)} options, got {len(options)}")
    elif not all(_is_text(label) for label in options):
        problems.append(f"{where}every option label must be a non-empty string")
    return problems


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _instrument_wording(entry: dict[str, Any]) -> InstrumentWording:
    return InstrumentWording(
        version=entry["version"],
        instructions=entry["instructions"],
        copyright_notice=entry["copyright_notice"],
        items={
            key: ItemWording(text=item["text"], options=tuple(item["options"]))
            for key, item in entry["items"].items()
        },
    )


def _worded_item(item: Item, wording: ItemWording) -> Item:
    options = tuple(
        Option(option.value, label) for option, label in zip(item.options, wording.options, strict=True)
    )
    return replace(item, text=wording.text, options=options)
