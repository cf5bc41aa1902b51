import base64
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP

from clinic.core.models import Location
from clinic.staff.demo import DEMO_STAFF
from referrals.demo import DEMO_REFERRER_EMAIL, DEMO_REFERRER_PASSWORD

pytestmark = pytest.mark.django_db


def test_loading_demo_data_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    counts = (Location.objects.count(), User.objects.count())
    passwords = list(User.objects.order_by("pk").values_list("password", flat=True))

    call_command("load_demo_data")

    assert (Location.objects.count(), User.objects.count()) == counts
    assert list(User.objects.order_by("pk").values_list("password", flat=True)) == passwords


def test_each_printed_demo_login_signs_in_with_its_role(client, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    printed = capsys.readouterr().out

    for login in DEMO_STAFF:
        assert login.username in printed and login.password in printed
        response = client.post(
            reverse("admin:login"),
            {"username": login.username, "password": login.password, "next": reverse("admin:index")},
        )
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:verify"))
        key = re.search(rf"username {login.username} .*\n.*with key ([A-Z2-7 ]+)", printed).group(1)
        code = TOTP(base64.b32decode(key.replace(" ", ""))).token()
        response = client.post(
            reverse("admin:verify"), {"code": f"{code:06d}", "next": reverse("admin:index")}
        )
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
        assert client.get(reverse("admin:index")).status_code == 200
        assert client.session["_auth_user_id"] == str(User.objects.get(username=login.username).pk)
        assert User.objects.get(username=login.username).groups.filter(name=login.role).exists()
        client.logout()

    assert DEMO_REFERRER_EMAIL in printed and DEMO_REFERRER_PASSWORD in printed
    response = client.post(
        reverse("referrals:login"), {"username": DEMO_REFERRER_EMAIL, "password": DEMO_REFERRER_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("referrals:list")


def test_demo_data_is_refused_outside_a_local_run(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")
