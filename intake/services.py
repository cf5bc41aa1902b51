"""Every write to an intake. Views, admin actions, tasks and other apps call these; none repeats a rule.

Each service runs in one transaction, locks the intake row it changes, and queues its emails
through the outbox in that same transaction (so they are sent once, after commit).
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.core.alerts import staff_alert_raise, staff_alert_raise_for_red_flags
from clinic.core.audit import audited_bulk_create, audited_delete, audited_update
from clinic.core.clinical import medicines, procedure_safety, red_flags
from clinic.core.hooks import patient_red_flags_found
from clinic.core.models import PERSON_FIELDS, Patient, SafetyScreenRecord, StaffAlert, person_fields_of
from clinic.core.services import patient_match_or_create, safety_screen_store
from clinic.core.status import status_move
from clinic.core.uploads import CheckedFile, upload_store

from . import emails
from .contradictions import RECENT_STEROID_INJECTION, find_contradictions
from .instruments import (
    InvalidAnswers,
    dn4,
    get_instrument,
    instrument_unavailable_reason,
    score,
    worded_instrument,
)
from .instruments.ort_oud import AGE_ITEM_KEY, is_age_16_to_45
from .instruments.phq9 import FLAG_ITEM9_POSITIVE
from .models import (
    INTAKE_MOVES,
    Allergy,
    InstrumentResponse,
    Intake,
    IntakeEvent,
    IntakeStatus,
    IntakeStep,
    Medication,
    MedicationRecognition,
)

# The spec's item 9 protocol: a positive answer is not a risk assessment by itself; it "should lead to
# a structured assessment such as the ASQ or C-SSRS". Shown to staff on the alert, never emailed.
PHQ9_ITEM9_ALERT_SUMMARY = (
    "PHQ-9 item 9 above 0 (thoughts of self-harm): contact the patient today and follow with a "
    "structured suicide-risk assessment such as the ASQ or the C-SSRS."
)


class IntakeNotEditable(Exception):
    """The intake was submitted, reviewed or has expired: the patient can no longer change it."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        super().__init__(f"intake {intake.public_id} is {intake.status}")


class IntakeIncomplete(Exception):
    def __init__(self, missing_steps: list[str]) -> None:
        self.missing_steps = missing_steps
        super().__init__(f"steps not completed: {', '.join(missing_steps)}")


# --- Starting -------------------------------------------------------------------------------------


def _new_draft(**fields: Any) -> Intake:
    intake = Intake(
        status=IntakeStatus.DRAFT,
        expires_at=timezone.now() + timedelta(days=settings.INTAKE_DRAFT_DAYS),
        **fields,
    )
    intake.full_clean()
    intake.save()
    IntakeEvent.objects.create(intake=intake, to_status=IntakeStatus.DRAFT, actor=fields.get("invited_by"))
    return intake


def intake_start(*, first_name: str, last_name: str, date_of_birth: date, email: str) -> Intake:
    """A patient starts from the home page. The emailed link verifies the email and is the resume link;
    nothing is shown from the intake until it is opened.

    The same person with the same address starting again (a lost link, a closed browser) gets the
    link to their open draft, so answers already given, an emergency answer among them, stay in one
    place. The page they see is the same either way.
    """
    with transaction.atomic():
        open_draft = (
            Intake.objects.select_for_update()
            .open_drafts()
            .filter(
                first_name__iexact=first_name.strip(),
                last_name__iexact=last_name.strip(),
                date_of_birth=date_of_birth,
                email__iexact=email.strip(),
            )
            .order_by("-created_at")
            .first()
        )
        if open_draft is not None:
            emails.email_intake_resume(intake=open_draft)
            return open_draft
        intake = _new_draft(
            first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, email=email
        )
        emails.email_intake_verify(intake=intake)
    return intake


def intake_invite(*, patient: Patient, invited_by: User | None = None) -> Intake:
    """Invite a known patient: reuse their open draft or start one with their demographics filled in,
    and queue the invitation email (a signed, expiring link; no clinical content).

    Runs inside the caller's transaction when there is one (e.g. accepting a referral), so the email
    goes only if the caller commits. Raises ValidationError when the patient has no email address.
    """
    if not patient.email:
        raise ValidationError(_("This patient has no email address, so they cannot be invited."))
    with transaction.atomic():
        intake = (
            Intake.objects.select_for_update()
            .open_drafts()
            .filter(patient=patient)
            .order_by("-created_at")
            .first()
        )
        if intake is None:
            intake = _new_draft(patient=patient, invited_by=invited_by, **person_fields_of(patient))
        emails.email_intake_invitation(intake=intake)
    return intake


