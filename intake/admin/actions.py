"""Inviting patients to the intake questionnaire, from the intake admin and the Patient admin."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from intake import services


def patients_invite(modeladmin, request, patients) -> None:
    """Invite each patient (the rule is `services.intake_invite`) and say who could not be invited."""
    sent, refused = 0, []
    for patient in patients:
        try:
            services.intake_invite(patient=patient, invited_by=request.user)
            sent += 1
        except ValidationError:
            refused.append(patient.initials)
    modeladmin.message_user(request, ngettext("%d invitation sent.", "%d invitations sent.", sent) % sent)
    if refused:
        modeladmin.message_user(
            request, _("Not invited (no email address): %s") % ", ".join(refused), messages.WARNING
        )


@admin.action(description=_("Invite to complete the intake questionnaire"))
def invite_to_intake(modeladmin, request, queryset):
    """For the Patient admin (the staff layer adds it there)."""
    if not request.user.has_perm("intake.add_intake"):
        modeladmin.message_user(request, _("You may not invite patients."), messages.ERROR)
        return
    patients_invite(modeladmin, request, queryset)
