"""The shapes every questionnaire is made of, and the checks shared by all of them.

An instrument is data (items with their options and values) plus a pure scoring function.
Patient-facing text may be a lazy translation proxy: it is only turned into a string when a
form or page renders it, so this module imports without Django settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from clinic.core.translated import Text

AnswerValue: TypeAlias = int | bool
Answers: TypeAlias = Mapping[str, AnswerValue | None]
Number: TypeAlias = int | float

VALIDATION_ERROR_OUT_OF_RANGE = "validation_error_out_of_range"
VALIDATION_ERROR_UNKNOWN_ITEM = "validation_error_unknown_item"


class InvalidAnswers(ValueError):
    """Answers that no form could have produced: a value out of range or an unknown key.

    `errors` maps each offending key to a validation code. Values are never clamped.
    """

    def __init__(self, errors: Mapping[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        super().__init__(message or f"invalid answers: {self.errors}")


class UnknownInstrument(LookupError):
    """No instrument is registered under this code."""


class ScoreStatus(StrEnum):
    SCORED = "scored"
    SCORED_PRORATED = "scored_prorated"
    NOT_SCORED_MISSING_ITEM = "not_scored_missing_item"
    NOT_SCORED_TOO_MANY_MISSING = "not_scored_too_many_missing"


@dataclass(frozen=True)
class Option:
    value: AnswerValue
    label: Text


@dataclass(frozen=True)
class Item:
    """One question. `required` is what the web form enforces; scoring has its own rules.

    `scored` is False for items that are stored but not added to any score (PHQ-9 difficulty).
    `ask_patient` is False for items the patient is not asked: derived by the system (ORT age)
    or examined by the clinician (DN4 items 8-10).
    """

    key: str
    text: Text
    options: tuple[Option, ...]
    required: bool = True
    scored: bool = True
    ask_patient: bool = True

    @property
    def values(self) -> tuple[AnswerValue, ...]:
        return tuple(option.value for option in self.options)

    def accepts(self, value: object) -> bool:
        # type() as well as ==, because True == 1: a bool is never a 0-3 rating and 1 is never "yes".
        return any(type(value) is type(option.value) and value == option.value for option in self.options)


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one completed questionnaire.

    `total` is the headline number already rounded half up: an int for whole-number totals, a
    float with at most one decimal place otherwise, None when not scored.
    """

    status: ScoreStatus
    total: Number | None = None
    band: str | None = None
    flags: frozenset[str] = frozenset()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_scored(self) -> bool:
        return self.status in (ScoreStatus.SCORED, ScoreStatus.SCORED_PRORATED)


ScoreFunction: TypeAlias = Callable[[Answers], ScoreResult]


@dataclass(frozen=True)
class Instrument:
    """A questionnaire definition. Licensed ones ship structure only (topics, values, scoring).

    `version` is the scoring version to store with the raw answers. `wording_version` is the
    version of the licensed wording file a worded copy was built from (None when not licensed
    or not worded).
    """

    code: str
    version: str
    title: Text
    instructions: Text
    items: tuple[Item, ...]
    copyright_notice: str
    licensed: bool
    score_fn: ScoreFunction
    band_codes: tuple[str, ...] = ()
    wording_version: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def validated(self, answers: Answers) -> dict[str, AnswerValue | None]:
        """Every item key mapped to its answer, or None when unanswered; raises InvalidAnswers."""
        if not isinstance(answers, Mapping):
            raise InvalidAnswers({}, f"{self.code}: answers must be a mapping, not {type(answers).__name__}")
        items_by_key = {item.key: item for item in self.items}
        errors: dict[str, str] = {}
        for key, value in answers.items():
            item = items_by_key.get(key) if isinstance(key, str) else None
            if item is None:
                errors[str(key)] = VALIDATION_ERROR_UNKNOWN_ITEM
            elif value is not None and not item.accepts(value):
                errors[key] = VALIDATION_ERROR_OUT_OF_RANGE
        if errors:
            raise InvalidAnswers(errors, f"{self.code}: invalid answers {errors}")
        return {key: answers.get(key) for key in items_by_key}

    def score(self, answers: Answers) -> ScoreResult:
        return self.score_fn(self.validated(answers))


def not_scored(
    status: ScoreStatus, *, flags: frozenset[str] = frozenset(), details: dict[str, Any] | None = None
) -> ScoreResult:
    return ScoreResult(status=status, flags=flags, details=details or {})