def intake_verify_email(*, intake: Intake) -> Intake:
    """The patient opened an emailed link: the address is theirs."""
    with transaction.atomic():
        audited_update(
            Intake.objects.filter(pk=intake.pk, email_verified_at__isnull=True),
            email_verified_at=timezone.now(),
        )
    intake.refresh_from_db(fields=["email_verified_at"])
    return intake


def intake_send_resume_link(*, intake: Intake) -> None:
    with transaction.atomic():
        emails.email_intake_resume(intake=intake)


def intake_resend_link(*, intake: Intake) -> bool:
    """A new link for a genuine but expired one, sent to the intake's own address. False if closed."""
    with transaction.atomic():
        if not intake.is_open:
            return False
        emails.email_intake_resume(intake=intake)
    return True


# --- Saving steps ---------------------------------------------------------------------------------


def _locked_draft(intake: Intake) -> Intake:
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if not locked.is_open:
        raise IntakeNotEditable(locked)
    return locked


def _mark_completed(intake: Intake, step: str) -> None:
    if step not in intake.completed_steps:
        intake.completed_steps = [
            slug for slug in IntakeStep.values if slug in {*intake.completed_steps, step}
        ]


def _save(intake: Intake) -> None:
    intake.full_clean()
    intake.save()


def intake_save_about(*, intake: Intake, data: dict[str, Any]) -> Intake:
    with transaction.atomic():
        intake = _locked_draft(intake)
        email_changed = data.get("email", intake.email) != intake.email
        for name in PERSON_FIELDS:
            if name in data:
                setattr(intake, name, data[name])
        _mark_completed(intake, "about")
        if email_changed:
            # A new address is verified by its own link before anything is sent there again.
            intake.email_verified_at = None
        _save(intake)
        if email_changed:
            emails.email_intake_verify(intake=intake)
        _refresh_red_flags(intake)
    return intake


def intake_save_insurance(
    *,
    intake: Intake,
    answers: dict[str, Any],
    card_front: CheckedFile | None = None,
    card_back: CheckedFile | None = None,
) -> Intake:
    """The insurance answers and the card photos given (checked by clinic.core.uploads in the form);
    a side not given keeps the photo on file."""
    with transaction.atomic():
        intake = _locked_draft(intake)
        _store_card_photos(intake, card_front, card_back)
        intake.answers = {**intake.answers, "insurance": answers}
        _mark_completed(intake, "insurance")
        _save(intake)
    return intake


def intake_keep_card_photos(
    *, intake: Intake, card_front: CheckedFile | None, card_back: CheckedFile | None
) -> Intake:
    """The accepted card photos of a refused insurance page (the other photo or an answer refused), so
    the patient chooses again only what was refused."""
    if card_front is None and card_back is None:
        return intake
    with transaction.atomic():
        intake = _locked_draft(intake)
        _store_card_photos(intake, card_front, card_back)
        _save(intake)
    return intake


def _store_card_photos(intake: Intake, card_front: CheckedFile | None, card_back: CheckedFile | None) -> None:
    if card_front is not None:
        intake.insurance_card_front = upload_store(checked=card_front)
    if card_back is not None:
        intake.insurance_card_back = upload_store(checked=card_back)


def intake_save_step(*, intake: Intake, step: str, answers: dict[str, Any]) -> Intake:
    """Steps whose answers are stored as they are: pain, treatments, history, goals.

    Saving the pain step evaluates the red-flag screen at once (alerting staff for emergency and
    urgent tiers); saving the history or treatments step refreshes the stored safety screen.
    """
    finish = _ANSWERS_STORED_AS_GIVEN.get(step)
    if finish is None:
        raise ValueError(f"intake_save_step does not save the {step!r} step")
    with transaction.atomic():
        intake = _locked_draft(intake)
        intake.answers = {**intake.answers, step: answers}
        _mark_completed(intake, step)
        finish(intake)
    return intake


