"""Passwords an attacker tries early are refused, wherever a password is set (AUTH_PASSWORD_VALIDATORS:
provider registration, a password reset, staff setting or changing one).

`GuessablePasswordValidator` estimates how many guesses a password takes, in the spirit of zxcvbn but
much smaller: the password is split into the cheapest pieces an attacker would try (a common password
or word from the bundled lists, a word about the person or the clinic, a run of one character, a
sequence such as "1234" or "abcd", a keyboard walk such as "qwerty" or "1qaz", a repeat of the piece
before), each piece costs the bits it takes to guess, and a password below MIN_BITS is refused. No
network call: the lists are Django's 20,000 most common passwords (from breach corpora) and
clinic-passwords.txt beside this module.
"""

import gzip
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# OWASP ASVS 2.1.2: passwords up to 128 characters are accepted, longer ones are refused (here and
# on the sign-in forms).
PASSWORD_MAX_LENGTH = 128
# About 10^11 guesses by this (generous) estimate; each example in the tests lands well to one side.
MIN_BITS = 36.0
CLINIC_WORDS_FILE = Path(__file__).with_name("clinic-passwords.txt")
# Words of the clinic's context that anyone can guess, ranked like the most common passwords.
CONTEXT_RANK = 10
MIN_WORD_LENGTH = 3
MAX_WORD_LENGTH = 40

_KEYBOARD_ROWS = ("1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./")
_SHIFTED = dict(zip('!@#$%^&*()_+{}:"<>?~', "1234567890-=[];',./`", strict=True))
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789")
_LEET_I = {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t"}
_LEET = (_LEET_I, {**_LEET_I, "1": "l", "|": "l"})


def _keyboard_neighbours() -> dict[str, set[str]]:
    """QWERTY, each row half a key right of the one above: a key touches two above and two below."""
    position = {
        key: (row, column) for row, keys in enumerate(_KEYBOARD_ROWS) for column, key in enumerate(keys)
    }
    neighbours: dict[str, set[str]] = {}
    for key, (row, column) in position.items():
        around = [(row, column - 1), (row, column + 1), (row - 1, column), (row - 1, column + 1)]
        around += [(row + 1, column - 1), (row + 1, column)]
        neighbours[key] = {
            _KEYBOARD_ROWS[r][c]
            for r, c in around
            if 0 <= r < len(_KEYBOARD_ROWS) and 0 <= c < len(_KEYBOARD_ROWS[r])
        }
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()


def _key(character: str) -> str:
    lower = character.lower()
    return _SHIFTED.get(lower, lower)


def _linked(first: str, second: str) -> bool:
    """Whether `second` continues a walk from `first`: the same key, the next or previous in a
    sequence, or a neighbouring key."""
    a, b = _key(first), _key(second)
    if a == b or b in _NEIGHBOURS.get(a, ()):
        return True
    return any(
        a in sequence and b in sequence and abs(sequence.index(a) - sequence.index(b)) == 1
        for sequence in _SEQUENCES
    )


def _character_bits(character: str) -> float:
    if character.isdigit():
        return math.log2(10)
    if character.isascii() and character.isalpha():
        return math.log2(26)
    if character.isascii():
        return math.log2(33)
    return math.log2(1000)  # a letter of another script: far more choices, still not random


@lru_cache(maxsize=1)
def _common_ranks() -> dict[str, int]:
    """Each listed password or word and its rank (0 is the most common)."""
    django_list = Path(CommonPasswordValidator().DEFAULT_PASSWORD_LIST_PATH)
    with gzip.open(django_list, "rt", encoding="utf-8") as lines:
        ranks = {line.strip(): rank for rank, line in enumerate(lines) if line.strip()}
    for line in CLINIC_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            ranks[word] = min(ranks.get(word, CONTEXT_RANK), CONTEXT_RANK)
    return ranks


def context_words(user: Any = None) -> set[str]:
    """Words an attacker who knows the person and the clinic tries first."""
    sources = [settings.CLINIC_NAME]
    for attribute in ("username", "first_name", "last_name", "email"):
        sources.append(str(getattr(user, attribute, "") or ""))
    return {
        word
        for source in sources
        for word in re.split(r"[\W_]+", source.lower())
        if len(word) >= MIN_WORD_LENGTH
    }


def _word_rank(piece: str, context: set[str], ranks: dict[str, int]) -> tuple[int, bool] | None:
    """The rank of a piece that is a listed word, and whether letters were swapped for digits."""
    lower = piece.lower()
    for candidate, swapped in [
        (lower, False),
        *(("".join(leet.get(c, c) for c in lower), True) for leet in _LEET),
    ]:
        for word in (candidate, candidate[::-1]):
            if word in context:
                return CONTEXT_RANK, swapped or word != candidate
            if word in ranks:
                return ranks[word], swapped or word != candidate
    return None


def password_guess_bits(password: str, user: Any = None) -> float:
    """About log2 of the guesses an attacker with the lists needs: the cheapest split into pieces."""
    text = unicodedata.normalize("NFKC", password)
    ranks, context = _common_ranks(), context_words(user)
    length = len(text)
    linked = [_linked(text[i], text[i + 1]) for i in range(length - 1)]
    best = [0.0] + [math.inf] * length
    for end in range(1, length + 1):
        best[end] = best[end - 1] + _character_bits(text[end - 1])
        for start in range(max(0, end - MAX_WORD_LENGTH), end - 1):
            piece = text[start:end]
            size = end - start
            if size >= MIN_WORD_LENGTH and all(linked[start : end - 1]):
                best[end] = min(best[end], best[start] + math.log2(47) + math.log2(size))
            if start >= size and text[start - size : start] == piece:
                best[end] = min(best[end], best[start] + 1 + math.log2(size))
            if size >= MIN_WORD_LENGTH and (found := _word_rank(piece, context, ranks)):
                rank, swapped = found
                capitals = 1.0 if piece != piece.lower() else 0.0
                best[end] = min(best[end], best[start] + math.log2(rank + 2) + capitals + float(swapped))
    return best[length]


class GuessablePasswordValidator:
    """Refuses a password whose guess estimate is below `min_bits` (see the module docstring)."""

    def __init__(self, min_bits: float = MIN_BITS) -> None:
        self.min_bits = min_bits

    def validate(self, password: str, user: Any = None) -> None:
        normalised = unicodedata.normalize("NFKC", password).lower()
        if normalised in _common_ranks() or normalised in context_words(user):
            raise ValidationError(_("This password is too common."), code="password_too_common")
        if password_guess_bits(password, user) < self.min_bits:
            raise ValidationError(
                _(
                    "This password is too easy to guess: it is made of a common password or word, "
                    "your name or the clinic's, a repeated character, a sequence such as 1234 or abcd, "
                    "or a keyboard pattern such as qwerty. Try three or four unrelated words."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a common password or a pattern such as aaaa, 1234, abcd or qwerty.")


class MaximumLengthValidator:
    """Passwords longer than this are refused (OWASP ASVS 2.1.2), the same limit the sign-in forms apply."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: at most %(max_length)d characters."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password can be at most %(max_length)d characters.") % {"max_length": self.max_length}
