"""Patient-facing intake pages. Access to an intake comes only from an emailed, signed link, which
puts the intake's id in this browser's session; any other intake id gets a friendly 404."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.core.audit import record_view_log
from clinic.core.clinical import medicines, red_flags
from clinic.core.forms import form_add_validation_error
from clinic.core.links import LinkExpired, LinkInvalid, known_patient_request_path
from clinic.core.models import RecordView
from clinic.core.ratelimits import LimitedAction, posted, rate_limited
from clinic.core.second_factor import verified_staff_required
from clinic.core.uploads import upload_response

from . import selectors, services
from .forms import ConsentForm, ResendLinkForm, StartForm
from .models import Intake, IntakeStatus
from .steps import EMERGENCY, STEPS, STEPS_BY_SLUG, Step, next_step, previous_step, step_index
from .tokens import read_resume_token, step_form_key, step_form_key_opens
from .vocabulary import BODY_REGIONS

SESSION_KEY = "intake_access"


def _grant(request: HttpRequest, intake: Intake) -> None:
    allowed = [i for i in request.session.get(SESSION_KEY, []) if i != str(intake.public_id)]
    # Newest last, a handful at most (a shared family computer).
    request.session[SESSION_KEY] = [*allowed[-4:], str(intake.public_id)]
    request.session.cycle_key()


def _intake_or_none(request: HttpRequest, public_id: uuid.UUID) -> Intake | None:
    return selectors.intake_for_patient_access(
        public_id=public_id, allowed=request.session.get(SESSION_KEY, [])
    )


def _intake_for_post(request: HttpRequest, public_id: uuid.UUID) -> Intake | None:
    """The intake this browser may change: from its session, or, when the session was lost (the
    browser closed mid-page), from the signed key in the page it is posting. The URL alone never
    opens an intake. A recovered page gets its session back and a fresh link by email."""
    intake = _intake_or_none(request, public_id)
    if intake is not None or request.method != "POST":
        return intake
    if not step_form_key_opens(request.POST.get("intake_key"), public_id):
        return None
    intake = Intake.objects.filter(public_id=public_id).first()
    if intake is None:
        return None
    _grant(request, intake)
    if intake.is_open:
        services.intake_send_resume_link(intake=intake)
        messages.info(
            request,
            _(
                "Your browser had closed your questionnaire, but nothing you typed is lost. "
                "We have emailed you a new link so you can come back to it at any time."
            ),
        )
    return intake


def _no_access(request: HttpRequest) -> HttpResponse:
    """Someone else's intake, or this browser never opened its link: the same friendly 404."""
    return render(request, "intake/link_problem.html", {"expired": False, "no_access": True}, status=404)


def _expired(request: HttpRequest, intake: Intake) -> HttpResponse:
    return render(request, "intake/expired.html", {"intake": intake}, status=410)


def _closed_redirect(request: HttpRequest, intake: Intake) -> HttpResponse:
    if intake.has_expired:
        return _expired(request, intake)
    messages.info(request, _("Your questionnaire has been submitted, so it can no longer be changed."))
    return redirect("intake:thanks", public_id=intake.public_id)


def _safety_context(intake: Intake) -> dict:
    return {
        "emergency_guidance": red_flags.EMERGENCY_GUIDANCE if intake.needs_emergency_guidance else None,
        "urgent_guidance": red_flags.URGENT_GUIDANCE if intake.needs_urgent_guidance else None,
        "crisis_resources": red_flags.CRISIS_RESOURCES if intake.crisis_flag else None,
    }


