"""The validated questionnaires: definitions (items, options, values) and pure scoring.

    from intake.instruments import score, InvalidAnswers

    result = score("phq9", {"q1": 2, "q2": 1, ...})
    result.status, result.total, result.band, result.flags, result.details

Importing this package needs no Django settings; only the licensed-wording helpers read them,
and only when called.
"""

from .base import (
    Instrument,
    InvalidAnswers,
    Item,
    Option,
    ScoreResult,
    ScoreStatus,
    UnknownInstrument,
)
from .licensed import (
    LicensedWordingError,
    available_instruments,
    instrument_unavailable_reason,
    load_licensed_wording,
    worded_instrument,
)
from .registry import INSTRUMENTS, get_instrument, score

__all__ = [
    "INSTRUMENTS",
    "Instrument",
    "InvalidAnswers",
    "Item",
    "LicensedWordingError",
    "Option",
    "ScoreResult",
    "ScoreStatus",
    "UnknownInstrument",
    "available_instruments",
    "get_instrument",
    "instrument_unavailable_reason",
    "load_licensed_wording",
    "score",
    "worded_instrument",
]