def _finish_pain(intake: Intake) -> None:
    intake.body_regions = list(intake.step_answers(IntakeStep.PAIN).get("body_regions", []))
    _save(intake)
    _refresh_red_flags(intake)


def _finish_screened(intake: Intake) -> None:
    _save(intake)
    _refresh_safety(intake)


# What else saving each of these steps keeps up to date; each saves the intake.
_ANSWERS_STORED_AS_GIVEN: dict[str, Callable[[Intake], None]] = {
    IntakeStep.PAIN: _finish_pain,
    IntakeStep.TREATMENTS: _finish_screened,
    IntakeStep.HISTORY: _finish_screened,
    IntakeStep.GOALS: _save,
}


def intake_save_medications(
    *, intake: Intake, answers: dict[str, Any], medications: list[dict], allergies: list[dict]
) -> Intake:
    """Replace the medication and allergy lists, each medicine read by `clinic.core.clinical.medicines`.

    A name read through a typo ("Eliquiss") is stored as a near-match and counted by the safety
    screen (the safer reading) until the patient confirms it (`confirmed`, for the reading they were
    shown, `asked_as`) or corrects the name; a blood thinner listed with "no" to "do you take a
    blood thinner?" must be confirmed too. Until both are settled the step stays open.
    """
    with transaction.atomic():
        intake = _locked_draft(intake)
        intake.answers = {**intake.answers, "medications": answers}
        audited_delete(intake.medications.all())
        rows = [_medication_row(intake, position, entry) for position, entry in enumerate(medications)]
        for row in rows:
            # The intake is the locked row above: checking it exists again per medicine would cost a
            # query each.
            row.full_clean(exclude=["intake"])
        audited_bulk_create(Medication.objects, rows)
        if medication_questions(answers=answers, medications=rows):
            intake.completed_steps = [slug for slug in intake.completed_steps if slug != "medications"]
        else:
            _mark_completed(intake, "medications")
        _save(intake)
        audited_delete(intake.allergies.all())
        allergy_rows = []
        for position, entry in enumerate(allergies):
            allergy = Allergy(
                intake=intake,
                position=position,
                substance=entry["substance"],
                reaction=entry.get("reaction", ""),
                categories=sorted(procedure_safety.recognise_allergy(entry["substance"])),
            )
            allergy.full_clean()
            allergy_rows.append(allergy)
        audited_bulk_create(Allergy.objects, allergy_rows)
        _refresh_safety(intake)
    return intake


def _medication_row(intake: Intake, position: int, entry: dict) -> Medication:
    reading = medicines.read_medicine(entry["name"])
    matches = procedure_safety.drug_matches(reading)
    first = reading.first
    return Medication(
        intake=intake,
        position=position,
        name=entry["name"],
        dose=entry.get("dose", ""),
        frequency=entry.get("frequency", ""),
        drug_key=matches[0].drug.key if matches else "",
        drug_class=str(matches[0].drug_class) if matches else "",
        generic=first.generic[:200] if first else "",
        recognition=_recognition(reading, entry),
    )


def _recognition(reading: medicines.MedicineReading, entry: dict) -> str:
    if reading.status == medicines.Status.NEAR_MATCH:
        confirmed = entry.get("confirmed") and entry.get("asked_as") == reading.near_match_key
        return MedicationRecognition.CONFIRMED if confirmed else MedicationRecognition.NEAR_MATCH
    if reading.status == medicines.Status.UNRECOGNISED:
        return MedicationRecognition.UNRECOGNISED
    return MedicationRecognition.RECOGNISED


def listed_blood_thinners_contradicting(*, answers: dict, medications: Iterable[Medication]) -> list[str]:
    """The antithrombotics listed while "do you take a blood thinner?" is "no", not yet confirmed."""
    if answers.get("blood_thinner") != "no" or answers.get("listed_blood_thinner_taken"):
        return []
    return [m.name for m in medications if m.drug_class in {"anticoagulant", "antiplatelet"}]


def medication_questions(*, answers: dict, medications: Iterable[Medication]) -> bool:
    """Whether the medication step still has something to ask: an unconfirmed near-match, or a
    listed blood thinner contradicting the "no blood thinner" answer."""
    medications = list(medications)
    return any(m.recognition == MedicationRecognition.NEAR_MATCH for m in medications) or bool(
        listed_blood_thinners_contradicting(answers=answers, medications=medications)
    )


