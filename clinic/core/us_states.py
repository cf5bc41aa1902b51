"""The US states, the District of Columbia and the inhabited territories, by USPS code, and what
people type for each: the code, the name, the old postal and newspaper abbreviations, the Spanish
name. `us_state_code` reads any of them, in any case, with or without dots and spaces."""

import unicodedata
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class USState(models.TextChoices):
    """USPS Publication 28, appendix B: the states, DC and the territories (not the freely associated
    states or the military codes AA, AE and AP)."""

    AL = "AL", _("Alabama")
    AK = "AK", _("Alaska")
    AZ = "AZ", _("Arizona")
    AR = "AR", _("Arkansas")
    CA = "CA", _("California")
    CO = "CO", _("Colorado")
    CT = "CT", _("Connecticut")
    DE = "DE", _("Delaware")
    DC = "DC", _("District of Columbia")
    FL = "FL", _("Florida")
    GA = "GA", _("Georgia")
    HI = "HI", _("Hawaii")
    ID = "ID", _("Idaho")
    IL = "IL", _("Illinois")
    IN = "IN", _("Indiana")
    IA = "IA", _("Iowa")
    KS = "KS", _("Kansas")
    KY = "KY", _("Kentucky")
    LA = "LA", _("Louisiana")
    ME = "ME", _("Maine")
    MD = "MD", _("Maryland")
    MA = "MA", _("Massachusetts")
    MI = "MI", _("Michigan")
    MN = "MN", _("Minnesota")
    MS = "MS", _("Mississippi")
    MO = "MO", _("Missouri")
    MT = "MT", _("Montana")
    NE = "NE", _("Nebraska")
    NV = "NV", _("Nevada")
    NH = "NH", _("New Hampshire")
    NJ = "NJ", _("New Jersey")
    NM = "NM", _("New Mexico")
    NY = "NY", _("New York")
    NC = "NC", _("North Carolina")
    ND = "ND", _("North Dakota")
    OH = "OH", _("Ohio")
    OK = "OK", _("Oklahoma")
    OR = "OR", _("Oregon")
    PA = "PA", _("Pennsylvania")
    RI = "RI", _("Rhode Island")
    SC = "SC", _("South Carolina")
    SD = "SD", _("South Dakota")
    TN = "TN", _("Tennessee")
    TX = "TX", _("Texas")
    UT = "UT", _("Utah")
    VT = "VT", _("Vermont")
    VA = "VA", _("Virginia")
    WA = "WA", _("Washington")
    WV = "WV", _("West Virginia")
    WI = "WI", _("Wisconsin")
    WY = "WY", _("Wyoming")
    AS = "AS", _("American Samoa")
    GU = "GU", _("Guam")
    MP = "MP", _("Northern Mariana Islands")
    PR = "PR", _("Puerto Rico")
    VI = "VI", _("U.S. Virgin Islands")


