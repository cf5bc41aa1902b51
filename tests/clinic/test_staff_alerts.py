"""Every alert is heard and acted on: escalation to a second list, once, on the right clock; a
warning when nobody would hear."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from clinic.core.alerts import staff_alert_acknowledge
from clinic.core.emails import render_email
from clinic.core.models import OutboundEmail
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN
from clinic.core.tasks import staff_alerts_escalate_task
from intake import services as intake_services
from tests.factories import IntakeFactory, ReferralFactory, StaffAlertFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/New_York")
# A Wednesday, in working hours.
WEDNESDAY_10AM = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=CLINIC)


@pytest.fixture(autouse=True)
def duty_lists(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    settings.CLINIC_ESCALATION_EMAILS = ["manager@clinic.example", "medical.director@clinic.example"]
    settings.STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES = 15
    settings.STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS = 4
    settings.CLINIC_WORKING_DAYS = [0, 1, 2, 3, 4]
    settings.CLINIC_WORKING_DAY_START = "08:00"
    settings.CLINIC_WORKING_DAY_END = "17:00"


def raise_red_flag(at: datetime.datetime, **red_flags: str):
    with time_machine.travel(at, tick=False):
        intake = IntakeFactory.create()
        intake_services.intake_save_step(intake=intake, step="pain", answers={"red_flags": red_flags})
    return intake.alerts.get()


def raise_phq9_item9(at: datetime.datetime):
    answers = {f"q{item}": 0 for item in range(1, 10)} | {"q9": 1}
    with time_machine.travel(at, tick=False):
        intake = IntakeFactory.create()
        intake_services.intake_save_questionnaires(intake=intake, responses={"phq9": answers})
    return intake.alerts.get()


def escalate_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return staff_alerts_escalate_task()


def escalation_emails():
    return OutboundEmail.objects.filter(template="staff-alert", context__escalation=True)


def test_an_emergency_nobody_acknowledges_goes_to_the_second_list_after_15_minutes_once():
    alert = raise_red_flag(WEDNESDAY_10AM, bowel_incontinence="yes")

    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(minutes=14)) == 0
    assert not escalation_emails().exists()
    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(minutes=15)) == 1
    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(minutes=16)) == 0  # the next beat run

    alert.refresh_from_db()
    assert alert.escalated_at == WEDNESDAY_10AM + datetime.timedelta(minutes=15)
    emails = escalation_emails()
    assert sorted(email.to for email in emails) == [
        "manager@clinic.example",
        "medical.director@clinic.example",
    ]
    message = render_email(emails[0])
    assert message.subject == "Not acknowledged: EMERGENCY alert - please review now"
    assert f"/staff/clinic/staffalert/{alert.pk}/change/" in message.body
    # The duty clinician had the first email only.
    assert OutboundEmail.objects.filter(to="duty@clinic.example").count() == 1


def test_an_alert_acknowledged_in_time_is_not_escalated():
    alert = raise_red_flag(WEDNESDAY_10AM, saddle_numbness="not_sure")
    with time_machine.travel(WEDNESDAY_10AM + datetime.timedelta(minutes=5), tick=False):
        assert staff_alert_acknowledge(alert=alert, user=StaffUserFactory(role=CLINICIAN))

    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(hours=2)) == 0
    assert not escalation_emails().exists()


def test_a_phq9_item9_alert_escalates_on_the_emergency_clock_and_names_the_structured_follow_up():
    saturday_night = datetime.datetime(2026, 12, 5, 23, 0, tzinfo=CLINIC)
    alert = raise_phq9_item9(saturday_night)

    assert "ASQ" in alert.summary and "C-SSRS" in alert.summary
    assert escalate_at(saturday_night + datetime.timedelta(minutes=15)) == 1
    assert (
        render_email(escalation_emails()[0]).subject
        == "Not acknowledged: PHQ-9 item 9 alert - please review now"
    )


def test_an_urgent_alert_counts_four_working_hours():
    alert = raise_red_flag(WEDNESDAY_10AM, fever_or_unwell="yes")
    assert alert.tier == "urgent"

    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(hours=3, minutes=59)) == 0
    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(hours=4)) == 1


def test_an_urgent_alert_raised_on_friday_evening_escalates_on_monday_morning():
    friday_evening = datetime.datetime(2026, 12, 4, 18, 30, tzinfo=CLINIC)
    raise_red_flag(friday_evening, cancer="yes")

    assert escalate_at(datetime.datetime(2026, 12, 5, 12, 0, tzinfo=CLINIC)) == 0  # Saturday
    assert escalate_at(datetime.datetime(2026, 12, 7, 11, 59, tzinfo=CLINIC)) == 0  # Monday
    assert escalate_at(datetime.datetime(2026, 12, 7, 12, 0, tzinfo=CLINIC)) == 1


def test_an_urgent_alert_late_on_friday_counts_the_rest_of_friday_then_monday():
    friday_4pm = datetime.datetime(2026, 12, 4, 16, 0, tzinfo=CLINIC)
    raise_red_flag(friday_4pm, major_trauma="yes")

    assert escalate_at(datetime.datetime(2026, 12, 7, 10, 59, tzinfo=CLINIC)) == 0
    assert escalate_at(datetime.datetime(2026, 12, 7, 11, 0, tzinfo=CLINIC)) == 1


def test_the_clocks_and_working_hours_are_settings(settings):
    settings.STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES = 5
    settings.STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS = 1
    settings.CLINIC_WORKING_DAYS = [5]  # Saturdays only
    settings.CLINIC_WORKING_DAY_START = "09:00"
    emergency = raise_red_flag(WEDNESDAY_10AM, bowel_incontinence="yes")
    urgent = raise_red_flag(WEDNESDAY_10AM, pain_in_both_legs="yes")

    assert escalate_at(WEDNESDAY_10AM + datetime.timedelta(minutes=5)) == 1
    assert escalate_at(datetime.datetime(2026, 12, 5, 9, 59, tzinfo=CLINIC)) == 0
    assert escalate_at(datetime.datetime(2026, 12, 5, 10, 0, tzinfo=CLINIC)) == 1
    emergency.refresh_from_db()
    urgent.refresh_from_db()
    assert emergency.escalated_at and urgent.escalated_at


def test_without_a_second_list_the_clinic_administrators_hear_of_the_escalation(settings):
    settings.CLINIC_ESCALATION_EMAILS = []
    StaffUserFactory(role=CLINIC_ADMINISTRATOR, email="admin@clinic.example")
    StaffUserFactory(role=CLINIC_ADMINISTRATOR, email="gone@clinic.example", is_active=False)
    raise_red_flag(WEDNESDAY_10AM, bowel_incontinence="yes")

    escalate_at(WEDNESDAY_10AM + datetime.timedelta(minutes=20))
    assert [email.to for email in escalation_emails()] == ["admin@clinic.example"]


def test_the_escalation_runs_on_beat(settings):
    entry = next(
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "clinic.alerts.escalate"
    )
    assert entry["schedule"] <= 60


def test_check_warns_when_no_alert_recipient_has_an_email(settings):
    settings.CLINIC_ALERT_EMAILS = []
    StaffUserFactory(role=CLINICIAN, email="")
    StaffUserFactory(role=CLINICIAN, email="left@clinic.example", is_active=False)

    with pytest.raises(SystemCheckError, match="clinic.W001"):
        call_command("check", fail_level="WARNING")

    StaffUserFactory(role=CLINICIAN, email="doc@clinic.example")
    call_command("check", fail_level="WARNING")


def test_check_is_quiet_with_an_alert_list_set():
    call_command("check", fail_level="WARNING")


def test_healthz_reports_missing_alert_recipients_without_failing(client, settings):
    settings.CLINIC_ALERT_EMAILS = []
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["alert_recipients"] == "none"

    settings.CLINIC_ALERT_EMAILS = ["duty@clinic.example"]
    assert client.get(reverse("healthz")).json()["alert_recipients"] == "ok"


def test_the_alert_list_queries_do_not_grow_with_the_alerts(client, django_assert_max_num_queries):
    for _ in range(15):
        StaffAlertFactory()
        StaffAlertFactory(subject=ReferralFactory(), tier="urgent")
    client.force_login(StaffUserFactory(role=CLINICIAN))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:clinic_staffalert_changelist"))
    assert response.content.decode().count("tier-alarm tier-urgent") >= 15
