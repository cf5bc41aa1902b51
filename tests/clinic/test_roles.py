import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.roles import (
    ALERTS,
    CLINIC_ADMINISTRATOR,
    CLINICIAN,
    ESCALATIONS,
    FRONT_DESK,
    FRONT_DESK_NOTICES,
    ROLE_PERMISSIONS,
    STAFF_RECIPIENTS,
    staff_recipients,
)
from tests.clients import current_code
from tests.factories import PatientFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

# (role, url name, expected status) for every role and every admin page that exists so far.
CASES = [
    (FRONT_DESK, "admin:clinic_patient_changelist", 200),
    (FRONT_DESK, "admin:clinic_patient_add", 200),
    (FRONT_DESK, "admin:clinic_location_add", 403),
    (FRONT_DESK, "admin:clinic_outboundemail_changelist", 200),
    (FRONT_DESK, "admin:auth_user_changelist", 403),
    (CLINICIAN, "admin:clinic_patient_changelist", 200),
    (CLINICIAN, "admin:clinic_patient_add", 403),
    (CLINICIAN, "admin:clinic_location_add", 403),
    (CLINICIAN, "admin:clinic_outboundemail_changelist", 200),
    (CLINICIAN, "admin:auth_user_changelist", 403),
    (CLINIC_ADMINISTRATOR, "admin:clinic_patient_changelist", 200),
    (CLINIC_ADMINISTRATOR, "admin:clinic_patient_add", 200),
    (CLINIC_ADMINISTRATOR, "admin:clinic_location_add", 200),
    (CLINIC_ADMINISTRATOR, "admin:clinic_outboundemail_changelist", 200),
    (CLINIC_ADMINISTRATOR, "admin:auth_user_changelist", 200),
]


def test_the_three_staff_groups_exist_with_their_permissions():
    for role, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == permissions


@pytest.mark.parametrize(("role", "url_name", "expected"), CASES)
def test_each_role_reaches_only_its_admin_pages(client, role, url_name, expected):
    client.force_login(StaffUserFactory(role=role))
    assert client.get(reverse(url_name)).status_code == expected


@pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN, CLINIC_ADMINISTRATOR])
def test_every_role_can_open_a_patient_record(client, role):
    patient = PatientFactory()
    client.force_login(StaffUserFactory(role=role))
    assert client.get(reverse("admin:clinic_patient_change", args=[patient.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get(reverse("admin:clinic_patient_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_staff_user_signs_in_to_the_admin_with_password_then_code(client):
    desk = StaffUserFactory(username="desk", role=FRONT_DESK)
    device = TOTPDevice.objects.create(user=desk, name="Authenticator app", confirmed=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "desk", "password": "a-long-test-password", "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    client.post(response["Location"], {"code": current_code(device), "next": reverse("admin:index")})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("purpose", "setting", "group"),
    [
        (ALERTS, "CLINIC_ALERT_EMAILS", CLINICIAN),
        (ESCALATIONS, "CLINIC_ESCALATION_EMAILS", CLINIC_ADMINISTRATOR),
        (FRONT_DESK_NOTICES, "CLINIC_STAFF_EMAILS", FRONT_DESK),
    ],
)
def test_staff_emails_go_to_the_setting_else_the_active_members_of_one_group(
    settings, purpose, setting, group
):
    assert set(STAFF_RECIPIENTS) == {ALERTS, ESCALATIONS, FRONT_DESK_NOTICES}
    setattr(settings, setting, [])
    StaffUserFactory(role=group, email="b@clinic.example")
    StaffUserFactory(role=group, email="a@clinic.example")
    StaffUserFactory(role=group, email="")
    StaffUserFactory(role=group, email="gone@clinic.example", is_active=False)
    others = [role for role in ROLE_PERMISSIONS if role != group]
    StaffUserFactory(role=others[0], email="other@clinic.example")
    assert staff_recipients(purpose) == ["a@clinic.example", "b@clinic.example"]

    setattr(settings, setting, ["duty@clinic.example"])
    assert staff_recipients(purpose) == ["duty@clinic.example"]
