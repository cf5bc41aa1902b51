"""Reads for intake pages, the admin and other apps."""

import uuid

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from clinic.core.models import Patient

from .forms import STEP_FORMS, PainForm, _option_key
from .instruments import Instrument, dn4, instrument_unavailable_reason, worded_instrument
from .models import InstrumentResponse, Intake
from .steps import STEPS
from .vocabulary import (
    ARM_REGIONS,
    BODY_REGION_LABELS,
    EFFECTS,
    INJECTION_TYPES,
    LEG_REGIONS,
    LOW_BACK_REGIONS,
    NECK_REGIONS,
    NERVE_LIKE_DESCRIPTORS,
    RELIEF_DURATIONS,
    THERAPIES,
)

EVERYONE = ("peg", "promis_pi_4a", "phq9", "gad7", "ort_oud")


def intake_for_patient_access(*, public_id: uuid.UUID, allowed: list[str]) -> Intake | None:
    """The intake if this browser's session was given access to it by an emailed link, else None."""
    if str(public_id) not in allowed:
        return None
    return Intake.objects.filter(public_id=public_id).first()


def open_draft_for_patient(*, patient: Patient) -> Intake | None:
    """The patient's newest draft they can still change (an expired one is never offered)."""
    return Intake.objects.open_drafts().filter(patient=patient).order_by("-created_at").first()


def chosen_instrument_codes(intake: Intake) -> list[str]:
    """The clinical README's table: everyone gets five; the pain's site and character add the rest.
    Licensed instruments are offered only when the clinic's wording file is configured."""
    pain = intake.step_answers("pain")
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


def responses_by_code(intake: Intake) -> dict[str, InstrumentResponse]:
    return {response.code: response for response in intake.responses.all()}


def _display(field, value) -> str:
    if value in (None, "", [], False):
        return "—" if value is not False else "No"
    if value is True:
        return "Yes"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value) or "—"
    return str(choices.get(value, value))


def step_summaries(intake: Intake) -> list[dict]:
    """Every saved answer as (question, answer) text, step by step, for the review page and staff."""
    summaries = []
    for step in STEPS:
        if step.slug == "questionnaires":
            continue
        form = STEP_FORMS[step.slug](intake=intake)
        if step.slug == "about":
            rows = []
            for name, field in form.fields.items():
                display = getattr(intake, f"get_{name}_display", None)
                rows.append((field.label, display() if display else _display(field, getattr(intake, name))))
        else:
            answers = intake.step_answers(step.slug)
            if step.slug == "pain":
                answers = PainForm.from_answers(answers)
            if step.slug == "treatments":
                rows = treatment_summary_rows(answers)
            else:
                rows = [
                    (field.label, _display(field, answers.get(name)))
                    for name, field in form.fields.items()
                    if name in answers
                ]
        summaries.append({"step": step, "rows": rows, "done": step.slug in intake.completed_steps})
    return summaries


def _month(value) -> str:
    return value[:7] if isinstance(value, str) else ""


def treatment_summary_rows(answers: dict) -> list[tuple[str, str]]:
    """One line per therapy, injection and surgery: "Physical therapy: Yes, 2023, Helped"."""
    effects, kinds, durations = dict(EFFECTS), dict(INJECTION_TYPES), dict(RELIEF_DURATIONS)
    rows = []
    for key, label in THERAPIES:
        tried = answers.get(f"{key}_tried")
        if tried is None:
            continue
        parts = [_("Yes") if tried == "yes" else _("No")]
        if tried == "yes":
            parts += [answers.get(f"{key}_when") or "", str(effects.get(answers.get(f"{key}_effect"), ""))]
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


def questionnaire_summaries(intake: Intake) -> list[dict]:
    """Each response with its instrument's item text and the chosen option's label."""
    summaries = []
    for response in intake.responses.all():
        try:
            instrument = worded_instrument(response.code)
        except Exception:  # wording file since removed: show the keys and values
            instrument = None
        rows = []
        for key, value in response.answers.items():
            if instrument is None:
                rows.append((key, value))
                continue
            item = instrument.item(key)
            labels = {_option_key(option.value): option.label for option in item.options}
            rows.append((item.text, labels.get(_option_key(value), "—") if value is not None else "—"))
        summaries.append(
            {"response": response, "title": instrument.title if instrument else response.code, "rows": rows}
        )
    return summaries


def body_region_labels(intake: Intake) -> list[str]:
    return [str(BODY_REGION_LABELS.get(key, key)) for key in intake.body_regions]


def intake_admin_queryset(queryset: QuerySet[Intake]) -> QuerySet[Intake]:
    return queryset.select_related("patient").prefetch_related(
        Prefetch("responses", queryset=InstrumentResponse.objects.only("intake_id", "code", "total", "band"))
    )


def dn4_examination_due(intake: Intake) -> bool:
    """A DN4-interview of 3 or more out of 7 asks the clinician to examine items 8-10; due until the
    full DN4 is recorded. Reads the prefetched responses, so a list of intakes costs no extra query."""
    by_code = {response.code: response for response in intake.responses.all()}
    interview = by_code.get(dn4.INTERVIEW_CODE)
    return (
        interview is not None
        and interview.total is not None
        and interview.total >= dn4.INTERVIEW_POSITIVE_AT
        and dn4.CODE not in by_code
    )
