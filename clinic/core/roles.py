"""Staff roles are Django groups; this table is the one place that says what each may do.

Each app's migration that adds models calls `sync_roles` again, so groups stay in step.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db.migrations.state import StateApps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

FRONT_DESK = "Front desk"
CLINICIAN = "Clinician"
CLINIC_ADMINISTRATOR = "Clinic administrator"

# Who reads the clinical detail of an intake (answers, scores, medicines) and the PHQ-9 item 9 alerts.
CLINICAL_DETAIL_PERMISSION = "intake.view_clinical_intake"

ROLE_LABELS = {
    FRONT_DESK: _("Front desk"),
    CLINICIAN: _("Clinician"),
    CLINIC_ADMINISTRATOR: _("Clinic administrator"),
}


# Who staff emails go to, by what they are about: the addresses of the setting when it is set, else
# every active member of the group with an email address.
ALERTS = "alerts"  # red flags and PHQ-9 item 9
ESCALATIONS = "escalations"  # alerts not acknowledged in time
FRONT_DESK_NOTICES = "front desk notices"  # a patient cancelled or asked for another time
STAFF_RECIPIENTS = {
    ALERTS: ("CLINIC_ALERT_EMAILS", CLINICIAN),
    ESCALATIONS: ("CLINIC_ESCALATION_EMAILS", CLINIC_ADMINISTRATOR),
    FRONT_DESK_NOTICES: ("CLINIC_STAFF_EMAILS", FRONT_DESK),
}


def staff_recipients(purpose: str) -> list[str]:
    setting, group = STAFF_RECIPIENTS[purpose]
    if addresses := getattr(settings, setting):
        return list(addresses)
    users = get_user_model().objects.filter(groups__name=group, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _crud(model: str, *actions: str) -> set[str]:
    app_label, model_name = model.split(".")
    return {f"{app_label}.{action}_{model_name}" for action in actions or ("add", "change", "delete", "view")}


ROLE_PERMISSIONS: dict[str, set[str]] = {
    # Minimum necessary: the front desk schedules, so it sees who the patient is, how to reach them,
    # their insurance, red-flag urgency and the procedure-safety screen a booking depends on, but
    # not the clinical answers of an intake (scores, pain story, medicines, history, PHQ-9 item 9);
    # of the staff alerts it sees the red flags, not PHQ-9 item 9 (StaffAlertQuerySet.visible_to).
    FRONT_DESK: (
        _crud("clinic.patient", "add", "change", "view")
        | _crud("clinic.location", "view")
        | _crud("clinic.outboundemail", "view")
        | _crud("intake.intake", "add", "view")
        | _crud("clinic.staffalert", "view")
        | _crud("referrals.referral", "view", "triage", "decide")
        | _crud("referrals.referringprovider", "view", "change", "verify")
        | _crud("appointments.appointmentrequest", "view", "change")
        | _crud("appointments.appointment", "add", "view", "change")
        | _crud("appointments.appointmentevent", "view")
        | _crud("appointments.safetyoverride", "view")
        | _crud("appointments.physician", "view")
        | _crud("appointments.locationhours", "view")
    ),
    # Only a clinician may book a procedure the safety screen defers: holding a blood thinner or going
    # ahead despite infection, pregnancy or a device is a clinical judgement.
    CLINICIAN: (
        _crud("clinic.patient", "change", "view")
        | _crud("clinic.location", "view")
        | _crud("clinic.outboundemail", "view")
        | _crud("referrals.referral", "view", "decide")
        | _crud("referrals.referringprovider", "view")
        | _crud("intake.intake", "add", "view", "view_clinical", "review", "examine")
        | _crud("clinic.staffalert", "view", "acknowledge")
        | _crud("appointments.appointmentrequest", "view")
        | _crud("appointments.appointment", "view", "change")
        | _crud("appointments.appointmentevent", "view")
        | _crud("appointments.safetyoverride", "view", "override")
        | _crud("appointments.physician", "view")
        | _crud("appointments.locationhours", "view")
    ),
    CLINIC_ADMINISTRATOR: (
        _crud("clinic.patient")
        | _crud("clinic.location")
        | _crud("clinic.outboundemail", "view", "change")
        | _crud("auth.user", "add", "change", "view")
        | _crud("auth.group", "view")
        | _crud("axes.accessattempt", "view", "delete")
        | _crud("axes.accesslog", "view")
        | _crud("axes.accessfailurelog", "view")
        | _crud("referrals.referral", "view", "triage", "decide")
        | _crud("referrals.referringprovider", "view", "change", "verify")
        # Not the DN4 examination (items 8-10 are examined at the bedside, a clinician's finding).
        # Reviewing an intake means reading it: the clinical answers too.
        | _crud("intake.intake", "add", "view", "view_clinical", "review")
        | _crud("clinic.staffalert", "view", "acknowledge")
        | _crud("appointments.appointmentrequest", "view", "change")
        | _crud("appointments.appointment", "add", "view", "change")
        | _crud("appointments.appointmentevent", "view")
        # Not the override: an administrator runs the clinic's accounts and settings, which is not
        # the clinical training the decision needs; a clinician who also administers has both groups.
        | _crud("appointments.safetyoverride", "view")
        | _crud("appointments.physician")
        | _crud("appointments.locationhours")
        # The audit: who viewed and who changed patients' records (read-only for everyone).
        | _crud("clinic.recordview", "view")
        | _crud("auditlog.logentry", "view")
    ),
}


# --- Who manages whose account ----------------------------------------------------------------------
# Only a superuser grants superuser status, a permission of its own or a group other than the three
# roles, and only a superuser edits a group. A Clinic administrator (who may change users) manages the
# accounts that hold nothing beyond the roles: their details, whether they are active, their password
# and which of the three roles they have. Staff status then follows the roles (an account with a role
# can sign in to /staff/, one with none cannot); it is never ticked by hand below a superuser.


def role_groups() -> QuerySet[Group]:
    return Group.objects.filter(name__in=ROLE_PERMISSIONS)


def account_manageable(user: AbstractBaseUser, *, by: AbstractBaseUser) -> bool:
    """Whether `by`, already allowed to change users, may change this account."""
    if getattr(by, "is_superuser", False):
        return True
    return not (
        getattr(user, "is_superuser", False)
        or user.user_permissions.exists()  # type: ignore[attr-defined]  # a PermissionsMixin user
        or user.groups.exclude(name__in=ROLE_PERMISSIONS).exists()  # type: ignore[attr-defined]
    )


def account_staff_status_follow_roles(*, user: AbstractBaseUser) -> None:
    """After a Clinic administrator has saved an account: staff status is whether it has a role."""
    is_staff = user.groups.filter(name__in=ROLE_PERMISSIONS).exists()  # type: ignore[attr-defined]
    if getattr(user, "is_staff", None) != is_staff:
        user.is_staff = is_staff  # type: ignore[attr-defined]
        user.save(update_fields=["is_staff"])


def sync_roles(apps: StateApps) -> None:
    """Create the groups and give each exactly its permissions (for use in data migrations)."""
    for app_config in apps.get_app_configs():
        # Historical app configs of a migration have no models module, which create_permissions needs.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # type: ignore[assignment]  # any true value
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in permission_names
        ]
        group.permissions.set(permissions)
