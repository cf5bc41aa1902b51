"""Writes for referrals: provider accounts, submission, documents and the lifecycle.

Every status change goes through `_referral_move`, which locks the row and makes the move with
the core's status machine (`REFERRAL_MOVES`, the `ReferralEvent`); the caller queues the emails,
all in one transaction. A move outside the graph raises `clinic.core.status.StatusMoveRefused`
(a Django `ValidationError`) with a message that the admin and the referrer's pages show as is.
"""

import logging
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.core.alerts import staff_alert_raise_for_red_flags
from clinic.core.audit import audited_update
from clinic.core.clinical import red_flags
from clinic.core.links import PROVIDER_EMAIL, LinkInvalid, link_open, link_sign
from clinic.core.models import Patient, SafetyScreenRecord, Upload, person_fields_of
from clinic.core.services import patient_create, safety_screen_store
from clinic.core.status import StatusMoveRefused, status_move
from intake.services import intake_invite

from . import emails
from .models import (
    OPEN_STATUSES,
    PROVIDER_CANCELLABLE,
    REFERRAL_MOVES,
    DeclineReason,
    QueuePriority,
    Referral,
    ReferralDocument,
    ReferralEvent,
    ReferralStatus,
    ReferringProvider,
    RequestedService,
    Urgency,
)
from .selectors import referral_possible_duplicates

User = get_user_model()
logger = logging.getLogger(__name__)


# The requested service as a procedure of the safety screen, where one service means one class of
# bleeding risk. The others are screened without a procedure (device reviews are then raised).
SERVICE_PROCEDURES: dict[str, str] = {
    RequestedService.EPIDURAL_STEROID_INJECTION: "interlaminar_epidural_steroid_injection",
    RequestedService.SPINAL_CORD_STIMULATOR_EVALUATION: "scs_trial_or_implant",
}


class ReferralError(ValidationError):
    """A request the referral rules refuse; the message is for the person who asked."""


# --- Held referrals: the provider is not verified yet --------------------------------------------------

# While its provider is unverified a referral is held: staff may decline or cancel it, nothing else.
MOVES_WHILE_HELD = frozenset({ReferralStatus.DECLINED, ReferralStatus.CANCELLED})


def referral_check_not_held(*, referral: Referral, to_status: str) -> None:
    if to_status not in MOVES_WHILE_HELD and referral.is_held:
        raise ReferralError(
            _(
                "Referral %(number)s is held until the clinic verifies its referring provider: "
                "verify the provider first (Referring providers)."
            )
            % {"number": referral.number}
        )


def referral_documents_left(*, provider: ReferringProvider) -> int | None:
    """How many more documents an unverified provider may store (None: no limit once verified)."""
    if provider.is_verified:
        return None
    stored = ReferralDocument.objects.filter(referral__provider=provider).count()
    return max(0, settings.REFERRAL_UNVERIFIED_DOCUMENT_QUOTA - stored)


def referral_documents_check_quota(*, provider: ReferringProvider, adding: int) -> None:
    """Refuse storing `adding` more documents past an unverified provider's quota, saying why."""
    left = referral_documents_left(provider=provider)
    if left is None or adding <= left:
        return
    raise ReferralError(
        {
            "documents": _(
                "Until the clinic has verified your account you can send %(quota)s documents in all, "
                "and %(left)s more now. Please send the others once we have verified you (we will "
                "email you), or call us at %(phone)s."
            )
            % {
                "quota": settings.REFERRAL_UNVERIFIED_DOCUMENT_QUOTA,
                "left": left,
                "phone": settings.CLINIC_PHONE,
            }
        }
    )


# --- Referring providers ---------------------------------------------------------------------------


