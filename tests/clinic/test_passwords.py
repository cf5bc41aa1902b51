"""Passwords: Argon2 in production (older hashes still work and are upgraded at sign-in), and the
trivial or common ones refused wherever a password is set."""

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from clinic.settings import base
from tests.clinic.test_settings import PRODUCTION_ENV, run_manage
from tests.factories import ReferringProviderFactory, StaffUserFactory

REFUSED = [
    "aaaaaaaaaaaa",
    "AAAAAAAAAAAAAAAAAAAA",
    "abcdefghijkl",
    "zyxwvutsrqpo",
    "123456789012",
    "qwertyuiopas",
    "QWERTYUIOP{}",
    "1qaz2wsx3edc4rfv",
    "qazwsxedcrfv",
    "!@#$%^&*()_+",
    "abcabcabcabc",
    "123123123123",
    "1111aaaa2222",
    "passwordpassword",
    "Password1234",
    "P@ssw0rd1234",
    "Drowssap1234",
    "Welcome12345",
    "iloveyou2026",
    "Summer2024!!",
    "monkeydragon99",
    "Painclinic2026",
    "a" * 128,
]
ACCEPTED = [
    "correct horse battery staple",
    "Orchid-Ledger-Window-41",
    "k9#Lm2$pQ7vXw",
    "Tr0ub4dor&3x-lamp",
    "ñandú-camión-árbol",
]


def validate(password: str, user=None) -> None:
    password_validation.validate_password(password, user)


@pytest.mark.parametrize("password", REFUSED)
def test_a_trivial_or_common_password_is_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate(password)

    assert {"password_too_common", "password_too_guessable"} & {
        error.code for error in refused.value.error_list
    }


@pytest.mark.parametrize("password", ACCEPTED)
def test_a_password_that_takes_many_guesses_is_accepted(password):
    validate(password)


def test_the_clinic_name_and_the_person_own_names_count_as_guessable(settings):
    settings.CLINIC_NAME = "Lakeshore Spine and Pain"
    user = User(username="mbeaumont@practice.example", first_name="Marguerite", last_name="Beaumont")

    for password in ("Lakeshore2026!", "Marguerite1984", "Beaumont-12345", "tnomuaeb-9876"):
        with pytest.raises(ValidationError):
            validate(password, user)
    validate("Orchid-Ledger-Window-41", user)


def test_a_password_longer_than_128_characters_is_refused_and_128_is_not():
    long_enough = ("Orchid-Ledger-Window-41 " * 6)[:128]
    validate(long_enough)

    with pytest.raises(ValidationError) as refused:
        validate(long_enough + "x")
    assert "at most 128 characters" in refused.value.messages[0]


def test_the_base_settings_hash_with_argon2_first_and_keep_the_older_hashers():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS


def test_production_settings_store_new_passwords_with_argon2():
    code = "from django.contrib.auth.hashers import make_password; print(make_password('x' * 20))"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("argon2$argon2id$")


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
@pytest.mark.parametrize("url_name", ["admin:login", "referrals:login"])
def test_an_older_pbkdf2_password_still_signs_in_and_is_rehashed_with_argon2(client, url_name):
    user = StaffUserFactory() if url_name == "admin:login" else ReferringProviderFactory().user
    # Few iterations keep the test fast; the hash is a genuine PBKDF2 one, as stored before Argon2.
    older = PBKDF2PasswordHasher().encode("Orchid-Ledger-Window-41", "oldsalt0123456789", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=older)

    response = client.post(
        reverse(url_name), {"username": user.username, "password": "Orchid-Ledger-Window-41"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("Orchid-Ledger-Window-41")


@pytest.mark.django_db
def test_registration_refuses_aaaaaaaaaaaa_next_to_the_password(client):
    response = client.post(
        reverse("referrals:register"),
        {"email": "ana@practice.example", "password1": "a" * 12, "password2": "a" * 12},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]


@pytest.mark.django_db
def test_an_administrator_setting_a_staff_password_gets_the_same_check(client):
    from clinic.core.roles import CLINIC_ADMINISTRATOR, FRONT_DESK

    client.force_login(StaffUserFactory(role=CLINIC_ADMINISTRATOR))
    desk = StaffUserFactory(role=FRONT_DESK)
    page = reverse("admin:auth_user_password_change", args=[desk.pk])

    response = client.post(page, {"password1": "qwertyuiopas", "password2": "qwertyuiopas"})

    assert response.status_code == 200
    assert "too easy to guess" in response.content.decode()
    desk.refresh_from_db()
    assert desk.check_password("a-long-test-password")


@pytest.mark.django_db
def test_a_staff_member_changing_their_own_password_gets_the_same_check(client):
    staff = StaffUserFactory()
    client.force_login(staff)

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": "Password1234",
            "new_password2": "Password1234",
        },
    )

    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password("a-long-test-password")
