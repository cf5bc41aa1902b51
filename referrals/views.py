"""Referring providers' pages. Thin: forms validate, services write, selectors scope every read.

Access: anonymous visitors are sent to the referrer sign-in; a signed-in user without a referrer
profile is refused; a referral (or document) of another provider is a 404, whatever the URL.
"""

import functools

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.core.audit import record_view_log
from clinic.core.forms import SecondFactorForm, form_add_validation_error, validation_error_text
from clinic.core.links import KEPT_UPLOAD, LinkExpired, LinkInvalid, link_open, link_sign
from clinic.core.models import RecordView, Upload
from clinic.core.ratelimits import LimitedAction, posted, rate_limited
from clinic.core.second_factor import (
    backup_codes_issue,
    backup_codes_left,
    enrolment_device,
    enrolment_finish,
    has_second_factor,
    is_backup_code,
    is_verified_staff,
    qr_code_svg,
    second_factor_pending,
    second_factor_remove,
    second_factor_sign_in,
    secret_for_typing,
)
from clinic.core.uploads import DOCUMENT_TYPES, upload_response, upload_store, upload_validate

from . import selectors, services
from .forms import (
    MAX_DOCUMENTS,
    AddDocumentForm,
    CancelReferralForm,
    ProviderLoginForm,
    ProviderPasswordResetForm,
    ProviderRegistrationForm,
    ReferralForm,
    SecondFactorProofForm,
)
from .icd10 import icd10_description, icd10_search
from .models import ReferralDocument, ReferralStatus


def second_step_redirect(request, next_url: str | None = None):
    """To the code step of the sign-in, coming back to `next_url` (this page) afterwards."""
    target = next_url or request.get_full_path()
    return redirect(f"{reverse('referrals:second_factor')}?{urlencode({'next': target})}")


def provider_required(view):
    """The signed-in referrer is passed to the view as `provider`; one who has turned the second
    step on and not yet passed it in this session is sent to it first."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("referrals:login"))
        provider = selectors.referring_provider_for_user(request.user)
        if provider is None:
            raise PermissionDenied
        if second_factor_pending(request.user):
            return second_step_redirect(request)
        return view(request, *args, provider=provider, **kwargs)

    return wrapper


def _signed_in_email(request) -> str:
    return str(getattr(request.user, "email", ""))


def _posted(request):
    """The POST data, even empty (an empty POST is a form sent with nothing typed: say what is missing)."""
    return request.POST if request.method == "POST" else None


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("referrals:list")


# --- Landing, accounts -----------------------------------------------------------------------------


@require_GET
def landing(request):
    provider = selectors.referring_provider_for_user(request.user)
    return render(request, "referrals/landing.html", {"provider": provider})


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(LimitedAction.PROVIDER_REGISTRATION, email=posted("email"))
def register(request):
    if selectors.referring_provider_for_user(request.user):
        return redirect("referrals:list")
    form = ProviderRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.filled_by_a_robot:
        return redirect("referrals:register_done")
    if request.method == "POST" and form.is_valid():
        try:
            services.referring_provider_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                **form.profile_data(),
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            # The same page whether an account was made or its owner was told (no enumeration).
            return redirect("referrals:register_done")
    return render(request, "referrals/register.html", {"form": form})


@require_GET
def register_done(request):
    return render(request, "referrals/register_done.html")


@never_cache
@require_GET
def verify_email(request, token: str):
    try:
        services.referring_provider_confirm_email(token=token)
    except LinkExpired:
        return render(request, "referrals/verify_email_failed.html", {"expired": True}, status=400)
    except LinkInvalid:
        return render(request, "referrals/verify_email_failed.html", {"expired": False}, status=400)
    messages.success(request, _("Thank you: your email address is confirmed."))
    if selectors.referring_provider_for_user(request.user):
        return redirect("referrals:list")
    return redirect("referrals:login")


@require_POST
@provider_required
@rate_limited(LimitedAction.PROVIDER_RESEND_VERIFICATION, email=_signed_in_email)
def resend_verification(request, provider):
    if not provider.email_is_verified:
        services.referring_provider_send_email_verification(provider=provider)
        messages.success(request, _("We have sent you a new link."))
    return redirect("referrals:list")


@method_decorator(rate_limited(LimitedAction.PROVIDER_SIGN_IN, email=posted("username")), name="dispatch")
class ProviderLoginView(auth_views.LoginView):
    """Django's login view with the referrer's templates. Repeated wrong passwords for one account
    from one address are stopped by django-axes (settings AXES_*), as on the staff sign-in; failures
    from one address or at one account, however spread, by the rate limit."""

    template_name = "referrals/login.html"
    authentication_form = ProviderLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("referrals:list")

    def form_valid(self, form):
        response = super().form_valid(form)
        if second_factor_pending(self.request.user):
            return second_step_redirect(self.request, self.get_success_url())
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """The code step of the sign-in, for a provider who has turned the second step on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("referrals:login"))
    if selectors.referring_provider_for_user(request.user) is None:
        raise PermissionDenied
    if not second_factor_pending(request.user):
        return redirect(_safe_next(request))
    return _second_factor_code(request)