@transaction.atomic
def referring_provider_register(*, email: str, password: str, **profile: Any) -> ReferringProvider | None:
    """A new referrer account (unverified) and the email that verifies its address; or, when the
    email or the NPI already has an account, nothing but an email to that account's owner.

    The person registering sees the same "check your email" page either way, so the form never says
    whether an address or an NPI is registered (no account enumeration); each owner is told once per
    attempt. `profile` holds the ReferringProvider fields (names, credentials, NPI, practice,
    address, phone, fax). The email is the username. Returns the new provider, or None.
    """
    email = User.objects.normalize_email(email).strip().lower()
    owners = list(User.objects.filter(username__iexact=email))
    owners += [
        provider.user
        for provider in ReferringProvider.objects.select_related("user").filter(npi=profile.get("npi", ""))
    ]
    if owners:
        attempt = uuid.uuid4()
        for address in sorted({owner.email for owner in owners if owner.email}):
            emails.email_referral_registration_attempt(to=address, attempt=attempt)
        return None
    user = User(
        username=email,
        email=email,
        first_name=profile.get("first_name", ""),
        last_name=profile.get("last_name", ""),
    )
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as refused:
        raise _as_email_error(refused) from refused
    provider = ReferringProvider(user=user, **profile)
    try:
        with transaction.atomic():
            user.save()
            provider.user = user
            provider.full_clean(exclude=["user"])
            provider.save()
    except IntegrityError:
        return None  # registered by a simultaneous request a moment ago: that one sent its email
    referring_provider_send_email_verification(provider=provider)
    return provider


def _as_email_error(refused: ValidationError) -> ValidationError:
    """The account's username is the email the person typed: say what is wrong with it there, in
    words about an address (an "İ" lowers to an i and a combining dot, which no account name holds)."""
    errors = dict(refused.error_dict)
    if errors.pop("username", None):
        errors.setdefault("email", []).append(
            ValidationError(
                _(
                    "This address cannot be an account name here: it may hold only letters, digits"
                    " and the characters @ . + - _"
                ),
                code="invalid_username",
            )
        )
    return ValidationError(errors)


def referring_provider_email_link(*, provider: ReferringProvider) -> str:
    token = link_sign(PROVIDER_EMAIL, provider.public_id, bound_to=provider.user.email)
    return settings.SITE_URL + reverse("referrals:verify_email", args=[token])


@transaction.atomic
def referring_provider_send_email_verification(*, provider: ReferringProvider) -> None:
    emails.email_referral_provider_verify(
        provider=provider, link=referring_provider_email_link(provider=provider)
    )


@transaction.atomic
def referring_provider_confirm_email(*, token: str) -> ReferringProvider:
    """Marks the address verified. Raises LinkInvalid or LinkExpired (clinic.core.links)."""
    link = link_open(PROVIDER_EMAIL, token)
    provider = (
        ReferringProvider.objects.select_for_update().select_related("user").filter(public_id=link.public_id)
    ).first()
    # A link sent to an address the account no longer has verifies nothing.
    if provider is None or not link.bound_to or provider.user.email != link.bound_to:
        raise LinkInvalid
    if provider.email_verified_at is None:
        provider.email_verified_at = timezone.now()
        provider.save(update_fields=["email_verified_at"])
    return provider


@transaction.atomic
def referring_provider_verify(*, provider: ReferringProvider, by) -> bool:
    """Clinic staff have checked the provider (NPI registry, phone call). False if already verified."""
    provider = ReferringProvider.objects.select_for_update().select_related("user").get(pk=provider.pk)
    if provider.verified_at is not None:
        return False
    provider.verified_at = timezone.now()
    provider.verified_by = by
    provider.save(update_fields=["verified_at", "verified_by"])
    emails.email_referral_provider_verified(provider=provider)
    return True


# --- Submission ------------------------------------------------------------------------------------


def referral_red_flags(
    *, red_flag_answers: dict[str, str], date_of_birth: date | None, pain_onset: date | None
) -> red_flags.RedFlagResult:
    """The red-flag rules of clinic.core.clinical applied to a referral's answers (nothing re-implemented)."""
    return red_flags.evaluate_red_flags(red_flag_answers, date_of_birth=date_of_birth, pain_onset=pain_onset)


def referral_safety_inputs(*, safety_answers: dict[str, Any], requested_service: str) -> dict[str, Any]:
    """The referrer's safety answers as `procedure_safety.screen` arguments (stored with the screen)."""
    blood_thinner = safety_answers.get("blood_thinner") or None
    return {
        "procedure": SERVICE_PROCEDURES.get(requested_service),
        "medications": [safety_answers.get("blood_thinner_names", "")] if blood_thinner != "no" else [],
        "blood_thinner_answer": blood_thinner,
        "allergies": ["iodinated contrast"]
        if safety_answers.get("contrast_allergy") in ("yes", "not_sure")
        else [],
        "devices": list(safety_answers.get("devices", [])),
        "diabetes": safety_answers.get("diabetes") in ("yes", "yes_insulin"),
        "insulin": safety_answers.get("diabetes") == "yes_insulin",
    }


