"""Reading medicine names as people type them (issue 9, point 1)."""

import time
from pathlib import Path

import pytest

from clinic.core.clinical import medicines
from clinic.core.clinical.medicines import Status, read_medicine
from clinic.core.clinical.procedure_safety import recognise_allergy, recognise_medication, screen

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


CASES = _rows("medicine_cases.tsv")
NOT_ANTITHROMBOTIC = [row[0] for row in _rows("common_non_antithrombotic_drugs.txt")]


def test_the_case_table_is_big_enough():
    assert len(CASES) >= 150
    assert len(NOT_ANTITHROMBOTIC) >= 100


@pytest.mark.parametrize(("text", "generic", "drug_class", "status"), CASES, ids=[row[0] for row in CASES])
def test_each_medicine_string_is_read_as_expected(text, generic, drug_class, status):
    reading = read_medicine(text)
    assert reading.status == status
    if status == "nothing":
        assert reading.findings == ()
        return
    if status == "unrecognised":
        assert reading.findings == ()
        assert reading.unread_words, "an unknown name is kept for staff, not dropped"
        return
    first = reading.first
    expected_class = None if drug_class == "-" else drug_class
    assert first.drug_class == expected_class
    if generic != "-":
        assert medicines.principal_generic(first.generic) == generic or first.generic == generic


@pytest.mark.parametrize("text", NOT_ANTITHROMBOTIC)
def test_a_common_drug_that_is_no_blood_thinner_is_never_read_as_one(text):
    reading = read_medicine(text)
    assert reading.antithrombotics == ()
    assert reading.status in {Status.RECOGNISED, Status.NEAR_MATCH, Status.UNRECOGNISED}


def test_an_exact_name_is_never_read_as_a_typo_of_another():
    # "Paxil" is paroxetine, not a typo of Plavix; "Pravachol" is pravastatin, not Pradaxa.
    for text, generic in [("Paxil", "paroxetine"), ("Pravachol", "pravastatin"), ("Celexa", "citalopram")]:
        reading = read_medicine(text)
        assert reading.status == Status.RECOGNISED
        assert reading.first.generic == generic


def test_a_near_match_says_what_it_was_read_as():
    reading = read_medicine("Eliquiss 5mg")
    assert reading.status == Status.NEAR_MATCH
    assert (reading.first.generic, reading.first.read_as, reading.first.as_typed) == (
        "apixaban",
        "eliquis",
        "Eliquiss",
    )
    assert reading.near_match_key == "apixaban"


def test_several_medicines_in_one_line_are_all_found():
    reading = read_medicine("aspirin 81 and Plavix 75, fish oil")
    assert [medicines.principal_generic(f.generic) for f in reading.findings] == [
        "aspirin",
        "clopidogrel",
        "fish oil",
    ]


def test_an_unknown_word_next_to_a_known_drug_is_kept_for_staff():
    reading = read_medicine("Eliquis and Blorptaxil")
    assert reading.first.generic == "apixaban"
    assert reading.unread_words == ("Blorptaxil",)


def test_short_words_are_not_matched_by_typo():
    # Below the length floor a one-letter change is too often another real word or drug.
    assert read_medicine("Asp").findings == ()


def test_a_near_matched_blood_thinner_counts_in_the_safety_screen_until_confirmed():
    result = screen(medications=["Eliquiss"])
    assert "drug:apixaban" in result.flag_codes
    assert recognise_medication("Eliquiss").status == Status.NEAR_MATCH


def test_a_classified_drug_outside_the_spec_table_is_still_flagged_for_staff():
    result = screen(medications=["Celebrex 200"])
    assert "drug:celecoxib" in result.flag_codes
    assert recognise_medication("Pristiq").drug.key == "ssri_snri"


def test_the_dictionary_is_loaded_lazily_and_once():
    medicines.vocabulary.cache_clear()
    started = time.perf_counter()
    medicines.vocabulary()
    first = time.perf_counter() - started
    started = time.perf_counter()
    medicines.vocabulary()
    assert time.perf_counter() - started < first / 10


def test_importing_the_module_does_not_load_the_dictionary(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, clinic.core.clinical.medicines as m, clinic.core.clinical.procedure_safety;"
        "print(m.vocabulary.cache_info().currsize, 'drug_named_entity_recognition' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


# --- allergies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Omnipaque", "iodinated_contrast"),
        ("iohexol - hives", "iodinated_contrast"),
        ("Isovue", "iodinated_contrast"),
        ("iopamidol", "iodinated_contrast"),
        ("Visipaque", "iodinated_contrast"),
        ("iodixanol", "iodinated_contrast"),
        ("Optiray 350", "iodinated_contrast"),
        ("ioversol", "iodinated_contrast"),
        ("Ultravist", "iodinated_contrast"),
        ("iopromide", "iodinated_contrast"),
        ("iomeprol", "iodinated_contrast"),
        ("CT contrast", "iodinated_contrast"),
        ("contrast dye (CT scan) - rash", "iodinated_contrast"),
        ("IV dye", "iodinated_contrast"),
        ("MRI contrast", "gadolinium"),
        ("MRI dye", "gadolinium"),
        ("the dye they use for MRI", "gadolinium"),
        ("gadolinium", "gadolinium"),
        ("Gadavist", "gadolinium"),
        ("gadobutrol", "gadolinium"),
        ("Dotarem", "gadolinium"),
        ("Clariscan", "gadolinium"),
        ("gadoterate", "gadolinium"),
        ("Magnevist", "gadolinium"),
        ("gadopentetate", "gadolinium"),
        ("Omniscan", "gadolinium"),
        ("gadodiamide", "gadolinium"),
        ("ProHance", "gadolinium"),
        ("MultiHance", "gadolinium"),
        ("Eovist", "gadolinium"),
    ],
)
def test_contrast_agents_by_name_are_contrast_allergies(text, category):
    assert recognise_allergy(text) == {category}


@pytest.mark.parametrize(
    "text",
    [
        "no known contrast allergy",
        "No known drug allergies",
        "none",
        "NKDA",
        "NKA",
        "no allergy to dye",
        "Not allergic to contrast",
        "denies contrast allergy",
        "never had a reaction to contrast",
    ],
)
def test_a_denial_is_not_an_allergy(text):
    assert recognise_allergy(text) == set()
    assert screen(allergies=[text]).flags == []


def test_an_allergy_next_to_a_denial_is_still_found():
    assert recognise_allergy("latex; no contrast allergy") == {"latex"}


@pytest.mark.parametrize("text", ["shellfish", "iodine", "seafood"])
def test_shellfish_and_iodine_are_not_a_contrast_allergy(text):
    assert "iodinated_contrast" not in recognise_allergy(text)
