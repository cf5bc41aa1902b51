"""Whole-word phrase search in free text, for recognising drug and allergy names."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

# A phrase must not touch a letter on either side, so "warfarin" is not found in "nonwarfarin" but is
# found in "warfarin5mg". Words inside a phrase may be joined by spaces or hyphens.
_NOT_A_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_A_LETTER_AFTER = r"(?![^\W\d_])"
_WORD_JOINER = r"[\s\-]+"
_PLURAL = "s?"
_FREE_OF = rf"(?P<free_of>[\s\-]*free{_NOT_A_LETTER_AFTER})?"


@dataclass(frozen=True)
class PhraseHit:
    target: str
    matched_text: str
    # "aspirin-free", "Aspirin Free": the text names something without it.
    followed_by_free: bool


class PhraseFinder:
    """Finds phrases case-insensitively; where phrases overlap, the longest wins."""

    def __init__(self, targets_by_phrase: Mapping[str, str]) -> None:
        self._phrases = sorted(targets_by_phrase, key=len, reverse=True)
        self._targets = [targets_by_phrase[phrase] for phrase in self._phrases]
        alternatives = "|".join(
            f"(?P<p{index}>{_phrase_pattern(p)})" for index, p in enumerate(self._phrases)
        )
        self._regex = re.compile(
            f"{_NOT_A_LETTER_BEFORE}(?:{alternatives}){_PLURAL}{_NOT_A_LETTER_AFTER}{_FREE_OF}",
            re.IGNORECASE,
        )

    def find(self, text: str) -> list[PhraseHit]:
        hits = []
        for match in self._regex.finditer(text):
            index = next(i for i in range(len(self._phrases)) if match.group(f"p{i}") is not None)
            hits.append(
                PhraseHit(
                    target=self._targets[index],
                    matched_text=match.group(f"p{index}"),
                    followed_by_free=match.group("free_of") is not None,
                )
            )
        return hits


def _phrase_pattern(phrase: str) -> str:
    return _WORD_JOINER.join(re.escape(word) for word in re.split(r"[\s\-]+", phrase.strip()))
