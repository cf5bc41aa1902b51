"""Pre-procedure safety screening, as `docs/clinical/procedure-safety.md` defines it. Pure: no database."""

import string

import pytest
from django.utils.functional import Promise
from hypothesis import assume, given
from hypothesis import strategies as st

from clinic.core.clinical import medicines
from clinic.core.clinical.evidence import Evidence
from clinic.core.clinical.medicines import Status
from clinic.core.clinical.procedure_safety import (
    ALLERGY_CATEGORIES,
    ANTITHROMBOTIC_TABLE,
    BLEEDING_HISTORY,
    BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS,
    DIABETES_GLUCOSE_RISE,
    DRUGS_BY_KEY,
    IMPLANTED_DEVICES,
    INFECTION_REVIEW,
    INFECTION_SIGNS,
    NOT_A_CONTRAST_RISK_FACTOR,
    OTHER_CONCERNS,
    PROCEDURES,
    RISK_RAISING_PATIENT_FACTORS,
    SEDATION_ESCORT_AND_FASTING,
    TELL_US_ABOUT_CHANGES,
    BleedingRisk,
    DrugClass,
    procedure_bleeding_risk,
    recognise_allergy,
    recognise_medication,
    recognise_medications,
    screen,
)

DRUG_NAMES = [(drug.key, name) for drug in ANTITHROMBOTIC_TABLE for name in (drug.generic, *drug.brands)]


def instruction_codes(result) -> list[str]:
    return [instruction.code for instruction in result.instructions]


# --- The antithrombotic table as data -------------------------------------------------------------


def test_the_table_holds_every_drug_and_brand_of_the_spec():
    assert {drug.generic: set(drug.brands) for drug in ANTITHROMBOTIC_TABLE} == {
        "aspirin": {"Bayer", "Ecotrin", "Excedrin", "Aggrenox"},
        "ibuprofen": {"Advil", "Motrin"},
        "diclofenac": {"Voltaren"},
        "ketorolac": {"Toradol"},
        "etodolac": set(),
        "indomethacin": {"Indocin"},
        "naproxen": {"Aleve", "Naprosyn"},
        "meloxicam": {"Mobic"},
        "nabumetone": {"Relafen"},
        "oxaprozin": {"Daypro"},
        "piroxicam": {"Feldene"},
        "cilostazol": {"Pletal"},
        "dipyridamole": {"Persantine"},
        "warfarin": {"Coumadin", "Jantoven"},
        "acenocoumarol": {"Sintrom"},
        "heparin": set(),
        "enoxaparin": {"Lovenox"},
        "dalteparin": {"Fragmin"},
        "clopidogrel": {"Plavix"},
        "prasugrel": {"Effient"},
        "ticagrelor": {"Brilinta"},
        "dabigatran": {"Pradaxa"},
        "rivaroxaban": {"Xarelto"},
        "apixaban": {"Eliquis"},
        "edoxaban": {"Savaysa", "Lixiana"},
        "fondaparinux": {"Arixtra"},
        "SSRI/SNRI": set(),
        "fish oil": set(),
        "vitamin E": set(),
        "ginkgo": set(),
        "garlic": set(),
    }


def test_drug_classes():
    by_class = {
        drug_class: {drug.key for drug in ANTITHROMBOTIC_TABLE if drug.drug_class == drug_class}
        for drug_class in DrugClass
    }
    assert by_class[DrugClass.ANTICOAGULANT] == {
        "warfarin",
        "acenocoumarol",
        "heparin",
        "enoxaparin",
        "dalteparin",
        "dabigatran",
        "rivaroxaban",
        "apixaban",
        "edoxaban",
        "fondaparinux",
    }
    assert by_class[DrugClass.ANTIPLATELET] == {
        "aspirin",
        "cilostazol",
        "dipyridamole",
        "clopidogrel",
        "prasugrel",
        "ticagrelor",
    }
    assert len(by_class[DrugClass.NSAID]) == 10
    assert by_class[DrugClass.SUPPLEMENT] == {"fish_oil", "vitamin_e", "ginkgo", "garlic"}


def test_rows_marked_unverified_are_the_ones_the_spec_marks():
    unverified = {
        drug.key
        for drug in ANTITHROMBOTIC_TABLE
        if any(row.status == Evidence.UNVERIFIED for row in drug.hold_guidance)
    }
    assert unverified == {
        "clopidogrel",
        "prasugrel",
        "ticagrelor",
        "dabigatran",
        "rivaroxaban",
        "apixaban",
        "edoxaban",
        "fondaparinux",
        "ssri_snri",
        "fish_oil",
        "vitamin_e",
        "ginkgo",
        "garlic",
    }


