"""Garbage at every referral URL and every referral admin view ends where it should.

Anonymous, provider A (who owns the referral), provider B, and each staff role send GET and POST
(and the wrong methods) with missing fields, huge strings, multi-values, bad UUIDs, bad tokens and
bogus files. Each answer is the end its sender should meet: a stranger is sent to sign in, a
provider meets only their own referrals (anyone else's is not found), staff are refused the
providers' pages, and a method a page does not take is not allowed. Never a server error.
"""

import uuid

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.core.links import PROVIDER_EMAIL
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from referrals.forms import ReferralForm
from referrals.models import ReferralStatus, ReferringProvider
from tests.factories import (
    PDF_BYTES,
    ReferralDocumentFactory,
    ReferralFactory,
    ReferringProviderFactory,
    StaffUserFactory,
)
from tests.fuzz import BAD, End, fuzz, fuzz_client, malformed_url, unexpected, url

from .conftest import referral_post

# These send one page hundreds of requests to check its answers; its rate limit is tested elsewhere.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rate_limits")]

HUGE = "x" * 20_000
NIL_UUID = "00000000-0000-0000-0000-000000000000"
MALFORMED_IDS = ["not-a-uuid", "1' OR '1'='1", HUGE[:300]]
BAD_UUIDS = [MALFORMED_IDS[0], NIL_UUID, *MALFORMED_IDS[1:]]
ACTORS = ["anonymous", "A", "B", FRONT_DESK, CLINICIAN, CLINIC_ADMINISTRATOR, "superuser"]
STAFF = "staff"
PAGE, FORM_ERROR, REDIRECT = {End.PAGE}, {End.FORM_ERROR}, {End.REDIRECT}
REFUSED, NOT_FOUND, NOT_ALLOWED = {End.REFUSED}, {End.NOT_FOUND}, {End.NOT_ALLOWED}


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


def sender(who):
    return who if who in ("anonymous", "A", "B") else STAFF


def ends_for(spec, who):
    """`spec` is the ends for everyone, or a mapping from a sender (or STAFF) to their ends."""
    if isinstance(spec, dict):
        return spec[who] if who in spec else spec[sender(who)]
    return spec


def row(target, *, get, post, wrong=NOT_ALLOWED):
    """A URL and the ends of GET, of POST with each garbage body, and of PUT and DELETE."""
    return target, {"get": get, "post": post, "put": wrong, "delete": wrong}


