"""Garbage sent to every appointments URL, patient pages and the staff's admin pages, by GET, POST
and the wrong methods, never gets a server error."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from appointments import services, tokens
from tests.factories import AppointmentRequestFactory, StaffUserFactory

from .conftest import local_slot

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
JUNK_VALUES = [
    "",
    HUGE,
    "abc",
    "-1",
    "1e999",
    "NaN",
    "\x00",
    "2024-13-45",
    "0001-01-01",
    "9999-12-31",
    "23:59:59.999999",
    "99:99",
    "<script>",
]
METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
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


def _client():
    return Client(raise_request_exception=False)


def _assert_no_500(response, what):
    assert response.status_code < 500, (what, response.status_code)


def _garbage(names):
    yield {}
    for value in JUNK_VALUES:
        yield dict.fromkeys(names, value)
    yield {name: ["a", "b", HUGE] for name in names}


@pytest.fixture
def booked(location, physician):
    request = AppointmentRequestFactory(location=location)
    appointment = services.appointment_book(
        request=request, physician=physician, starts_at=local_slot(), by=None
    )
    return request, appointment


def test_the_request_form_survives_garbage(location):
    client = _client()
    url = reverse("request_appointment")
    patient_tokens = ["", "x", HUGE[:3000], tokens.patient_token(uuid.uuid4()), "a:b:c"]
    for patient in patient_tokens:
        target = f"{url}?patient={patient}" if patient else url
        _assert_no_500(client.get(target), ("get", patient[:10]))
        for data in _garbage(REQUEST_FIELDS):
            _assert_no_500(client.post(target, data), ("post", patient[:10], str(data)[:60]))
    for method in METHODS:
        _assert_no_500(getattr(client, method)(url), method)


def test_links_with_bad_ids_and_tokens_get_a_friendly_page(booked):
    request, _appointment = booked
    client = _client()
    good = tokens.manage_token(request.public_id)
    other = tokens.manage_token(uuid.uuid4())
    ids = [str(request.public_id), str(uuid.uuid4()), "not-a-uuid"]
    toks = [good, other, "x", "a:b:c", HUGE[:3000], good[:-2] + "zz", tokens.verify_token(request.public_id)]
    for public_id in ids:
        for token in toks:
            for suffix in ("", "withdraw/", "cancel/", "another-time/"):
                path = f"/appointments/r/{public_id}/{token}/{suffix}"
                for method in ("get", "post", "put", "delete"):
                    _assert_no_500(
                        getattr(client, method)(path, {"confirm": HUGE}), (method, suffix, token[:10])
                    )
    for token in toks:
        for method in ("get", "post", "put"):
            _assert_no_500(getattr(client, method)(f"/appointments/verify/{token}/"), ("verify", token[:10]))
    for method in METHODS:
        _assert_no_500(getattr(client, method)(reverse("appointments:check_email")), method)


def test_cancelling_withdrawing_and_asking_twice_never_errors(booked):
    request, _appointment = booked
    client = _client()
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
        url = reverse(f"appointments:{action}", args=[request.public_id, token])
        _assert_no_500(client.post(url), action)
    _assert_no_500(client.get(reverse("appointments:manage", args=[request.public_id, token])), "manage")


def test_staff_pages_survive_garbage(booked, location):
    request, appointment = booked
    open_request = AppointmentRequestFactory(location=location)
    client = _client()
    client.force_login(StaffUserFactory(is_superuser=True))
    pages = [
        reverse("admin:appointments_appointmentrequest_book", args=[open_request.pk]),
        reverse("admin:appointments_appointmentrequest_book", args=[request.pk]),
        reverse("admin:appointments_appointment_reschedule", args=[appointment.pk]),
        reverse("admin:appointments_appointment_cancel", args=[appointment.pk]),
        reverse("admin:appointments_appointment_day"),
        reverse("admin:appointments_appointmentrequest_changelist"),
        reverse("admin:appointments_appointment_changelist"),
    ]
    for url in pages:
        for data in _garbage(BOOKING_FIELDS + ["day", "location", "q", "status", "o", "p"]):
            _assert_no_500(client.get(url, data), ("get", url, str(data)[:60]))
            _assert_no_500(client.post(url, data), ("post", url, str(data)[:60]))
    for bad_id in ("abc", "-1", "999999", str(uuid.uuid4()), "1%2F2", HUGE[:2000]):
        for name in (
            "admin:appointments_appointmentrequest_book",
            "admin:appointments_appointment_reschedule",
            "admin:appointments_appointment_cancel",
            "admin:appointments_appointment_change",
            "admin:appointments_appointmentrequest_change",
        ):
            url = reverse(name, args=[bad_id])
            for method in ("get", "post"):
                _assert_no_500(getattr(client, method)(url), (method, name, bad_id[:10]))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_staff_dates_at_the_ends_of_the_calendar_get_a_message(booked, location, physician, day):
    request, appointment = booked
    open_request = AppointmentRequestFactory(location=location)
    client = _client()
    client.force_login(StaffUserFactory(is_superuser=True))
    slot = {"physician": str(physician.pk), "date": day, "start_time": "23:30"}
    for url in (
        reverse("admin:appointments_appointmentrequest_book", args=[open_request.pk]),
        reverse("admin:appointments_appointment_reschedule", args=[appointment.pk]),
    ):
        response = client.post(url, slot)
        _assert_no_500(response, (url, day))
        assert response.status_code == 200  # the form again, with a message
    _assert_no_500(client.get(reverse("admin:appointments_appointment_day"), {"day": day}), ("day view", day))