def intake_save_questionnaires(*, intake: Intake, responses: dict[str, dict[str, Any]]) -> Intake:
    """Store each questionnaire's raw answers with its code and version, and the score computed from
    them. A PHQ-9 item 9 answer above 0 alerts staff at once, whatever the total."""
    with transaction.atomic():
        intake = _locked_draft(intake)
        for code, raw in responses.items():
            answers = dict(raw)
            if code == "ort_oud":
                answers[AGE_ITEM_KEY] = is_age_16_to_45(intake.date_of_birth, timezone.localdate())
            result = score(code, answers)  # InvalidAnswers here is a bug in the form, not bad input
            InstrumentResponse.objects.update_or_create(
                intake=intake,
                code=code,
                defaults={
                    "version": _instrument_version(code),
                    "wording_version": _wording_version(code),
                    "answers": answers,
                    "status": str(result.status),
                    "total": result.total,
                    "band": result.band or "",
                    "flags": sorted(result.flags),
                    "details": result.details,
                },
            )
            if code == "phq9" and FLAG_ITEM9_POSITIVE in result.flags:
                _raise_crisis(intake)
        intake.answers = {**intake.answers, "questionnaires": {"codes": sorted(responses)}}
        _mark_completed(intake, "questionnaires")
        _save(intake)
    return intake


def intake_record_safety_answers(
    *, intake: Intake, red_flag_answers: dict[str, str] | None = None, phq9_item9: int | None = None
) -> Intake:
    """Keep the warning-sign answers of a step that was refused for another reason (a blank main
    complaint, an unanswered PHQ-9 item), and alert staff at once: an emergency or a PHQ-9 item 9
    above 0 never waits for the rest of the page to be right.

    Only these answers are stored; the step itself stays incomplete until it is saved whole.
    """
    with transaction.atomic():
        intake = _locked_draft(intake)
        if red_flag_answers:
            pain = intake.step_answers("pain")
            intake.answers = {
                **intake.answers,
                "pain": {**pain, "red_flags": {**pain.get("red_flags", {}), **red_flag_answers}},
            }
            _save(intake)
            _refresh_red_flags(intake)
        if phq9_item9:
            _raise_crisis(intake)
            intake.answers = {**intake.answers, "safety_answers_as_posted": {"phq9_q9": phq9_item9}}
            _save(intake)
    return intake


def _raise_crisis(intake: Intake) -> None:
    """Once set, the crisis flag stays: a later answer of 0 does not undo what staff must follow up."""
    intake.crisis_flag = True
    _raise_alert(
        intake, kind=StaffAlert.Kind.PHQ9_ITEM9, tier=red_flags.Tier.URGENT, summary=PHQ9_ITEM9_ALERT_SUMMARY
    )


def _instrument_version(code: str) -> str:
    return get_instrument(code).version


def _wording_version(code: str) -> str:
    if not get_instrument(code).licensed:
        return ""
    return worded_instrument(code).wording_version or ""


# --- Screening ------------------------------------------------------------------------------------


def _refresh_red_flags(intake: Intake) -> None:
    pain = intake.step_answers("pain")
    if not pain:
        return
    onset = pain.get("onset_date")
    result = red_flags.evaluate_red_flags(
        pain.get("red_flags", {}),
        date_of_birth=intake.date_of_birth,
        pain_onset=date.fromisoformat(onset) if onset else None,
    )
    intake.red_flags = [
        {"key": flag.key, "tier": str(flag.tier), "concern": flag.concern or "", "finding": flag.finding}
        for flag in result.flags
    ]
    intake.red_flag_tier = str(result.highest_tier or "")
    intake.save(update_fields=["red_flags", "red_flag_tier", "updated_at"])
    if result.needs_alert and intake.patient_id:
        patient_red_flags_found.send(sender=Intake, patient=intake.patient, emergency=result.is_emergency)
    staff_alert_raise_for_red_flags(subject=intake, result=result)


def _raise_alert(intake: Intake, *, kind: str, tier: str, summary: str) -> StaffAlert:
    """Once per intake, kind and tier (clinic.core.alerts holds the rule and the emails)."""
    return staff_alert_raise(subject=intake, kind=kind, tier=tier, summary=summary)