def provider_rows(world):
    referral, document, other = world["referral"], world["document"], world["other"]
    stranger = {"anonymous": REDIRECT, "A": NOT_FOUND, "B": NOT_FOUND, STAFF: REFUSED}
    providers_only = {"anonymous": REDIRECT, "A": PAGE, "B": PAGE, STAFF: REFUSED}
    signed_in_referrers_and_staff = {"anonymous": REFUSED, "A": PAGE, "B": PAGE, STAFF: PAGE}
    rows = [
        row(url("referring_providers"), get=PAGE, post=NOT_ALLOWED),
        row(
            url("referrals:register"),
            get={"A": REDIRECT, "B": REDIRECT, "anonymous": PAGE, STAFF: PAGE},
            # An empty post is no submission: the empty form again.
            post={"A": REDIRECT, "B": REDIRECT, "anonymous": PAGE | FORM_ERROR, STAFF: PAGE | FORM_ERROR},
        ),
        row(
            url("referrals:resend_verification"),
            get=NOT_ALLOWED,
            post={"anonymous": REDIRECT, "A": REDIRECT, "B": REDIRECT, STAFF: REFUSED},
        ),
        # The sign-in page sends whoever is signed in on; Django's LoginView takes PUT as POST.
        row(
            url("referrals:login"),
            get={"anonymous": PAGE, "A": REDIRECT, "B": REDIRECT, STAFF: REDIRECT},
            post={"anonymous": FORM_ERROR, "A": REDIRECT, "B": REDIRECT, STAFF: REDIRECT},
            wrong={"anonymous": FORM_ERROR | NOT_ALLOWED, "A": REDIRECT, "B": REDIRECT, STAFF: REDIRECT},
        ),
        row(url("referrals:logout"), get=NOT_ALLOWED, post=REDIRECT),
        row(url("referrals:list"), get=providers_only, post=NOT_ALLOWED),
        row(url("referrals:list", query={"status": HUGE[:500]}), get=providers_only, post=NOT_ALLOWED),
        row(
            url("referrals:list", query={"status": ["open", "seen", "\x00"]}),
            get=providers_only,
            post=NOT_ALLOWED,
        ),
        row(
            url("referrals:new"),
            get=providers_only,
            # B has not confirmed their email: the page says so instead of taking a referral.
            post={"anonymous": REDIRECT, "A": FORM_ERROR, "B": PAGE, STAFF: REFUSED},
        ),
        *[
            row(url("referrals:icd10", query=query), get=signed_in_referrers_and_staff, post=NOT_ALLOWED)
            for query in ({}, {"q": HUGE}, {"q": ["\x00\x00", "M54"]}, {"q": ".*(((a+)+)+$"})
        ],
        *[
            row(url("referrals:verify_email", token), get=REFUSED, post=NOT_ALLOWED)
            for token in bad_email_tokens()
        ],
        *[
            row(
                malformed_url("referrals:detail", BAD, bad=bad),
                get=NOT_FOUND,
                post=NOT_FOUND,
                wrong=NOT_FOUND,
            )
            for bad in MALFORMED_IDS
        ],
        row(
            malformed_url("referrals:document", referral.public_id, BAD, bad=BAD_UUIDS[0]),
            get=NOT_FOUND,
            post=NOT_FOUND,
            wrong=NOT_FOUND,
        ),
    ]
    for public_id in (referral.public_id, other.referral.public_id, uuid.uuid4(), NIL_UUID):
        own = public_id == referral.public_id
        mine = {**stranger, "A": PAGE} if own else stranger
        rows += [
            row(url("referrals:detail", public_id), get=mine, post=NOT_ALLOWED),
            row(
                url("referrals:add_documents", public_id),
                get=NOT_ALLOWED,
                post={**stranger, "A": FORM_ERROR | REDIRECT} if own else stranger,
            ),
            row(
                url("referrals:cancel", public_id),
                get=mine,
                post={**stranger, "A": FORM_ERROR | REDIRECT} if own else stranger,
            ),
        ]
        for doc in (document, other):
            # A document is served only under its own referral, to its provider and to staff.
            served = public_id == doc.referral.public_id
            ends = {"anonymous": REDIRECT, "A": PAGE if served and own else NOT_FOUND, "B": NOT_FOUND}
            rows.append(
                row(
                    url("referrals:document", public_id, doc.public_id),
                    get={**ends, STAFF: PAGE if served else NOT_FOUND},
                    post=NOT_ALLOWED,
                )
            )
    return rows


def admin_rows(world):
    referral = world["referral"]
    provider = referral.provider
    changelist = url("admin:referrals_referral_changelist")
    provider_changelist = url("admin:referrals_referringprovider_changelist")
    # Whoever is not staff is sent to the staff sign-in, whatever the page and method.
    not_staff = {"anonymous": REDIRECT, "A": REDIRECT, "B": REDIRECT}
    listing = {
        "get": {**not_staff, STAFF: PAGE},
        "post": {**not_staff, STAFF: PAGE | REDIRECT},
        "put": {**not_staff, STAFF: PAGE},
        "delete": {**not_staff, STAFF: PAGE},
    }
    rows = [
        (changelist, listing),
        (changelist + "?q=" + HUGE[:2000], listing),
        (changelist + "?q=1970-02-30&q=12/31/99999", listing),
        (changelist + "?worklist=zzz&red_flag=zzz&provider_verified=zzz&status=zzz&o=9.x", listing),
        (changelist + "?location__id__exact=abc&urgency__exact=" + HUGE[:200], listing),
        (provider_changelist + "?verified=zzz&email_verified=zzz&q=" + HUGE[:2000], listing),
    ]
    # Staff ends on a record's pages. The admin's change page answers an unknown id by going
    # back to the index, and refuses (400) a post without its management form.
    # An action page is shown when the move is allowed from the referral's status, else the
    # referral's page says why by redirect; an action that does not exist is refused, and the clinician
    # may not make some moves.
    provider_ids = {str(pk) for pk in ReferringProvider.objects.values_list("pk", flat=True)}
    for object_id in [str(referral.pk), "9" * 30, "abc", HUGE[:300]]:
        exists = object_id == str(referral.pk)
        rows.append(
            row(
                url("admin:referrals_referral_change", object_id),
                get={**not_staff, STAFF: PAGE if exists else REDIRECT},
                post={**not_staff, STAFF: REFUSED if exists else REDIRECT | REFUSED},
                wrong={**not_staff, STAFF: PAGE if exists else REDIRECT},
            )
        )
        for action in ("under_review", "accept", "decline", "schedule", "seen", "cancel", "bogus"):
            if not exists:
                moves = posts = REDIRECT
            elif action == "bogus":
                moves = posts = REFUSED
            else:
                moves, posts = PAGE | REDIRECT, FORM_ERROR | REDIRECT
            staff_moves = {STAFF: moves, CLINICIAN: moves | REFUSED}
            rows.append(
                row(
                    url("admin:referrals_referral_action", object_id, action),
                    get={**not_staff, **staff_moves},
                    post={**not_staff, STAFF: posts, CLINICIAN: posts | REFUSED},
                    wrong={**not_staff, **staff_moves},
                )
            )
        # Verifying is a POST for those allowed to verify; a provider that does not exist is not found.
        rows.append(
            row(
                url("admin:referrals_referringprovider_verify", object_id),
                get={**not_staff, STAFF: REFUSED},
                post={
                    **not_staff,
                    STAFF: REDIRECT if object_id in provider_ids else NOT_FOUND,
                    CLINICIAN: REFUSED,
                },
                wrong={**not_staff, STAFF: REFUSED},
            )
        )
    rows.append(
        row(
            url("admin:referrals_referringprovider_change", provider.pk),
            get={**not_staff, STAFF: PAGE},
            post={**not_staff, STAFF: PAGE, CLINICIAN: REFUSED},
            wrong={**not_staff, STAFF: PAGE},
        )
    )
    return rows


