"""Referral emails through the real worker, Redis, PostgreSQL and SMTP: each milestone arrives once."""

import datetime
import time
import uuid

import pytest
from django.utils import timezone
from faker import Faker

from referrals import services
from tests.factories import ReferringProviderFactory, StaffUserFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
SETTLE_SECONDS = 4


def test_each_referral_email_is_delivered_once(celery_worker, smtp_sink):
    provider = ReferringProviderFactory(user__email=fake.unique.email())
    patient_email = fake.unique.email()
    staff = StaffUserFactory()
    data = {
        "patient_first_name": "Maria",
        "patient_last_name": "Lopez",
        "patient_date_of_birth": datetime.date(1961, 4, 12),
        "patient_sex": "female",
        "patient_phone": "+12175550143",
        "patient_email": patient_email,
        "insurance_carrier": "Blue Cross",
        "insurance_member_id": "XJH1",
        "reason": "Radicular pain",
        "diagnosis_codes": ["M54.16"],
        "requested_service": "epidural_steroid_injection",
        "red_flag_answers": {"bowel_incontinence": "no"},
        "safety_answers": {"blood_thinner": "no", "devices": [], "diabetes": "no", "contrast_allergy": "no"},
    }
    token = uuid.uuid4()
    referral, created = services.referral_submit(provider=provider, submission_token=token, data=data)
    # A double submission queues nothing more.
    assert services.referral_submit(provider=provider, submission_token=token, data=data) == (referral, False)
    assert created
    services.referral_mark_under_review(referral=referral, by=staff)
    services.referral_accept(referral=referral, by=staff)
    services.referral_schedule(
        referral=referral, visit_at=timezone.now() + datetime.timedelta(days=3), by=staff
    )
    services.referral_mark_seen(referral=referral, by=staff)

    expected_provider = {
        f"Referral {referral.number} received",
        f"Referral {referral.number} accepted",
        f"Referral {referral.number}: visit scheduled",
        f"Referral {referral.number}: patient seen",
    }
    wait_for(
        lambda: (
            len(smtp_sink.messages_to(provider.user.email)) >= 4
            and len(smtp_sink.messages_to(patient_email)) >= 2
        ),
        message="the referral emails to arrive",
    )
    time.sleep(SETTLE_SECONDS)

    provider_subjects = [message["Subject"] for message in smtp_sink.messages_to(provider.user.email)]
    assert sorted(provider_subjects) == sorted(expected_provider)
    assert len(smtp_sink.messages_to(patient_email)) == 2  # intake invitation and visit date
    for message in smtp_sink.messages_to(provider.user.email):
        body = message.get_payload()[0].get_payload(decode=True).decode()
        assert "ML" in body and "Lopez" not in body and "M54.16" not in body
