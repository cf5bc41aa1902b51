"""The eight steps of the intake, in order (DESIGN.md §1.1), then review and consent.

Each step is one object: its form and formsets, what they show first, the service that saves them,
what a refused page still records, the guidance that stops the questionnaire after it, and its
lines on the review page. The views and selectors loop over `STEPS`; none asks which step it has.
The names, titles and order are `IntakeStep` on the model, which the services below need too.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from clinic.core.clinical import medicines
from clinic.core.translated import StrPromise

from . import services
from .forms import (
    AboutForm,
    AllergyFormSet,
    GoalsForm,
    HistoryForm,
    InjectionFormSet,
    InsuranceForm,
    MedicationFormSet,
    MedicationsForm,
    PainForm,
    QuestionnairesForm,
    SurgeryFormSet,
    TreatmentsForm,
    treatment_rows_initial,
)
from .instruments import Instrument, instrument_unavailable_reason, worded_instrument
from .models import Intake, IntakeStep, MedicationRecognition
from .vocabulary import (
    ARM_REGIONS,
    EFFECTS,
    INJECTION_TYPES,
    LEG_REGIONS,
    LOW_BACK_REGIONS,
    NECK_REGIONS,
    NERVE_LIKE_DESCRIPTORS,
    RELIEF_DURATIONS,
    THERAPIES,
)

# The guidance that can take the whole page after a step.
EMERGENCY = "emergency"
CRISIS = "crisis"

Rows = list[tuple[Any, str]]


class Step:
    name: IntakeStep
    # A step form class: its first argument is the data, and it takes the intake as `intake`.
    form_class: Callable[..., forms.BaseForm]
    # Long steps get Save/Continue controls at the top as well as the bottom.
    long = False
    review_template = "intake/_review_answers.html"

    @property
    def slug(self) -> str:
        return self.name.value

    @property
    def title(self) -> StrPromise:
        return self.name.label

    def __repr__(self) -> str:
        return f"<Step {self.slug}>"

    def initial(self, intake: Intake) -> dict:
        """The saved answers as the form's values."""
        return intake.step_answers(self.slug)

    def form(self, intake: Intake, data=None, files=None) -> forms.BaseForm:
        return self.form_class(data, files, initial=self.initial(intake), intake=intake)

    def formsets(self, intake: Intake, data=None) -> dict[str, forms.BaseFormSet]:
        return {}

    def save(self, intake: Intake, form, formsets: dict[str, forms.BaseFormSet]) -> Intake:
        return services.intake_save_step(intake=intake, step=self.slug, answers=form.answers())

    def record_refused(self, intake: Intake, form) -> Intake:
        """What a refused page still stores: its warning signs, its accepted card photos (see the
        services)."""
        return intake

    def stops_for(self, intake: Intake, *, saved: bool) -> str | None:
        """EMERGENCY or CRISIS when the guidance is the whole next page, else None."""
        return None

    def still_asking(self, intake: Intake) -> str | None:
        """Saved, but a question on the page is still to be answered: what to tell the patient."""
        return None

    def live_guidance_fields(self) -> dict[str, list[str]] | None:
        return None

    def summary(self, intake: Intake) -> Rows | None:
        """(question, answer) lines for the review page and staff; None when the step shows its
        answers its own way."""
        answers = self.initial(intake)
        return [
            (field.label, _display(field, answers.get(name)))
            for name, field in self.form_class(intake=intake).fields.items()
            if name in answers
        ]


class AboutStep(Step):
    name = IntakeStep.ABOUT
    form_class = AboutForm

    def form(self, intake, data=None, files=None):
        return AboutForm(data, intake=intake)

    def save(self, intake, form, formsets):
        return services.intake_save_about(intake=intake, data=form.cleaned_data)

    def summary(self, intake):
        rows = []
        for name, field in AboutForm(intake=intake).fields.items():
            display = getattr(intake, f"get_{name}_display", None)
            rows.append((field.label, display() if display else _display(field, getattr(intake, name))))
        return rows


class InsuranceStep(Step):
    name = IntakeStep.INSURANCE
    form_class = InsuranceForm

    def save(self, intake, form, formsets):
        return services.intake_save_insurance(
            intake=intake,
            answers=form.answers(),
            card_front=form.cleaned_data.get("card_front"),
            card_back=form.cleaned_data.get("card_back"),
        )

    def record_refused(self, intake, form):
        intake = services.intake_keep_card_photos(
            intake=intake,
            card_front=form.cleaned_data.get("card_front"),
            card_back=form.cleaned_data.get("card_back"),
        )
        form.show_photos_on_file(intake)
        return intake


