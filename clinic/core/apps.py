from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _keep_staff_roles_in_step(sender, apps=global_apps, **kwargs):
    # Migrations create the groups; this restores them after a flush (which re-sends
    # post_migrate), as Django does for content types and permissions.
    from .roles import sync_roles

    sync_roles(apps)


class CoreConfig(AppConfig):
    """The shared core: its models keep the app label `clinic` they were created with."""

    name = "clinic.core"
    label = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        from . import checks, sessions  # noqa: F401 (register the system checks, the sign-in receiver)

        post_migrate.connect(_keep_staff_roles_in_step, sender=self)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served as the staff site that asks for a second factor (named in settings)."""

    default = False
    default_site = "clinic.core.sites.StaffSite"