def _store_safety_screen(referral: Referral) -> None:
    record = safety_screen_store(
        source=SafetyScreenRecord.Source.REFERRAL,
        source_id=referral.public_id,
        patient=referral.patient,
        inputs=referral_safety_inputs(
            safety_answers=referral.safety_answers or {}, requested_service=referral.requested_service
        ),
    )
    # Kept in step with the stored screen for the referral lists.
    referral.safety_flags = record.flags
    referral.save(update_fields=["safety_flags"])


def _queue_priority(*, urgency: str, red: red_flags.RedFlagResult) -> int:
    if red.is_emergency:
        return QueuePriority.EMERGENCY_RED_FLAG
    if urgency == Urgency.URGENT or red.needs_alert:
        return QueuePriority.URGENT
    return QueuePriority.ROUTINE


def referral_submit(
    *,
    provider: ReferringProvider,
    submission_token: uuid.UUID,
    data: dict[str, Any],
    uploads: Iterable[Upload] = (),
) -> tuple[Referral, bool]:
    """Create a referral with its documents, its first event and the acknowledgement email.

    Idempotent on `submission_token` (the form's one-time token): a double click or a resubmitted
    form returns the referral already made and `False`, and queues nothing.
    `data` holds the Referral fields the form collects (patient, insurance, clinical answers).
    """
    existing = Referral.objects.filter(submission_token=submission_token, provider=provider).first()
    if existing is not None:
        return existing, False
    uploads = list(uploads)
    referral_documents_check_quota(provider=provider, adding=len(uploads))
    try:
        with transaction.atomic():
            return _referral_create(
                provider=provider, submission_token=submission_token, data=data, uploads=uploads
            ), True
    except IntegrityError:
        # The same form, submitted twice at the same moment: the first one won.
        existing = Referral.objects.filter(submission_token=submission_token, provider=provider).first()
        if existing is None:
            raise
        return existing, False


def _referral_create(
    *,
    provider: ReferringProvider,
    submission_token: uuid.UUID,
    data: dict[str, Any],
    uploads: Iterable[Upload],
) -> Referral:
    red = referral_red_flags(
        red_flag_answers=data.get("red_flag_answers", {}),
        date_of_birth=data.get("patient_date_of_birth"),
        pain_onset=data.get("pain_onset"),
    )
    now = timezone.now()
    referral = Referral(
        provider=provider,
        submission_token=submission_token,
        submitted_at=now,
        status_changed_at=now,
        red_flags=[flag._asdict() for flag in red.flags],
        red_flag_tier=red.highest_tier or "",
        queue_priority=_queue_priority(urgency=data.get("urgency", Urgency.ROUTINE), red=red),
        **data,
    )
    referral.full_clean()
    referral.save()
    _store_safety_screen(referral)
    for upload in uploads:
        ReferralDocument.objects.create(referral=referral, upload=upload, added_by=provider.user)
    ReferralEvent.objects.create(
        referral=referral,
        actor=provider.user,
        created_at=now,
        from_status="",
        to_status=ReferralStatus.SUBMITTED,
        note="" if provider.is_verified else _("Awaiting provider verification"),
    )
    emails.email_referral_acknowledged(referral=referral)
    # Staff hear of an emergency or urgent red flag now, exactly as for one given in an intake.
    staff_alert_raise_for_red_flags(subject=referral, result=red)
    return referral


@transaction.atomic
def referral_document_add(*, referral: Referral, upload: Upload, by) -> ReferralDocument:
    """A document sent after submission, while the referral is still open."""
    referral = Referral.objects.select_for_update().select_related("provider").get(pk=referral.pk)
    if not referral.is_open:
        raise ReferralError(_("This referral is closed; documents can no longer be added."))
    referral_documents_check_quota(provider=referral.provider, adding=1)
    return ReferralDocument.objects.create(referral=referral, upload=upload, added_by=by)


# --- The lifecycle ---------------------------------------------------------------------------------