def client_for(world, who):
    return fuzz_client(world["users"][who])


def send_everything(world, who, target, ends) -> list[str]:
    """A client of its own for each URL, so that signing out at one URL does not sign out the rest."""
    by_method = {method: ends_for(spec, who) for method, spec in ends.items()}
    labelled = [(f"{sorted(body)[:4]}", body) for body in garbage_payloads()]
    return fuzz(client_for(world, who), target, by_method, bodies=labelled, methods=("get", "put", "delete"))


@pytest.mark.parametrize("who", ACTORS)
def test_each_referral_page_ends_where_it_should_whatever_is_sent(world, who):
    failures = []
    for target, ends in provider_rows(world):
        failures += send_everything(world, who, target, ends)
    assert failures == []


@pytest.mark.parametrize("who", ACTORS)
def test_each_referral_admin_view_ends_where_it_should_whatever_is_sent(world, who):
    failures = []
    for target, ends in admin_rows(world):
        failures += send_everything(world, who, target, ends)
    assert failures == []


def _field_garbage():
    return ["", HUGE, ["a", "9" * 30], "\x00 2026-02-30"]


def test_the_referral_form_shows_its_errors_or_takes_the_referral_whatever_one_field_holds(world):
    client = client_for(world, "A")
    target = url("referrals:new")
    base = referral_post()
    bodies = [
        (f"{name}={str(value)[:20]!r}", {**base, "submission_token": str(uuid.uuid4()), name: value})
        for name in dict.fromkeys([*base, *ReferralForm().fields])
        for value in _field_garbage()
    ]
    assert fuzz(client, target, {"post": FORM_ERROR | REDIRECT}, bodies=bodies, methods=()) == []


def test_the_registration_form_shows_its_errors_or_registers_whatever_one_field_holds(world):
    client = client_for(world, "anonymous")
    target = url("referrals:register")
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
            response = client.post(target, {**base, name: value})
            failures.append(unexpected(response, FORM_ERROR | REDIRECT, f"{name}={str(value)[:20]!r}"))
            client.logout()
    assert [failure for failure in failures if failure] == []


@pytest.mark.parametrize("role", [FRONT_DESK, CLINIC_ADMINISTRATOR])
@pytest.mark.parametrize("status", ReferralStatus.values)
def test_each_staff_action_on_a_referral_in_each_status_shows_its_form_or_says_why_not(world, role, status):
    referral = ReferralFactory(
        status=status,
        scheduled_for="2026-12-10T09:30Z" if status == "scheduled" else None,
        decline_reason="other" if status == "declined" else "",
    )
    # The page of a move allowed from this status, else back to the referral with the reason.
    ends = {
        "get": PAGE | REDIRECT,
        "post": FORM_ERROR | REDIRECT,
        "put": PAGE | REDIRECT,
        "delete": PAGE | REDIRECT,
    }
    failures = []
    for action in ("under_review", "accept", "decline", "schedule", "seen", "cancel"):
        target = url("admin:referrals_referral_action", referral.pk, action)
        failures += send_everything(world, role, target, ends)
    assert failures == []
