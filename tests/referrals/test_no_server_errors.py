"""Garbage at every referral URL and every referral admin view: never a 500.

Anonymous, provider A (who owns the referral), provider B, and each staff role send GET and POST
(and the wrong methods) with missing fields, huge strings, multi-values, bad UUIDs, bad tokens and
bogus files. Each request may be refused (4xx) or redirected, but none may fail with a 5xx.
"""

import uuid

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clinic.core.links import PROVIDER_EMAIL
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from referrals.forms import ReferralForm
from tests.factories import PDF_BYTES, ReferralDocumentFactory, ReferringProviderFactory, StaffUserFactory

from .conftest import referral_post

pytestmark = pytest.mark.django_db

HUGE = "x" * 20_000
BAD_UUIDS = ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1' OR '1'='1", HUGE[:300]]
ACTORS = ["anonymous", "A", "B", FRONT_DESK, CLINICIAN, CLINIC_ADMINISTRATOR, "superuser"]


def bogus_files():
    return [
        SimpleUploadedFile("evil.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf"),
        SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>", content_type="text/html"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile("../../../etc/passwd.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("a" * 400 + ".pdf", PDF_BYTES, content_type="application/pdf"),
    ]


def garbage_payloads():
    """Bodies for any form: nothing, huge values, several values, bad ids, bad files."""
    names = [
        "submission_token",
        "kept_documents",
        "documents",
        "note",
        "reason",
        "patient_choice",
        "visit_at",
        "username",
        "password",
        "email",
        "npi",
        "password1",
        "password2",
        "confirm",
        "action",
        "_selected_action",
        "index",
        "q",
        "status",
    ]
    yield {}
    yield dict.fromkeys(names, HUGE)
    yield {name: ["1", "2", HUGE[:50]] for name in names}
    yield dict(zip(names, BAD_UUIDS * 5, strict=False))
    yield {
        "submission_token": str(uuid.uuid4()),
        "kept_documents": ["bad:token", HUGE[:200]],
        "documents": bogus_files(),
    }
    yield {
        "action": "mark_under_review",
        "_selected_action": ["abc", "-1", "9" * 30],
        "index": "0",
        "reason": "not-a-reason",
        "patient_choice": str(uuid.uuid4()),
        "visit_at": "2026-02-30T25:61",
    }


def bad_email_tokens():
    salt = PROVIDER_EMAIL.salt
    return [
        "x",
        HUGE[:1000],
        signing.dumps(["not-a-uuid", "a@b.c"], salt=salt),
        signing.dumps({"e": "a@b.c"}, salt=salt),
        signing.dumps(["a", "list", "of three"], salt=salt),
        signing.dumps([str(uuid.uuid4()), "a@b.c"], salt=salt),
        signing.dumps([str(uuid.uuid4()), 5], salt=salt),
        signing.dumps(str(uuid.uuid4()), salt=salt),
        signing.dumps(str(uuid.uuid4()), salt="another-salt"),
    ]


@pytest.fixture
def world():
    document = ReferralDocumentFactory()
    referral = document.referral
    other = ReferralDocumentFactory()
    users = {
        "anonymous": None,
        "A": referral.provider.user,
        "B": ReferringProviderFactory(email_verified_at=None, verified_at=None).user,
        "superuser": StaffUserFactory(is_superuser=True),
        **{role: StaffUserFactory(role=role) for role in (FRONT_DESK, CLINICIAN, CLINIC_ADMINISTRATOR)},
    }
    return {"referral": referral, "document": document, "other": other, "users": users}


def provider_urls(world) -> list[str]:
    referral, document, other = world["referral"], world["document"], world["other"]
    ids = [referral.public_id, other.referral.public_id, uuid.uuid4()]
    urls = [
        reverse("referring_providers"),
        reverse("referrals:register"),
        reverse("referrals:resend_verification"),
        reverse("referrals:login"),
        reverse("referrals:logout"),
        reverse("referrals:list"),
        reverse("referrals:list") + "?status=" + HUGE[:500],
        reverse("referrals:list") + "?status=open&status=seen&status=%00",
        reverse("referrals:new"),
        reverse("referrals:icd10"),
        reverse("referrals:icd10") + "?q=" + HUGE,
        reverse("referrals:icd10") + "?q=%00%00&q=M54",
        reverse("referrals:icd10") + "?q=.*(((a+)+)+$",
        *[reverse("referrals:verify_email", args=[token]) for token in bad_email_tokens()],
        *[f"/referrals/{bad}/" for bad in BAD_UUIDS],
        f"/referrals/{referral.public_id}/documents/{BAD_UUIDS[0]}/",
    ]
    for public_id in ids:
        urls += [
            reverse("referrals:detail", args=[public_id]),
            reverse("referrals:add_documents", args=[public_id]),
            reverse("referrals:cancel", args=[public_id]),
            reverse("referrals:document", args=[public_id, document.public_id]),
            reverse("referrals:document", args=[public_id, other.public_id]),
        ]
    return urls