@rate_limited(LimitedAction.PROVIDER_SECOND_FACTOR, email=_signed_in_email)
def _second_factor_code(request):
    form = SecondFactorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        device = second_factor_sign_in(request, form.cleaned_data["code"])
        if device is not None:
            if is_backup_code(device):
                left = backup_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a backup code; %(left)d is left. "
                        "You can make a new set on your account page.",
                        "You signed in with a backup code; %(left)d are left. "
                        "You can make a new set on your account page.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_safe_next(request))
        form.add_error(
            "code",
            _(
                "That code is not right, or it has expired. Type the code your app shows now, "
                "or a backup code you have not used before."
            ),
        )
    return render(request, "referrals/second_factor.html", {"form": form, "next": _safe_next(request)})


class ProviderLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("referring_providers")  # type: ignore[assignment]  # a lazy URL is what Django documents


@method_decorator(rate_limited(LimitedAction.PASSWORD_RESET, email=posted("email")), name="dispatch")
class ProviderPasswordResetView(auth_views.PasswordResetView):
    """The same answer for any address (clinic.core.accounts); the link goes to a provider account's
    address only."""

    template_name = "referrals/password_reset_form.html"
    form_class = ProviderPasswordResetForm
    success_url = reverse_lazy("referrals:password_reset_done")


class ProviderPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "referrals/password_reset_done.html"


class ProviderPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "referrals/password_reset_confirm.html"
    success_url = reverse_lazy("referrals:password_reset_complete")


class ProviderPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "referrals/password_reset_complete.html"


# --- The provider's account: the second step of the sign-in, on or off -----------------------------


