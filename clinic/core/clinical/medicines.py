"""Reading medicine names as patients and referrers type them.

One entry point, `read_medicine`, used by the intake and the referral form alike. The vocabulary is
the drug dictionary shipped by the `drug-named-entity-recognition` package (tens of thousands of
generic and brand names and synonyms, offline), plus a short project list of US brands and
supplements it lacks. On top of it sits the project's own classification of the generics that
matter before an interventional pain procedure. A typo is matched to the vocabulary only within a
small edit distance, and such a near-match is a question for the patient, never an assumption.

Pure: no database, no Django models. The dictionary is loaded on first use, not at import, since
process start time and memory count.
"""

import bz2
import enum
import functools
import importlib.util
import pickle
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA


class DrugClass(enum.StrEnum):
    # The spec's table names NSAIDs, SSRIs/SNRIs and supplements; it does not name the classes of the
    # other drugs, which follow standard pharmacology.
    ANTICOAGULANT = "anticoagulant"
    ANTIPLATELET = "antiplatelet"
    NSAID = "NSAID"
    SSRI_SNRI = "SSRI/SNRI"
    SUPPLEMENT = "supplement"


ANTITHROMBOTIC_CLASSES: Final = frozenset({DrugClass.ANTICOAGULANT, DrugClass.ANTIPLATELET})

# Which class comes first when a combination product holds drugs of several classes.
_CLASS_PRIORITY: Final = (
    DrugClass.ANTICOAGULANT,
    DrugClass.ANTIPLATELET,
    DrugClass.NSAID,
    DrugClass.SSRI_SNRI,
    DrugClass.SUPPLEMENT,
)

# The generics that matter here, by standard pharmacology; the spec's table (procedure_safety) is a
# subset. Brand names and synonyms come from the dictionary, which maps them to these generics.
CLASSIFIED_GENERICS: Final[Mapping[str, DrugClass]] = {
    **dict.fromkeys(
        (
            "warfarin",
            "acenocoumarol",
            "phenprocoumon",
            "heparin",
            "enoxaparin",
            "dalteparin",
            "tinzaparin",
            "nadroparin",
            "fondaparinux",
            "dabigatran",
            "dabigatran etexilate",
            "rivaroxaban",
            "apixaban",
            "edoxaban",
            "betrixaban",
            "argatroban",
            "bivalirudin",
            "desirudin",
        ),
        DrugClass.ANTICOAGULANT,
    ),
    **dict.fromkeys(
        (
            "aspirin",
            "clopidogrel",
            "prasugrel",
            "ticagrelor",
            "ticlopidine",
            "cilostazol",
            "dipyridamole",
            "vorapaxar",
            "cangrelor",
        ),
        DrugClass.ANTIPLATELET,
    ),
    **dict.fromkeys(
        (
            "ibuprofen",
            "dexibuprofen",
            "naproxen",
            "diclofenac",
            "aceclofenac",
            "ketorolac",
            "etodolac",
            "indomethacin",
            "meloxicam",
            "nabumetone",
            "oxaprozin",
            "piroxicam",
            "lornoxicam",
            "celecoxib",
            "etoricoxib",
            "ketoprofen",
            "dexketoprofen",
            "flurbiprofen",
            "fenoprofen",
            "sulindac",
            "tolmetin",
            "mefenamic acid",
            "meclofenamic acid",
            "diflunisal",
            "salsalate",
            "choline magnesium trisalicylate",
        ),
        DrugClass.NSAID,
    ),
    **dict.fromkeys(
        (
            "paroxetine",
            "sertraline",
            "fluoxetine",
            "citalopram",
            "escitalopram",
            "fluvoxamine",
            "vilazodone",
            "vortioxetine",
            "venlafaxine",
            "desvenlafaxine",
            "duloxetine",
            "levomilnacipran",
            "milnacipran",
            # A patient may name only the class.
            "ssri",
            "snri",
        ),
        DrugClass.SSRI_SNRI,
    ),
    # Supplements with a reported bleeding effect: the spec's four (fish oil, vitamin E, ginkgo,
    # garlic) and the others ASRA lists (ginseng, turmeric, ginger, feverfew, dong quai, saw palmetto).
    **dict.fromkeys(
        (
            "fish oil",
            "vitamin e",
            "ginkgo",
            "garlic",
            "ginseng",
            "turmeric",
            "ginger",
            "feverfew",
            "dong quai",
            "saw palmetto",
        ),
        DrugClass.SUPPLEMENT,
    ),
}

