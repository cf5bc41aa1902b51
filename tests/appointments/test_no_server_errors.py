"""Garbage sent to every appointments URL, patient pages and the staff's admin pages, by GET, POST
and the wrong methods, ends where it should: the form again with its error, a redirect back to the
request's page, a link that is not found, a method that is not allowed."""

import uuid

import pytest

from appointments import services, tokens
from tests.factories import AppointmentRequestFactory, StaffUserFactory
from tests.fuzz import (
    BAD,
    FORM_ENDS,
    HUGE,
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

from .conftest import local_slot

# These send one page hundreds of requests to check its answers; its rate limit is tested elsewhere.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rate_limits")]

REQUEST_FIELDS = [
    "submission_key",
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "visit_type",
    "location",
    "preferred_days",
    "time_windows",
    "earliest_date",
    "contact_preference",
    "phone",
    "reason",
]
BOOKING_FIELDS = ["physician", "date", "start_time", "sedation_planned", "reason", "note"]
NOT_ALLOWED = {End.NOT_ALLOWED}
NOT_FOUND = {End.NOT_FOUND}


def _each_method(**ends):
    return {method: ends.get(method, NOT_ALLOWED) for method in METHODS}


@pytest.fixture
def booked(location, physician):
    request = AppointmentRequestFactory(location=location)
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(), by=None
    )
    return request, appointment


@pytest.fixture
def staff_client():
    return fuzz_client(StaffUserFactory(is_superuser=True))


def test_the_request_form_shows_its_errors_whatever_is_posted(location):
    client = fuzz_client()
    _nothing, *junk = garbage(REQUEST_FIELDS)
    target = url("request_appointment")
    problems = fuzz(client, target, _each_method(get={End.PAGE}, post={End.PAGE}))
    problems += fuzz(client, target, {"post": {End.FORM_ERROR}}, bodies=junk, methods=())
    assert problems == []


@pytest.mark.parametrize(
    "patient", ["x", HUGE[:3000], tokens.patient_token(uuid.uuid4()), "a:b:c"], ids=lambda t: t[:8]
)
def test_a_bad_patient_link_on_the_request_form_goes_back_to_the_plain_form(location, patient):
    target = url("request_appointment", query={"patient": patient})
    problems = fuzz(fuzz_client(), target, {"get": {End.REDIRECT}, "post": {End.REDIRECT}}, methods=["get"])
    problems += fuzz(
        fuzz_client(), target, {"post": {End.REDIRECT}}, bodies=garbage(REQUEST_FIELDS), methods=()
    )
    assert problems == []


def test_links_with_bad_ids_and_tokens_are_not_found(booked):
    request, _appointment = booked
    client = fuzz_client()
    good = tokens.manage_token(request.public_id)
    bad_tokens = [
        tokens.manage_token(uuid.uuid4()),
        "x",
        "a:b:c",
        HUGE[:3000],
        good[:-2] + "zz",
        tokens.verify_token(request.public_id),
    ]
    pairs = [(request.public_id, token) for token in bad_tokens] + [(uuid.uuid4(), good)]
    problems = []
    for public_id, token in pairs:
        problems += fuzz(client, url("appointments:manage", public_id, token), NOT_FOUND)
        for name in ("appointments:withdraw", "appointments:cancel"):
            problems += fuzz(client, url(name, public_id, token), _each_method(get=NOT_FOUND, post=NOT_FOUND))
        problems += fuzz(
            client, url("appointments:another_time", public_id, token), _each_method(post=NOT_FOUND)
        )
    for name in ("appointments:manage", "appointments:withdraw", "appointments:cancel"):
        problems += fuzz(client, malformed_url(name, BAD, good, bad="not-a-uuid"), NOT_FOUND)
    assert problems == []


def test_the_verify_link_is_not_found_unless_it_is_one(booked):
    request, _appointment = booked
    client = fuzz_client()
    problems = []
    for token in ("x", "a:b:c", HUGE[:3000], tokens.manage_token(request.public_id)):
        problems += fuzz(
            client, url("appointments:verify", token), _each_method(get=NOT_FOUND, post=NOT_FOUND)
        )
    # A verify link for a request already confirmed goes to the request's page.
    verified = url("appointments:verify", tokens.verify_token(request.public_id))
    problems += fuzz(client, verified, _each_method(get={End.REDIRECT}, post={End.REDIRECT}))
    problems += fuzz(client, url("appointments:check_email"), {End.PAGE})
    assert problems == []