def _safety_inputs(intake: Intake) -> dict[str, Any]:
    """The intake's answers as `procedure_safety.screen` arguments (stored with the screen, so JSON)."""
    meds = intake.step_answers("medications")
    history = intake.step_answers("history")
    allergy_texts = [allergy.substance for allergy in intake.allergies.all()]
    allergy_texts += [
        procedure_safety.ALLERGY_CATEGORIES_BY_KEY[key].keywords[0]
        for key in meds.get("allergy_categories", [])
    ]
    devices = list(history.get("devices", []))
    other_concerns = list(history.get("other_concerns", []))
    if not history.get("confirm_answers"):
        # Until the patient confirms, the safer reading: what another step says counts.
        for contradiction in find_contradictions(
            history=history,
            treatments=intake.step_answers("treatments"),
            today=timezone.localdate(),
            months=settings.RECENT_STEROID_INJECTION_MONTHS,
        ):
            devices += [key for key in contradiction.devices if key not in devices]
            if contradiction.code == RECENT_STEROID_INJECTION:
                other_concerns.append(RECENT_STEROID_INJECTION)
    return {
        "medications": [medication.name for medication in intake.medications.all()],
        "allergies": allergy_texts,
        "devices": devices,
        "pacemaker_dependent": bool(history.get("pacemaker_dependent")),
        # "Does not apply to me" is no chance of pregnancy for the screen.
        "pregnant": history.get("pregnant") if history.get("pregnant") in {"yes", "no", "not_sure"} else None,
        "breastfeeding": bool(history.get("breastfeeding")),
        "diabetes": history.get("diabetes") == "yes",
        "insulin": bool(history.get("insulin")),
        "infection_signs": list(history.get("infection_signs", [])),
        "bleeding_history": list(history.get("bleeding_history", [])),
        "other_concerns": other_concerns,
        "blood_thinner_answer": meds.get("blood_thinner") or None,
        "blood_thinner_listed_confirmed": bool(meds.get("listed_blood_thinner_taken")),
        "opioids": meds.get("opioids") == "yes",
    }


def _refresh_safety(intake: Intake) -> None:
    """Store the intake's screen (the one record staff pages and bookings read) and keep
    `safety_flags` in step with it for the intake lists' filters."""
    record = safety_screen_store(
        source=SafetyScreenRecord.Source.INTAKE,
        source_id=intake.public_id,
        patient=intake.patient,
        inputs=_safety_inputs(intake),
    )
    intake.safety_flags = record.flags
    intake.save(update_fields=["safety_flags", "updated_at"])


# --- Submitting and after -------------------------------------------------------------------------


def _move(intake: Intake, to_status: str, *, actor: User | None = None, note: str = "") -> None:
    status_move(
        intake,
        to_status,
        moves=INTAKE_MOVES,
        record=lambda left, entered: IntakeEvent.objects.create(
            intake=intake, from_status=left, to_status=entered, actor=actor, note=note[:300]
        ),
    )


def intake_submit(
    *, intake: Intake, consent_name: str, consent_privacy: bool, consent_financial: bool
) -> Intake:
    """Submit once. Raises IntakeNotEditable when already submitted (a double click, a second tab),
    ValidationError when the typed name is not the patient's or the consent is not given, then
    IntakeIncomplete when a step was never saved (the review page lists those steps itself).

    Links the intake to its patient (creating the Patient for a self-started intake) and queues the
    confirmation email, which carries no clinical content.
    """
    with transaction.atomic():
        intake = _locked_draft(intake)
        if not intake.consent_name_matches(consent_name):
            raise ValidationError(
                {
                    "consent_name": _("This must match your name as given in “About you”: %(name)s")
                    % {"name": intake.full_name}
                }
            )
        if not (consent_privacy and consent_financial):
            raise ValidationError(_("Please acknowledge the privacy notice and the financial policy."))
        if missing := intake.missing_steps():
            raise IntakeIncomplete(missing)
        intake.consent_name = consent_name.strip()
        intake.consent_privacy = True
        intake.consent_financial = True
        intake.consent_date = timezone.localdate()
        intake.submitted_at = timezone.now()
        if intake.patient is None:
            intake.patient = patient_match_or_create(**person_fields_of(intake))
        _move(intake, IntakeStatus.SUBMITTED)
        _save(intake)
        # The screen now belongs to the patient the intake was matched to.
        _refresh_safety(intake)
        emails.email_intake_submitted(intake=intake)
    return intake


