"""What a new front-desk clerk found: a search for a patient on the request list returned nothing
(the list's silent "open" filter hid booked and closed requests), and a date of birth was found only
when typed as YYYY-MM-DD. Each of the four lists the desk searches is tried the same way."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import RequestStatus
from clinic.core.person import dates_of_birth_in_search
from clinic.core.roles import FRONT_DESK
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    PatientFactory,
    ReferralFactory,
    StaffUserFactory,
)

from .conftest import local_slot

pytestmark = pytest.mark.django_db

BORN = datetime.date(1980, 1, 5)
OTHER_DAY = datetime.date(1980, 5, 1)  # the same numbers read day first: must not be found

# Every way of writing 5 January 1980 the desk was seen to type. 01/05/1980 is read the US way.
TYPED = [
    "01/05/1980", "1/5/1980", "1/5/80", "01-05-1980", "01.05.1980", "1980-01-05", "1980/1/5",
    "Jan 5 1980", "Jan. 5, 1980", "January 5, 1980", "january 5th 1980", "5 January 1980",
    "5 Jan 1980", "5-Jan-1980", "5th of January 1980",
]  # fmt: skip


@pytest.fixture
def desk(client):
    client.force_login(StaffUserFactory(role=FRONT_DESK))
    return client


def _make_referral(last_name, born):
    return ReferralFactory(patient_last_name=last_name, patient_date_of_birth=born, status="declined",
                           decline_reason="other")  # fmt: skip


def _make_intake(last_name, born):
    now = timezone.now()
    return IntakeFactory(last_name=last_name, date_of_birth=born, status="reviewed", submitted_at=now,
                         reviewed_at=now)  # fmt: skip


def _make_request(last_name, born):
    return AppointmentRequestFactory(
        patient=PatientFactory(last_name=last_name, date_of_birth=born), status=RequestStatus.WITHDRAWN
    )


def _make_appointment(last_name, born, location, physician, n):
    request = AppointmentRequestFactory(
        patient=PatientFactory(last_name=last_name, date_of_birth=born), location=location
    )
    starts_at = local_slot(days_ahead=2 + n // 8, hour=8 + n % 8)  # each visit its own hour
    return services.appointment_book(request=request, physician=physician, starts_at=starts_at, by=None)


LISTS = {
    "referrals": ("admin:referrals_referral_changelist", _make_referral),
    "intakes": ("admin:intake_intake_changelist", _make_intake),
    "appointment requests": ("admin:appointments_appointmentrequest_changelist", _make_request),
    "appointments": ("admin:appointments_appointment_changelist", _make_appointment),
}


@pytest.fixture(params=list(LISTS))
def a_list(request, location, physician):
    url_name, make = LISTS[request.param]
    slots = itertools.count()

    def made(last_name, born):
        if make is _make_appointment:
            return make(last_name, born, location, physician, next(slots))
        return make(last_name, born)

    return reverse(url_name), made


def found(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_a_search_finds_a_booked_or_withdrawn_request_despite_the_default_open_filter(
    desk, location, physician
):
    url = reverse("admin:appointments_appointmentrequest_changelist")
    booked = AppointmentRequestFactory(patient=PatientFactory(last_name="Quenneville"), location=location)
    services.appointment_book(request=booked, physician=physician, starts_at=local_slot(), by=None)
    withdrawn = AppointmentRequestFactory(patient=PatientFactory(last_name="Quenneville"))
    services.appointment_request_withdraw(public_id=withdrawn.public_id, by=None)
    still_open = AppointmentRequestFactory(patient=PatientFactory(last_name="Quenneville"))

    assert found(desk, url) == {still_open.pk}  # the list still opens on the requests to book
    assert found(desk, url, q="Quenneville") == {booked.pk, withdrawn.pk, still_open.pk}
    assert found(desk, url, q="Quenneville", status="open") == {still_open.pk}  # a chosen status holds


def test_the_request_list_names_its_default_filter_and_says_when_a_search_sets_it_aside(desk):
    url = reverse("admin:appointments_appointmentrequest_changelist")
    opened = desk.get(url).content.decode()
    assert "Filtered by status: To book." in opened and "a search looks across all statuses" in opened

    searched = desk.get(url, {"q": "anyone"}).content.decode()
    assert "Searching all statuses." in searched and "Filtered by" not in searched

    chosen = desk.get(url, {"q": "anyone", "status": "booked"}).content.decode()
    assert "Filtered by status: Booked. Searching within this filter only." in chosen


@pytest.mark.parametrize(
    ("url_name", "params", "line"),
    [
        (
            "admin:referrals_referral_changelist",
            {"status__exact": "declined"},
            "Filtered by status: Declined.",
        ),
        ("admin:referrals_referral_changelist", {}, "No filter: showing all statuses."),
        ("admin:intake_intake_changelist", {"status__exact": "draft"}, "Filtered by status: Draft."),
        ("admin:appointments_appointment_changelist", {"q": "x"}, "Searching all statuses."),
    ],
)
def test_each_list_names_the_active_filter_above_the_rows(desk, url_name, params, line):
    page = desk.get(reverse(url_name), params).content.decode()
    assert f'<p class="active-filter-line"><strong>{line}</strong></p>' in page


@pytest.mark.parametrize("typed", TYPED)
def test_a_date_of_birth_in_any_common_format_finds_the_patient_on_each_list(desk, a_list, typed):
    url, make = a_list
    wanted = make("Abernathy", BORN)
    make("Abernathy", OTHER_DAY)
    make("Zeller", datetime.date(1975, 6, 30))

    assert found(desk, url, q=typed) == {wanted.pk}, typed
    assert found(desk, url, q=f"abernathy {typed}") == {wanted.pk}, typed
    assert found(desk, url, q=f"Zeller {typed}") == set(), typed


@pytest.mark.parametrize(
    "term", ["Abernathy", "1980", "02/30/1980", "13/13/1980", "1980-13-45", "12/31/99999", "Feb 30 1980",
             "Smarch 5 1980", "0/0/00", "5/5/5", "'; DROP TABLE", "9" * 500, "a" * 2000]
)  # fmt: skip
def test_a_term_that_is_not_a_date_is_searched_as_text_without_a_server_error(desk, a_list, term):
    url, make = a_list
    wanted = make("Abernathy", BORN)
    results = found(desk, url, q=term)
    assert results == ({wanted.pk} if term == "Abernathy" else set())


def test_a_search_with_a_date_of_birth_makes_a_bounded_number_of_queries(
    desk, a_list, django_assert_max_num_queries
):
    url, make = a_list
    for index in range(15):
        make(f"Patient{index}", BORN)
    with django_assert_max_num_queries(30):
        assert len(found(desk, url, q="Jan 5 1980")) == 15


def test_ambiguous_numbers_are_read_month_first_and_a_two_digit_year_as_a_possible_birth_year():
    assert dates_of_birth_in_search("03/04/1985") == ([{datetime.date(1985, 3, 4)}], "")
    assert dates_of_birth_in_search("25/12/1980") == ([{datetime.date(1980, 12, 25)}], "")  # only day first
    assert dates_of_birth_in_search("Dupont 5/6/70 Jane") == ([{datetime.date(1970, 5, 6)}], "Dupont Jane")
    assert dates_of_birth_in_search("3/4/15") == (
        [{datetime.date(2015, 3, 4), datetime.date(1915, 3, 4)}],
        "",
    )
    assert dates_of_birth_in_search("may smith") == ([], "may smith")
