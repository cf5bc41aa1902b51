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

        from celery.signals import task_postrun, task_prerun

        from .audit import audit_changes, task_correlation_end, task_correlation_start
        from .models import Patient, SafetyScreenRecord, StaffAlert

        # A patient's own details are kept in full: who changed a name, a date of birth or an address,
        # and from what, is what an audit of misidentification or redirected email needs.
        audit_changes(Patient)
        audit_changes(StaffAlert, masked=["summary"])
        # The inputs restate the patient's answers; the result (the decision the booking check reads) stays.
        audit_changes(SafetyScreenRecord, masked=["inputs"])
        task_prerun.connect(task_correlation_start, dispatch_uid="clinic.audit.task-start")
        task_postrun.connect(task_correlation_end, dispatch_uid="clinic.audit.task-end")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served as the staff site that asks for a second factor (named in settings)."""

    default = False
    default_site = "clinic.core.sites.StaffSite"