# Dictionary generics that are another name of a classified generic, so that one drug reads as one.
_SAME_GENERIC: Final[Mapping[str, str]] = {
    "acetylsalicylic acid": "aspirin",
    "acetylsalicylic acid/dipyridamole": "aspirin",
    "aspirin and extended-release dipyridamole": "aspirin",
    "omega-3 fatty acids": "fish oil",
    "omega-3 acid ethyl esters": "fish oil",
    "icosapent ethyl": "fish oil",
    "eicosapentaenoic acid": "fish oil",
    "cod liver oil": "fish oil",
    "krill oil": "fish oil",
    "vitamin e (alpha-tocopherol)": "vitamin e",
    "alpha-tocopherol": "vitamin e",
    "tocopherol": "vitamin e",
    "ginkgo biloba": "ginkgo",
    "curcumin": "turmeric",
    "angelica sinensis root": "dong quai",
    "dabigatran etexilate": "dabigatran",
}

# Names the dictionary lacks (checked against version 2.0.9), mostly US brands and supplements.
PROJECT_NAMES: Final[Mapping[str, str]] = {
    "durlaza": "aspirin",
    "bayer": "aspirin",
    "bayer aspirin": "aspirin",
    "st joseph": "aspirin",
    "bufferin": "aspirin",
    "anacin": "aspirin",
    "vazalore": "aspirin",
    "ecotrin": "aspirin",
    "ecasa": "aspirin",
    "asa": "aspirin",
    "aggrenox": "aspirin",
    "jantoven": "warfarin",
    "kengreal": "cangrelor",
    "bevyxxa": "betrixaban",
    "zontivity": "vorapaxar",
    "ticlid": "ticlopidine",
    "fish oil": "fish oil",
    "krill oil": "fish oil",
    "cod liver oil": "fish oil",
    "omega 3": "fish oil",
    "omega 3s": "fish oil",
    "omega three": "fish oil",
    "lovaza": "fish oil",
    "vascepa": "fish oil",
    "vitamin e": "vitamin e",
    "vit e": "vitamin e",
    "tocopherol": "vitamin e",
    "ginkgo": "ginkgo",
    "norco": "hydrocodone and acetaminophen",
    "synthroid": "levothyroxine",
    "percocet": "oxycodone and acetaminophen",
    "gingko": "ginkgo",
    "garlic": "garlic",
    "garlic pills": "garlic",
    "ginseng": "ginseng",
    "turmeric": "turmeric",
    "ginger": "ginger",
    "feverfew": "feverfew",
    "dong quai": "dong quai",
    "saw palmetto": "saw palmetto",
    "mefenamic": "mefenamic acid",
    "ponstel": "mefenamic acid",
    "arthrotec": "diclofenac",
    "vimovo": "naproxen",
    "duexis": "ibuprofen",
    "tivorbex": "indomethacin",
    "zorvolex": "diclofenac",
    "pexeva": "paroxetine",
    "brisdelle": "paroxetine",
    "sarafem": "fluoxetine",
    "khedezla": "desvenlafaxine",
    "drizalma": "duloxetine",
}

