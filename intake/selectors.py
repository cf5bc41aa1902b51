"""Reads for intake pages, the admin and other apps."""

import uuid

from django.db.models import Prefetch, QuerySet

from clinic.core.links import LinkExpired, LinkInvalid
from clinic.core.models import Patient

from .forms import _option_key
from .instruments import dn4, worded_instrument
from .models import InstrumentResponse, Intake
from .steps import STEPS
from .tokens import read_resume_token
from .vocabulary import BODY_REGION_LABELS


def intake_for_patient_access(*, public_id: uuid.UUID, allowed: list[str]) -> Intake | None:
    """The intake if this browser's session was given access to it by an emailed link, else None."""
    if str(public_id) not in allowed:
        return None
    return Intake.objects.filter(public_id=public_id).first()


def intake_email_for_expired_link(*, token: str) -> str:
    """The address a fresh link for this expired resume link would go to ("" for any other token)."""
    try:
        read_resume_token(token)
    except LinkExpired as expired:
        return (
            Intake.objects.filter(public_id=expired.public_id).values_list("email", flat=True).first() or ""
        )
    except LinkInvalid:
        pass
    return ""


def open_draft_for_patient(*, patient: Patient) -> Intake | None:
    """The patient's newest draft they can still change (an expired one is never offered)."""
    return Intake.objects.open_drafts().filter(patient=patient).order_by("-created_at").first()


def step_summaries(intake: Intake) -> list[dict]:
    """Every step in order with its saved answers as (question, answer) lines, for the review page and
    staff; `rows` is None for a step that shows its answers its own way (the questionnaires)."""
    return [
        {"step": step, "rows": step.summary(intake), "done": step.slug in intake.completed_steps}
        for step in STEPS
    ]


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
