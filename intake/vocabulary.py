"""The words the questionnaire offers a patient: body-map regions, pain words, causes and
patterns, treatments and their effects, conditions. The forms build their choices from these, and
the questionnaire choice and the review page read the same lists, so a key means one thing everywhere."""

from django.utils.translation import gettext_lazy as _

from clinic.core.translated import StrPromise

# --- Your pain ------------------------------------------------------------------------------------

# (key, label, view). Low back and legs lead to the ODI (and the low back to STarT Back);
# neck and arms to the NDI.
BODY_REGIONS: tuple[tuple[str, str | StrPromise, str], ...] = (
    ("head_front", _("Head and face"), "front"),
    ("neck_front", _("Front of neck"), "front"),
    ("shoulder_right_front", _("Right shoulder (front)"), "front"),
    ("shoulder_left_front", _("Left shoulder (front)"), "front"),
    ("chest", _("Chest"), "front"),
    ("abdomen", _("Abdomen (belly)"), "front"),
    ("arm_right_front", _("Right arm (front)"), "front"),
    ("arm_left_front", _("Left arm (front)"), "front"),
    ("hand_right", _("Right hand and wrist"), "front"),
    ("hand_left", _("Left hand and wrist"), "front"),
    ("hip_groin_right", _("Right hip and groin"), "front"),
    ("hip_groin_left", _("Left hip and groin"), "front"),
    ("thigh_right_front", _("Right thigh (front)"), "front"),
    ("thigh_left_front", _("Left thigh (front)"), "front"),
    ("knee_right", _("Right knee"), "front"),
    ("knee_left", _("Left knee"), "front"),
    ("leg_right_front", _("Right lower leg (front)"), "front"),
    ("leg_left_front", _("Left lower leg (front)"), "front"),
    ("foot_right", _("Right foot and ankle"), "front"),
    ("foot_left", _("Left foot and ankle"), "front"),
    ("head_back", _("Back of head"), "back"),
    ("neck_back", _("Back of neck"), "back"),
    ("shoulder_left_back", _("Left shoulder blade"), "back"),
    ("shoulder_right_back", _("Right shoulder blade"), "back"),
    ("upper_back", _("Upper back"), "back"),
    ("mid_back", _("Mid back"), "back"),
    ("low_back", _("Low back"), "back"),
    ("buttock_left", _("Left buttock"), "back"),
    ("buttock_right", _("Right buttock"), "back"),
    ("arm_left_back", _("Left arm (back)"), "back"),
    ("arm_right_back", _("Right arm (back)"), "back"),
    ("thigh_left_back", _("Left thigh (back)"), "back"),
    ("thigh_right_back", _("Right thigh (back)"), "back"),
    ("calf_left", _("Left calf"), "back"),
    ("calf_right", _("Right calf"), "back"),
)
BODY_REGION_LABELS = {key: label for key, label, _view in BODY_REGIONS}
LOW_BACK_REGIONS = frozenset({"low_back", "buttock_left", "buttock_right"})
LEG_REGIONS = frozenset(
    {
        key
        for key, _label, _view in BODY_REGIONS
        if key.startswith(("thigh_", "knee_", "leg_", "calf_", "foot_"))
    }
)
NECK_REGIONS = frozenset({"neck_front", "neck_back"})
ARM_REGIONS = frozenset(
    {key for key, _label, _view in BODY_REGIONS if key.startswith(("arm_", "hand_", "shoulder_"))}
)
DESCRIPTORS = (
    ("aching", _("Aching")),
    ("burning", _("Burning")),
    ("shooting", _("Shooting")),
    ("electric", _("Electric or shock-like")),
    ("stabbing", _("Stabbing or sharp")),
    ("throbbing", _("Throbbing")),
    ("tingling", _("Tingling or pins and needles")),
    ("numbness", _("Numbness")),
    ("cramping", _("Cramping")),
    ("dull", _("Dull")),
)
# "Nerve-like pain (burning, electric, tingling, numbness)" leads to the DN4 interview.
NERVE_LIKE_DESCRIPTORS = frozenset({"burning", "electric", "tingling", "numbness", "shooting"})
CAUSES = (
    ("none", _("No particular cause")),
    ("injury", _("An injury")),
    ("work", _("An injury at work")),
    ("car_accident", _("A car accident")),
    ("surgery", _("After surgery")),
    ("other", _("Something else")),
)
PATTERNS = (
    ("constant", _("Constant")),
    ("comes_and_goes", _("Comes and goes")),
    ("mostly_morning", _("Worse in the morning")),
    ("mostly_evening", _("Worse in the evening")),
)


# --- Treatments so far ---------------------------------------------------------------------------

EFFECTS = (
    ("", "---------"),
    ("helped", _("Helped")),
    ("some", _("Helped a little")),
    ("none", _("No change")),
    ("worse", _("Made it worse")),
)
THERAPIES = (
    ("physical_therapy", _("Physical therapy")),
    ("chiropractic", _("Chiropractic")),
    ("acupuncture", _("Acupuncture")),
    ("massage", _("Massage")),
)
INJECTION_TYPES = (
    ("", "---------"),
    ("epidural_steroid", _("Epidural steroid injection")),
    ("facet_joint", _("Facet joint injection")),
    ("medial_branch_block", _("Medial branch block")),
    ("radiofrequency_ablation", _("Radiofrequency ablation (nerve burning)")),
    ("sacroiliac_joint", _("Sacroiliac (SI) joint injection")),
    ("nerve_block", _("Nerve block")),
    ("trigger_point", _("Trigger point injection")),
    ("joint", _("Joint injection (for example knee, hip or shoulder)")),
    ("other", _("Other, or not sure")),
)
RELIEF_DURATIONS = (
    ("", "---------"),
    ("days", _("A few days or less")),
    ("weeks", _("1 to 4 weeks")),
    ("months", _("1 to 3 months")),
    ("longer", _("More than 3 months")),
    ("still", _("Still helping")),
)


# --- Health history ------------------------------------------------------------------------------

CONDITIONS = (
    ("heart_disease", _("Heart disease")),
    ("high_blood_pressure", _("High blood pressure")),
    ("lung_disease", _("Lung disease or asthma")),
    ("kidney_disease", _("Kidney disease")),
    ("liver_disease", _("Liver disease")),
    ("osteoporosis", _("Osteoporosis")),
    ("arthritis", _("Arthritis")),
    ("depression_anxiety", _("Depression or anxiety")),
    ("sleep_apnoea", _("Sleep apnoea")),
    ("cancer", _("Cancer")),
)
BLEEDING_LABELS = {
    "bleeding_disorder": _("A bleeding disorder"),
    "easy_bruising": _("Easy bruising"),
    "liver_or_kidney_disease": _("Liver or kidney disease"),
    "low_platelets": _("Low platelets"),
}
INFECTION_LABELS = {
    "current_fever": _("A fever now"),
    "on_antibiotics": _("Taking antibiotics now"),
    "skin_infection_near_site": _("A skin infection near where you have pain"),
    "recent_hospital_stay": _("A hospital stay in the last 3 months"),
    "immunosuppression": _("A weakened immune system (for example from medicines or illness)"),
}
OTHER_CONCERN_LABELS = {
    "uncontrolled_hypertension": _("Blood pressure that is hard to control"),
    "heart_failure": _("Heart failure"),
    "recent_steroid_injection": _("A steroid injection in the last 3 months"),
    "cannot_lie_prone": _("I cannot lie on my stomach"),
}