def intake_mark_reviewed(*, intake: Intake, reviewed_by: User) -> Intake:
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        _move(intake, IntakeStatus.REVIEWED, actor=reviewed_by)
        intake.reviewed_at = timezone.now()
        intake.reviewed_by = reviewed_by
        _save(intake)
    return intake


def intake_send_expiry_reminders(*, now=None) -> int:
    """Remind patients whose draft expires within INTAKE_REMINDER_DAYS_BEFORE days (once per draft)."""
    now = now or timezone.now()
    due = Intake.objects.open_drafts(now=now).filter(
        expires_at__lte=now + timedelta(days=settings.INTAKE_REMINDER_DAYS_BEFORE)
    )
    count = 0
    for intake in due.iterator():
        with transaction.atomic():
            emails.email_intake_expiry_reminder(intake=intake)
        count += 1
    return count


def intake_expire_drafts(*, now=None) -> int:
    """Drafts past their expiry become expired (an event each); their answers stay for the record."""
    now = now or timezone.now()
    count = 0
    for intake_id in Intake.objects.filter(status=IntakeStatus.DRAFT, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            intake = Intake.objects.select_for_update().get(pk=intake_id)
            if intake.status != IntakeStatus.DRAFT:
                continue
            _move(intake, IntakeStatus.EXPIRED, note="Draft expired")
            intake.save(update_fields=["status", "updated_at"])
            count += 1
    return count


# --- The clinician's DN4 examination ------------------------------------------------------------


def intake_record_dn4_examination(
    *, intake: Intake, examination: dict[str, bool], recorded_by: User
) -> InstrumentResponse:
    """Complete the DN4 at the visit: the patient's seven interview answers plus the clinician's
    three examination items (8-10), scored as `dn4` (>= 4/10 suggests neuropathic pain).

    Who examined and when is kept on the response and as an intake event. Recording again replaces
    the examination (a corrected finding), and the event history keeps both.
    """
    if not recorded_by.has_perm("intake.examine_intake"):
        raise ValidationError(_("Only a clinician can record the DN4 examination."))
    if reason := instrument_unavailable_reason(dn4.CODE):
        raise ValidationError(_("The DN4 cannot be recorded: %(reason)s") % {"reason": reason})
    exam_keys = tuple(item.key for item in dn4.EXAMINATION_ITEMS)
    missing = [key for key in exam_keys if examination.get(key) not in (True, False)]
    unknown = sorted(set(examination) - set(exam_keys))
    if missing or unknown:
        raise ValidationError(_("Answer yes or no to each of the three examination items."))
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        if intake.status not in (IntakeStatus.SUBMITTED, IntakeStatus.REVIEWED):
            raise ValidationError(_("The patient has not submitted this intake yet."))
        interview = intake.responses.filter(code=dn4.INTERVIEW_CODE).first()
        given = interview.answers if interview else {}
        interview_answers = {key: given.get(key) for key in dn4.INTERVIEW_KEYS}
        if any(value not in (True, False) for value in interview_answers.values()):
            raise ValidationError(
                _("The patient's DN4-interview (items 1-7) is not complete, so the DN4 cannot be scored.")
            )
        answers = {**interview_answers, **{key: examination[key] for key in exam_keys}}
        try:
            result = score(dn4.CODE, answers)
        except InvalidAnswers as error:
            raise ValidationError(_("These answers cannot be scored.")) from error
        recorded_at = timezone.now()
        response, _created = InstrumentResponse.objects.update_or_create(
            intake=intake,
            code=dn4.CODE,
            defaults={
                "version": _instrument_version(dn4.CODE),
                "wording_version": _wording_version(dn4.CODE),
                "answers": answers,
                "status": str(result.status),
                "total": result.total,
                "band": result.band or "",
                "flags": sorted(result.flags),
                "details": {
                    **result.details,
                    "examined_by": recorded_by.get_username(),
                    "examined_by_id": recorded_by.pk,
                    "examined_at": recorded_at.isoformat(),
                },
            },
        )
        IntakeEvent.objects.create(
            intake=intake,
            from_status=intake.status,
            to_status=intake.status,
            actor=recorded_by,
            note=f"DN4 examination recorded: {result.total}/10 ({result.band})",
        )
    return response
