from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from clinic.core.audit import audit_changes

        from .models import Appointment, AppointmentRequest, SafetyOverride

        # Free text (the patient's reason, a cancel note, the clinician's override reason) is masked.
        audit_changes(AppointmentRequest, masked=["reason"])
        audit_changes(Appointment, masked=["cancel_note"])
        audit_changes(SafetyOverride, masked=["reason"])