@pytest.mark.parametrize(
    ("key", "high", "intermediate", "low", "restart"),
    [
        (
            "aspirin",
            "Primary prophylaxis: 6 days. Secondary prophylaxis: shared decision",
            "Shared decision",
            "No",
            "24 h",
        ),
        ("cilostazol", "2 days", "No", "No", "24 h"),
        ("dipyridamole", "2 days", "No", "No", None),
        ("warfarin", "5 days, normal INR", "5 days, normal INR", "No (shared decision)", "6 h"),
        ("acenocoumarol", "3 days, normal INR", "3 days, normal INR", "No (shared decision)", "24 h"),
        ("dalteparin", "24 h", "24 h", "24 h", "12-24 h after intermediate/high; 4 h after low"),
        ("clopidogrel", "7 days", "7 days", "No", "12-24 h"),
        ("prasugrel", "7-10 days", "7-10 days", "No", "24 h"),
        ("ticagrelor", "5 days", "5 days", "No", "24 h"),
        (
            "dabigatran",
            "4-5 days (6 days if renal impairment)",
            "4-5 days (6 days if renal impairment)",
            "shared decision",
            "24 h",
        ),
        ("rivaroxaban", "3 days", "3 days", "shared decision", "24 h"),
        ("apixaban", "3-5 days", "3-5 days", "shared decision", "24 h"),
        ("edoxaban", "3 days", "3 days", "shared decision", "24 h"),
        ("fondaparinux", "4 days", "4 days", "shared decision", "24 h"),
    ],
)
def test_single_row_hold_guidance_is_the_spec_text(key, high, intermediate, low, restart):
    [row] = DRUGS_BY_KEY[key].hold_guidance
    assert (row.high_risk, row.intermediate_risk, row.low_risk, row.restart) == (
        high,
        intermediate,
        low,
        restart,
    )


@pytest.mark.parametrize(
    ("key", "days"),
    [
        ("ibuprofen", "1 day"),
        ("diclofenac", "1 day"),
        ("ketorolac", "1 day"),
        ("etodolac", "2 days"),
        ("indomethacin", "2 days"),
        ("naproxen", "4 days"),
        ("meloxicam", "4 days"),
        ("nabumetone", "6 days"),
        ("oxaprozin", "10 days"),
        ("piroxicam", "10 days"),
    ],
)
def test_nsaids_are_held_for_high_risk_procedures_only(key, days):
    [row] = DRUGS_BY_KEY[key].hold_guidance
    assert (row.high_risk, row.intermediate_risk, row.low_risk, row.restart) == (days, "No", "No", "24 h")


def test_heparin_has_an_iv_row_and_a_subcutaneous_row():
    iv, sc = DRUGS_BY_KEY["heparin"].hold_guidance
    assert (iv.applies_to, iv.high_risk, iv.intermediate_risk, iv.low_risk, iv.restart) == (
        "IV",
        "6 h",
        "6 h",
        "6 h",
        "2 h",
    )
    assert (sc.applies_to, sc.high_risk, sc.intermediate_risk, sc.low_risk) == (
        "SC (BID/TID)",
        "24 h",
        "6 h",
        "6 h",
    )
    assert sc.restart == "6 h after high-risk; 2 h after low/intermediate"


def test_enoxaparin_has_a_prophylactic_row_and_a_therapeutic_row():
    prophylactic, therapeutic = DRUGS_BY_KEY["enoxaparin"].hold_guidance
    assert (prophylactic.applies_to, prophylactic.high_risk) == ("prophylactic dose", "12 h")
    assert (therapeutic.applies_to, therapeutic.high_risk) == ("therapeutic dose", "24 h")


# --- Recognising medications ----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "name"), DRUG_NAMES, ids=[name for _, name in DRUG_NAMES])
def test_every_table_drug_is_recognised_by_generic_and_brand_name(key, name):
    for text in (name, name.upper(), name.lower(), f"{name} 10 mg once daily", f"Takes {name}, 2 tablets"):
        match = recognise_medication(text)
        assert match is not None, text
        assert match.drug.key == key