# --- Starting and links ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(LimitedAction.INTAKE_START, email=posted("email"))
def start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.filled_by_a_robot:
            services.intake_start(**form.cleaned_data)
        return render(request, "intake/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "intake/start.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def resume(request: HttpRequest, token: str) -> HttpResponse:
    try:
        public_id = read_resume_token(token)
    except LinkExpired:
        return render(
            request,
            "intake/link_problem.html",
            {"expired": True, "resend": ResendLinkForm(initial={"token": token})},
            status=410,
        )
    except LinkInvalid:
        return render(request, "intake/link_problem.html", {"expired": False}, status=404)
    intake = Intake.objects.filter(public_id=public_id).first()
    if intake is None:
        return render(request, "intake/link_problem.html", {"expired": False}, status=404)
    _grant(request, intake)
    services.intake_verify_email(intake=intake)
    if intake.has_expired:
        return _expired(request, intake)
    if intake.status != IntakeStatus.DRAFT:
        return redirect("intake:thanks", public_id=intake.public_id)
    first_open = next((step.slug for step in STEPS if step.slug not in intake.completed_steps), None)
    if first_open is None:
        return redirect("intake:review", public_id=intake.public_id)
    return redirect("intake:step", public_id=intake.public_id, step=first_open)


def _resend_link_email(request: HttpRequest) -> str:
    return selectors.intake_email_for_expired_link(token=request.POST.get("token", ""))


@require_POST
@rate_limited(LimitedAction.INTAKE_RESEND_LINK, email=_resend_link_email)
def resend_link(request: HttpRequest) -> HttpResponse:
    """From an expired link: a fresh one goes to the intake's own address (nothing shown here)."""
    form = ResendLinkForm(request.POST)
    if form.is_valid():
        try:
            read_resume_token(form.cleaned_data["token"])
        except LinkExpired as expired:
            intake = Intake.objects.filter(public_id=expired.public_id).first()
            if intake is not None:
                services.intake_resend_link(intake=intake)
        except LinkInvalid:
            pass
    return render(request, "intake/check_email.html", {"email": None})


# --- The steps -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    intake = _intake_for_post(request, public_id)
    if intake is None:
        return _no_access(request)
    current = STEPS_BY_SLUG.get(step)
    if current is None:
        raise Http404("no such step")
    if not intake.is_open:
        return _closed_redirect(request, intake)
    posted = request.method == "POST"
    form = current.form(intake, request.POST if posted else None, request.FILES if posted else None)
    formsets = current.formsets(intake, request.POST if posted else None)
    if posted:
        answered = _step_answered(request, intake, current, form, formsets)
        if isinstance(answered, HttpResponse):
            return answered
        intake = answered
        messages.error(request, _("Some answers need your attention. Nothing you typed has been lost."))
    context = {
        "intake_key": step_form_key(intake.public_id),
        "live_guidance_fields": current.live_guidance_fields(),
        "live_emergency_guidance": red_flags.EMERGENCY_GUIDANCE,
        "live_urgent_guidance": red_flags.URGENT_GUIDANCE,
        "intake": intake,
        "form": form,
        **formsets,
        "step": current,
        "steps": STEPS,
        "step_number": step_index(step) + 1,
        "previous": previous_step(step),
        "body_regions_front": [r for r in BODY_REGIONS if r[2] == "front"],
        "body_regions_back": [r for r in BODY_REGIONS if r[2] == "back"],
        **_safety_context(intake),
    }
    return render(request, f"intake/step_{step}.html", context, status=400 if posted else 200)


def _step_answered(
    request: HttpRequest, intake: Intake, current: Step, form, formsets: dict
) -> HttpResponse | Intake:
    """Save a posted step and say where to go next, or give back the intake to show the form again
    with its errors (safety answers on a refused page are kept all the same)."""
    valid = form.is_valid() and all(fs.is_valid() for fs in formsets.values())
    try:
        if not valid:
            intake = current.record_refused(intake, form)
            if guidance := current.stops_for(intake, saved=False):
                return _urgent_help(request, intake, current, guidance, saved=False)
            return intake
        intake = current.save(intake, form, formsets)
    except services.IntakeNotEditable:
        return _closed_redirect(request, intake)
    except ValidationError as error:
        form_add_validation_error(form, error)
        return intake
    if guidance := current.stops_for(intake, saved=True):
        return _urgent_help(request, intake, current, guidance, saved=True)
    return _after_save(request, intake, current, request.POST.get("action", "next"))


def _after_save(request: HttpRequest, intake: Intake, current: Step, action: str) -> HttpResponse:
    """Where the button the patient pressed leads once the step is saved."""
    step = current.slug
    if action == "later":
        services.intake_send_resume_link(intake=intake)
        return render(request, "intake/saved_for_later.html", {"intake": intake, **_safety_context(intake)})
    if action == "back" and previous_step(step):
        return redirect("intake:step", public_id=intake.public_id, step=previous_step(step))
    if action == "next" and (question := current.still_asking(intake)):
        messages.warning(request, question)
        return redirect("intake:step", public_id=intake.public_id, step=step)
    if action == "save":
        if not _guidance_showing(intake):
            messages.success(request, _("Saved."))
        return redirect("intake:step", public_id=intake.public_id, step=step)
    if following := next_step(step):
        return redirect("intake:step", public_id=intake.public_id, step=following)
    return redirect("intake:review", public_id=intake.public_id)


def _guidance_showing(intake: Intake) -> bool:
    return intake.needs_emergency_guidance or intake.needs_urgent_guidance or intake.crisis_flag


def _urgent_help(
    request: HttpRequest, intake: Intake, current: Step, guidance: str, *, saved: bool
) -> HttpResponse:
    """The guidance is the whole page; a link by email lets the patient finish later, and staff were
    alerted when the answer was stored."""
    services.intake_send_resume_link(intake=intake)
    following = next_step(current.slug) if saved else current.slug
    continue_url = (
        reverse("intake:step", args=[intake.public_id, following])
        if following
        else reverse("intake:review", args=[intake.public_id])
    )
    context = {
        "intake": intake,
        "saved": saved,
        "continue_url": continue_url,
        "emergency": guidance == EMERGENCY,
        **_safety_context(intake),
    }
    return render(request, "intake/urgent_help.html", context)


@cache_control(public=True, max_age=86400)
@require_GET
def medicine_names(request: HttpRequest) -> JsonResponse:
    """Every name the type-ahead offers (not personal data: the same list for everyone)."""
    return JsonResponse({"names": list(medicines.suggestion_names())})


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    intake = _intake_for_post(request, public_id)
    if intake is None:
        return _no_access(request)
    if not intake.is_open:
        return _closed_redirect(request, intake)
    form = ConsentForm(request.POST or None)
    missing = [STEPS_BY_SLUG[slug] for slug in intake.missing_steps()]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.intake_submit(intake=intake, **form.cleaned_data)
            except services.IntakeNotEditable:
                return _closed_redirect(request, intake)
            except services.IntakeIncomplete:
                pass  # the page lists the steps still to do
            except ValidationError as error:
                form_add_validation_error(form, error)
            else:
                return redirect("intake:thanks", public_id=intake.public_id)
        status = 400
        messages.error(request, _("Please check the items marked below before submitting."))
    context = {
        "intake_key": step_form_key(intake.public_id),
        "intake": intake,
        "form": form,
        "missing": missing,
        "steps": STEPS,
        "summaries": selectors.step_summaries(intake),
        "questionnaires": selectors.questionnaire_summaries(intake),
        "regions": selectors.body_region_labels(intake),
        "medications": list(intake.medications.all()),
        "allergies": list(intake.allergies.all()),
        **_safety_context(intake),
    }
    return render(request, "intake/review.html", context, status=status)


@never_cache
def thanks(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    intake = _intake_or_none(request, public_id)
    if intake is None:
        return _no_access(request)
    if intake.has_expired:
        return _expired(request, intake)
    if intake.status == IntakeStatus.DRAFT:
        return redirect("intake:review", public_id=intake.public_id)
    appointment_path = known_patient_request_path(intake.patient.public_id) if intake.patient else None
    return render(
        request,
        "intake/thanks.html",
        {"intake": intake, "appointment_path": appointment_path, **_safety_context(intake)},
    )


# --- Staff ----------------------------------------------------------------------------------------


@never_cache
@verified_staff_required
def insurance_card(request: HttpRequest, public_id: uuid.UUID, side: str) -> FileResponse:
    """A card photo for staff allowed to view intakes; served by clinic.core.uploads with safe headers."""
    if not request.user.has_perm("intake.view_intake"):
        raise PermissionDenied
    intake = get_object_or_404(
        Intake.objects.select_related("insurance_card_front", "insurance_card_back"), public_id=public_id
    )
    upload = {"front": intake.insurance_card_front, "back": intake.insurance_card_back}.get(side)
    if upload is None:
        raise Http404("no card photo")
    record_view_log(request=request, record=intake, kind=RecordView.Kind.CARD_PHOTO)
    return upload_response(upload, inline=True)


def card_url(intake: Intake, side: str) -> str:
    return reverse("intake:insurance_card", args=[intake.public_id, side])
