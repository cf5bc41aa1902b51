"""The staff site: its titles, and Django's and django-axes' own ModelAdmins with the portal's guard."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from clinic.core.accounts import StaffSignInForm

from .base import RefuseTamperedSelectionMixin

admin.site.site_header = _("Pain Clinic Portal: staff")
admin.site.site_title = _("Pain Clinic Portal")
admin.site.index_title = _("Worklists and records")
admin.site.login_form = StaffSignInForm

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(RefuseTamperedSelectionMixin, UserAdmin):
    pass


@admin.register(Group)
class RoleAdmin(RefuseTamperedSelectionMixin, GroupAdmin):
    pass


# django-axes' pages (sign-in lockouts), with the same guard: administrators unlock people here.
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_model_admin.__name__, (RefuseTamperedSelectionMixin, _model_admin), {}))