def test_a_good_link_answers_every_method_where_it_should(booked):
    request, _appointment = booked
    token = tokens.manage_token(request.public_id)
    back = {End.REDIRECT}
    # The request is booked: withdrawing is no longer offered, cancelling asks to confirm first.
    table = {
        "appointments:manage": {End.PAGE},
        "appointments:withdraw": _each_method(get=back, post=back),
        "appointments:cancel": _each_method(get={End.PAGE}, post=back),
        "appointments:another_time": _each_method(post=back),
    }
    problems = []
    for name, ends in table.items():
        # A client of its own: the message one page leaves is not shown on the next.
        problems += fuzz(fuzz_client(), url(name, request.public_id, token), ends)
    assert problems == []


def test_cancelling_withdrawing_and_asking_twice_go_back_to_the_request(booked):
    request, _appointment = booked
    client = fuzz_client()
    token = tokens.manage_token(request.public_id)
    for action in (
        "another_time",
        "another_time",
        "cancel",
        "cancel",
        "another_time",
        "withdraw",
        "withdraw",
    ):
        expect(client.post(url(f"appointments:{action}", request.public_id, token)), {End.REDIRECT}, action)
    expect(client.get(url("appointments:manage", request.public_id, token)), {End.PAGE}, "manage")


def test_staff_booking_pages_show_their_errors_whatever_is_sent(booked, location, staff_client):
    request, appointment = booked
    open_request = AppointmentRequestFactory(location=location)
    _nothing, *junk = garbage(BOOKING_FIELDS)
    problems = []
    for target in (
        url("admin:appointments_appointmentrequest_book", open_request.pk),
        url("admin:appointments_appointment_reschedule", appointment.pk),
        url("admin:appointments_appointment_cancel", appointment.pk),
    ):
        # An empty post is no submission: the empty form again.
        problems += fuzz(
            staff_client, target, {"get": {End.PAGE}, "post": {End.PAGE}}, methods=["get", "post"]
        )
        problems += fuzz(staff_client, target, {"post": FORM_ENDS}, bodies=junk, methods=())
    assert problems == []


def test_staff_lists_and_the_day_view_survive_garbage_filters(booked, staff_client):
    nothing, *junk = garbage(["day", "location", "q", "status", "o", "p"])
    # The admin's lists answer a filter they cannot apply by redirecting to the list with ?e=1.
    table = {
        url("admin:appointments_appointment_day"): {End.FORM_ERROR},
        url("admin:appointments_appointmentrequest_changelist"): {End.PAGE, End.REDIRECT},
        url("admin:appointments_appointment_changelist"): {End.PAGE, End.REDIRECT},
    }
    problems = []
    for target, ends in table.items():
        problems.append(unexpected(staff_client.get(target, nothing[1]), {End.PAGE}, (target, "nothing")))
        for label, query in junk:
            problems.append(unexpected(staff_client.get(target, query), ends, (target, label)))
    assert [problem for problem in problems if problem] == []


@pytest.mark.parametrize("bad_id", ["abc", "-1", "999999", str(uuid.uuid4()), "1%2F2", HUGE[:2000]])
def test_staff_pages_for_a_record_that_does_not_exist(booked, staff_client, bad_id):
    problems = []
    for name in (
        "admin:appointments_appointmentrequest_book",
        "admin:appointments_appointment_reschedule",
        "admin:appointments_appointment_cancel",
    ):
        problems += fuzz(staff_client, url(name, bad_id), NOT_FOUND, methods=["get", "post"])
    for name in ("admin:appointments_appointment_change", "admin:appointments_appointmentrequest_change"):
        # Django's admin goes back to its index and says the record does not exist.
        problems += fuzz(staff_client, url(name, bad_id), {End.REDIRECT}, methods=["get", "post"])
    assert problems == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_staff_dates_at_the_ends_of_the_calendar_get_a_message(
    booked, location, physician, day, staff_client
):
    request, appointment = booked
    open_request = AppointmentRequestFactory(location=location)
    slot = {"physician": str(physician.pk), "date": day, "start_time": "23:30"}
    for target in (
        url("admin:appointments_appointmentrequest_book", open_request.pk),
        url("admin:appointments_appointment_reschedule", appointment.pk),
    ):
        expect(staff_client.post(target, slot), {End.FORM_ERROR}, (target, day))
    expect(
        staff_client.get(url("admin:appointments_appointment_day"), {"day": day}),
        {End.PAGE, End.FORM_ERROR},
        day,
    )
