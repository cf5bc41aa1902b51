"""Admin pages that join apps: the staff layer adds each app's actions to the core's ModelAdmins."""

from django.contrib import admin

from clinic.core.admin import PatientAdmin
from clinic.core.models import Patient
from intake.admin import invite_to_intake

admin.site.unregister(Patient)


@admin.register(Patient)
class StaffPatientAdmin(PatientAdmin):
    actions = [invite_to_intake]