def test_eliquis_is_recognised_as_apixaban_anticoagulant():
    match = recognise_medication("Eliquis 5 mg twice daily")
    assert match is not None
    assert (match.generic, match.drug_class) == ("apixaban", DrugClass.ANTICOAGULANT)
    assert match.matched_name == "Eliquis"


def test_plavix_is_recognised_as_clopidogrel():
    match = recognise_medication("plavix")
    assert match is not None
    assert (match.generic, match.drug_class) == ("clopidogrel", DrugClass.ANTIPLATELET)


@pytest.mark.parametrize("text", ["Eliquis5mg", "ELIQUIS (5mg) BID", "eliquis/apixaban", "1x Eliquis."])
def test_doses_and_punctuation_around_a_name_do_not_hide_it(text):
    assert recognise_medication(text).generic == "apixaban"


@pytest.mark.parametrize(
    "text", ["Tylenol 500 mg", "metformin", "gabapentin 300 mg", "", "   ", "heparinoid cream", "nonwarfarin"]
)
def test_other_medicines_and_words_containing_a_drug_name_are_not_recognised(text):
    assert recognise_medication(text) is None


@pytest.mark.parametrize(
    "text", ["warfarinx", "xwarfarin", "antiwarfarin", "coumadinol", "aspirinate", "Pradaxan"]
)
def test_a_drug_name_inside_another_word_is_at_most_a_near_match_to_confirm(text):
    # A longer word is no exact name; it may be a typo, so it can only be asked about, never assumed.
    match = recognise_medication(text)
    assert match is None or match.status == Status.NEAR_MATCH


@pytest.mark.parametrize(
    "text",
    ["aspirin-free pain reliever", "Excedrin Aspirin Free", "Excedrin aspirin-free", "ASPIRIN FREE Excedrin"],
)
def test_a_product_that_says_it_is_aspirin_free_is_not_aspirin(text):
    assert recognise_medication(text) is None


def test_aspirin_freely_taken_is_still_aspirin():
    assert recognise_medication("aspirin freely as needed").generic == "aspirin"


def test_aggrenox_is_recognised_as_an_aspirin_combination():
    assert recognise_medication("Aggrenox 25/200 mg").generic == "aspirin"


def test_several_drugs_in_one_entry_are_all_found_in_order():
    matches = recognise_medications("aspirin 81 mg and Plavix 75 mg, plus aspirin again")
    assert [match.generic for match in matches] == ["aspirin", "clopidogrel"]


@pytest.mark.parametrize("text", ["ASA 81 mg", "acetylsalicylic acid"])
def test_other_names_of_aspirin_are_recognised(text):
    assert recognise_medication(text).generic == "aspirin"


@pytest.mark.parametrize(
    ("text", "key"), [("Fish-oil 1000", "fish_oil"), ("Vitamin E", "vitamin_e"), ("SSRI", "ssri_snri")]
)
def test_supplements_and_ssris_are_captured(text, key):
    assert recognise_medication(text).drug.key == key


@given(
    st.sampled_from(DRUG_NAMES),
    st.text(alphabet=string.digits + " .,;:()/-", max_size=12),
    st.text(alphabet=string.digits + " .,;:()/-", max_size=12),
)
def test_a_name_between_non_letters_is_always_recognised(drug_name, before, after):
    key, name = drug_name
    assume(not after.lstrip(" -").lower().startswith("free"))
    assert recognise_medication(f"{before}{name}{after}").drug.key == key


@given(st.sampled_from(DRUG_NAMES), st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6))
def test_a_name_with_letters_glued_on_is_never_taken_as_that_drug(drug_name, glued):
    key, name = drug_name
    # "SSRI/SNRI" is two names, each found on its own.
    assume(glued != "s" and "/" not in name)
    # Unless the longer word is itself another name of the drug ("aspirina").
    known = medicines.vocabulary().generic_by_name
    assume(medicines.normalise(glued + name) not in known and medicines.normalise(name + glued) not in known)
    matches = recognise_medications(f"{glued}{name} {name}{glued}")
    assert key not in [match.drug.key for match in matches if match.status == Status.RECOGNISED]


