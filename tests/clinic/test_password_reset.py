"""Password reset by email for staff and for referring providers: the same answer for any address, a
link through the outbox and nothing else in the email, one use, a short life, the password checks."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.core.models import OutboundEmail
from tests.factories import ReferringProviderFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orchid-Ledger-Window-41"  # noqa: S105 - a test password
KINDS = {
    "staff": {
        "start": "admin_password_reset",
        "sign_in": "admin:login",
        "account": lambda: StaffUserFactory(email="dana.staff@clinic.example"),
    },
    "provider": {
        "start": "referrals:password_reset",
        "sign_in": "referrals:login",
        "account": lambda: ReferringProviderFactory().user,
    },
}


@pytest.fixture(params=list(KINDS))
def kind(request):
    return KINDS[request.param]


def ask(client, kind, email: str, capture):
    with capture(execute=True):
        return client.post(reverse(kind["start"]), {"email": email})


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/password-reset/\S+/\S+/)", message.body)
    assert found, "the email carries no reset link"
    return found.group(1)


def test_a_known_and_an_unknown_address_get_the_same_answer(client, kind, django_capture_on_commit_callbacks):
    account = kind["account"]()

    known = ask(client, kind, account.email.upper(), django_capture_on_commit_callbacks)
    unknown = ask(client, kind, "nobody-here@practice.example", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    known_page, unknown_page = client.get(known["Location"]), client.get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert known_page.content == unknown_page.content
    assert [message.to for message in mail.outbox] == [[account.email]]


def test_the_email_goes_through_the_outbox_and_holds_only_the_link(
    client, kind, django_capture_on_commit_callbacks
):
    account = kind["account"]()

    ask(client, kind, account.email, django_capture_on_commit_callbacks)

    queued = OutboundEmail.objects.get(template="password-reset")
    assert queued.status == OutboundEmail.Status.SENT and queued.to == account.email
    assert set(queued.context) == {"reset_url", "valid_minutes"}
    (message,) = mail.outbox
    assert account.username not in message.body.replace(account.email, "")
    assert link_in(message)


def test_the_link_sets_a_checked_password_once_and_the_new_one_signs_in(
    client, kind, django_capture_on_commit_callbacks
):
    account = kind["account"]()
    ask(client, kind, account.email, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])

    opened = client.get(link)
    assert opened.status_code == 302
    form_url = opened["Location"]
    assert link.rstrip("/").rsplit("/", 1)[-1] not in form_url, "the token stays in the address bar"

    weak = client.post(form_url, {"new_password1": "a" * 12, "new_password2": "a" * 12})
    assert weak.status_code == 200 and weak.context["form"].errors
    assert "This password is too easy to guess" in weak.content.decode()

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200

    reused = client.get(link, follow=True)
    assert reused.status_code == 200 and not reused.context["validlink"]
    signed_in = client.post(
        reverse(kind["sign_in"]), {"username": account.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_the_link_stops_working_after_an_hour(client, kind, django_capture_on_commit_callbacks):
    account = kind["account"]()
    ask(client, kind, account.email, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(link, follow=True)

    assert response.status_code == 200 and not response.context["validlink"]
    account.refresh_from_db()
    assert account.check_password("a-long-test-password")


def test_a_tampered_link_answers_with_a_page_not_an_error(client, kind):
    base = reverse(kind["start"])
    for tail in ("MQ/not-a-token/", "%00%00/x/", "🩺/" + "z" * 5000 + "/"):
        response = client.get(base + tail, follow=True)
        assert response.status_code == 200 and not response.context["validlink"]


def test_no_link_for_an_inactive_account_or_the_other_kind_of_account(
    client, django_capture_on_commit_callbacks
):
    inactive = StaffUserFactory(email="gone@clinic.example", is_active=False)
    provider = ReferringProviderFactory()
    staff = StaffUserFactory(email="desk@clinic.example")

    ask(client, KINDS["staff"], inactive.email, django_capture_on_commit_callbacks)
    ask(client, KINDS["staff"], provider.user.email, django_capture_on_commit_callbacks)
    ask(client, KINDS["provider"], staff.email, django_capture_on_commit_callbacks)

    assert mail.outbox == []


@pytest.mark.parametrize("email", ["x" * 10_000, "ana\x00@practice.example", "not an address", "😀@😀"])
def test_a_hostile_address_gets_the_form_again(client, kind, email):
    response = client.post(reverse(kind["start"]), {"email": email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_asking_for_a_link_takes_a_bounded_number_of_queries(
    client, kind, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    account = kind["account"]()
    with django_assert_max_num_queries(16):
        ask(client, kind, account.email, django_capture_on_commit_callbacks)


def test_both_sign_in_pages_link_to_their_reset(client):
    assert reverse("admin_password_reset") in client.get(reverse("admin:login")).content.decode()
    assert reverse("referrals:password_reset") in client.get(reverse("referrals:login")).content.decode()
