"""One form per step. Forms validate and lay out; the services write.

Answers of steps 2-8 are stored as JSON, so every form here offers `answers()`: its cleaned data
made JSON-safe (dates as ISO strings).
"""

from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.clinical import medicines, procedure_safety, red_flags
from clinic.core.clinical.medicines import DrugClass
from clinic.core.forms import NothingCutForm
from clinic.core.honeypot import HoneypotMixin
from clinic.core.models import PERSON_FIELDS
from clinic.core.person import DateOfBirthField, PersonNameFormField, PhoneTextFormField, validate_pain_onset
from clinic.core.translated import Text
from clinic.core.uploads import IMAGE_TYPES, CheckedFile, upload_validate

from .contradictions import find_contradictions
from .instruments import Instrument
from .models import Intake
from .services import listed_blood_thinners_contradicting
from .vocabulary import (
    BLEEDING_LABELS,
    BODY_REGIONS,
    CAUSES,
    CONDITIONS,
    DESCRIPTORS,
    EFFECTS,
    INFECTION_LABELS,
    INJECTION_TYPES,
    OTHER_CONCERN_LABELS,
    PATTERNS,
    RELIEF_DURATIONS,
    THERAPIES,
)

YES_NO = (("yes", _("Yes")), ("no", _("No")))
YES_NO_NOT_SURE = (("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure")))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StepForm(NothingCutForm, forms.Form):
    """A step form: no <form> tag from crispy (the page template holds the Save/Continue buttons)."""

    def __init__(self, *args, intake: Intake | None = None, **kwargs):
        self.intake = intake
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def answers(self) -> dict:
        return {name: _json_safe(value) for name, value in self.cleaned_data.items()}


