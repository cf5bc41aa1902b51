"""Garbage sent to every intake URL, by GET, POST and the wrong methods, never gets a server error.

Each case is what a broken client, an old bookmark, a tampered link or a curious person might send:
missing fields, huge strings, words for numbers, lists for single values, bad ids and tokens.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from intake import services
from intake.steps import STEP_FORMS, STEP_SLUGS, chosen_instruments
from intake.tokens import resume_token
from tests.factories import IntakeFactory, StaffUserFactory

from . import helpers

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
JUNK_VALUES = [
    "",
    HUGE,
    "abc",
    "-1",
    "11",
    "1e999",
    "NaN",
    "0x10",
    "\x00",
    "2024-13-45",
    "<script>",
    "🙂" * 50,
]
BAD_TOKENS = ["x", "a:b:c", HUGE[:3000], "..%2F..", resume_token(uuid.uuid4())[:-3] + "abc"]
FORMSET_PREFIXES = ("med", "allergy", "injection", "surgery")


def _client():
    return Client(raise_request_exception=False)


def _assert_no_500(response, what):
    assert response.status_code < 500, (what, response.status_code)


def _field_names(intake, slug):
    kwargs = {"intake": intake}
    if slug == "questionnaires":
        kwargs["instruments"] = chosen_instruments(intake)
    return list(STEP_FORMS[slug](**kwargs).fields)


def _garbage_posts(intake, slug):
    names = _field_names(intake, slug)
    yield "nothing", {}
    for value in JUNK_VALUES:
        yield f"every field {value[:10]!r}", dict.fromkeys(names, value)
    yield "lists for every field", {name: ["a", "b", HUGE] for name in names}
    for action in ("next", "back", "save", "later", "delete", HUGE):
        yield f"action {action[:10]}", {"action": action}
    for prefix in FORMSET_PREFIXES:
        for total in ("abc", "-1", "99999999", "", HUGE):
            yield (
                f"{prefix} management {total[:10]!r}",
                {
                    f"{prefix}-TOTAL_FORMS": total,
                    f"{prefix}-INITIAL_FORMS": total,
                    f"{prefix}-0-name": HUGE,
                    f"{prefix}-0-date": "not a date",
                    f"{prefix}-0-relief_percent": "lots",
                },
            )
        yield (
            f"{prefix} valid management, junk rows",
            {
                f"{prefix}-TOTAL_FORMS": "2",
                f"{prefix}-INITIAL_FORMS": "0",
                **{
                    f"{prefix}-{i}-{name}": HUGE
                    for i in range(2)
                    for name in ("name", "kind", "procedure", "date")
                },
            },
        )


@pytest.fixture
def opened():
    """A client that opened an intake's link, and the intake with its first four steps saved."""
    client = _client()
    intake = IntakeFactory()
    client.get(reverse("intake:resume", args=[resume_token(intake.public_id)]))
    for slug, data in [
        ("about", helpers.about(intake)),
        ("insurance", helpers.insurance()),
        ("pain", helpers.pain(descriptors=["burning"], body_regions=["low_back", "neck_back"])),
    ]:
        assert client.post(reverse("intake:step", args=[intake.public_id, slug]), data).status_code == 302
    intake.refresh_from_db()
    return client, intake


def test_every_step_survives_garbage_posts(opened):
    client, intake = opened
    for slug in STEP_SLUGS:
        url = reverse("intake:step", args=[intake.public_id, slug])
        for what, data in _garbage_posts(intake, slug):
            _assert_no_500(client.post(url, data), (slug, what))
        _assert_no_500(client.get(url), (slug, "get after garbage"))