# --- Recognising allergies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("CT contrast - hives", "iodinated_contrast"),
        ("x-ray dye", "iodinated_contrast"),
        ("Gadolinium", "gadolinium"),
        ("MRI contrast", "gadolinium"),
        ("lidocaine", "local_anaesthetic"),
        ("local anesthetic", "local_anaesthetic"),
        ("Steroids", "corticosteroid"),
        ("Kenalog injection", "corticosteroid"),
        ("LATEX gloves", "latex"),
        ("Chlorhexidine", "chlorhexidine_or_skin_preparation"),
        ("Betadine", "chlorhexidine_or_skin_preparation"),
        ("povidone-iodine", "chlorhexidine_or_skin_preparation"),
        ("adhesive tape", "adhesive"),
        ("penicillin - rash", "antibiotic"),
    ],
)
def test_allergy_words_map_to_the_spec_categories(text, category):
    assert recognise_allergy(text) == {category}


def test_the_allergy_categories_are_the_ones_the_spec_names():
    assert [category.key for category in ALLERGY_CATEGORIES] == [
        "iodinated_contrast",
        "gadolinium",
        "local_anaesthetic",
        "corticosteroid",
        "latex",
        "chlorhexidine_or_skin_preparation",
        "adhesive",
        "antibiotic",
    ]
    assert all(isinstance(category.patient_label, Promise) for category in ALLERGY_CATEGORIES)


@pytest.mark.parametrize("text", ["shellfish", "Iodine", "iodine allergy", "seafood and shellfish"])
def test_shellfish_or_iodine_is_not_a_contrast_allergy(text):
    assert "iodinated_contrast" not in recognise_allergy(text)


@pytest.mark.parametrize("text", ["non-steroidal anti-inflammatories", "hair dye", "contrasting", "latexx"])
def test_allergy_words_inside_other_words_or_phrases_are_not_recognised(text):
    assert recognise_allergy(text) == set()


def test_one_entry_can_name_several_categories():
    assert recognise_allergy("latex and lidocaine") == {"latex", "local_anaesthetic"}


# --- Bleeding-risk class --------------------------------------------------------------------------


def test_procedures_have_the_spec_bleeding_risk_class():
    by_risk = {risk: {p.key for p in PROCEDURES if p.bleeding_risk == risk} for risk in BleedingRisk}
    assert by_risk[BleedingRisk.HIGH] == {
        "scs_trial_or_implant",
        "drg_stimulator_trial_or_implant",
        "intrathecal_catheter_and_pump_implant",
        "vertebral_augmentation",
        "percutaneous_decompression_laminotomy",
        "epiduroscopy",
        "epidural_decompression",
    }
    assert by_risk[BleedingRisk.INTERMEDIATE] == {
        "interlaminar_epidural_steroid_injection",
        "transforaminal_epidural_steroid_injection",
        "cervical_facet_medial_branch_block",
        "cervical_facet_rfa",
        "sympathetic_block",
        "trigeminal_ganglion_block",
        "sphenopalatine_ganglion_block",
        "intradiscal_procedure",
        "paravertebral_block",
    }
    assert by_risk[BleedingRisk.LOW] == {
        "trigger_point_injection",
        "joint_injection",
        "sacroiliac_joint_injection",
        "lumbar_thoracic_facet_medial_branch_block",
        "lumbar_thoracic_facet_rfa",
        "peripheral_nerve_block",
        "peripheral_nerve_stimulator_trial_or_implant",
        "intrathecal_pump_replacement",
        "pulse_generator_replacement",
    }
    unverified = {p.key for p in PROCEDURES if p.evidence == Evidence.UNVERIFIED}
    assert unverified == {
        "epiduroscopy",
        "epidural_decompression",
        "intradiscal_procedure",
        "paravertebral_block",
        "sacroiliac_joint_injection",
    }


@pytest.mark.parametrize("factor", list(RISK_RAISING_PATIENT_FACTORS))
@pytest.mark.parametrize(
    ("procedure", "raised"),
    [
        ("trigger_point_injection", BleedingRisk.INTERMEDIATE),
        ("transforaminal_epidural_steroid_injection", BleedingRisk.HIGH),
        ("scs_trial_or_implant", BleedingRisk.HIGH),
    ],
)
def test_a_patient_factor_moves_a_procedure_up_one_class(factor, procedure, raised):
    assert procedure_bleeding_risk(procedure, patient_factors={factor}) == raised


def test_several_patient_factors_still_move_a_procedure_up_one_class_only():
    assert procedure_bleeding_risk("joint_injection", patient_factors=set(RISK_RAISING_PATIENT_FACTORS)) == (
        BleedingRisk.INTERMEDIATE
    )


