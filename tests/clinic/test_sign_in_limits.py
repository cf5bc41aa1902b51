"""Both sign-in pages answer any username or password, of any length or characters, with the form
again and a message, never a 500: the fields are checked before the lockout record is written."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import ReferringProviderFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # noqa: S105 - the factories' test password
SIGN_IN_PAGES = ["admin:login", "referrals:login"]

HOSTILE = {
    "256 characters": "a" * 250 + "@x.org",
    "10,000 characters": "b" * 10_000,
    "a NUL byte": "ana\x00@practice.example",
    "emoji": "🩺😀" * 140,
    "right-to-left and combining marks": "\u202eana\u0301@practice.example" * 20,
}


def sign_in(client, url_name: str, username: str, password: str):
    return client.post(reverse(url_name), {"username": username, "password": password})


@pytest.mark.parametrize("url_name", SIGN_IN_PAGES)
@pytest.mark.parametrize("username", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_username_gets_the_form_again_with_a_message(client, url_name, username):
    response = sign_in(client, url_name, username, "whatever-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert all(len(attempt.username or "") <= 255 for attempt in AccessAttempt.objects.all())


@pytest.mark.parametrize("url_name", SIGN_IN_PAGES)
def test_an_overlong_username_is_refused_next_to_the_field(client, url_name):
    response = sign_in(client, url_name, "a" * 10_000, "whatever-password")

    errors = response.context["form"].errors["username"]
    assert any("at most" in error for error in errors)
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("url_name", SIGN_IN_PAGES)
@pytest.mark.parametrize("password", ["p" * 10_000, "pass\x00word-long", "🔑" * 200])
def test_a_hostile_password_gets_the_form_again_with_a_message(client, url_name, password):
    staff = StaffUserFactory(email="desk@clinic.example")
    response = sign_in(client, url_name, staff.username, password)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_the_limits_leave_a_normal_sign_in_alone_on_both_pages(client):
    staff = StaffUserFactory()
    provider = ReferringProviderFactory()

    assert sign_in(client, "admin:login", staff.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "referrals:login", provider.user.email, PASSWORD).status_code == 302


def test_a_long_but_wrong_email_still_counts_towards_the_lockout(client):
    """An address as long as an account name may be (150 characters) is checked and counted."""
    address = "ana@" + ".".join(["d" * 60, "d" * 60, "d" * 20]) + ".org"
    assert len(address) == 150
    response = sign_in(client, "referrals:login", address, "wrong-password")

    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == address