def test_card_uploads_that_are_not_images_or_are_empty_get_a_message_not_a_500(opened):
    client, intake = opened
    url = reverse("intake:step", args=[intake.public_id, "insurance"])
    for upload in (
        SimpleUploadedFile("card.png", b"", content_type="image/png"),
        SimpleUploadedFile("card.png", b"%PDF-1.4 not an image", content_type="image/png"),
        SimpleUploadedFile("card.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("x" * 500 + ".png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"),
    ):
        response = client.post(url, {**helpers.insurance(), "card_front": upload, "card_back": upload})
        _assert_no_500(response, upload.name[:20])


def test_wrong_methods_and_unknown_steps_are_refused_politely(opened):
    client, intake = opened
    pid = intake.public_id
    urls = [
        reverse("intake:start"),
        reverse("intake:resume", args=[resume_token(pid)]),
        reverse("intake:resend_link"),
        reverse("intake:step", args=[pid, "about"]),
        reverse("intake:step", args=[pid, "no-such-step"]),
        reverse("intake:review", args=[pid]),
        reverse("intake:thanks", args=[pid]),
        reverse("intake:insurance_card", args=[pid, "front"]),
    ]
    for url in urls:
        for method in ("get", "post", "put", "patch", "delete", "head", "options"):
            _assert_no_500(getattr(client, method)(url), (method, url))


def test_bad_ids_and_tokens_get_a_friendly_page(opened):
    client, intake = opened
    for token in BAD_TOKENS:
        _assert_no_500(client.get(f"/intake/link/{token}/"), ("resume", token[:20]))
        _assert_no_500(client.post(reverse("intake:resend_link"), {"token": token}), ("resend", token[:20]))
    _assert_no_500(client.post(reverse("intake:resend_link"), {"token": ["a", "b"]}), "resend list")
    someone_else = uuid.uuid4()
    for path in (
        f"/intake/{someone_else}/step/about/",
        f"/intake/{someone_else}/review/",
        f"/intake/{someone_else}/thank-you/",
        "/intake/not-a-uuid/step/about/",
        f"/intake/{intake.public_id}/step/{'a' * 5000}/",
    ):
        for method in ("get", "post"):
            _assert_no_500(getattr(client, method)(path, {"action": "next"}), (method, path[:60]))


def test_start_and_review_survive_garbage():
    client = _client()
    url = reverse("intake:start")
    names = ["first_name", "last_name", "date_of_birth", "email"]
    for value in JUNK_VALUES:
        _assert_no_500(client.post(url, dict.fromkeys(names, value)), ("start", value[:10]))
    _assert_no_500(client.post(url, {name: ["a", HUGE] for name in names}), "start lists")
    _assert_no_500(
        client.post(
            url, {"first_name": "A", "last_name": "B", "date_of_birth": "0001-01-01", "email": "a@b.co"}
        ),
        "year 1",
    )
    _assert_no_500(
        client.post(
            url, {"first_name": "A", "last_name": "B", "date_of_birth": "9999-12-31", "email": "a@b.co"}
        ),
        "year 9999",
    )


def test_review_and_submit_survive_garbage_and_a_second_submission(opened):
    client, intake = opened
    url = reverse("intake:review", args=[intake.public_id])
    names = ["consent_name", "consent_privacy", "consent_financial"]
    for value in JUNK_VALUES:
        _assert_no_500(client.post(url, dict.fromkeys(names, value)), ("review", value[:10]))
    # Finish the intake, submit it twice, then post to every step of the closed intake.
    for slug, data in [
        ("treatments", helpers.treatments()),
        ("medications", helpers.medications()),
        ("history", helpers.history()),
        ("questionnaires", helpers.questionnaires(intake)),
        ("goals", helpers.goals()),
    ]:
        assert client.post(reverse("intake:step", args=[intake.public_id, slug]), data).status_code == 302
    consent = {"consent_name": intake.full_name, "consent_privacy": "on", "consent_financial": "on"}
    assert client.post(url, consent).status_code == 302
    _assert_no_500(client.post(url, consent), "submit again")
    for slug in STEP_SLUGS:
        _assert_no_500(
            client.post(reverse("intake:step", args=[intake.public_id, slug]), {}), ("closed", slug)
        )


def test_staff_card_view_survives_bad_sides_and_ids(opened):
    _client_unused, intake = opened
    client = _client()
    client.force_login(StaffUserFactory(is_superuser=True))
    for path in (
        f"/intake/staff/{intake.public_id}/card/front/",
        f"/intake/staff/{intake.public_id}/card/sideways/",
        f"/intake/staff/{uuid.uuid4()}/card/back/",
    ):
        _assert_no_500(client.get(path), path)


def test_an_expired_draft_answers_without_a_500(opened):
    client, intake = opened
    services.intake_expire_drafts(now=intake.expires_at)
    for slug in ("about", "pain"):
        _assert_no_500(client.post(reverse("intake:step", args=[intake.public_id, slug]), {}), slug)
    _assert_no_500(client.get(reverse("intake:review", args=[intake.public_id])), "review")
    _assert_no_500(client.get(reverse("intake:resume", args=[resume_token(intake.public_id)])), "resume")
