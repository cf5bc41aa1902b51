"""The outbox with the real worker: each email arrives once, through outages and redeliveries."""

import time

import pytest
from django.db import transaction
from faker import Faker

from clinic.core.emails import email_test_message, send_outbound_email
from clinic.core.models import OutboundEmail
from tests.factories import OutboundEmailFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
# Long enough for the 1-second beat sweeper to have re-queued anything it wrongly would.
SETTLE_SECONDS = 4


def sent_status(email_id):
    return OutboundEmail.objects.get(pk=email_id).status == OutboundEmail.Status.SENT


def test_an_email_is_delivered_once_by_the_worker(celery_worker, smtp_sink):
    address = fake.unique.email()
    with transaction.atomic():
        email = email_test_message(to=address)

    wait_for(lambda: smtp_sink.messages_to(address), message="the email to arrive")
    time.sleep(SETTLE_SECONDS)

    messages = smtp_sink.messages_to(address)
    assert len(messages) == 1
    assert messages[0]["Message-ID"] == email.message_id
    assert "email delivery is working" in messages[0].get_payload()[0].get_payload()
    assert sent_status(email.pk)


def test_a_refusing_smtp_server_delays_the_email_until_it_accepts(celery_worker, smtp_sink):
    address = fake.unique.email()
    smtp_sink.refusing = True
    try:
        with transaction.atomic():
            email = email_test_message(to=address)
        wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts >= 2, message="two refused attempts")
        assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.PENDING
        assert "451" in OutboundEmail.objects.get(pk=email.pk).last_error
    finally:
        smtp_sink.refusing = False

    wait_for(lambda: smtp_sink.messages_to(address), message="the email after SMTP recovers")
    time.sleep(SETTLE_SECONDS)
    assert len(smtp_sink.messages_to(address)) == 1
    assert sent_status(email.pk)


def test_redis_down_at_commit_keeps_the_change_and_delivers_once_it_returns(
    celery_worker, redis_server, smtp_sink
):
    address = fake.unique.email()
    connections = celery_worker.connections()
    redis_server.stop()
    try:
        with transaction.atomic():
            email = email_test_message(to=address)
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.PENDING
        assert email.last_queued_at is None
    finally:
        redis_server.start()
    celery_worker.back_after_broker_outage(connections_before=connections)

    wait_for(lambda: smtp_sink.messages_to(address), timeout=90, message="the sweeper to deliver the email")
    time.sleep(SETTLE_SECONDS)
    assert len(smtp_sink.messages_to(address)) == 1
    assert sent_status(email.pk)


def test_the_same_send_task_delivered_several_times_sends_one_email(celery_worker, smtp_sink):
    address = fake.unique.email()
    email = OutboundEmailFactory(to=address)  # committed, not yet queued
    for _ in range(3):
        send_outbound_email.delay(email.pk)

    wait_for(lambda: sent_status(email.pk), message="the email to be sent")
    send_outbound_email.delay(email.pk)
    time.sleep(SETTLE_SECONDS)

    assert len(smtp_sink.messages_to(address)) == 1
