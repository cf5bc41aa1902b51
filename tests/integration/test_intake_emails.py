"""Intake emails through the real worker: resume, staff alert and confirmation each arrive once."""

import time

import pytest
from django.db import transaction
from faker import Faker

from intake import services
from intake.steps import STEP_SLUGS
from tests.factories import IntakeFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
SETTLE_SECONDS = 4


def test_resume_alert_and_confirmation_emails_are_each_delivered_once(celery_worker, smtp_sink, settings):
    duty = fake.unique.email()
    settings.CLINIC_ALERT_EMAILS = [duty]
    intake = IntakeFactory(email=fake.unique.email(), first_name="Ann", last_name="Lee")

    services.intake_send_resume_link(intake=intake)
    services.intake_send_resume_link(intake=intake)  # pressed twice
    pain = {
        "body_regions": ["low_back"],
        "onset_date": "2024-01-01",
        "red_flags": {"bowel_incontinence": "yes"},
    }
    services.intake_save_step(intake=intake, step="pain", answers=pain)
    services.intake_save_step(intake=intake, step="pain", answers=pain)  # saved again: no second alert
    with transaction.atomic():
        intake.refresh_from_db()
        intake.completed_steps = list(STEP_SLUGS)
        intake.save(update_fields=["completed_steps"])
    services.intake_submit(
        intake=intake, consent_name="Ann Lee", consent_privacy=True, consent_financial=True
    )
    with pytest.raises(services.IntakeNotEditable):
        services.intake_submit(
            intake=intake, consent_name="Ann Lee", consent_privacy=True, consent_financial=True
        )

    wait_for(lambda: len(smtp_sink.messages_to(intake.email)) >= 2, message="the patient's emails")
    wait_for(lambda: smtp_sink.messages_to(duty), message="the staff alert")
    time.sleep(SETTLE_SECONDS)

    subjects = sorted(" ".join(message["Subject"].split()) for message in smtp_sink.messages_to(intake.email))
    assert subjects == [
        "We received your questionnaire (Riverside Interventional Pain Center)",
        "Your link to continue your questionnaire (Riverside Interventional Pain Center)",
    ]
    alerts = smtp_sink.messages_to(duty)
    assert [message["Subject"] for message in alerts] == ["EMERGENCY alert - please review now"]
    alert_text = alerts[0].get_payload()[0].get_payload()
    assert "/staff/clinic/staffalert/" in alert_text
    assert "Lee" not in alert_text and "bowel" not in alert_text.lower()