class PainStep(Step):
    name = IntakeStep.PAIN
    form_class = PainForm
    long = True
    review_template = "intake/_review_pain.html"

    def initial(self, intake):
        return PainForm.from_answers(intake.step_answers(self.slug))

    def record_refused(self, intake, form):
        return services.intake_record_safety_answers(
            intake=intake, red_flag_answers=form.posted_red_flag_answers()
        )

    def stops_for(self, intake, *, saved):
        # The red-flags spec: an emergency answer means "stop, show ...", saved or not.
        return EMERGENCY if intake.needs_emergency_guidance else None

    def live_guidance_fields(self):
        return PainForm.live_guidance_fields()


class TreatmentsStep(Step):
    name = IntakeStep.TREATMENTS
    form_class = TreatmentsForm

    def formsets(self, intake, data=None):
        saved = intake.step_answers(self.slug)
        return {
            "injection_formset": InjectionFormSet(
                data, prefix="injection", initial=treatment_rows_initial(saved.get("injections"))
            ),
            "surgery_formset": SurgeryFormSet(
                data, prefix="surgery", initial=treatment_rows_initial(saved.get("surgeries"))
            ),
        }

    def save(self, intake, form, formsets):
        answers = {
            **form.answers(),
            "injections": [f.answers() for f in formsets["injection_formset"] if f.cleaned_data.get("kind")],
            "surgeries": [
                f.answers() for f in formsets["surgery_formset"] if f.cleaned_data.get("procedure")
            ],
        }
        return services.intake_save_step(intake=intake, step=self.slug, answers=answers)

    def summary(self, intake):
        return treatment_summary_rows(intake.step_answers(self.slug))


class MedicationsStep(Step):
    name = IntakeStep.MEDICATIONS
    form_class = MedicationsForm
    long = True
    review_template = "intake/_review_medications.html"

    def formsets(self, intake, data=None):
        meds = [
            {
                "name": m.name,
                "dose": m.dose,
                "frequency": m.frequency,
                "confirmed": m.recognition == MedicationRecognition.CONFIRMED,
                "asked_as": medicines.read_medicine(m.name).near_match_key,
            }
            for m in intake.medications.all()
        ]
        allergies = [{"substance": a.substance, "reaction": a.reaction} for a in intake.allergies.all()]
        return {
            "medication_formset": MedicationFormSet(data, prefix="med", initial=meds or None),
            "allergy_formset": AllergyFormSet(data, prefix="allergy", initial=allergies or None),
        }

    def save(self, intake, form, formsets):
        medications = [f.cleaned_data for f in formsets["medication_formset"] if f.cleaned_data.get("name")]
        allergies = [f.cleaned_data for f in formsets["allergy_formset"] if f.cleaned_data.get("substance")]
        return services.intake_save_medications(
            intake=intake, answers=form.answers(), medications=medications, allergies=allergies
        )

    def still_asking(self, intake):
        # Saved, but a near-match or a listed blood thinner is still to be confirmed.
        if self.slug in intake.completed_steps:
            return None
        return _("Saved. Please answer the questions next to your medicines.")


class HistoryStep(Step):
    name = IntakeStep.HISTORY
    form_class = HistoryForm
    long = True


class QuestionnairesStep(Step):
    name = IntakeStep.QUESTIONNAIRES
    form_class = QuestionnairesForm
    long = True
    review_template = "intake/_review_questionnaires.html"

    def initial(self, intake):
        return QuestionnairesForm.initial_from({r.code: r.answers for r in intake.responses.all()})

    def form(self, intake, data=None, files=None):
        return QuestionnairesForm(
            data, files, initial=self.initial(intake), intake=intake, instruments=chosen_instruments(intake)
        )

    def save(self, intake, form, formsets):
        return services.intake_save_questionnaires(intake=intake, responses=form.responses())

    def record_refused(self, intake, form):
        return services.intake_record_safety_answers(intake=intake, phq9_item9=form.posted_phq9_item9())

    def stops_for(self, intake, *, saved):
        # A PHQ-9 item 9 answer above 0 gets the crisis page with the same immediacy as an emergency.
        return CRISIS if saved and intake.crisis_flag else None

    def summary(self, intake):
        return None  # each questionnaire with its items' wording: selectors.questionnaire_summaries