@never_cache
@require_GET
@provider_required
def account(request, provider):
    return render(
        request,
        "referrals/account.html",
        {
            "provider": provider,
            "second_factor_on": has_second_factor(request.user),
            "backup_codes_left": backup_codes_left(request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
def second_factor_enrol(request, provider):
    """A QR code for the app, confirmed with its first code; the backup codes are shown once."""
    if has_second_factor(request.user):
        return redirect("referrals:account")
    device = enrolment_device(request.user)
    form = SecondFactorForm(_posted(request))
    form.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")
    if request.method == "POST" and form.is_valid():
        codes = enrolment_finish(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "referrals/second_factor_codes.html", {"provider": provider, "codes": codes}
            )
        form.add_error("code", _("That code is not right. Type the 6-digit code your app shows now."))
    return render(
        request,
        "referrals/second_factor_enrol.html",
        {
            "provider": provider,
            "form": form,
            "qr_code": qr_code_svg(device),
            "secret": secret_for_typing(device),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
@rate_limited(LimitedAction.PROVIDER_SECOND_FACTOR, email=_signed_in_email)
def second_factor_disable(request, provider):
    if not has_second_factor(request.user):
        return redirect("referrals:account")
    form = SecondFactorProofForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        second_factor_remove(request=request)
        messages.success(request, _("The second step is off: you sign in with your password alone."))
        return redirect("referrals:account")
    return render(request, "referrals/second_factor_disable.html", {"provider": provider, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
@rate_limited(LimitedAction.PROVIDER_SECOND_FACTOR, email=_signed_in_email)
def second_factor_new_codes(request, provider):
    """A new set of backup codes (the old ones stop working), shown once."""
    if not has_second_factor(request.user):
        return redirect("referrals:account")
    form = SecondFactorProofForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        codes = backup_codes_issue(request.user)
        return render(
            request,
            "referrals/second_factor_codes.html",
            {"provider": provider, "codes": codes, "renewed": True},
        )
    return render(request, "referrals/second_factor_new_codes.html", {"provider": provider, "form": form})


# --- Referrals ------------------------------------------------------------------------------------


@require_GET
@provider_required
def referral_list(request, provider):
    status = request.GET.get("status", "")
    if status not in ("", "open", *ReferralStatus.values):
        status = ""
    referrals = selectors.referral_list_for_provider(provider=provider, status=status)
    return render(
        request,
        "referrals/list.html",
        {
            "provider": provider,
            "referrals": referrals,
            "status": status,
            "status_choices": ReferralStatus.choices,
        },
    )


def _kept_token(request, upload: Upload) -> str:
    return link_sign(KEPT_UPLOAD, upload.public_id, bound_to=request.session.session_key or "")


def _kept_uploads(request) -> tuple[list[Upload], int]:
    """Documents stored during an earlier failed submit of this form and still ticked, and how
    many of those are gone (discarded as abandoned since, see referral_uploads_discard_abandoned)."""
    public_ids = set()
    for token in request.POST.getlist("kept_documents")[:MAX_DOCUMENTS]:
        try:
            link = link_open(KEPT_UPLOAD, token)
        except (LinkExpired, LinkInvalid):
            continue
        if request.session.session_key and link.bound_to == request.session.session_key:
            public_ids.add(link.public_id)
    uploads = list(Upload.objects.filter(public_id__in=public_ids).select_related("referral_document"))
    # One already attached belongs to this form's referral, submitted a moment ago (a resubmission).
    kept = sorted(
        (upload for upload in uploads if not hasattr(upload, "referral_document")), key=lambda u: u.pk
    )
    return kept, len(public_ids) - len(uploads)


def _store_uploads(form, field: str, files) -> list[Upload]:
    """Store each good file; each refused one gets its message next to the field."""
    stored = []
    for uploaded_file in files:
        try:
            stored.append(upload_store(checked=upload_validate(uploaded_file, allowed_types=DOCUMENT_TYPES)))
        except ValidationError as error:
            form.add_error(field, error)
    return stored


def _within_document_quota(form, provider, *, adding: int) -> bool:
    """False, with the reason next to the documents field, past an unverified provider's quota."""
    try:
        services.referral_documents_check_quota(provider=provider, adding=adding)
    except ValidationError as error:
        form.is_valid()
        form_add_validation_error(form, error)
        return False
    return True


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
def referral_new(request, provider):
    if not provider.email_is_verified:
        return render(request, "referrals/email_not_verified.html", {"provider": provider})
    if request.method == "GET":
        form = ReferralForm(initial=ReferralForm.fresh_initial())
        return render(request, "referrals/new.html", {"form": form, "provider": provider, "kept": []})

    form = ReferralForm(request.POST, request.FILES)
    if request.session.session_key is None:
        request.session.save()
    kept, gone = _kept_uploads(request)
    files = request.FILES.getlist("documents")
    if gone:
        form.add_error(
            "documents",
            _("A document attached earlier is no longer available: please attach it again."),
        )
    if len(kept) + len(files) > MAX_DOCUMENTS:
        form.is_valid()
        form.add_error("documents", _("Send at most %(max)s documents.") % {"max": MAX_DOCUMENTS})
        files = []
    if files and not _within_document_quota(form, provider, adding=len(kept) + len(files)):
        files = []
    form_ok = form.is_valid()
    if files and not form_ok and not provider.is_verified:
        # Held providers' files are stored only with a referral that is sent, never kept for a retry.
        form.add_error(
            "documents",
            _("Your documents were not kept because the form needs changes: attach them again to send it."),
        )
        files = []
    kept += _store_uploads(form, "documents", files) if files else []
    if form_ok and form.is_valid():
        referral, created = services.referral_submit(
            provider=provider,
            submission_token=form.cleaned_data["submission_token"],
            data=form.referral_data(),
            uploads=kept,
        )
        if created:
            messages.success(
                request,
                _("Referral %(number)s is submitted. We have emailed you an acknowledgement.")
                % {"number": referral.number},
            )
        else:
            messages.info(request, _("This referral was already submitted: here it is."))
        return redirect("referrals:detail", public_id=referral.public_id)
    kept_rows = [(upload, _kept_token(request, upload)) for upload in kept]
    return render(
        request, "referrals/new.html", {"form": form, "provider": provider, "kept": kept_rows}, status=400
    )


@never_cache
@require_GET
@provider_required
def referral_detail(request, public_id, provider):
    referral = selectors.referral_get_for_provider(provider=provider, public_id=public_id)
    return render(request, "referrals/detail.html", _detail_context(referral, provider, request=request))


def _detail_context(referral, provider, **extra) -> dict:
    """The referrer's page of one referral (it shows the patient's details: each showing is audited)."""
    record_view_log(request=extra.pop("request"), record=referral)
    return {
        "referral": referral,
        "provider": provider,
        "codes": [(code, icd10_description(code)) for code in referral.diagnosis_codes],
        "documents": selectors.referral_documents(referral=referral),
        "events": selectors.referral_events(referral=referral),
        "document_form": extra.pop("document_form", None) or AddDocumentForm(),
        **extra,
    }


@never_cache
@require_POST
@provider_required
def referral_add_documents(request, public_id, provider):
    referral = selectors.referral_get_for_provider(provider=provider, public_id=public_id)
    form = AddDocumentForm(request.POST, request.FILES)
    if not referral.is_open:
        messages.error(request, _("This referral is closed; documents can no longer be added."))
        return redirect("referrals:detail", public_id=referral.public_id)
    files = request.FILES.getlist("documents")[:MAX_DOCUMENTS]
    if form.is_valid() and _within_document_quota(form, provider, adding=len(files)):
        with transaction.atomic():
            stored = _store_uploads(form, "documents", files)
            for upload in stored:
                services.referral_document_add(referral=referral, upload=upload, by=request.user)
        if stored:
            messages.success(request, _("%(count)s document(s) added.") % {"count": len(stored)})
        if not form.errors:
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(referral, provider, document_form=form, request=request),
        status=400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
def referral_cancel(request, public_id, provider):
    referral = selectors.referral_get_for_provider(provider=provider, public_id=public_id)
    form = CancelReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_provider_cancel(
                referral=referral, provider=provider, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, validation_error_text(error))
        else:
            messages.success(request, _("Referral %(number)s is cancelled.") % {"number": referral.number})
        return redirect("referrals:detail", public_id=referral.public_id)
    record_view_log(request=request, record=referral)
    return render(request, "referrals/cancel.html", {"referral": referral, "form": form})


@never_cache
@require_GET
def document_download(request, public_id, document_id):
    """The referral's own provider, or staff allowed to view referrals; anyone else gets a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("referrals:login"))
    if second_factor_pending(request.user) and selectors.referring_provider_for_user(request.user):
        return second_step_redirect(request)
    document = get_object_or_404(
        ReferralDocument.objects.select_related("upload", "referral__provider"),
        public_id=document_id,
        referral__public_id=public_id,
    )
    is_staff_reader = is_verified_staff(request.user) and request.user.has_perm("referrals.view_referral")
    provider = selectors.referring_provider_for_user(request.user)
    if not is_staff_reader and (provider is None or document.referral.provider_id != provider.pk):
        raise Http404
    record_view_log(request=request, record=document, kind=RecordView.Kind.DOCUMENT)
    return upload_response(document.upload, inline=True)


@require_GET
def icd10_lookup(request):
    """JSON for the code search box: `?q=` a code or words; signed-in referrers and staff only."""
    user = request.user
    if not user.is_authenticated or not (user.is_staff or selectors.referring_provider_for_user(user)):
        return JsonResponse({"results": [], "error": "sign in"}, status=403)
    results = icd10_search(request.GET.get("q", ""))
    return JsonResponse({"results": [{"code": r.code, "description": r.description} for r in results]})
