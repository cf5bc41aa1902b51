"""ICD-10-CM lookups on the code set of the `simple-icd-10-cm` package (no database).

Only billable codes (leaves of the code tree, including seventh-character extensions) may be put
on a referral. The search index is built once per process, on first use (about 75,000 codes).
"""

import functools
import re
from dataclasses import dataclass

import simple_icd_10_cm as icd

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 20
# A code, with or without its dot: a letter, a digit, then up to five more letters/digits.
_CODE_LIKE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]{0,5}$")


@dataclass(frozen=True)
class Icd10Code:
    code: str
    description: str


def icd10_normalise(text: str) -> str:
    """ "m5416", " M54.16 " -> "M54.16" (the package's dotted form); anything else upper-cased."""
    raw = (text or "").strip().upper().replace(" ", "")
    if _CODE_LIKE.match(raw.replace(".", "")) and icd.is_valid_item(raw.replace(".", "")):
        return icd.add_dot(raw.replace(".", ""))
    return raw


def icd10_exists(code: str) -> bool:
    """A diagnosis code of the set (chapters and blocks such as "A00-B99" are not codes)."""
    return bool(code) and icd.is_valid_item(code) and not icd.is_chapter_or_block(code)


def icd10_is_billable(code: str) -> bool:
    return icd10_exists(code) and icd.is_leaf(code)


def icd10_description(code: str) -> str:
    try:
        return icd.get_description(code)
    except ValueError:
        return ""


def icd10_billable_children(code: str, *, limit: int = 5) -> list[str]:
    """A few billable codes under a non-billable one, to suggest in a message."""
    if not icd10_exists(code):
        return []
    return [child for child in icd.get_descendants(code) if icd.is_leaf(child)][:limit]


@functools.cache
def _index() -> tuple[tuple[str, str, str, str], ...]:
    """(code, code without dot, description, lower-cased description) for every billable code."""
    rows = []
    for code in icd.get_all_codes(with_dots=True):
        if icd.is_leaf(code) and not icd.is_chapter_or_block(code):
            description = icd.get_description(code)
            rows.append((code, code.replace(".", ""), description, description.lower()))
    return tuple(rows)


def icd10_search(query: str, *, limit: int = DEFAULT_LIMIT) -> list[Icd10Code]:
    """Billable codes whose code starts with `query`, or whose description holds all its words."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if len(query) < 2:
        return []
    compact = query.upper().replace(".", "").replace(" ", "")
    results: list[Icd10Code] = []
    if _CODE_LIKE.match(compact):
        for code, bare, description, _lower in _index():
            if bare.startswith(compact):
                results.append(Icd10Code(code, description))
                if len(results) >= limit:
                    break
        if results:
            return results
    words = [word for word in re.split(r"[^\w]+", query.lower()) if word]
    if not words:
        return []
    # Each word must start a word of the description ("low" finds "low back", not "lower").
    patterns = [re.compile(rf"\b{re.escape(word)}") for word in words]
    phrase = " ".join(words)
    matches = [
        (code, description, phrase in lower)
        for code, _bare, description, lower in _index()
        if all(word in lower for word in words) and all(pattern.search(lower) for pattern in patterns)
    ]
    # The whole phrase first, then the shorter (less specific) descriptions.
    matches.sort(key=lambda match: (not match[2], len(match[1]), match[0]))
    return [Icd10Code(code, description) for code, description, _phrase in matches[:limit]]
