import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clinic.core.emails import email_queue, email_retry, email_send, outbox_sweep
from clinic.core.models import OutboundEmail
from tests.factories import OutboundEmailFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def queue_test_email(key="k1", **kwargs):
    return email_queue(
        to="patient@example.com",
        template="test-message",
        context={"requested_at": "2026-11-29T10:00:00"},
        idempotency_key=key,
        **kwargs,
    )


def test_email_is_sent_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = queue_test_email()
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["patient@example.com"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_at is not None


def test_no_email_when_the_business_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue_test_email()
        raise RuntimeError("the change failed")

    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_queueing_twice_with_one_key_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_test_email()
        second = queue_test_email()

    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_sending_a_sent_email_again_does_nothing():
    email = OutboundEmailFactory()
    assert email_send(email_id=email.pk).sent
    assert not email_send(email_id=email.pk).sent
    assert len(mail.outbox) == 1


def test_message_id_comes_from_the_idempotency_key():
    email = OutboundEmailFactory(idempotency_key="referral:42:accepted")
    email_send(email_id=email.pk)

    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert OutboundEmailFactory.build(idempotency_key="referral:42:accepted").message_id == email.message_id


def test_email_has_plain_text_and_html_parts():
    email_send(email_id=OutboundEmailFactory().pk)

    message = mail.outbox[0]
    assert "email delivery is working" in message.body
    assert message.alternatives[0].mimetype == "text/html"


@override_settings(EMAIL_BACKEND="tests.clinic.failing_backend.RefusingBackend", OUTBOX_RETRY_BASE_SECONDS=30)
def test_a_refused_email_stays_pending_with_backoff():
    email = OutboundEmailFactory()
    before = timezone.now()

    assert not email_send(email_id=email.pk).sent

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    assert email.send_after >= before + datetime.timedelta(seconds=30)


@override_settings(EMAIL_BACKEND="tests.clinic.failing_backend.GoodbyeFailingBackend")
def test_an_email_the_server_accepted_stays_sent_when_the_goodbye_fails():
    email = OutboundEmailFactory()

    assert email_send(email_id=email.pk).sent

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.SENT, 1, "")
    assert not email_send(email_id=email.pk).sent
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND="tests.clinic.failing_backend.RefusingBackend", OUTBOX_MAX_ATTEMPTS=2)
def test_an_email_that_keeps_failing_is_marked_failed_after_the_last_attempt():
    email = OutboundEmailFactory()
    email_send(email_id=email.pk)
    OutboundEmail.objects.filter(pk=email.pk).update(send_after=timezone.now())
    email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 2


def test_a_future_email_waits_for_the_sweeper(django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_test_email(send_after=later)
    assert mail.outbox == []

    assert outbox_sweep() == 0
    OutboundEmail.objects.filter(pk=email.pk).update(send_after=timezone.now())
    assert outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_sweeper_requeues_an_email_the_broker_never_delivered():
    stuck = OutboundEmailFactory(last_queued_at=timezone.now() - datetime.timedelta(hours=1))
    just_queued = OutboundEmailFactory(last_queued_at=timezone.now())

    assert outbox_sweep() == 1

    stuck.refresh_from_db()
    just_queued.refresh_from_db()
    assert stuck.status == OutboundEmail.Status.SENT
    assert just_queued.status == OutboundEmail.Status.PENDING


def test_staff_can_retry_a_failed_email(django_capture_on_commit_callbacks):
    email = OutboundEmailFactory(status=OutboundEmail.Status.FAILED, attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        email_retry(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_outbox_admin_shows_delivery_state_but_not_the_content(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    email = OutboundEmailFactory(context={"secret_marker": "do-not-show-this"})

    listing = client.get(reverse("admin:clinic_outboundemail_changelist"))
    detail = client.get(reverse("admin:clinic_outboundemail_change", args=[email.pk]))

    assert listing.status_code == 200 and detail.status_code == 200
    assert email.to in listing.content.decode()
    assert "do-not-show-this" not in detail.content.decode()
    assert "Pending" in detail.content.decode()


def test_outbox_admin_list_queries_are_bounded(client, django_assert_max_num_queries):
    client.force_login(StaffUserFactory(is_superuser=True))
    OutboundEmailFactory.create_batch(40)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("admin:clinic_outboundemail_changelist")).status_code == 200