def test_unknown_procedures_and_factors_are_rejected():
    with pytest.raises(ValueError, match="procedure"):
        procedure_bleeding_risk("epidural")
    with pytest.raises(ValueError, match="patient factor"):
        procedure_bleeding_risk("joint_injection", patient_factors={"old"})


# --- The screen -----------------------------------------------------------------------------------


def test_a_clean_screen_raises_no_flag_and_still_asks_to_hear_about_changes():
    result = screen(medications=["Tylenol"], allergies=[], devices=set(), pregnant="no", diabetes=False)
    assert result.flags == []
    assert not result.needs_clinician_review
    assert not result.should_defer
    assert instruction_codes(result) == [TELL_US_ABOUT_CHANGES.code]


def test_apixaban_is_flagged_for_staff_as_an_anticoagulant():
    result = screen(medications=["Eliquis 5 mg twice daily"])
    [flag] = result.flags
    assert (flag.code, flag.label) == ("drug:apixaban", "On apixaban (anticoagulant)")
    assert [match.generic for match in result.medications] == ["apixaban"]


def test_the_same_drug_in_two_entries_is_flagged_once():
    result = screen(medications=["Coumadin 5 mg", "warfarin (INR clinic)"])
    assert [flag.code for flag in result.flags] == ["drug:warfarin"]


def test_staff_see_the_table_row_for_the_procedure_class():
    result = screen(procedure="transforaminal_epidural_steroid_injection", medications=["Eliquis"])
    [flag] = result.flags
    assert "intermediate risk: 3-5 days" in flag.detail
    assert "restart: 24 h" in flag.detail
    assert "Narouze" in flag.detail


def test_without_a_procedure_no_hold_interval_is_shown():
    [flag] = screen(medications=["Plavix"]).flags
    assert flag.detail is None


def test_blood_thinners_are_stopped_only_as_the_prescribing_doctor_instructs():
    result = screen(medications=["Xarelto 20 mg"])
    assert BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS.code in instruction_codes(result)
    assert isinstance(BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS.text, Promise)


def test_no_blood_thinner_instruction_without_a_listed_drug():
    assert BLOOD_THINNERS_ONLY_AS_PRESCRIBER_SAYS.code not in instruction_codes(
        screen(medications=["metformin"])
    )


def test_a_contrast_allergy_is_flagged_with_what_to_record():
    [flag] = screen(allergies=["IV contrast - anaphylaxis"]).flags
    assert (flag.code, flag.label) == ("allergy:iodinated_contrast", "Contrast allergy (iodinated)")
    assert "reaction" in flag.detail


def test_an_unrecognised_allergy_is_still_flagged_for_review():
    [flag] = screen(allergies=["strawberries"]).flags
    assert (flag.code, flag.label) == ("allergy:other", "Allergy: strawberries")


def test_a_shellfish_allergy_is_flagged_as_not_a_contrast_risk_factor():
    [flag] = screen(allergies=["Shellfish"]).flags
    assert flag.code == "allergy:other"
    assert flag.detail == NOT_A_CONTRAST_RISK_FACTOR
    assert "iodine allergy" not in flag.label.lower()


@pytest.mark.parametrize("device", IMPLANTED_DEVICES, ids=lambda device: device.key)
def test_every_implanted_device_is_flagged_with_its_label(device):
    result = screen(devices={device.key}, procedure="joint_injection")
    assert [(flag.code, flag.label) for flag in result.flags] == [
        (f"device:{device.key}", device.staff_label)
    ]


def test_a_pacemaker_dependent_patient_is_flagged_as_such():
    [flag] = screen(devices={"pacemaker"}, pacemaker_dependent=True, procedure="joint_injection").flags
    assert flag.label == "Pacemaker (pacemaker-dependent)"


@pytest.mark.parametrize("procedure", ["cervical_facet_rfa", "lumbar_thoracic_facet_rfa", None])
def test_a_device_with_radiofrequency_or_an_unknown_procedure_needs_device_clinic_review(procedure):
    result = screen(devices={"pacemaker"}, procedure=procedure)
    assert "device_radiofrequency_review" in result.flag_codes


def test_a_device_with_a_procedure_without_radiofrequency_needs_no_radiofrequency_review():
    result = screen(devices={"pacemaker"}, procedure="lumbar_thoracic_facet_medial_branch_block")
    assert "device_radiofrequency_review" not in result.flag_codes


