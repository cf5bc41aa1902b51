from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Patient intake")

    def ready(self) -> None:
        from clinic.core.audit import audit_changes

        from . import checks  # noqa: F401 (register the system checks)
        from .models import Allergy, InstrumentResponse, Intake, Medication

        # The patient's answers are masked (the entry says they changed, the intake holds them); what
        # was decided from them (status, tier, scores) keeps its values. The medicine and allergy
        # lists keep theirs: a blood thinner dropped from the list before a procedure is booked is the
        # kind of change the audit must show.
        audit_changes(Intake, masked=["answers", "body_regions", "red_flags", "safety_flags"])
        audit_changes(Medication)
        audit_changes(Allergy)
        audit_changes(InstrumentResponse, masked=["answers", "details"])