def _json_safe(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def pain_scale(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric", "class": "pain-scale"}),
        help_text=_("0 = no pain, 10 = the worst pain you can imagine"),
        error_messages={
            "min_value": _("Choose a number from 0 to 10."),
            "max_value": _("Choose a number from 0 to 10."),
            "invalid": _("Choose a number from 0 to 10."),
        },
    )


# --- Start ------------------------------------------------------------------------------------------


class StartForm(HoneypotMixin, StepForm):
    first_name = PersonNameFormField(
        label=_("First name"), max_length=100, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = PersonNameFormField(
        label=_("Last name"), max_length=100, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    date_of_birth = DateOfBirthField()
    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "We will email you a link to confirm this address. The same link lets you come back later."
        ),
        max_length=254,
        widget=forms.EmailInput({"autocomplete": "email"}),
    )


class ResendLinkForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


# --- 1. About you --------------------------------------------------------------------------------


class AboutForm(NothingCutForm, forms.ModelForm):
    class Meta:
        model = Intake
        fields = list(PERSON_FIELDS)
        field_classes = {"date_of_birth": DateOfBirthField}
        help_texts = {
            "sex_at_birth": _("Some of our questionnaires score differently by sex assigned at birth."),
            "email": _("If you change it, we will send a link to confirm the new address."),
        }

    def __init__(self, data=None, *, intake: Intake | None = None, **kwargs):
        super().__init__(data, instance=intake, **kwargs)
        self.fields["sex_at_birth"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def answers(self) -> dict:
        return dict(self.cleaned_data)


# --- 2. Insurance --------------------------------------------------------------------------------


class CardField(forms.FileField):
    """A card photo, parsed by clinic.core.uploads: its cleaned value is the CheckedFile to store."""

    def __init__(self, **kwargs):
        widget = forms.FileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
        # upload_validate refuses an empty file with a message that names it.
        super().__init__(required=False, widget=widget, allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None) -> CheckedFile | None:
        uploaded = super().clean(data, initial)
        return upload_validate(uploaded, allowed_types=IMAGE_TYPES) if uploaded else None


class InsuranceForm(StepForm):
    has_insurance = forms.ChoiceField(
        label=_("Do you have health insurance?"), choices=YES_NO, widget=forms.RadioSelect
    )
    carrier = forms.CharField(label=_("Insurance company"), max_length=120, required=False)
    member_id = forms.CharField(label=_("Member ID"), max_length=60, required=False)
    group_number = forms.CharField(label=_("Group number"), max_length=60, required=False)
    subscriber_name = PersonNameFormField(
        label=_("Subscriber (policy holder) name"), max_length=200, required=False
    )
    subscriber_relationship = forms.ChoiceField(
        label=_("Your relationship to the subscriber"),
        required=False,
        choices=[
            ("", "---------"),
            ("self", _("Self")),
            ("spouse", _("Spouse or partner")),
            ("parent", _("Parent")),
            ("other", _("Other")),
        ],
    )
    card_front = CardField(label=_("Photo of the front of your card (JPEG or PNG, up to 10 MB)"))
    card_back = CardField(label=_("Photo of the back of your card (JPEG or PNG, up to 10 MB)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.intake is not None:
            self.show_photos_on_file(self.intake)

    def show_photos_on_file(self, intake: Intake) -> None:
        """Say next to each card field when its photo is on file (also one kept from a refused page)."""
        for name, on_file in (
            ("card_front", intake.insurance_card_front_id),
            ("card_back", intake.insurance_card_back_id),
        ):
            if on_file:
                help_text = _("We have this photo on file. Choose a new one only if you want to replace it.")
                # The bound field copies the help text when first used: a refused page's is already made.
                self.fields[name].help_text = self[name].help_text = help_text

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("has_insurance") == "yes":
            for name in ("carrier", "member_id"):
                if not cleaned.get(name):
                    self.add_error(name, _("Please fill this in, or answer No above."))
        return cleaned

    def answers(self) -> dict:
        return {k: v for k, v in super().answers().items() if k not in {"card_front", "card_back"}}


# --- 3. Your pain --------------------------------------------------------------------------------


class PainForm(StepForm):
    body_regions = forms.MultipleChoiceField(
        label=_("Where do you have pain? Choose every area that hurts."),
        choices=[(key, label) for key, label, _view in BODY_REGIONS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one area where you have pain.")},
    )
    main_complaint = forms.CharField(
        label=_("In a few words, what is your main pain problem?"),
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
    )
    onset_date = forms.DateField(label=_("About when did this pain start?"), widget=DateInput())
    cause = forms.ChoiceField(label=_("What started it?"), choices=CAUSES, widget=forms.RadioSelect)
    pattern = forms.ChoiceField(
        label=_("How does the pain behave?"), choices=PATTERNS, widget=forms.RadioSelect
    )
    descriptors = forms.MultipleChoiceField(
        label=_("What does the pain feel like? Choose all that apply."),
        choices=DESCRIPTORS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    worse_with = forms.CharField(
        label=_("What makes it worse?"), max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )
    better_with = forms.CharField(
        label=_("What makes it better?"), max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )
    pain_now = pain_scale(_("Your pain right now"))
    pain_average = pain_scale(_("Your average pain in the past week"))
    pain_worst = pain_scale(_("Your worst pain in the past week"))
    pain_least = pain_scale(_("Your least pain in the past week"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in red_flags.QUESTIONS:
            self.fields[f"rf_{question.key}"] = forms.ChoiceField(
                label=question.text,
                choices=YES_NO_NOT_SURE,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer Yes, No or Not sure.")},
            )

    @classmethod
    def from_answers(cls, answers: dict) -> dict:
        initial = {k: v for k, v in answers.items() if k != "red_flags"}
        initial.update({f"rf_{key}": value for key, value in answers.get("red_flags", {}).items()})
        return initial

    def clean_onset_date(self):
        onset = self.cleaned_data["onset_date"]
        validate_pain_onset(onset, date_of_birth=self.intake.date_of_birth if self.intake else None)
        return onset

    def answers(self) -> dict:
        data = super().answers()
        data["red_flags"] = {q.key: data.pop(f"rf_{q.key}") for q in red_flags.QUESTIONS}
        return data

    def region_groups(self):
        """The body-map checkboxes split into the front and back views."""
        views = {key: view for key, _label, view in BODY_REGIONS}
        widgets = list(self["body_regions"])
        return [
            (_("Front of the body"), "front", [w for w in widgets if views[w.data["value"]] == "front"]),
            (_("Back of the body"), "back", [w for w in widgets if views[w.data["value"]] == "back"]),
        ]

    def red_flag_fields(self):
        return [self[f"rf_{question.key}"] for question in red_flags.QUESTIONS]

    def posted_red_flag_answers(self) -> dict[str, str]:
        """The red-flag answers in the posted data that are valid on their own, whatever else on the
        page is refused: a warning sign counts the moment it is given."""
        valid = {value for value, _label in YES_NO_NOT_SURE}
        posted = {}
        for question in red_flags.QUESTIONS:
            value = self.data.get(f"rf_{question.key}") if self.is_bound else None
            if isinstance(value, str) and value in valid:
                posted[question.key] = value
        return posted

    @staticmethod
    def live_guidance_fields() -> dict[str, list[str]]:
        """Field names whose yes / not-sure answer shows guidance at once, by tier (for the page script)."""
        return {
            str(tier): [f"rf_{q.key}" for q in red_flags.QUESTIONS if q.tier == tier]
            for tier in red_flags.STAFF_ALERT_TIERS
        }


# --- 4. Treatments so far ------------------------------------------------------------------------


class TreatmentsForm(StepForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in THERAPIES:
            self.fields[f"{key}_tried"] = forms.ChoiceField(
                label=label, choices=YES_NO, widget=forms.RadioSelect
            )
            self.fields[f"{key}_when"] = forms.CharField(
                label=_("When (roughly)?"), max_length=100, required=False
            )
            self.fields[f"{key}_effect"] = forms.ChoiceField(
                label=_("Effect"), choices=EFFECTS, required=False
            )

    def therapy_rows(self):
        return [
            (label, self[f"{key}_tried"], self[f"{key}_when"], self[f"{key}_effect"])
            for key, label in THERAPIES
        ]


class MonthInput(forms.DateInput):
    """A month picker; browsers without one show a text box that takes 2024-03 as well."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "YYYY-MM", **(attrs or {})}, format="%Y-%m")


def month_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        help_text=_("Month and year; a good guess is fine."),
        error_messages={"invalid": _("Enter a month and year, for example 2024-03.")},
    )


class TreatmentRowForm(NothingCutForm, forms.Form):
    """One injection or surgery; a row left empty is ignored. `key` names the field a row needs."""

    key: str
    missing_key_message: Text

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        when = cleaned.get("date")
        if when and when > timezone.localdate():
            self.add_error("date", _("This date cannot be in the future."))
        others = [value for name, value in cleaned.items() if name != self.key]
        if any(value not in (None, "") for value in others) and not cleaned.get(self.key):
            self.add_error(self.key, self.missing_key_message)
        return cleaned

    def answers(self) -> dict:
        return {name: _json_safe(value) for name, value in self.cleaned_data.items()}


class InjectionForm(TreatmentRowForm):
    key = "kind"
    missing_key_message = _("Choose the type of injection, or “Other, or not sure”.")

    kind = forms.ChoiceField(label=_("Type of injection"), choices=INJECTION_TYPES, required=False)
    date = month_field(_("When (month and year)"))
    relief_percent = forms.IntegerField(
        label=_("How much relief did it give (percent)?"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
        help_text=_("0 = no relief, 100 = the pain went away completely"),
        error_messages={
            "min_value": _("Choose a number from 0 to 100."),
            "max_value": _("Choose a number from 0 to 100."),
            "invalid": _("Choose a number from 0 to 100."),
        },
    )
    relief_duration = forms.ChoiceField(
        label=_("How long did the relief last?"), choices=RELIEF_DURATIONS, required=False
    )


class SurgeryForm(TreatmentRowForm):
    key = "procedure"
    missing_key_message = _("Add what the operation was.")

    procedure = forms.CharField(label=_("Operation"), max_length=200, required=False)
    date = month_field(_("When (month and year)"))
    effect = forms.ChoiceField(label=_("Effect on your pain"), choices=EFFECTS, required=False)


InjectionFormSet = forms.formset_factory(InjectionForm, extra=2, max_num=20, validate_max=True)
SurgeryFormSet = forms.formset_factory(SurgeryForm, extra=1, max_num=20, validate_max=True)


def treatment_rows_initial(rows) -> list[dict] | None:
    """Saved injection or surgery rows as formset initial data (dates back to date objects).
    Anything else (an early draft's free text) starts the rows empty."""
    if not isinstance(rows, list):
        return None
    initial = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        values = dict(row)
        try:
            values["date"] = date.fromisoformat(values["date"]) if values.get("date") else None
        except (TypeError, ValueError):
            values["date"] = None
        initial.append(values)
    return initial or None


# --- 5. Medications and allergies ----------------------------------------------------------------


_CLASS_WORDS = {
    DrugClass.ANTICOAGULANT: _("a blood thinner"),
    DrugClass.ANTIPLATELET: _("a blood thinner"),
    DrugClass.NSAID: _("an anti-inflammatory pain medicine (NSAID)"),
    DrugClass.SSRI_SNRI: _("an antidepressant (SSRI/SNRI)"),
    DrugClass.SUPPLEMENT: _("a supplement that can affect bleeding"),
}


def _reading_label(finding: medicines.Finding) -> str:
    """ "apixaban (Eliquis), a blood thinner" """
    name = finding.generic
    shown_as = finding.read_as or finding.as_typed
    if medicines.normalise(shown_as) != medicines.normalise(finding.generic):
        name = f"{finding.generic} ({shown_as.title() if finding.read_as else shown_as})"
    if finding.drug_class is None:
        return name
    return f"{name}, {_CLASS_WORDS[finding.drug_class]}"


class MedicationForm(NothingCutForm, forms.Form):
    name = forms.CharField(
        label=_("Medicine"),
        max_length=200,
        required=False,
        widget=forms.TextInput({"list": "medicine-names", "autocomplete": "off"}),
    )
    dose = forms.CharField(label=_("Dose"), max_length=100, required=False)
    frequency = forms.CharField(label=_("How often"), max_length=100, required=False)
    # Shown only under a name read through a typo; `asked_as` is the reading the patient was shown.
    confirmed = forms.BooleanField(label=_("Yes, that's right"), required=False)
    asked_as = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def reading(self) -> medicines.MedicineReading | None:
        name = self.data.get(self.add_prefix("name"), "") if self.is_bound else self.initial.get("name", "")
        return medicines.read_medicine(name) if name and name.strip() else None

    def understood(self) -> dict | None:
        """What the step tells the patient it read, and whether it asks them to confirm."""
        reading = self.reading()
        if reading is None:
            return None
        labels = ", ".join(_reading_label(f) for f in reading.findings)
        if reading.status == medicines.Status.NEAR_MATCH:
            confirmed = self.initial.get("confirmed") if not self.is_bound else self._posted_confirmation()
            confirmed = confirmed and self._asked_as() == reading.near_match_key
            text = (
                _("We read this as %(reading)s.") % {"reading": labels}
                if confirmed
                else _("We read this as %(reading)s: is that right? If not, correct the name.")
                % {"reading": labels}
            )
            return {"text": text, "ask": not confirmed, "key": reading.near_match_key}
        if reading.status == medicines.Status.RECOGNISED:
            return {"text": _("We read this as %(reading)s.") % {"reading": labels}, "ask": False}
        if reading.status == medicines.Status.UNRECOGNISED:
            return {
                "text": _(
                    "We did not recognise this name. Please check the spelling; if it is right, leave it"
                    " and our staff will check it."
                ),
                "ask": False,
                "unrecognised": True,
            }
        return None

    def _posted_confirmation(self) -> bool:
        return self.data.get(self.add_prefix("confirmed")) in {"on", "true", "True", "1"}

    def _asked_as(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("asked_as"), "")
        return self.initial.get("asked_as", "")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if (cleaned.get("dose") or cleaned.get("frequency")) and not cleaned.get("name"):
            self.add_error("name", _("Add the name of the medicine."))
        return cleaned


class AllergyForm(NothingCutForm, forms.Form):
    substance = forms.CharField(label=_("Allergic to"), max_length=200, required=False)
    reaction = forms.CharField(label=_("Reaction"), max_length=200, required=False)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("reaction") and not cleaned.get("substance"):
            self.add_error("substance", _("Add what you are allergic to."))
        return cleaned


MedicationFormSet = forms.formset_factory(MedicationForm, extra=3, max_num=40, validate_max=True)
AllergyFormSet = forms.formset_factory(AllergyForm, extra=2, max_num=30, validate_max=True)


class MedicationsForm(StepForm):
    blood_thinner = forms.ChoiceField(
        label=_(
            "Do you take a blood thinner (for example Eliquis, Xarelto, warfarin, Plavix or daily aspirin)?"
        ),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
    )
    blood_thinner_reasons = forms.MultipleChoiceField(
        label=_("If yes, what is it for?"),
        required=False,
        choices=(
            ("coronary_stent", _("A heart stent")),
            ("atrial_fibrillation", _("Atrial fibrillation (irregular heartbeat)")),
            ("venous_thromboembolism", _("A blood clot in a leg or lung")),
            ("mechanical_valve", _("A mechanical heart valve")),
            ("stroke_or_tia", _("A stroke or mini-stroke (TIA)")),
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    stent_date = forms.DateField(
        label=_("If you have a stent, when was it placed?"), required=False, widget=DateInput()
    )
    prescriber_name = forms.CharField(
        label=_("Who prescribes your blood thinner?"), max_length=200, required=False
    )
    prescriber_phone = PhoneTextFormField(label=_("Their phone number"), required=False)
    opioids = forms.ChoiceField(
        label=_(
            "Do you take opioid pain medicines (for example oxycodone, hydrocodone, tramadol, morphine)?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    listed_blood_thinner_taken = forms.BooleanField(label=_("Yes, I take it"), required=False)
    allergy_categories = forms.MultipleChoiceField(
        label=_("Are you allergic to any of these? Choose all that apply."),
        required=False,
        choices=[(category.key, category.patient_label) for category in procedure_safety.ALLERGY_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
    )
    allergy_reactions = forms.CharField(
        label=_("If you chose any above, what happened (the reaction)?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The saved list and answer: a blood thinner listed with "no" to the question above.
        self.contradicting = []
        if self.intake is not None:
            saved = self.intake.step_answers("medications")
            self.contradicting = listed_blood_thinners_contradicting(
                answers=saved, medications=self.intake.medications.all()
            )

    def contradiction_question(self) -> str:
        return ngettext(
            "You listed %(names)s, which is a blood thinner. Do you take it?",
            "You listed %(names)s, which are blood thinners. Do you take them?",
            len(self.contradicting),
        ) % {"names": ", ".join(self.contradicting)}


# --- 6. Health history and procedure safety -------------------------------------------------------


class HistoryForm(StepForm):
    conditions = forms.MultipleChoiceField(
        label=_("Do you have any of these conditions?"),
        required=False,
        choices=CONDITIONS,
        widget=forms.CheckboxSelectMultiple,
    )
    bleeding_history = forms.MultipleChoiceField(
        label=_("Bleeding: do you have any of these?"),
        required=False,
        choices=[(key, BLEEDING_LABELS[key]) for key in procedure_safety.BLEEDING_HISTORY],
        widget=forms.CheckboxSelectMultiple,
    )
    diabetes = forms.ChoiceField(label=_("Do you have diabetes?"), choices=YES_NO, widget=forms.RadioSelect)
    diabetes_type = forms.ChoiceField(
        label=_("Which type?"),
        required=False,
        choices=(
            ("", "---------"),
            ("1", _("Type 1")),
            ("2", _("Type 2")),
            ("other", _("Other or not sure")),
        ),
    )
    insulin = forms.BooleanField(label=_("I use insulin"), required=False)
    glucose_monitoring = forms.BooleanField(label=_("I check my blood sugar at home"), required=False)
    last_hba1c = forms.CharField(label=_("Your last HbA1c, if you know it"), max_length=20, required=False)
    devices = forms.MultipleChoiceField(
        label=_("Do you have any of these implanted devices?"),
        required=False,
        choices=[(device.key, device.patient_label) for device in procedure_safety.IMPLANTED_DEVICES],
        widget=forms.CheckboxSelectMultiple,
    )
    pacemaker_dependent = forms.BooleanField(
        label=_("I have been told I depend on my pacemaker"), required=False
    )
    device_details = forms.CharField(
        label=_("Device maker and model, if you know them"),
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    pregnant = forms.ChoiceField(
        label=_("Is there any chance you could be pregnant?"),
        choices=(*YES_NO_NOT_SURE, ("not_applicable", _("Does not apply to me"))),
        widget=forms.RadioSelect,
    )
    last_menstrual_period = forms.DateField(
        label=_("First day of your last period, if it applies"), required=False, widget=DateInput()
    )
    breastfeeding = forms.BooleanField(label=_("I am breastfeeding"), required=False)
    infection_signs = forms.MultipleChoiceField(
        label=_("Do you have any of these now?"),
        required=False,
        choices=[(key, INFECTION_LABELS[key]) for key in procedure_safety.INFECTION_SIGNS],
        widget=forms.CheckboxSelectMultiple,
    )
    other_concerns = forms.MultipleChoiceField(
        label=_("Do any of these apply to you?"),
        required=False,
        choices=[(key, OTHER_CONCERN_LABELS[key]) for key in procedure_safety.OTHER_CONCERNS],
        widget=forms.CheckboxSelectMultiple,
    )
    imaging = forms.CharField(
        label=_("Imaging for this pain (MRI, CT, X-ray): what, when and where"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    smoking = forms.ChoiceField(
        label=_("Do you smoke or vape?"),
        choices=(("never", _("Never")), ("former", _("I used to")), ("current", _("Yes, now"))),
        widget=forms.RadioSelect,
    )
    alcohol = forms.ChoiceField(
        label=_("How often do you drink alcohol?"),
        choices=(
            ("never", _("Never")),
            ("monthly", _("Monthly or less")),
            ("weekly", _("Weekly")),
            ("daily", _("Daily or almost daily")),
        ),
        widget=forms.RadioSelect,
    )
    work_status = forms.ChoiceField(
        label=_("Work status"),
        choices=(
            ("working", _("Working")),
            ("light_duty", _("Working with restrictions")),
            ("off_work", _("Off work because of pain")),
            ("unemployed", _("Not working")),
            ("retired", _("Retired")),
            ("student", _("Student")),
            ("disabled", _("On disability")),
        ),
    )
    work_injury_or_claim = forms.ChoiceField(
        label=_("Is your pain part of a work injury, insurance or legal claim?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    confirm_answers = forms.BooleanField(
        label=_("I have checked: my answers on this page are right."),
        help_text=_("Tick this only if we asked you to check an answer above."),
        required=False,
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("pacemaker_dependent") and "pacemaker" not in cleaned.get("devices", []):
            self.add_error(
                "devices", _("You said you depend on a pacemaker: please tick Pacemaker here too.")
            )
        if self.intake is not None and not cleaned.get("confirm_answers"):
            for contradiction in find_contradictions(
                history=_json_safe(cleaned),
                treatments=self.intake.step_answers("treatments"),
                today=timezone.localdate(),
                months=settings.RECENT_STEROID_INJECTION_MONTHS,
            ):
                self.add_error(contradiction.field, contradiction.message)
        return cleaned


# --- 7. Questionnaires: generated from the instrument definitions ---------------------------------


def _option_key(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class QuestionnairesForm(StepForm):
    """One radio group per patient-asked item of every chosen instrument, named `<code>__<item>`.

    Every scored item is required; unscored or optional items (PHQ-9 difficulty, ODI sex life) are not.
    """

    def __init__(self, *args, instruments: list[Instrument], **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = instruments
        for instrument in instruments:
            for item in instrument.items:
                if not item.ask_patient:
                    continue
                self.fields[f"{instrument.code}__{item.key}"] = forms.ChoiceField(
                    label=item.text,
                    choices=[(_option_key(option.value), option.label) for option in item.options],
                    widget=forms.RadioSelect,
                    required=item.required and item.scored,
                    error_messages={"required": _("Please choose an answer.")},
                )

    @staticmethod
    def initial_from(responses: dict[str, dict]) -> dict:
        return {
            f"{code}__{key}": _option_key(value)
            for code, answers in responses.items()
            for key, value in answers.items()
            if value is not None
        }

    def sections(self):
        return [
            (
                instrument,
                [self[f"{instrument.code}__{item.key}"] for item in instrument.items if item.ask_patient],
            )
            for instrument in self.instruments
        ]

    def posted_phq9_item9(self) -> int | None:
        """PHQ-9 item 9 as posted, when it is a valid answer on its own, whatever else is refused."""
        if not self.is_bound or "phq9__q9" not in self.fields:
            return None
        phq9 = next(instrument for instrument in self.instruments if instrument.code == "phq9")
        item = next(i for i in phq9.items if i.key == "q9")
        by_key = {_option_key(option.value): option.value for option in item.options}
        value = self.data.get("phq9__q9")
        return by_key.get(value) if isinstance(value, str) else None

    def responses(self) -> dict[str, dict]:
        """Raw answers by instrument code, with each option's own value (int or bool)."""
        result = {}
        for instrument in self.instruments:
            answers = {}
            for item in instrument.items:
                if not item.ask_patient:
                    continue
                chosen = self.cleaned_data.get(f"{instrument.code}__{item.key}")
                by_key = {_option_key(option.value): option.value for option in item.options}
                answers[item.key] = by_key.get(chosen) if chosen else None
            result[instrument.code] = answers
        return result


# --- 8. Goals, then consent ----------------------------------------------------------------------


class GoalsForm(StepForm):
    goals = forms.CharField(
        label=_("What would you most like to be able to do again, or do better, if your pain improved?"),
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
    )
    treatment_preferences = forms.CharField(
        label=_("Is there anything you would like us to know about treatments you want, or do not want?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )


class ConsentForm(NothingCutForm, forms.Form):
    """What the patient types and ticks; `services.intake_submit` checks it against the intake."""

    consent_privacy = forms.BooleanField(label=_("I have read the privacy notice."))
    consent_financial = forms.BooleanField(label=_("I have read and accept the financial policy."))
    consent_name = PersonNameFormField(
        label=_("Type your full name as your signature"),
        max_length=200,
        help_text=_("First and last name, as in “About you”."),
        widget=forms.TextInput({"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


# --- Staff: the clinician's DN4 examination (items 8-10) -----------------------------------------


class DN4ExaminationForm(forms.Form):
    """The three DN4 items the clinician examines at the visit, labelled with the licensed wording."""

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        for item in instrument.items:
            if item.ask_patient:
                continue
            self.fields[item.key] = forms.ChoiceField(
                label=item.text,
                choices=[(_option_key(option.value), option.label) for option in item.options],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please choose yes or no."),
                    "invalid_choice": _("Please choose yes or no."),
                },
            )

    def examination(self) -> dict[str, bool]:
        return {key: value == "yes" for key, value in self.cleaned_data.items()}