def test_an_scs_candidate_needs_compatibility_and_mri_conditionality_review():
    assert "scs_candidate_review" in screen(procedure="scs_trial_or_implant").flag_codes
    assert "scs_candidate_review" not in screen(procedure="joint_injection").flag_codes


@pytest.mark.parametrize("pregnant", [True, "yes", "not_sure"])
def test_a_possible_pregnancy_is_flagged(pregnant):
    assert "pregnancy_possible" in screen(pregnant=pregnant).flag_codes


@pytest.mark.parametrize("pregnant", [False, "no", None])
def test_no_pregnancy_flag_when_not_pregnant_or_not_asked(pregnant):
    assert screen(pregnant=pregnant).flags == []


@pytest.mark.parametrize("pregnant", ["maybe", "Yes", 1, 0])
def test_an_invalid_pregnancy_answer_is_rejected(pregnant):
    with pytest.raises(ValueError, match="pregnancy"):
        screen(pregnant=pregnant)


def test_breastfeeding_is_flagged():
    assert screen(breastfeeding=True).flag_codes == {"breastfeeding"}


def test_diabetes_is_flagged_with_glucose_counselling_for_staff_and_patient():
    result = screen(diabetes=True, insulin=True)
    [flag] = result.flags
    assert flag.label == "Diabetes (on insulin)"
    assert "126 mg/dL" in flag.detail
    assert DIABETES_GLUCOSE_RISE.code in instruction_codes(result)


@pytest.mark.parametrize("sign", list(INFECTION_SIGNS))
def test_any_sign_of_infection_defers_the_procedure_for_clinician_review(sign):
    result = screen(infection_signs={sign})
    assert f"infection:{sign}" in result.flag_codes
    assert result.should_defer
    assert INFECTION_REVIEW.code in instruction_codes(result)


@pytest.mark.parametrize("item", list(BLEEDING_HISTORY))
def test_bleeding_history_is_flagged(item):
    assert f"bleeding:{item}" in screen(bleeding_history={item}).flag_codes


@pytest.mark.parametrize(
    "answers",
    [
        {"bleeding_history": {"liver_or_kidney_disease"}},
        {"risk_raising_factors": {"severe_liver_or_kidney_disease"}},
    ],
)
def test_liver_or_kidney_disease_suggests_coagulation_tests(answers):
    assert "consider_coagulation_tests" in screen(**answers).flag_codes


def test_risk_raising_factors_are_flagged_and_raise_the_class():
    result = screen(procedure="joint_injection", risk_raising_factors={"coagulopathy"})
    assert result.bleeding_risk == BleedingRisk.INTERMEDIATE
    assert "risk_factor:coagulopathy" in result.flag_codes


def test_planned_sedation_needs_a_driver_and_escort():
    result = screen(sedation_planned=True, sedation_answers={"osa_or_cpap"})
    assert SEDATION_ESCORT_AND_FASTING.code in instruction_codes(result)
    assert {"sedation:planned", "sedation:osa_or_cpap"} <= result.flag_codes


def test_no_driver_instruction_without_sedation():
    assert SEDATION_ESCORT_AND_FASTING.code not in instruction_codes(screen())


@pytest.mark.parametrize("concern", list(OTHER_CONCERNS))
def test_other_concerns_are_flagged(concern):
    assert screen(other_concerns={concern}).flag_codes == {f"other:{concern}"}


@pytest.mark.parametrize(
    "answers",
    [
        {"devices": {"defibrillator"}},
        {"infection_signs": {"fever"}},
        {"bleeding_history": {"bruises"}},
        {"sedation_answers": {"osa"}},
        {"other_concerns": {"hypertension"}},
        {"risk_raising_factors": {"old"}},
        {"procedure": "epidural"},
    ],
)
def test_unknown_keys_are_rejected(answers):
    with pytest.raises(ValueError):
        screen(**answers)


def test_patient_facing_instructions_are_translatable():
    result = screen(
        medications=["Eliquis"], sedation_planned=True, diabetes=True, infection_signs={"current_fever"}
    )
    assert len(result.instructions) == 5
    assert all(isinstance(instruction.text, Promise) for instruction in result.instructions)


@pytest.mark.parametrize("text", ["Bayer 73", "Bayer73", "Bayer 205 mg", "Ecotrin 325"])
def test_a_brand_followed_by_a_number_is_that_brand_and_a_dose_not_a_research_code(text):
    # The drug dictionary lists research codes such as "Bayer 73" (niclosamide).
    assert recognise_medication(text).drug.key == "aspirin"
