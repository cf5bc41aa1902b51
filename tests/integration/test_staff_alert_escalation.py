"""Escalation through the real beat and worker: an alert nobody acknowledged reaches the second list
once; an acknowledged one does not; an urgent one waits for working hours."""

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from faker import Faker

from clinic.core.alerts import staff_alert_acknowledge
from clinic.core.models import StaffAlert
from clinic.core.roles import CLINIC_ADMINISTRATOR, CLINICIAN
from intake import services
from tests.factories import IntakeFactory, StaffUserFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
SETTLE_SECONDS = 4


def raise_alert(**red_flags) -> StaffAlert:
    intake = IntakeFactory.create()
    services.intake_save_step(intake=intake, step="pain", answers={"red_flags": red_flags})
    return intake.alerts.get()


def raised_ago(alert: StaffAlert, when: datetime.datetime) -> None:
    # The worker reads the clock of the machine: move the alert back in time instead.
    StaffAlert.objects.filter(pk=alert.pk).update(created_at=when)


def alert_pks_in(messages) -> list[int]:
    pks = []
    for message in messages:
        text = message.get_payload()[0].get_payload()
        pks += [int(pk) for pk in re.findall(r"/staff/clinic/staffalert/(\d+)/change/", text)]
    return sorted(pks)


def test_unacknowledged_alerts_escalate_once_to_the_administrators_and_acknowledged_ones_never(
    celery_worker, smtp_sink, settings
):
    settings.CLINIC_ALERT_EMAILS = []
    clinician = StaffUserFactory(role=CLINICIAN, email=fake.unique.email())
    administrator = StaffUserFactory(role=CLINIC_ADMINISTRATOR, email=fake.unique.email())
    now = timezone.now()

    ignored = raise_alert(bowel_incontinence="yes")
    acknowledged = raise_alert(saddle_numbness="yes")
    staff_alert_acknowledge(alert=acknowledged, user=clinician)
    urgent_in_working_hours_past = raise_alert(cancer="yes")
    raised_ago(ignored, now - datetime.timedelta(minutes=16))
    raised_ago(acknowledged, now - datetime.timedelta(minutes=16))
    # Raised on a Friday evening two weeks ago: its four working hours ended on the Monday.
    clinic_zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    last_friday = today - datetime.timedelta(days=(today.weekday() - 4) % 7 + 7)
    raised_ago(
        urgent_in_working_hours_past, datetime.datetime.combine(last_friday, datetime.time(18), clinic_zone)
    )
    fresh_urgent = raise_alert(fever_or_unwell="yes")

    wait_for(lambda: len(smtp_sink.messages_to(administrator.email)) >= 2, message="the escalations")
    time.sleep(SETTLE_SECONDS)  # several beat runs

    escalations = smtp_sink.messages_to(administrator.email)
    assert alert_pks_in(escalations) == sorted([ignored.pk, urgent_in_working_hours_past.pk])
    assert sorted(" ".join(message["Subject"].split()) for message in escalations) == [
        "Not acknowledged: EMERGENCY alert - please review now",
        "Not acknowledged: URGENT alert - please review now",
    ]
    assert len(smtp_sink.messages_to(clinician.email)) == 4  # each alert once, when raised
    ignored.refresh_from_db()
    acknowledged.refresh_from_db()
    fresh_urgent.refresh_from_db()
    assert ignored.escalated_at is not None
    assert acknowledged.escalated_at is None and fresh_urgent.escalated_at is None
