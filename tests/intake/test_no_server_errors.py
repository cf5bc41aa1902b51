"""Garbage sent to every intake URL, by GET, POST and the wrong methods, ends where it should.

A refused step shows its form again with the error, a saved one moves on by redirect, a link that
is not this person's is not found, and a method a page does not take is not allowed.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.asserts import assertContains

from intake import services
from intake.models import Intake
from intake.steps import STEP_FORMS, STEP_SLUGS, chosen_instruments
from intake.tokens import resume_token
from tests.factories import IntakeFactory, StaffUserFactory
from tests.fuzz import (
    BAD,
    FORM_ENDS,
    HUGE,
    JUNK_VALUES,
    METHODS,
    End,
    expect,
    fuzz,
    fuzz_client,
    garbage,
    malformed_url,
    unexpected,
    url,
)

from . import helpers

# These send one page hundreds of requests to check its answers; its rate limit is tested elsewhere.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rate_limits")]

BAD_TOKENS = ["x", "a:b:c", HUGE[:3000], "..%2F..", resume_token(uuid.uuid4())[:-3] + "abc"]
FORMSET_PREFIXES = ("med", "allergy", "injection", "surgery")
# Views that take GET and POST only (require_http_methods) refuse every other method alike.
GET_AND_POST = {
    "put": {End.NOT_ALLOWED},
    "patch": {End.NOT_ALLOWED},
    "delete": {End.NOT_ALLOWED},
    "head": {End.NOT_ALLOWED},
    "options": {End.NOT_ALLOWED},
}


def _field_names(intake, slug):
    kwargs = {"intake": intake}
    if slug == "questionnaires":
        kwargs["instruments"] = chosen_instruments(intake)
    return list(STEP_FORMS[slug](**kwargs).fields)


def _garbage_posts(intake, slug):
    yield from garbage(_field_names(intake, slug))
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
    client = fuzz_client()
    intake = IntakeFactory()
    client.get(url("intake:resume", resume_token(intake.public_id)))
    for slug, data in [
        ("about", helpers.about(intake)),
        ("insurance", helpers.insurance()),
        ("pain", helpers.pain(descriptors=["burning"], body_regions=["low_back", "neck_back"])),
    ]:
        assert client.post(url("intake:step", intake.public_id, slug), data).status_code == 302
    intake.refresh_from_db()
    return client, intake


@pytest.mark.parametrize("slug", STEP_SLUGS)
def test_every_step_shows_its_form_again_or_moves_on_whatever_is_posted(opened, slug):
    client, intake = opened
    target = url("intake:step", intake.public_id, slug)
    problems = fuzz(client, target, {"post": FORM_ENDS}, bodies=_garbage_posts(intake, slug), methods=())
    problems += fuzz(client, target, {"get": {End.PAGE}}, methods=["get"])
    assert problems == []


def test_card_uploads_that_are_not_images_or_are_empty_get_a_message_not_a_500(opened):
    client, intake = opened
    target = url("intake:step", intake.public_id, "insurance")
    for upload in (
        SimpleUploadedFile("card.png", b"", content_type="image/png"),
        SimpleUploadedFile("card.png", b"%PDF-1.4 not an image", content_type="image/png"),
        SimpleUploadedFile("card.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("x" * 500 + ".png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"),
    ):
        response = client.post(target, {**helpers.insurance(), "card_front": upload, "card_back": upload})
        expect(response, {End.FORM_ERROR}, upload.name[:20])


def test_wrong_methods_and_unknown_steps_are_refused_politely(opened):
    client, intake = opened
    pid = intake.public_id
    only = {method: {End.NOT_ALLOWED} for method in METHODS}
    table = {
        url("intake:start"): {**GET_AND_POST, "get": {End.PAGE}, "post": {End.PAGE}},
        url("intake:resume", resume_token(pid)): {**only, "get": {End.REDIRECT}},
        url("intake:resend_link"): {**only, "post": {End.PAGE}},
        url("intake:step", pid, "about"): {**GET_AND_POST, "get": {End.PAGE}, "post": {End.FORM_ERROR}},
        url("intake:step", pid, "no-such-step"): {
            **GET_AND_POST,
            "get": {End.NOT_FOUND},
            "post": {End.NOT_FOUND},
        },
        url("intake:review", pid): {**GET_AND_POST, "get": {End.PAGE}, "post": {End.FORM_ERROR}},
        url("intake:thanks", pid): {method: {End.REDIRECT} for method in METHODS},
        url("intake:insurance_card", pid, "front"): {method: {End.REDIRECT} for method in METHODS},
    }
    problems = []
    for target, ends in table.items():
        problems += fuzz(client, target, ends)
    assert problems == []


def test_bad_ids_and_tokens_get_a_friendly_page(opened):
    client, intake = opened
    problems = []
    for token in BAD_TOKENS:
        problems += fuzz(
            client, malformed_url("intake:resume", BAD, bad=token), {End.NOT_FOUND}, methods=["get"]
        )
        response = client.post(url("intake:resend_link"), {"token": token})
        problems.append(unexpected(response, {End.PAGE}, ("resend", token[:20])))
    expect(client.post(url("intake:resend_link"), {"token": ["a", "b"]}), {End.PAGE}, "resend list")
    someone_else = uuid.uuid4()
    for target in (
        url("intake:step", someone_else, "about"),
        url("intake:review", someone_else),
        url("intake:thanks", someone_else),
        malformed_url("intake:step", BAD, "about", bad="not-a-uuid"),
        url("intake:step", intake.public_id, "a" * 5000),
    ):
        for method in ("get", "post"):
            expect(
                getattr(client, method)(target, {"action": "next"}), {End.NOT_FOUND}, (method, target[:60])
            )
    assert [problem for problem in problems if problem] == []


def test_start_shows_its_form_again_whatever_is_posted():
    client = fuzz_client()
    target = url("intake:start")
    nothing, *junk = garbage(["first_name", "last_name", "date_of_birth", "email"])
    person = {"first_name": "A", "last_name": "B", "email": "a@b.co"}
    years = [(f"year {day[:4]}", {**person, "date_of_birth": day}) for day in ("0001-01-01", "9999-12-31")]
    # An empty post is no submission: the empty form again.
    problems = fuzz(client, target, {"post": {End.PAGE}}, bodies=[nothing], methods=())
    problems += fuzz(client, target, {"post": {End.FORM_ERROR}}, bodies=[*junk, *years], methods=())
    assert problems == []


def test_review_and_submit_survive_garbage_and_a_second_submission(opened):
    client, intake = opened
    review = url("intake:review", intake.public_id)
    names = ["consent_name", "consent_privacy", "consent_financial"]
    assert (
        fuzz(client, review, {"post": {End.FORM_ERROR}}, bodies=garbage(names, JUNK_VALUES), methods=()) == []
    )
    # Finish the intake, submit it twice, then post to every step of the closed intake.
    for slug, data in [
        ("treatments", helpers.treatments()),
        ("medications", helpers.medications()),
        ("history", helpers.history()),
        ("questionnaires", helpers.questionnaires(intake)),
        ("goals", helpers.goals()),
    ]:
        assert client.post(url("intake:step", intake.public_id, slug), data).status_code == 302
    consent = {"consent_name": intake.full_name, "consent_privacy": "on", "consent_financial": "on"}
    expect(client.post(review, consent), {End.REDIRECT}, "submit")
    expect(client.post(review, consent), {End.REDIRECT}, "submit again")
    for slug in STEP_SLUGS:
        expect(client.post(url("intake:step", intake.public_id, slug), {}), {End.REDIRECT}, ("closed", slug))


def test_staff_card_view_survives_bad_sides_and_ids(opened):
    _client_unused, intake = opened
    client = fuzz_client(StaffUserFactory(is_superuser=True))
    for target in (
        url("intake:insurance_card", intake.public_id, "front"),
        url("intake:insurance_card", intake.public_id, "sideways"),
        url("intake:insurance_card", uuid.uuid4(), "back"),
    ):
        expect(client.get(target), {End.NOT_FOUND}, target)


def test_an_expired_draft_says_it_is_gone(opened):
    client, intake = opened
    services.intake_expire_drafts(now=intake.expires_at)
    for slug in ("about", "pain"):
        expect(client.post(url("intake:step", intake.public_id, slug), {}), {End.GONE}, slug)
    expect(client.get(url("intake:review", intake.public_id)), {End.GONE}, "review")


def test_the_link_of_an_expired_draft_says_it_is_gone(opened):
    client, intake = opened
    services.intake_expire_drafts(now=intake.expires_at)
    expect(client.get(url("intake:resume", resume_token(intake.public_id))), {End.GONE}, "resume")
    expect(client.get(url("intake:thanks", intake.public_id)), {End.GONE}, "thanks")


def test_a_draft_past_its_expiry_is_gone_before_the_nightly_sweep_marks_it(opened):
    client, intake = opened
    Intake.objects.filter(pk=intake.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    for name, args in (
        ("intake:resume", [resume_token(intake.public_id)]),
        ("intake:thanks", [intake.public_id]),
    ):
        response = client.get(url(name, *args))
        expect(response, {End.GONE}, name)
        assertContains(response, "This questionnaire has expired", status_code=410)