# Other ways of writing each, besides its code and English name: the GPO and AP abbreviations,
# spellings in common use, and the Spanish names that differ from the English.
_ALSO_WRITTEN: Final[dict[str, tuple[str, ...]]] = {
    "AL": ("Ala",),
    "AK": ("Alas",),
    "AZ": ("Ariz",),
    "AR": ("Ark",),
    "CA": ("Calif", "Cal", "Cali"),
    "CO": ("Colo", "Col"),
    "CT": ("Conn",),
    "DE": ("Del",),
    "DC": (
        "D.C.",
        "Washington DC",
        "Washington D.C.",
        "Wash DC",
        "Wash. D.C.",
        "Dist. of Columbia",
        "Dist. Col.",
        "Distrito de Columbia",
    ),
    "FL": ("Fla", "Flor"),
    "HI": ("Hawai'i", "Hawái"),
    "IL": ("Ill", "Ills"),
    "IN": ("Ind",),
    "KS": ("Kans", "Kan"),
    "LA": ("Luisiana",),
    "MA": ("Mass",),
    "MI": ("Mich", "Míchigan"),
    "MN": ("Minn", "Minesota"),
    "MS": ("Miss", "Misisipi"),
    "MO": ("Misuri",),
    "MT": ("Mont",),
    "NE": ("Nebr", "Neb"),
    "NV": ("Nev",),
    "NH": ("N.H.", "Nuevo Hampshire"),
    "NJ": ("N.J.", "Nueva Jersey"),
    "NM": ("N.M.", "N. Mex.", "New Mex", "Nuevo México"),
    "NY": ("N.Y.", "NYS", "Nueva York"),
    "NC": ("N.C.", "N. Car.", "Carolina del Norte"),
    "ND": ("N.D.", "N. Dak.", "Dakota del Norte"),
    "OK": ("Okla",),
    "OR": ("Ore", "Oreg", "Oregón"),
    "PA": ("Penn", "Penna", "Pensilvania"),
    "RI": ("R.I.",),
    "SC": ("S.C.", "S. Car.", "Carolina del Sur"),
    "SD": ("S.D.", "S. Dak.", "Dakota del Sur"),
    "TN": ("Tenn", "Tennesse"),
    "TX": ("Tex",),
    "WA": ("Wash",),
    "WV": ("W. Va.", "W.V.", "W. Virginia", "Virginia Occidental"),
    "WI": ("Wis", "Wisc"),
    "WY": ("Wyo",),
    "AS": ("Am. Samoa", "A.S.", "Samoa Americana"),
    "GU": ("Guåhån",),
    "MP": ("CNMI", "N. Mariana Islands", "Northern Marianas", "Islas Marianas del Norte"),
    "PR": ("P.R.",),
    "VI": (
        "V.I.",
        "USVI",
        "U.S.V.I.",
        "Virgin Islands",
        "Virgin Islands of the United States",
        "United States Virgin Islands",
        "Islas Vírgenes",
    ),
}

# Words around a state's name that do not change which one it is: "State of New York",
# "Commonwealth of Puerto Rico", "Washington State", "New York, USA", "US-NY" (ISO 3166-2).
_PREFIXES: Final = ("the ", "state of ", "commonwealth of ", "territory of ", "us ", "usa ")
_SUFFIXES: Final = (" state", " usa", " us")
_DROPPED: Final = str.maketrans("", "", ".'’‘`ʻʼ")
_SPACES: Final = str.maketrans(dict.fromkeys("-‐‑–—,/_", " "))


def _key(text: str) -> str:
    """The letters that matter: no accents, case, dots or apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().translate(_DROPPED).translate(_SPACES).split())


def _without_surroundings(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key.removeprefix(prefix), True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key.removesuffix(suffix), True
    return key


def _spellings() -> dict[str, str]:
    spellings: dict[str, str] = {}
    for state in USState:
        for written in (state.value, str(state.label), *_ALSO_WRITTEN.get(state.value, ())):
            key = _key(written).replace(" ", "")
            if spellings.setdefault(key, state.value) != state.value:
                raise ValueError(f"{written!r} would mean both {spellings[key]} and {state.value}")
    return spellings


# Spaces removed, so that "N. Y." and "W Va" read like "NY" and "WVa".
_SPELLINGS: Final = _spellings()


def us_state_code(text: str) -> str | None:
    """The USPS code of the state or territory `text` names, or None when it names none.

    "ny", "N.Y.", "New York" and "new york " are all "NY"; "Washington" is "WA" and
    "Washington, D.C." or "Wash. DC" is "DC"; "Ne" is "NE" (Nebraska), never the start of a name.
    """
    key = _key(text)
    for candidate in (key, _without_surroundings(key)):
        code = _SPELLINGS.get(candidate.replace(" ", ""))
        if code is not None:
            return code
    return None


def us_state_name(code: str) -> str:
    """The name of the state with this code, or the code itself when it is not one (an old row)."""
    try:
        return str(USState(code).label)
    except ValueError:
        return code


def stored_states_as_codes(model: type[models.Model]) -> None:
    """For a data migration: a state stored before the list, written as a code in another case
    ("ny", "Il"), becomes the code; anything else stays as it was typed, to be read and corrected."""
    rows = model._default_manager  # noqa: SLF001 - any model with a state column, historical ones too
    stored = rows.exclude(state="").values_list("state", flat=True).distinct()
    for value in list(stored):
        code = value.strip().upper()
        if code != value and code in USState.values:
            rows.filter(state=value).update(state=code)