# Words that name no medicine: doses, units, forms, timing and the small talk around a name ("got free
# samples", "as needed"). They are never read as a drug on their own, exactly or by a typo.
FILLER_WORDS: Final = frozenset(
    """
    a an and or with without of for to from by at in on as per the my i me it is was am are be been
    take takes taking took taken use used using uses got get gets given give prescribed prescription
    rx otc over counter free samples sample trial starter pack doctor dr doc gp cardiologist daily day
    days once twice three four times x week weekly weeks month monthly months year years morning
    evening night nightly bedtime noon lunch breakfast dinner meals meal food before after every each
    other hour hours hr hrs h ago since last stopped stop started start restart paused hold held until
    now currently current still only when needed prn bid tid qid qd od bd qhs hs qam qpm ac pc po iv
    sc sq im subq subcut inj injection injections shot shots oral mouth by tab tabs tablet tablets
    cap caps capsule capsules pill pills softgel softgels gel cream patch spray drops liquid chewable
    chew enteric coated ec er xr sr cr la xl dr ir odt extended release delayed immediate regular
    extra strength maximum max low dose doses dosage baby adult children junior mini mg mgs mcg ug
    microgram micrograms milligram milligrams g gm gram grams ml mls cc iu units unit u l kg generic
    brand name names also plus then about approx approximately around half quarter one two
    pain reliever relief medicine medicines medication medications meds vitamin vitamins supplement
    supplements over-the-counter clinic inr pt level levels check checks checked monitor monitored
    blood thinner thinners test tests lab labs
    """.split()  # noqa: SIM905 - a word list reads best as text
)
_NO_MEDICINE_WORDS: Final = frozenset({"none", "nil", "nothing", "no", "n", "na", "nope", "nkda"})
# Free of a drug: "aspirin-free", "Excedrin Aspirin Free".
_FREE_OF_WORDS: Final = frozenset({"free"})

_MAX_PHRASE_WORDS: Final = 6
# A typo is matched only in a word of at least this many letters, to a name of at least as many.
FUZZY_MIN_LETTERS: Final = 5


def _max_edits(length: int) -> int:
    """How many single-letter edits (insert, delete, substitute, swap) a typo may have."""
    if length <= 6:
        return 1
    if length <= 10:
        return 2
    return 3


class Status(enum.StrEnum):
    RECOGNISED = "recognised"
    # Read through a typo: the patient must confirm it.
    NEAR_MATCH = "near_match"
    UNRECOGNISED = "unrecognised"
    # The entry says there is no medicine ("none", blank).
    NOTHING = "nothing"


@dataclass(frozen=True)
class Finding:
    generic: str
    # The words as typed that named it ("Eliquiss").
    as_typed: str
    drug_class: DrugClass | None
    status: Status
    # For a near-match: the vocabulary name it was read as ("eliquis").
    read_as: str = ""

    @property
    def is_antithrombotic(self) -> bool:
        return self.drug_class in ANTITHROMBOTIC_CLASSES


@dataclass(frozen=True)
class MedicineReading:
    text: str
    findings: tuple[Finding, ...]
    # Words that are neither a known name nor filler; kept so that staff can check them.
    unread_words: tuple[str, ...] = ()
    # Generics the entry says it is free of ("aspirin-free").
    stated_free_of: frozenset[str] = field(default_factory=frozenset)

    @property
    def status(self) -> Status:
        if any(f.status == Status.NEAR_MATCH for f in self.findings):
            return Status.NEAR_MATCH
        if self.findings:
            return Status.RECOGNISED
        if self.unread_words:
            return Status.UNRECOGNISED
        return Status.NOTHING

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def near_match_key(self) -> str:
        """What a patient confirms: the near-matched generics they were shown, so that a confirmation
        never carries over to a different name typed later."""
        return ",".join(sorted(f.generic for f in self.findings if f.status == Status.NEAR_MATCH))

    @property
    def antithrombotics(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_antithrombotic)


# --- vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    # Normalised name ("omega 3 fatty acids") -> generic.
    generic_by_name: Mapping[str, str]
    # One-word names long enough for typo matching, and their sound keys.
    fuzzy_names: tuple[str, ...]
    fuzzy_sound_keys: tuple[str, ...]
    names_by_sound_key: Mapping[str, tuple[str, ...]]
    # Names of medicines with a consumer leaflet (MedlinePlus, NHS): the ones people take at home.
    common_names: tuple[str, ...] = ()


