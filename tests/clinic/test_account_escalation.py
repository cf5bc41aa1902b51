"""A Clinic administrator manages staff accounts within the three roles and cannot climb above them:
only a superuser grants superuser status, permissions or other groups, or edits a group."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.clients import current_code
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def change_post(user: User, **fields) -> dict:
    """The user change form as a browser would send it, with whatever the sender added."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(fields)
    return data


def post_change(client, user: User, **fields):
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), change_post(user, **fields))


@pytest.fixture
def administrator(client):
    administrator = StaffUserFactory(role=CLINIC_ADMINISTRATOR)
    client.force_login(administrator)
    return administrator


def test_an_administrator_cannot_make_themselves_superuser_or_give_themselves_permissions(
    client, administrator
):
    every_permission = list(Permission.objects.values_list("pk", flat=True)[:50])

    response = post_change(
        client,
        administrator,
        is_superuser="on",
        is_staff="on",
        user_permissions=every_permission,
    )

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()
    assert list(administrator.groups.values_list("name", flat=True)) == [CLINIC_ADMINISTRATOR]


def test_the_administrator_sees_no_superuser_or_permission_boxes(client, administrator):
    page = client.get(reverse("admin:auth_user_change", args=[administrator.pk])).content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    assert 'name="is_staff"' not in page
    assert 'name="groups"' in page


def test_an_administrator_cannot_edit_a_superuser_or_set_their_password(client, administrator):
    superuser = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)

    response = post_change(client, superuser, email="attacker@evil.example", is_active="")
    assert response.status_code == 403
    password_page = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(password_page).status_code == 403
    response = client.post(
        password_page, {"password1": "a-new-long-password-9", "password2": "a-new-long-password-9"}
    )
    assert response.status_code == 403

    superuser.refresh_from_db()
    assert superuser.email == "root@clinic.example" and superuser.is_active
    assert superuser.check_password(PASSWORD)


def test_an_administrator_cannot_put_anyone_into_a_group_outside_the_three(client, administrator):
    powerful = Group.objects.create(name="Everything")
    powerful.permissions.set(Permission.objects.all())
    desk = StaffUserFactory(role=FRONT_DESK)

    for account in (administrator, desk):
        response = post_change(client, account, groups=[powerful.pk])

        assert response.status_code == 200
        assert "Select a valid choice" in str(response.context["adminform"].form.errors["groups"])
        assert not account.groups.filter(pk=powerful.pk).exists()


def test_an_administrator_cannot_edit_an_account_holding_more_than_the_roles(client, administrator):
    auditor = StaffUserFactory(role=CLINICIAN)
    auditor.groups.add(Group.objects.create(name="Auditors"))
    special = StaffUserFactory(role=FRONT_DESK)
    special.user_permissions.add(Permission.objects.get(codename="change_group"))

    for account in (auditor, special):
        assert post_change(client, account, groups=[group(FRONT_DESK).pk]).status_code == 403
        # Still readable, so the administrator sees why.
        assert client.get(reverse("admin:auth_user_change", args=[account.pk])).status_code == 200
    assert set(auditor.groups.values_list("name", flat=True)) == {CLINICIAN, "Auditors"}


def test_an_administrator_cannot_add_edit_or_delete_a_group(client, administrator):
    role = group(FRONT_DESK)
    permissions_before = set(role.permissions.values_list("pk", flat=True))
    every_permission = list(Permission.objects.values_list("pk", flat=True))

    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]),
        {"name": role.name, "permissions": every_permission},
    )
    assert response.status_code == 403
    response = client.post(reverse("admin:auth_group_add"), {"name": "Mine", "permissions": every_permission})
    assert response.status_code == 403
    response = client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 403

    assert set(role.permissions.values_list("pk", flat=True)) == permissions_before
    assert not Group.objects.filter(name="Mine").exists()
    # The groups can still be read.
    assert client.get(reverse("admin:auth_group_change", args=[role.pk])).status_code == 200


def test_an_administrator_creates_a_front_desk_account_that_signs_in(client, administrator):
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newdesk",
            "usable_password": "true",
            "password1": "Orchid-Ledger-Window-41",
            "password2": "Orchid-Ledger-Window-41",
            "first_name": "Noa",
            "last_name": "Ortiz",
            "email": "noa@clinic.example",
            "groups": [group(FRONT_DESK).pk],
        },
    )

    assert response.status_code == 302
    created = User.objects.get(username="newdesk")
    assert created.is_staff and not created.is_superuser
    assert list(created.groups.values_list("name", flat=True)) == [FRONT_DESK]
    client.logout()
    response = client.post(
        reverse("admin:login"),
        {"username": "newdesk", "password": "Orchid-Ledger-Window-41", "next": reverse("admin:index")},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:verify"))
    # A new account sets up its second step before any staff page opens.
    assert client.get(reverse("admin:clinic_patient_changelist")).status_code == 302
    client.get(reverse("admin:enrol"))
    device = TOTPDevice.objects.get(user=created, confirmed=False)
    client.post(reverse("admin:enrol"), {"code": current_code(device)})
    assert client.get(reverse("admin:clinic_patient_changelist")).status_code == 200


def test_an_administrator_moves_a_clinician_to_the_front_desk_and_later_off_boards_them(
    client, administrator
):
    clinician = StaffUserFactory(role=CLINICIAN)

    assert post_change(client, clinician, groups=[group(FRONT_DESK).pk]).status_code == 302
    assert list(clinician.groups.values_list("name", flat=True)) == [FRONT_DESK]

    assert post_change(client, clinician, is_active="").status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active


def test_an_account_without_any_role_stops_being_a_staff_account(client, administrator):
    desk = StaffUserFactory(role=FRONT_DESK)

    assert post_change(client, desk, groups=[]).status_code == 302

    desk.refresh_from_db()
    assert not desk.is_staff


def test_an_administrator_sets_a_front_desk_password_that_the_validators_accept(client, administrator):
    desk = StaffUserFactory(role=FRONT_DESK)
    page = reverse("admin:auth_user_password_change", args=[desk.pk])

    response = client.post(
        page, {"password1": "Quartz-Meadow-Lantern-7", "password2": "Quartz-Meadow-Lantern-7"}
    )

    assert response.status_code == 302
    desk.refresh_from_db()
    assert desk.check_password("Quartz-Meadow-Lantern-7")


@pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN])
def test_front_desk_and_clinicians_cannot_change_accounts_at_all(client, role):
    user = StaffUserFactory(role=role)
    client.force_login(user)

    assert (
        post_change(client, user, is_superuser="on", groups=[group(CLINIC_ADMINISTRATOR).pk]).status_code
        == 403
    )
    assert set(user.groups.values_list("name", flat=True)) == {role}


def test_a_superuser_still_grants_superuser_status_and_any_group(client):
    superuser = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)
    client.force_login(superuser)
    desk = StaffUserFactory(role=FRONT_DESK)
    auditors = Group.objects.create(name="Auditors")

    response = post_change(
        client,
        desk,
        is_superuser="on",
        is_staff="on",
        groups=[auditors.pk],
        date_joined_0="2026-01-05",
        date_joined_1="09:00:00",
    )

    assert response.status_code == 302
    desk.refresh_from_db()
    assert desk.is_superuser
    assert list(desk.groups.values_list("name", flat=True)) == ["Auditors"]
