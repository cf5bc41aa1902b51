import logging

import redis
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic.base import ContextMixin, View

from .accounts import StaffPasswordResetForm
from .checks import alert_recipients_state
from .ratelimits import LimitedAction, posted, rate_limited
from .selectors import active_locations, outbox_oldest_due_seconds

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "clinic/home.html", {"locations": active_locations()})


@rate_limited(LimitedAction.STAFF_SIGN_IN, email=posted("username"))
def staff_login(request, extra_context=None):
    """The staff site's own sign-in (looked up when called, whatever site class serves /staff/)."""
    return admin.site.login(request, extra_context)


@never_cache
@require_GET
def healthz(request):
    """For a load balancer: 200 when the database (and Redis, when configured) answer.

    Answered over plain HTTP too (SECURE_REDIRECT_EXEMPT), as balancers check hosts that way. The
    detail also says whether staff alerts and their escalations reach anyone ("none" is for a person
    to fix, not a reason to take the site out of service), and how long the oldest due email has
    waited (a worker or the mail server to look at; the web host itself is fine).
    """
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    detail = {**alert_recipients_state(), **_outbox_state()} if checks["database"] == "ok" else {}
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks, **detail}, status=200 if healthy else 503
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check: database unreachable")
        return "error"
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception:
        logger.exception("Health check: Redis unreachable")
        return "error"
    return "ok"


# --- Staff password reset (/staff/password-reset/), on the admin's own templates --------------------


class _StaffPages(ContextMixin, View):
    """The admin's titles and header on the staff reset pages (Django's admin templates)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **admin.site.each_context(self.request)}


@method_decorator(rate_limited(LimitedAction.PASSWORD_RESET, email=posted("email")), name="dispatch")
class StaffPasswordResetView(_StaffPages, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class StaffPasswordResetDoneView(_StaffPages, auth_views.PasswordResetDoneView):
    pass


class StaffPasswordResetConfirmView(_StaffPages, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class StaffPasswordResetCompleteView(_StaffPages, auth_views.PasswordResetCompleteView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse("admin:login")}


def _outbox_state() -> dict[str, int | str | None]:
    try:
        return {"oldest_due_email_seconds": outbox_oldest_due_seconds()}
    except DatabaseError:
        return {"oldest_due_email_seconds": "unknown"}


# Failure pages (clinic/urls.py's handler400, 403, 404 and 500; CSRF_FAILURE_VIEW). Each names the
# clinic's phone and links home and says nothing of the request: no path, no error, no debug.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _failure_page(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _failure_page(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _failure_page(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _failure_page(request, "403_csrf.html", status=403)


def _failure_page(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
    """The public site's layout, or the admin's for a staff member on a staff page."""
    context = {}
    user = getattr(request, "user", None)  # absent when the request failed before authentication
    if request.path.startswith(reverse("admin:index")) and user is not None and user.is_staff:
        context = {**admin.site.each_context(request), "failure_layout": "admin/base_site.html"}
    return render(request, template, context, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: no database, no context processors, nothing that can fail a second time."""
    context = {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "STATIC_URL": settings.STATIC_URL,
    }
    try:
        return HttpResponseServerError(render_to_string("500.html", context))
    except Exception:  # noqa: BLE001 - the page that reports a failure must not fail itself
        logger.exception("The 500 page could not be rendered")
        message = _("Something went wrong on our side. Please try again later, or call us on %(phone)s.")
        return HttpResponseServerError(message % {"phone": settings.CLINIC_PHONE}, content_type="text/plain")
