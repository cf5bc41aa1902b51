"""The staff sign-in (Django admin at /staff/login/) is guarded by django-axes like the referrer one."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password


def sign_in(client, username: str, password: str, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **extra,
    )


def test_five_wrong_passwords_lock_the_staff_sign_in_with_a_friendly_page(client):
    staff = StaffUserFactory()
    for _ in range(4):
        response = sign_in(client, staff.username, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert sign_in(client, staff.username, "wrong").status_code == 429

    response = sign_in(client, staff.username, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "Please try again in 15 minutes." in page
    assert settings.CLINIC_PHONE in page
    assert 'href="/staff/login/"' in page
    assert "_auth_user_id" not in client.session


def test_a_locked_staff_sign_in_leaves_colleagues_and_other_addresses_alone(client):
    staff, colleague = StaffUserFactory(), StaffUserFactory()
    for _ in range(5):
        sign_in(client, staff.username, "wrong")

    assert sign_in(client, colleague.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, staff.username, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_staff_sign_in_works_again_after_the_cool_off(client):
    staff = StaffUserFactory()
    for _ in range(5):
        sign_in(client, staff.username, "wrong")
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert sign_in(client, staff.username, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=14 + 16), tick=False):
        response = sign_in(client, staff.username, PASSWORD)

    # The password is accepted again; the second step comes next.
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:verify"))


def test_the_lockout_page_has_no_password_and_the_attempt_record_masks_it(client):
    from axes.models import AccessAttempt

    staff = StaffUserFactory()
    for _ in range(5):
        response = sign_in(client, staff.username, "hunter2-guess")

    assert "hunter2-guess" not in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == staff.username.lower()
    assert "hunter2-guess" not in attempt.post_data


def test_a_clinic_administrator_unlocks_a_locked_out_colleague(client):
    from axes.models import AccessAttempt

    from clinic.core.roles import CLINIC_ADMINISTRATOR

    staff = StaffUserFactory()
    for _ in range(5):
        sign_in(client, staff.username, "wrong")
    administrator = StaffUserFactory(role=CLINIC_ADMINISTRATOR)
    client.force_login(administrator)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200 and staff.username in attempts.content.decode()

    attempt = AccessAttempt.objects.get(username=staff.username)
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()

    assert sign_in(client, staff.username, PASSWORD).status_code == 302