def _referral_move(
    *, referral: Referral, to_status: str, by, note: str = "", changes: dict[str, Any] | None = None
) -> tuple[Referral, ReferralEvent]:
    """Lock, check the move, apply `changes`, write the event. The caller queues the emails."""
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("provider__user", "patient")
        .get(pk=referral.pk)
    )
    referral_check_not_held(referral=locked, to_status=to_status)
    now = timezone.now()
    event = status_move(
        locked,
        to_status,
        moves=REFERRAL_MOVES,
        record=lambda left, entered: ReferralEvent.objects.create(
            referral=locked, actor=by, created_at=now, from_status=left, to_status=entered, note=note
        ),
    )
    locked.status_changed_at = now
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    if referral is not locked:
        # The caller's instance shows the new state too.
        referral.refresh_from_db()
    return locked, event


@transaction.atomic
def referral_mark_under_review(*, referral: Referral, by, note: str = "") -> ReferralEvent:
    return _referral_move(referral=referral, to_status=ReferralStatus.UNDER_REVIEW, by=by, note=note)[1]


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    by,
    link_patient: Patient | None = None,
    create_patient: bool = False,
    note: str = "",
) -> ReferralEvent:
    """Accept: link the Patient (or create one), invite the patient to the intake, tell the referrer.

    When a Patient with the same name and date of birth exists, staff must choose: `link_patient`
    (one of them) or `create_patient=True`; accepting without a choice is refused so that a second
    record for the same person is never made by accident.
    """
    # Checked again under the lock by _referral_move; here so that a refused move says so, rather
    # than asking about duplicates or creating a patient first.
    REFERRAL_MOVES.check(referral, ReferralStatus.ACCEPTED)
    referral_check_not_held(referral=referral, to_status=ReferralStatus.ACCEPTED)
    patient = link_patient or referral.patient
    if patient is None:
        duplicates = list(referral_possible_duplicates(referral=referral))
        if duplicates and not create_patient:
            raise ReferralError(
                _(
                    "A patient with the same name and date of birth already exists. "
                    "Link the referral to that patient, or confirm that this is a different person."
                )
            )
        patient = patient_create(**person_fields_of(referral, Referral.PERSON_ATTRIBUTES))
    elif not patient.email and referral.patient_email:
        patient.email = referral.patient_email
        patient.save(update_fields=["email", "updated_at"])
    locked, event = _referral_move(
        referral=referral, to_status=ReferralStatus.ACCEPTED, by=by, note=note, changes={"patient": patient}
    )
    # The referrer's screen now belongs to the patient, until the patient's own intake replaces it.
    _store_safety_screen(locked)
    if patient.email:
        intake_invite(patient=patient, invited_by=by)
    emails.email_referral_accepted(referral=locked, event=event)
    return event


@transaction.atomic
def referral_decline(*, referral: Referral, by, reason: str, note: str = "") -> ReferralEvent:
    REFERRAL_MOVES.check(referral, ReferralStatus.DECLINED)
    if reason not in DeclineReason.values:
        raise ReferralError(_("Choose a reason for declining."))
    if reason == DeclineReason.OTHER and not note.strip():
        raise ReferralError(_("Add a note that explains the reason."))
    locked, event = _referral_move(
        referral=referral,
        to_status=ReferralStatus.DECLINED,
        by=by,
        note=note,
        changes={"decline_reason": reason, "decline_note": note},
    )
    emails.email_referral_declined(referral=locked, event=event)
    return event


@transaction.atomic
def referral_schedule(
    *, referral: Referral, visit_at: datetime, by, note: str = "", notify_patient: bool = True
) -> ReferralEvent:
    """The visit is booked. Appointments calls this when it books the visit (then with
    `notify_patient=False`, since its own confirmation tells the patient)."""
    if timezone.is_naive(visit_at):
        raise ReferralError(_("The visit date needs a time zone."))
    locked, event = _referral_move(
        referral=referral,
        to_status=ReferralStatus.SCHEDULED,
        by=by,
        note=note,
        changes={"scheduled_for": visit_at},
    )
    emails.email_referral_scheduled(referral=locked, event=event)
    if notify_patient and locked.patient is not None and locked.patient.email:
        emails.email_referral_scheduled_patient(referral=locked, patient=locked.patient, event=event)
    return event