def admin_urls(world) -> list[str]:
    referral = world["referral"]
    provider = referral.provider
    changelist = reverse("admin:referrals_referral_changelist")
    provider_changelist = reverse("admin:referrals_referringprovider_changelist")
    object_ids = [str(referral.pk), "9" * 30, "abc", HUGE[:300]]
    urls = [
        changelist,
        changelist + "?q=" + HUGE[:2000],
        changelist + "?q=1970-02-30&q=12/31/99999",
        changelist + "?worklist=zzz&red_flag=zzz&provider_verified=zzz&status=zzz&o=9.x",
        changelist + "?location__id__exact=abc&urgency__exact=" + HUGE[:200],
        provider_changelist + "?verified=zzz&email_verified=zzz&q=" + HUGE[:2000],
    ]
    for object_id in object_ids:
        urls.append(reverse("admin:referrals_referral_change", args=[object_id]))
        urls += [
            reverse("admin:referrals_referral_action", args=[object_id, action])
            for action in ("under_review", "accept", "decline", "schedule", "seen", "cancel", "bogus")
        ]
        urls.append(reverse("admin:referrals_referringprovider_verify", args=[object_id]))
    urls.append(reverse("admin:referrals_referringprovider_change", args=[provider.pk]))
    return urls


def client_for(world, who) -> Client:
    client = Client(raise_request_exception=False)
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    return client


def send_everything(client, url) -> list[str]:
    failures = []
    for method in ("get", "put", "delete"):
        response = getattr(client, method)(url)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:120]} -> {response.status_code}")
    for payload in garbage_payloads():
        response = client.post(url, payload)
        if response.status_code >= 500:
            failures.append(f"POST {url[:120]} {sorted(payload)[:4]} -> {response.status_code}")
    return failures


@pytest.mark.parametrize("who", ACTORS)
def test_no_referral_page_fails_with_a_server_error_whatever_is_sent(world, who):
    client = client_for(world, who)
    failures = []
    for url in provider_urls(world):
        failures += send_everything(client, url)
    assert failures == []


@pytest.mark.parametrize("who", ACTORS)
def test_no_referral_admin_view_fails_with_a_server_error_whatever_is_sent(world, who):
    client = client_for(world, who)
    failures = []
    for url in admin_urls(world):
        failures += send_everything(client, url)
    assert failures == []


def _field_garbage():
    return ["", HUGE, ["a", "9" * 30], "\x00 2026-02-30"]


def test_the_referral_form_survives_garbage_in_each_field(world):
    client = client_for(world, "A")
    url = reverse("referrals:new")
    base = referral_post()
    failures = []
    for name in dict.fromkeys([*base, *ReferralForm().fields]):
        for value in _field_garbage():
            response = client.post(url, {**base, "submission_token": str(uuid.uuid4()), name: value})
            if response.status_code >= 500:
                failures.append(f"{name}={str(value)[:20]!r} -> {response.status_code}")
    assert failures == []


def test_the_registration_form_survives_garbage_in_each_field(world):
    client = client_for(world, "anonymous")
    url = reverse("referrals:register")
    base = {
        "first_name": "Ann",
        "last_name": "Grey",
        "credentials": "MD",
        "npi": "9876543213",
        "email": "ann@practice.example",
        "practice_name": "Grey Family Medicine",
        "address_line1": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "(217) 555-0100",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
    }
    failures = []
    for name in base:
        for value in _field_garbage():
            response = client.post(url, {**base, name: value})
            if response.status_code >= 500:
                failures.append(f"{name}={str(value)[:20]!r} -> {response.status_code}")
            client.logout()
    assert failures == []


@pytest.mark.parametrize("role", [FRONT_DESK, CLINIC_ADMINISTRATOR])
def test_each_staff_action_survives_garbage_on_a_referral_in_each_status(world, role):
    from referrals.models import ReferralStatus
    from tests.factories import ReferralFactory

    client = client_for(world, role)
    failures = []
    for status in ReferralStatus.values:
        referral = ReferralFactory(
            status=status,
            scheduled_for="2026-12-10T09:30Z" if status == "scheduled" else None,
            decline_reason="other" if status == "declined" else "",
        )
        for action in ("under_review", "accept", "decline", "schedule", "seen", "cancel"):
            url = reverse("admin:referrals_referral_action", args=[referral.pk, action])
            failures += send_everything(client, url)
    assert failures == []
