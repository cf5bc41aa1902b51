import logging

import redis
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic.base import ContextMixin, View

from .accounts import StaffPasswordResetForm
from .checks import alert_recipients_state
from .selectors import active_locations

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "clinic/home.html", {"locations": active_locations()})


@never_cache
@require_GET
def healthz(request):
    """For a load balancer: 200 when the database (and Redis, when configured) answer.

    The detail also says whether staff alerts and their escalations reach anyone ("none" is for a
    person to fix, not a reason to take the site out of service).
    """
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    detail = alert_recipients_state() if checks["database"] == "ok" else {}
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
