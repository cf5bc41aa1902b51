"""The staff site (/staff/): Django's admin, open only to staff who have passed the second factor."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .accounts import StaffSignInForm
from .forms import SecondFactorForm
from .second_factor import (
    awaits_second_factor,
    backup_codes_left,
    enrolment_device,
    enrolment_finish,
    has_second_factor,
    is_backup_code,
    is_verified_staff,
    qr_code_svg,
    second_factor_sign_in,
    secret_for_typing,
)


class StaffSite(admin.AdminSite):
    site_header = _("Pain Clinic Portal: staff")
    site_title = _("Pain Clinic Portal")
    index_title = _("Worklists and records")
    login_form = StaffSignInForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request.user)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("verify/", self.verify_view, name="verify"),
            path("enrol/", self.enrol_view, name="enrol"),
            # Not behind has_permission, so that staff halfway through signing in can leave too.
            path("logout/", self.logout, name="logout"),
            *super().get_urls(),
        ]

    @staticmethod
    def _next(request: HttpRequest) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index")

    def _second_step(self, request: HttpRequest, name: str) -> HttpResponse:
        return redirect(f"{reverse(f'admin:{name}')}?{urlencode({'next': self._next(request)})}")

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if awaits_second_factor(request.user):
            return self._second_step(request, "verify")
        response = super().login(request, extra_context)
        if request.method == "POST" and awaits_second_factor(request.user):
            return self._second_step(request, "verify")
        return response

    def _page(self, request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request, template, {**self.each_context(request), "next": self._next(request), **context}
        )

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def verify_view(self, request: HttpRequest) -> HttpResponse:
        if is_verified_staff(request.user):
            return redirect(self._next(request))
        if not awaits_second_factor(request.user):
            return redirect(f"{reverse('admin:login')}?{urlencode({'next': self._next(request)})}")
        if not has_second_factor(request.user):
            return self._second_step(request, "enrol")
        form = SecondFactorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = second_factor_sign_in(request, form.cleaned_data["code"])
            if device is not None:
                if is_backup_code(device):
                    messages.warning(
                        request,
                        _(
                            "You signed in with a backup code; %(left)d are left. "
                            "Ask an administrator for new ones."
                        )
                        % {"left": backup_codes_left(request.user)},
                    )
                return redirect(self._next(request))
            form.add_error(
                "code", _("That code is not right, or it has expired. Type the code your app shows now.")
            )
        return self._page(request, "admin/second_factor/verify.html", form=form, title=_("Second step"))

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def enrol_view(self, request: HttpRequest) -> HttpResponse:
        if not awaits_second_factor(request.user):
            return redirect(
                self._next(request) if is_verified_staff(request.user) else reverse("admin:login")
            )
        if has_second_factor(request.user):
            # Someone with the password alone must never add a device of their own.
            return self._second_step(request, "verify")
        device = enrolment_device(request.user)
        form = SecondFactorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = enrolment_finish(request, device, form.cleaned_data["code"])
            if codes is not None:
                return self._page(
                    request,
                    "admin/second_factor/backup_codes.html",
                    codes=codes,
                    title=_("Your backup codes"),
                )
            form.add_error("code", _("That code is not right. Type the 6-digit code your app shows now."))
        return self._page(
            request,
            "admin/second_factor/enrol.html",
            form=form,
            qr_code=qr_code_svg(device),
            secret=secret_for_typing(device),
            title=_("Set up your second step"),
        )
