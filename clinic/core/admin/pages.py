"""The page the staff alert admin adds: acknowledging one alert from its page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clinic.core.alerts import staff_alert_acknowledge

from .base import ReadOnlyModelAdmin


class StaffAlertPages(ReadOnlyModelAdmin):
    """The acknowledge button of an alert's page; StaffAlertAdmin is built on it."""

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("clinic.acknowledge_staffalert")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/acknowledge/",
                self.admin_site.admin_view(self.acknowledge_view),
                name="clinic_staffalert_acknowledge",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_acknowledge": self.has_acknowledge_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def acknowledge_view(self, request, object_id):
        if request.method != "POST" or not self.has_acknowledge_permission(request):
            raise PermissionDenied
        alert = self.get_object(request, object_id)
        if alert is None:
            raise Http404
        if staff_alert_acknowledge(alert=alert, user=request.user):
            self.message_user(request, _("Alert acknowledged."), messages.SUCCESS)
        else:
            self.message_user(request, _("Someone already acknowledged this alert."), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:clinic_staffalert_change", args=[alert.pk]))
