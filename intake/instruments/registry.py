"""Every instrument the intake uses, by code, and the one scoring entry point."""

from __future__ import annotations

from . import dn4, gad7, ndi, odi, ort_oud, peg, phq9, promis_pi_4a, start_back
from .base import Answers, Instrument, ScoreResult, UnknownInstrument

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        peg.INSTRUMENT,
        promis_pi_4a.INSTRUMENT,
        phq9.INSTRUMENT,
        gad7.INSTRUMENT,
        ort_oud.INSTRUMENT,
        start_back.INSTRUMENT,
        odi.INSTRUMENT,
        ndi.INSTRUMENT,
        dn4.INTERVIEW_INSTRUMENT,
        dn4.INSTRUMENT,
    )
}


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(f"no instrument with code {code!r}") from None


def score(code: str, answers: Answers) -> ScoreResult:
    """Score one questionnaire's raw answers. Pure: no database, no settings.

    Missing or None answers are unanswered. Raises InvalidAnswers for a value out of range or a
    key the instrument does not have, and UnknownInstrument for an unknown code.
    """
    return get_instrument(code).score(answers)
