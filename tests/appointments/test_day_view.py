"""The front desk's day view: today's entry on the staff home, moving between days, the visits by
physician and location with the flags that decide booking and the intake status, and printing."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN, FRONT_DESK
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    LocationFactory,
    PatientFactory,
    PhysicianFactory,
    StaffUserFactory,
    stored_safety_screen,
)

pytestmark = pytest.mark.django_db

DAY_VIEW = reverse("admin:appointments_appointment_day")
ZONE = timezone.get_default_timezone()


def visit(*, physician, location, day, hour, minute=0, visit_type="follow_up", patient=None, **fields):
    """A booked visit at `hour`:`minute` clinic time on `day` (no email, no slot rules: the view's job
    is to show what is booked)."""
    request = AppointmentRequestFactory(
        patient=patient or PatientFactory(), location=location, status="booked", visit_type=visit_type
    )
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)
    return Appointment.objects.create(
        request=request,
        patient=request.patient,
        physician=physician,
        location=location,
        visit_type=visit_type,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        scheduled_at=timezone.now(),
        **fields,
    )


def signed_in(client, role):
    client.force_login(StaffUserFactory(role=role))
    return client


def href(content: str, element_id: str) -> str:
    found = re.search(rf'<a href="([^"]+)"[^>]*id="{element_id}"', content)
    assert found, f"no link #{element_id}"
    return found.group(1).replace("&amp;", "&")


def worklist_rows(content: str) -> str:
    return content.split('id="worklists"', 1)[1].split("</table>", 1)[0]


# --- The staff home ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN, CLINIC_ADMINISTRATOR])
def test_the_staff_home_links_to_today_on_the_clinics_calendar(client, role):
    location, physician = LocationFactory(), PhysicianFactory()
    # 03:30 UTC on 10 March is still 9 March in New York: the clinic's today, not UTC's.
    with time_machine.travel(datetime.datetime(2027, 3, 10, 3, 30, tzinfo=datetime.UTC), tick=False):
        assert settings.TIME_ZONE == "America/New_York"
        today = datetime.date(2027, 3, 9)
        visit(physician=physician, location=location, day=today, hour=9)
        visit(physician=physician, location=location, day=today, hour=10)
        visit(
            physician=physician,
            location=location,
            day=today,
            hour=11,
            status="cancelled",
            cancel_reason="other",
        )
        visit(physician=physician, location=location, day=today + datetime.timedelta(days=1), hour=9)
        signed_in(client, role)
        rows = worklist_rows(client.get(reverse("admin:index")).content.decode())

        assert "Today&#x27;s schedule" in rows or "Today's schedule" in rows
        url = re.search(r'<a href="([^"]+)">Today(&#x27;|\')s schedule</a>', rows).group(1)
        assert url == f"{DAY_VIEW}?day=2027-03-09"
        # Two visits still on today's schedule (the cancelled one and tomorrow's are not counted).
        assert "<td>2</td>" in rows.split("s schedule</a>", 1)[1].split("</tr>", 1)[0]
        page = client.get(url)
        assert page.status_code == 200
        assert "Visits on Tuesday, March 9, 2027" in page.content.decode()


def test_staff_who_cannot_see_visits_get_no_schedule_entry(client):
    client.force_login(StaffUserFactory())  # staff without a role
    assert "schedule" not in client.get(reverse("admin:index")).content.decode()


# --- Moving between days ------------------------------------------------------------------------


def test_the_previous_next_and_today_links_go_to_the_adjacent_days_keeping_the_filters(client):
    location, physician = LocationFactory(), PhysicianFactory()
    signed_in(client, FRONT_DESK)
    content = client.get(
        DAY_VIEW, {"day": "2027-03-01", "location": location.pk, "physician": physician.pk}
    ).content.decode()
    filters = f"location={location.pk}&physician={physician.pk}"
    assert href(content, "day-previous") == f"{DAY_VIEW}?day=2027-02-28&{filters}"
    assert href(content, "day-next") == f"{DAY_VIEW}?day=2027-03-02&{filters}"
    assert href(content, "day-today") == f"{DAY_VIEW}?day={timezone.localdate().isoformat()}&{filters}"
    # Across a year's end and the clocks changing (2 a.m. on 14 March 2027 in New York).
    assert href(client.get(DAY_VIEW, {"day": "2026-12-31"}).content.decode(), "day-next").endswith(
        "day=2027-01-01"
    )
    spring = client.get(DAY_VIEW, {"day": "2027-03-14"}).content.decode()
    assert href(spring, "day-previous").endswith("day=2027-03-13")
    assert href(spring, "day-next").endswith("day=2027-03-15")
    # The links open the day they name.
    next_page = client.get(href(content, "day-next"))
    assert "Visits on Tuesday, March 2, 2027" in next_page.content.decode()


def test_the_days_visits_follow_the_clinic_calendar_across_a_clock_change(client):
    location, physician = LocationFactory(), PhysicianFactory()
    # 23:30 on the Saturday before the clocks go forward, and 00:30 the Sunday after.
    saturday = visit(
        physician=physician, location=location, day=datetime.date(2027, 3, 13), hour=23, minute=30
    )
    sunday = visit(physician=physician, location=location, day=datetime.date(2027, 3, 14), hour=0, minute=30)
    signed_in(client, FRONT_DESK)
    assert client.get(DAY_VIEW, {"day": "2027-03-13"}).context["visits"] == [saturday]
    assert client.get(DAY_VIEW, {"day": "2027-03-14"}).context["visits"] == [sunday]


@pytest.mark.parametrize("day", ["not-a-date", "2027-02-30", "9999-12-31", "0001-01-01", ""])
def test_a_day_that_cannot_be_shown_gets_a_message_not_a_server_error(client, day):
    signed_in(client, FRONT_DESK)
    response = client.get(DAY_VIEW, {"day": day})
    assert response.status_code == 200
    content = response.content.decode()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "No visits shown: please check the day and the filters."
    ]
    assert "errorlist" in content  # the field says what is wrong
    assert href(content, "day-today") == f"{DAY_VIEW}?day={timezone.localdate().isoformat()}"
    assert 'id="day-previous"' not in content and 'id="day-next"' not in content


# --- What the day shows -------------------------------------------------------------------------


def test_visits_are_grouped_by_physician_and_location_with_flags_and_intake_status(client):
    day = datetime.date(2027, 4, 6)
    north, south = LocationFactory(name="North Clinic"), LocationFactory(name="South Clinic")
    adams = PhysicianFactory(first_name="Ana", last_name="Adams")
    brown = PhysicianFactory(first_name="Ben", last_name="Brown")
    flagged = PatientFactory(first_name="Flora", last_name="Flagged")
    IntakeFactory(patient=flagged, status="submitted", submitted_at=timezone.now(), red_flag_tier="urgent")
    stored_safety_screen(flagged, medications=["Eliquis 5 mg"], devices=["pacemaker"])
    unscreened = PatientFactory(first_name="Nora", last_name="Noscreen")
    IntakeFactory(patient=unscreened)  # a draft, nothing answered
    plain = PatientFactory(first_name="Paul", last_name="Plain")

    late = visit(physician=brown, location=north, day=day, hour=14, patient=plain)
    early = visit(physician=brown, location=north, day=day, hour=9, patient=flagged)
    south_visit = visit(physician=adams, location=south, day=day, hour=8, patient=plain)
    north_visit = visit(
        physician=adams, location=north, day=day, hour=10, patient=unscreened, visit_type="procedure"
    )
    visit(physician=adams, location=north, day=day + datetime.timedelta(days=1), hour=9)
    signed_in(client, FRONT_DESK)

    response = client.get(DAY_VIEW, {"day": day.isoformat()})

    schedule = response.context["schedule"]
    assert [(g.physician, g.location, [r.visit for r in g.visits]) for g in schedule] == [
        (adams, north, [north_visit]),
        (adams, south, [south_visit]),
        (brown, north, [early, late]),
    ]
    content = response.content.decode()
    tables = content.split('<table class="day-visits">')[1:]
    assert len(tables) == 3
    assert "Dr. Ana Adams" in tables[0] and "North Clinic: 1 visit" in tables[0]
    assert "Dr. Ana Adams" in tables[1] and "South Clinic: 1 visit" in tables[1]
    assert "Dr. Ben Brown" in tables[2] and "North Clinic: 2 visits" in tables[2]
    # Brown's morning: the flagged patient, in time order before the afternoon's.
    flora_row, paul_row = tables[2].split("<tbody>", 1)[1].split("<tr>")[1:3]
    assert "09:00" in flora_row and "Flagged" in flora_row
    for text in ("Submitted", "Urgent", "apixaban (anticoagulant)", "Pacemaker"):
        assert text in flora_row, text
    assert "14:00" in paul_row and "No intake" in paul_row
    assert "None" in paul_row.split("day-visit-flags", 1)[1]
    # A procedure with no screen on record says so, as booking would; a draft intake is "Draft".
    noscreen_row = tables[0].split("<tbody>", 1)[1]
    assert "No safety screen on record" in noscreen_row and "Draft" in noscreen_row


def test_a_day_without_visits_says_so(client):
    signed_in(client, CLINICIAN)
    content = client.get(DAY_VIEW, {"day": "2027-04-06"}).content.decode()
    assert 'id="day-no-visits"' in content and "No visits." in content


@pytest.mark.parametrize("count", [3, 30])
def test_the_day_view_queries_do_not_grow_with_the_visits(client, django_assert_max_num_queries, count):
    day = datetime.date(2027, 4, 6)
    locations = [LocationFactory(), LocationFactory()]
    physicians = [PhysicianFactory(), PhysicianFactory(), PhysicianFactory()]
    for n in range(count):
        patient = PatientFactory()
        IntakeFactory(
            patient=patient, status="submitted", submitted_at=timezone.now(), red_flag_tier="urgent"
        )
        stored_safety_screen(patient, medications=["Eliquis 5 mg"])
        visit(
            patient=patient,
            physician=physicians[n % 3],
            location=locations[n % 2],
            day=day,
            hour=8 + n % 9,
            minute=n // 9 * 10,
        )
    signed_in(client, FRONT_DESK)

    # The same ceiling for 3 visits as for 30: session and user, the form's two lists, the visits
    # with their intake and screen (one query), the audit's one insert for all of them.
    with django_assert_max_num_queries(11):
        response = client.get(DAY_VIEW, {"day": day.isoformat()})

    assert response.status_code == 200
    rows = [row for group in response.context["schedule"] for row in group.visits]
    assert len(rows) == count and len(response.context["schedule"]) == min(count, 6)
    assert all(row.intake_status == "Submitted" and row.red_flag_tier == "urgent" for row in rows)
    assert all(any("apixaban" in flag for flag in row.flags) for row in rows)


# --- Printing -----------------------------------------------------------------------------------


def test_the_day_prints_without_the_admin_chrome_and_without_inline_script_or_style(client):
    signed_in(client, FRONT_DESK)
    response = client.get(DAY_VIEW, {"day": "2027-04-06"})
    content = response.content.decode()
    assert "/static/appointments/day-view.css" in content and "/static/appointments/day-view.js" in content
    assert 'id="day-print"' in content and "Ctrl+P" in content
    # CSP forbids inline code: every script has a src, there is no style element or attribute.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
    assert "<style" not in content and " style=" not in content
    assert "'unsafe-inline'" not in response.headers.get("Content-Security-Policy", "")

    static = Path(settings.BASE_DIR) / "static" / "appointments"
    css = (static / "day-view.css").read_text()
    printed = css.split("@media print", 1)[1]
    hidden = printed.split("display: none", 1)[0]
    for chrome in (
        "#header",
        ".breadcrumbs",
        "#nav-sidebar",
        "#toggle-nav-sidebar",
        ".day-view-filter",
        ".day-view-nav",
        ".messagelist",
        "#footer",
        "#session-timeout",
    ):
        assert chrome in hidden, chrome
    assert "window.print()" in (static / "day-view.js").read_text()