@transaction.atomic
def referral_mark_seen(*, referral: Referral, by, note: str = "") -> ReferralEvent:
    """The patient has been seen: the loop is closed and the referrer told."""
    locked, event = _referral_move(
        referral=referral,
        to_status=ReferralStatus.SEEN,
        by=by,
        note=note,
        changes={"seen_at": timezone.now()},
    )
    emails.email_referral_seen(referral=locked, event=event)
    return event


@transaction.atomic
def referral_cancel(*, referral: Referral, by, note: str = "") -> ReferralEvent:
    """Staff cancel (the patient moved away, a duplicate referral...)."""
    return _referral_move(referral=referral, to_status=ReferralStatus.CANCELLED, by=by, note=note)[1]


@transaction.atomic
def referral_provider_cancel(
    *, referral: Referral, provider: ReferringProvider, note: str = ""
) -> ReferralEvent:
    """The referrer withdraws a referral that has not been scheduled."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.provider_id != provider.pk:
        raise ReferralError(_("This is not your referral."))
    if locked.status not in PROVIDER_CANCELLABLE:
        raise StatusMoveRefused(
            _("This referral is %(status)s and can no longer be cancelled here. Please call us.")
            % {"status": ReferralStatus(locked.status).label.lower()}
        )
    return _referral_move(referral=referral, to_status=ReferralStatus.CANCELLED, by=provider.user, note=note)[
        1
    ]


# --- Housekeeping ----------------------------------------------------------------------------------

ABANDONED_UPLOAD_AGE = timedelta(days=1)
ABANDONED_UPLOAD_BATCH = 500


def _upload_references():
    """Every relation that points at an Upload (referrals, intake cards, any added later)."""
    return [
        relation
        for relation in Upload._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.is_relation
    ]


def _unreferenced_uploads():
    uploads = Upload.objects.all()
    for relation in _upload_references():
        column = relation.field.attname
        referenced = relation.related_model._base_manager.filter(**{f"{column}__isnull": False})
        uploads = uploads.exclude(pk__in=referenced.values(column))
    return uploads


def referral_uploads_discard_abandoned(*, older_than: timedelta = ABANDONED_UPLOAD_AGE) -> int:
    """Delete uploads that nothing refers to and that are older than `older_than`; returns how many.

    A referral form that failed validation keeps its stored documents for the next try (signed
    tokens in the form); when the referrer never comes back they are attached to nothing. Each
    row is deleted in its own transaction, re-checked under a lock, and its file removed after
    commit; a row attached meanwhile (the referral submitted at that moment) is left alone.
    Uploads of other apps are safe: any relation to an Upload counts as a reference.
    """
    cutoff = timezone.now() - older_than
    abandoned = _unreferenced_uploads().filter(created_at__lt=cutoff).order_by("pk")
    candidates = list(abandoned.values_list("pk", flat=True)[:ABANDONED_UPLOAD_BATCH])
    deleted = 0
    for pk in candidates:
        try:
            with transaction.atomic():
                upload = _unreferenced_uploads().select_for_update(skip_locked=True).filter(pk=pk).first()
                if upload is None:
                    continue
                storage, name = upload.file.storage, upload.file.name
                upload.delete()
                transaction.on_commit(partial(storage.delete, name))
        except IntegrityError:
            continue  # attached while we were deleting it: keep it
        deleted += 1
    if deleted:
        logger.info("Discarded %d abandoned uploads.", deleted)
    return deleted


def referral_raise_priority(*, patient: Patient, emergency: bool) -> int:
    """A red flag found after referral (in the patient's intake) moves the patient's open referrals
    up the staff queue. Never lowers a priority. Returns how many referrals moved."""
    priority = QueuePriority.EMERGENCY_RED_FLAG if emergency else QueuePriority.URGENT
    return audited_update(
        Referral.objects.filter(patient=patient, status__in=OPEN_STATUSES, queue_priority__gt=priority),
        queue_priority=priority,
    )


def referral_raise_priority_for_red_flags(*, patient: Patient, emergency: bool, **_signal: Any) -> None:
    """Receiver of clinic.core.hooks.patient_red_flags_found (connected in ReferralsConfig.ready)."""
    referral_raise_priority(patient=patient, emergency=emergency)
