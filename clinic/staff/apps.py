from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The staff layer: pages that compose every app (worklists, demo data, cross-app admin actions)."""

    name = "clinic.staff"
    label = "staff"
    verbose_name = _("Staff")