class GoalsStep(Step):
    name = IntakeStep.GOALS
    form_class = GoalsForm


_BY_NAME: dict[str, Step] = {
    step.name: step
    for step in (
        AboutStep(),
        InsuranceStep(),
        PainStep(),
        TreatmentsStep(),
        MedicationsStep(),
        HistoryStep(),
        QuestionnairesStep(),
        GoalsStep(),
    )
}
STEPS: tuple[Step, ...] = tuple(_BY_NAME[name] for name in IntakeStep)
STEP_SLUGS = tuple(step.slug for step in STEPS)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
STEP_FORMS = {step.slug: step.form_class for step in STEPS}


def step_index(slug: str) -> int:
    return STEP_SLUGS.index(slug)


def next_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def previous_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index - 1] if index > 0 else None


# --- Which questionnaires ------------------------------------------------------------------------

EVERYONE = ("peg", "promis_pi_4a", "phq9", "gad7", "ort_oud")


def chosen_instrument_codes(intake: Intake) -> list[str]:
    """The clinical README's table: everyone gets five; the pain's site and character add the rest.
    Licensed instruments are offered only when the clinic's wording file is configured."""
    pain = intake.step_answers(IntakeStep.PAIN)
    regions = set(pain.get("body_regions", []))
    descriptors = set(pain.get("descriptors", []))
    codes = list(EVERYONE)
    if regions & LOW_BACK_REGIONS:
        codes.append("start_back")
    if regions & (LOW_BACK_REGIONS | LEG_REGIONS):
        codes.append("odi")
    if regions & (NECK_REGIONS | ARM_REGIONS):
        codes.append("ndi")
    if descriptors & NERVE_LIKE_DESCRIPTORS:
        codes.append("dn4_interview")
    return [code for code in codes if instrument_unavailable_reason(code) is None]


def chosen_instruments(intake: Intake) -> list[Instrument]:
    return [worded_instrument(code) for code in chosen_instrument_codes(intake)]


# --- Review lines ---------------------------------------------------------------------------------


def _display(field, value) -> str:
    if value in (None, "", [], False):
        return "—" if value is not False else "No"
    if value is True:
        return "Yes"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value) or "—"
    return str(choices.get(value, value))


def _month(value) -> str:
    return value[:7] if isinstance(value, str) else ""


def treatment_summary_rows(answers: dict) -> Rows:
    """One line per therapy, injection and surgery: "Physical therapy: Yes, 2023, Helped"."""
    effects, kinds, durations = dict(EFFECTS), dict(INJECTION_TYPES), dict(RELIEF_DURATIONS)
    rows: Rows = []
    for key, label in THERAPIES:
        tried = answers.get(f"{key}_tried")
        if tried is None:
            continue
        parts = [_("Yes") if tried == "yes" else _("No")]
        if tried == "yes":
            parts += [
                answers.get(f"{key}_when") or "",
                str(effects.get(answers.get(f"{key}_effect") or "", "")),
            ]
        rows.append((label, ", ".join(part for part in parts if part)))
    injections, surgeries = answers.get("injections"), answers.get("surgeries")
    if isinstance(injections, str):  # an early draft's free text
        rows.append((_("Injections"), injections or "—"))
    else:
        for number, row in enumerate(injections or [], start=1):
            relief = row.get("relief_percent")
            parts = [
                str(kinds.get(row.get("kind"), row.get("kind", ""))),
                _month(row.get("date")),
                _("%(percent)s%% relief") % {"percent": relief} if relief is not None else "",
                str(durations.get(row.get("relief_duration"), "")),
            ]
            rows.append((_("Injection %(number)s") % {"number": number}, ", ".join(p for p in parts if p)))
    if isinstance(surgeries, str):
        rows.append((_("Surgeries"), surgeries or "—"))
    else:
        for number, row in enumerate(surgeries or [], start=1):
            parts = [
                row.get("procedure", ""),
                _month(row.get("date")),
                str(effects.get(row.get("effect"), "")),
            ]
            rows.append((_("Surgery %(number)s") % {"number": number}, ", ".join(p for p in parts if p)))
    return rows