def _dictionary_path() -> Path:
    # find_spec does not run the package's __init__, which would load the whole dictionary with
    # structures and formulas we do not need.
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The drug-named-entity-recognition package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"


def _is_a_medicine(data: Mapping[str, object]) -> bool:
    # Entries known only from MeSH are mostly proteins, receptors and chemistry terms, not medicines.
    return any(key in data for key in ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url"))


@functools.cache
def vocabulary() -> Vocabulary:
    with bz2.open(_dictionary_path(), "rb") as dictionary_file:
        # The pinned, hash-checked package's own data file, never an upload: nothing untrusted is unpickled.
        dictionary = pickle.load(dictionary_file)  # noqa: S301  # nosec B301
    canonical_data = dictionary["drug_canonical_to_data"]
    generic_by_name: dict[str, str] = {}
    common: set[str] = set()
    for variant, canonicals in dictionary["drug_variant_to_canonical"].items():
        canonical = canonicals[0]
        data = canonical_data.get(canonical, {})
        if not _is_a_medicine(data):
            continue
        name = normalise(variant)
        if name and name not in FILLER_WORDS and name not in _NO_MEDICINE_WORDS:
            generic_by_name.setdefault(name, _SAME_GENERIC.get(canonical, canonical))
            if ("medline_plus_id" in data or "nhs_url" in data) and len(name) <= 30:
                common.add(name)
    del dictionary, canonical_data
    for generic in CLASSIFIED_GENERICS:
        generic_by_name[normalise(generic)] = generic
    for name, generic in PROJECT_NAMES.items():
        generic_by_name[normalise(name)] = generic
    # The dictionary keeps research codes such as "Bayer 73" (niclosamide); a patient writing a
    # known name followed by numbers means that medicine and its dose ("Bayer 81").
    for name in list(generic_by_name):
        first, *rest = name.split()
        if (
            rest
            and all(part.isdigit() for part in rest)
            and generic_by_name.get(first) not in (None, generic_by_name[name])
        ):
            del generic_by_name[name]
    fuzzy_names = tuple(sorted(n for n in generic_by_name if n.isalpha() and len(n) >= FUZZY_MIN_LETTERS))
    fuzzy_sound_keys = tuple(sound_key(n) for n in fuzzy_names)
    names_by_sound_key: dict[str, list[str]] = {}
    for name, key in zip(fuzzy_names, fuzzy_sound_keys, strict=True):
        names_by_sound_key.setdefault(key, []).append(name)
    return Vocabulary(
        generic_by_name=generic_by_name,
        fuzzy_names=fuzzy_names,
        fuzzy_sound_keys=fuzzy_sound_keys,
        names_by_sound_key={k: tuple(v) for k, v in names_by_sound_key.items()},
        common_names=tuple(sorted(common | {normalise(n) for n in PROJECT_NAMES})),
    )


def principal_generic(generic: str) -> str | None:
    """The classified generic in `generic` ("low-dose aspirin", "hydrocodone and ibuprofen"), or None.

    In a combination product the most concerning class wins: the one a clinician must hold first.
    """
    generic = _SAME_GENERIC.get(generic, generic)
    if generic in CLASSIFIED_GENERICS:
        return generic
    found = _classified_in(generic)
    found.sort(key=lambda g: _CLASS_PRIORITY.index(CLASSIFIED_GENERICS[g]))
    return found[0] if found else None


def _classified_in(generic: str) -> list[str]:
    words = f" {normalise(generic)} "
    named = [g for g, n in _NORMALISED_CLASSIFIED.items() if f" {n} " in words]
    named += [_SAME_GENERIC[a] for a, n in _NORMALISED_SAME.items() if f" {n} " in words]
    return named


def drug_class(generic: str) -> DrugClass | None:
    principal = principal_generic(generic)
    return CLASSIFIED_GENERICS[principal] if principal is not None else None


@functools.cache
def suggestion_names() -> tuple[str, ...]:
    """Names offered while typing a medicine: everyday medicines and the classified drugs' names."""
    vocab = vocabulary()
    classified = {n for n, g in vocab.generic_by_name.items() if drug_class(g) is not None}
    return tuple(sorted(n for n in classified | set(vocab.common_names) if _SUGGESTIBLE.fullmatch(n)))


@functools.cache
def classified_suggestion_names() -> tuple[str, ...]:
    """The names of the drugs that matter before a procedure, short enough to send with every page."""
    vocab = vocabulary()
    return tuple(
        sorted(
            n
            for n, g in vocab.generic_by_name.items()
            if drug_class(g) is not None and _SUGGESTIBLE.fullmatch(n)
        )
    )


# Plain names a patient would type: one or two words of letters, not chemistry.
_SUGGESTIBLE: Final = re.compile(r"[a-z]{3,20}(?: [a-z0-9]{1,12})?")


# --- text handling --------------------------------------------------------------------------------


_PLAIN: Final = re.compile(r"[a-z]+(?: [a-z]+)*")


def normalise(text: str) -> str:
    """Lower case, no accents or ®/™, digits apart from letters, words joined by single spaces."""
    if _PLAIN.fullmatch(text):
        return text
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


_NORMALISED_CLASSIFIED: Final = {g: normalise(g) for g in CLASSIFIED_GENERICS}
_NORMALISED_SAME: Final = {a: normalise(a) for a in _SAME_GENERIC}

_SOUND_RULES: Final = (
    # A leading x sounds as z ("Xarelto", "zarelto").
    (r"^x", "z"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"cks$", "x"),
    (r"ks$", "x"),
    (r"qu", "kw"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"x", "ks"),
    (r"z", "s"),
    (r"y", "i"),
    (r"(.)\1+", r"\1"),
)


def sound_key(word: str) -> str:
    """A spelling-free form of a word, so that "Plavicks" and "Plavix" meet."""
    for pattern, replacement in _SOUND_RULES:
        word = re.sub(pattern, replacement, word)
    return word


def _words(text: str) -> list[tuple[str, int, int]]:
    """The entry's words, normalised, each with where it stands in the text as typed."""
    words = []
    for match in re.finditer(r"[^\W_]+", text):
        for part in re.finditer(r"[^\W\d_]+|\d+", match.group()):
            word = normalise(part.group())
            if word:
                words.append((word, match.start() + part.start(), match.start() + part.end()))
    return words


def read_medicine(text: str) -> MedicineReading:
    """What one medicine entry (a line a patient or referrer typed) names.

    Known names are found exactly, longest first, anywhere in the entry ("Brilinta (got free
    samples)", "aspirin81", "Eliquis® 5mg BID"). A remaining word that is not filler and not an exact
    name anywhere in the vocabulary may be read as a typo of a name within a bounded edit distance
    (a near-match, to be confirmed). "aspirin-free" and "X Aspirin Free" mean the entry has no aspirin.
    """
    vocab = vocabulary()
    spans = _words(text)
    words = [word for word, _, _ in spans]

    def typed(first: int, last: int) -> str:
        return text[spans[first][1] : spans[last][2]]

    findings: list[Finding] = []
    unread: list[str] = []
    free_of: set[str] = set()
    i = 0
    while i < len(words):
        hit = _longest_name_at(words, i, vocab.generic_by_name)
        if hit is not None:
            length, generic = hit
            if _says_free_of(text, spans, i + length):
                free_of.add(generic)
                i += length + 1
                continue
            findings.append(
                Finding(generic, typed(i, i + length - 1), drug_class(generic), Status.RECOGNISED)
            )
            i += length
            continue
        word = words[i]
        i += 1
        if word in FILLER_WORDS or word in _NO_MEDICINE_WORDS or word in _FREE_OF_WORDS:
            continue
        if not word.isalpha() or len(word) < 3:
            continue
        near = _near_match(word, vocab)
        if near is None:
            unread.append(typed(i - 1, i - 1))
            continue
        name, generic = near
        if _says_free_of(text, spans, i):
            free_of.add(generic)
            i += 1
            continue
        findings.append(
            Finding(generic, typed(i - 1, i - 1), drug_class(generic), Status.NEAR_MATCH, read_as=name)
        )
    kept = _unique(f for f in findings if f.generic not in free_of and not _contains_any(f.generic, free_of))
    return MedicineReading(
        text=text, findings=tuple(kept), unread_words=tuple(unread), stated_free_of=frozenset(free_of)
    )


def _says_free_of(text: str, spans: list[tuple[str, int, int]], index: int) -> bool:
    """Whether the word at `index` is the "free" of "aspirin-free" / "Aspirin Free", joined to the
    name before it, and not the "free" of "- free samples"."""
    if index >= len(spans) or spans[index][0] not in _FREE_OF_WORDS or index == 0:
        return False
    between = text[spans[index - 1][2] : spans[index][1]]
    if between.strip() not in {"", "-"} or (between.strip() == "-" and between != "-"):
        return False
    following = spans[index + 1][0] if index + 1 < len(spans) else ""
    return following not in _NOT_FREE_OF_FOLLOWERS


# "free samples", "free trial", "free of charge": given for free, not free of the drug.
_NOT_FREE_OF_FOLLOWERS: Final = frozenset({"samples", "sample", "trial", "of", "coupon", "from"})


def read_medicines(entries: Iterable[str]) -> list[MedicineReading]:
    return [read_medicine(entry) for entry in entries]


def _contains_any(generic: str, free_of: set[str]) -> bool:
    # "Excedrin Aspirin Free": the brand's combination contains aspirin, but this product has none.
    parts = {_SAME_GENERIC.get(p, p) for p in re.split(r"\s*(?:/|,|\band\b)\s*", generic)}
    return bool(parts & free_of)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        previous = seen.get(finding.generic)
        if previous is None or (previous.status == Status.NEAR_MATCH and finding.status == Status.RECOGNISED):
            seen[finding.generic] = finding
    return list(seen.values())


def _longest_name_at(words: list[str], start: int, names: Mapping[str, str]) -> tuple[int, str] | None:
    for length in range(min(_MAX_PHRASE_WORDS, len(words) - start), 0, -1):
        phrase = " ".join(words[start : start + length])
        if length == 1 and (phrase in FILLER_WORDS or phrase in _NO_MEDICINE_WORDS):
            continue
        generic = names.get(phrase)
        if generic is not None:
            return length, generic
    return None


def _near_match(word: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """The vocabulary name `word` is most likely a typo of, within the edit bound, or None.

    Both the spelling and the sound key are compared; the first letter must agree (people rarely
    mistype it, and it keeps "Paxil" from "Plavix"-like neighbours). On a tie, a classified drug wins,
    because asking about a blood thinner that is not there costs less than missing one.
    """
    if len(word) < FUZZY_MIN_LETTERS:
        return None
    key = sound_key(word)
    bound = _max_edits(len(word))
    candidates: dict[str, float] = {}
    for name in vocab.names_by_sound_key.get(key, ()):
        candidates[name] = 0.5
    for name, distance, _ in process.extract(
        word, vocab.fuzzy_names, scorer=OSA.distance, score_cutoff=bound, limit=25
    ):
        candidates[name] = min(candidates.get(name, 99.0), float(distance))
    for _, distance, index in process.extract(
        key, vocab.fuzzy_sound_keys, scorer=OSA.distance, score_cutoff=bound, limit=25
    ):
        name = vocab.fuzzy_names[index]
        candidates[name] = min(candidates.get(name, 99.0), distance + 0.25)
    candidates = {
        name: distance
        for name, distance in candidates.items()
        if sound_key(name)[:1] == key[:1] and abs(len(name) - len(word)) <= bound
    }
    if not candidates:
        return None

    def rank(name: str) -> tuple[float, int, int]:
        generic = vocab.generic_by_name[name]
        concern = drug_class(generic)
        return (candidates[name], 0 if concern is not None else 1, abs(len(name) - len(word)))

    best = min(candidates, key=rank)
    return best, vocab.generic_by_name[best]
