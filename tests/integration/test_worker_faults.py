"""Fault tests of the outbox on the real services: workers killed mid-send, two workers racing, and
Redis (broker and rate-limit cache at once) stopped while patients submit forms.

The guarantee under test: every email queued is delivered, and delivered once, except in the one
window SMTP leaves open: a worker dying after the server took the message and before the worker
has recorded it sent (it has not heard the "250" yet, or the mark is not committed yet); then the
email goes twice, with one Message-ID, so the receiving side can drop the copy.

The workers killed here are their own (`start_worker`) on a broker of their own (`own_broker`); they
send to the session's SMTP sink, where every copy is counted by Message-ID. The worker that takes
over is started with the one it replaces but takes no task until the kill (`standby`): a worker
takes longer to import the project than an email takes to go stale. The session worker's sweeper,
when it runs, may also pick up what a killed worker left, as any other worker of the clinic would;
the counts hold whoever delivers.
"""

import datetime
import logging
import time
import uuid

import pytest
import redis
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from clinic.core.emails import email_test_message, send_outbound_email
from clinic.core.models import OutboundEmail
from intake import services as intake_services
from intake.models import Intake
from tests.factories import LocationFactory, open_every_day

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

fake = Faker()
# OUTBOX_STALE_SECONDS of the workers (conftest), plus a sweep and a send: by then, an email a dead
# worker left pending has been queued again and sent.
RESEND_DUE_SECONDS = 5 + 3
# Long enough for a 1-second sweeper to have re-queued anything it wrongly would.
SETTLE_SECONDS = 4


def queue_test_emails(count: int) -> list[OutboundEmail]:
    """`count` emails, each committed (and so published) by itself, as separate requests would."""
    emails = []
    for _ in range(count):
        with transaction.atomic():
            emails.append(email_test_message(to=fake.unique.email()))
    return emails


def rows(emails) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(pk__in=[email.pk for email in emails]).order_by("pk"))


def all_sent(emails) -> bool:
    return all(row.status == OutboundEmail.Status.SENT for row in rows(emails))


def delivered(smtp_sink, emails) -> int:
    return sum(
        1 for copies in smtp_sink.copies_by_message_id(e.message_id for e in emails).values() if copies
    )


def doomed_and_standby(start_worker, broker_url: str, *, concurrency: int = 2):
    """A worker to kill, and a fresh one (with beat) that takes over its queue once told to."""
    doomed = start_worker("doomed", broker_url, concurrency=concurrency, wait=False)
    standby = start_worker("fresh", broker_url, beat=True, queue="standby", wait=False)
    return doomed.wait_ready(), standby.wait_ready()


def wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def test_a_worker_killed_in_the_middle_of_sending_loses_no_email_and_doubles_none(
    own_broker, start_worker, smtp_sink
):
    doomed, fresh = doomed_and_standby(start_worker, own_broker)
    with smtp_sink.stalling("RCPT", 0.2):  # a slow server: each conversation takes a moment
        emails = queue_test_emails(20)
        wait_for(lambda: delivered(smtp_sink, emails) >= 6, timeout=30, message="six emails sent")
        # Then the next conversations are held before the message is handed over, and the kill
        # lands once both of the worker's sends are in one (never between a "250" and its mark).
        with smtp_sink.stalling("RCPT") as held:
            wait_for(lambda: held.waiting == 2, timeout=30, message="both sends in mid-conversation")
            doomed.kill()
        before_kill = delivered(smtp_sink, emails)
        killed_at = time.monotonic()
        fresh.consume()
        wait_for(lambda: all_sent(emails), timeout=60, message="every email sent after the kill")
        recovered_after = time.monotonic() - killed_at
    time.sleep(SETTLE_SECONDS)

    copies = smtp_sink.copies_by_message_id(email.message_id for email in emails)
    assert copies == {email.message_id: 1 for email in emails}
    assert sorted(
        message["To"] for message in smtp_sink.messages if message["Message-ID"] in copies
    ) == sorted(email.to for email in emails)
    # Each sent at its first recorded attempt: the killed sends left no trace but the row lock, released.
    assert [(row.status, row.attempts) for row in rows(emails)] == [(OutboundEmail.Status.SENT, 1)] * 20
    print(
        f"kill mid-send: 20 queued, {before_kill} delivered before the SIGKILL, 2 in"
        f" mid-conversation; {fresh.sent()} sent by the fresh worker, all 20 sent {recovered_after:.1f}s"
        f" after the kill, each exactly once"
    )


def test_a_worker_killed_once_the_server_has_the_email_sends_it_again_only_if_it_had_not_heard_so(
    own_broker, start_worker, smtp_sink
):
    """Two sends, each killed after the server took the message: one had its "250" and waits for the
    server's goodbye; the other still waits for the "250". The first is sent once. The second is the
    window SMTP leaves open: it is sent again, once, with the same Message-ID, and is never lost."""
    heard, unheard = fake.unique.email(), fake.unique.email()
    doomed, fresh = doomed_and_standby(start_worker, own_broker)  # two at a time: one send each
    with smtp_sink.stalling("QUIT", to=heard) as goodbye, smtp_sink.stalling("DATA", to=unheard) as reply:
        queued_at = time.monotonic()
        with transaction.atomic():
            accepted = email_test_message(to=heard)
        with transaction.atomic():
            taken = email_test_message(to=unheard)
        wait_for(lambda: goodbye.waiting == 1 and reply.waiting == 1, timeout=30,
                 message="both emails taken, one goodbye and one 250 pending")  # fmt: skip
        assert delivered(smtp_sink, [accepted, taken]) == 2
        doomed.kill()
    killed_at = time.monotonic()
    # The one the worker heard accepted was marked sent before the goodbye; the other rolled back.
    assert [(row.status, row.attempts) for row in rows([accepted, taken])] == [
        (OutboundEmail.Status.SENT, 1),
        (OutboundEmail.Status.PENDING, 0),
    ]
    fresh.consume()
    wait_for(lambda: all_sent([accepted, taken]), timeout=60, message="both emails marked sent")
    resent_after = time.monotonic() - killed_at
    wait_until(queued_at + RESEND_DUE_SECONDS)
    time.sleep(SETTLE_SECONDS)

    assert smtp_sink.copies_by_message_id([accepted.message_id, taken.message_id]) == {
        accepted.message_id: 1,
        taken.message_id: 2,
    }
    assert [message["To"] for message in smtp_sink.messages_to(unheard)] == [unheard] * 2
    assert [(row.status, row.attempts) for row in rows([accepted, taken])] == [
        (OutboundEmail.Status.SENT, 1)
    ] * 2
    print(
        f"kill after acceptance: the email whose 250 was heard sent once; the one killed before its 250"
        f" sent again {resent_after:.1f}s after the kill, 2 copies with one Message-ID"
    )


def start_data() -> dict[str, str]:
    return {
        "first_name": fake.first_name(),
        "last_name": fake.last_name(),
        "date_of_birth": "1971-05-14",
        "email": fake.unique.email(),
    }


def test_two_workers_on_one_broker_deliver_each_of_40_new_patients_emails_once(
    own_broker, start_worker, smtp_sink
):
    first = start_worker("first", own_broker, beat=True, wait=False)
    second = start_worker("second", own_broker, wait=False)
    first.wait_ready(), second.wait_ready()
    with smtp_sink.stalling("RCPT", 0.05):
        addresses = []
        for _ in range(40):
            data = start_data()
            intake_services.intake_start(
                first_name=data["first_name"], last_name=data["last_name"],
                date_of_birth=datetime.date(1971, 5, 14), email=data["email"],
            )  # fmt: skip
            addresses.append(data["email"])
            # Published a second time, as a sweeper running beside a slow worker would: the two
            # workers then race for the same email.
            send_outbound_email.delay(OutboundEmail.objects.get(to=data["email"]).pk)
        emails = list(OutboundEmail.objects.filter(to__in=addresses))
        assert len(emails) == 40
        wait_for(lambda: all_sent(emails), timeout=60, message="the 40 emails sent")
    time.sleep(SETTLE_SECONDS)

    copies = smtp_sink.copies_by_message_id(email.message_id for email in emails)
    assert copies == {email.message_id: 1 for email in emails}
    assert sorted(message["To"] for message in smtp_sink.messages if message["To"] in addresses) == sorted(
        addresses
    )
    assert [(row.status, row.attempts) for row in rows(emails)] == [(OutboundEmail.Status.SENT, 1)] * 40
    # Both took part, or the race was not run.
    assert first.sent() > 0 and second.sent() > 0
    print(
        f"two workers: 40 emails, 80 send tasks; first sent {first.sent()}, second {second.sent()};"
        f" 40 delivered, each once"
    )


def limiter_warnings(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "clinic.core.ratelimits" and record.levelno == logging.WARNING
    ]


def test_redis_stopped_while_patients_submit_forms_loses_no_submission_and_no_email(
    celery_worker, redis_server, smtp_sink, settings, caplog
):
    """Redis is the broker and the rate-limit cache at once, as in production. Patients start intakes
    and ask for appointments before, during and after an outage: each gets the page that says an
    email is on its way, their request is stored, and each email arrives once after Redis returns."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url_for(2),
            "KEY_PREFIX": f"fault-{uuid.uuid4().hex}",
            "OPTIONS": settings.CACHE_OPTIONS,
        }
    }
    caplog.set_level(logging.WARNING, logger="clinic.core.ratelimits")
    location = LocationFactory()
    open_every_day(location)
    client = Client()
    submitted: list[tuple[str, str]] = []  # (kind, address)

    def submit(index: int) -> tuple[int, str, float]:
        data = start_data()
        started = time.monotonic()
        if index % 2:
            response = client.post(reverse("new_patient"), data, REMOTE_ADDR=f"203.0.113.{index + 1}")
            submitted.append(("intake", data["email"]))
        else:
            form = {
                **data,
                "submission_key": str(uuid.uuid4()),
                "visit_type": "new_consultation",
                "location": str(location.pk),
                "preferred_days": ["tue"],
                "time_windows": ["morning"],
                "earliest_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
                "contact_preference": "email",
                "reason": "Back pain",
            }
            response = client.post(reverse("request_appointment"), form, follow=True,
                                   REMOTE_ADDR=f"203.0.113.{index + 1}")  # fmt: skip
            submitted.append(("appointment", data["email"]))
        return response.status_code, response.content.decode(), time.monotonic() - started

    before = [submit(index) for index in range(4)]
    warnings_before = len(limiter_warnings(caplog))
    key_prefix = settings.CACHES["default"]["KEY_PREFIX"]
    connections = celery_worker.connections()
    redis_server.stop()
    try:
        during = [submit(index) for index in range(4, 10)]
        warnings_during = len(limiter_warnings(caplog)) - warnings_before
        outage_addresses = [address for _, address in submitted[4:]]
        left_for_sweeper = OutboundEmail.objects.filter(to__in=outage_addresses, last_queued_at=None).count()
    finally:
        redis_server.start()
    worker_restarted = celery_worker.back_after_broker_outage(connections_before=connections)
    after = [submit(index) for index in range(10, 14)]

    pages = before + during + after
    assert [status for status, _, _ in pages] == [200] * 14
    assert all("Check your email" in body and settings.CLINIC_PHONE in body for _, body, _ in pages)
    assert max(seconds for _, _, seconds in during) < 5  # nobody waits on the dead Redis
    assert warnings_before == 0
    assert warnings_during == 6
    assert all("let through" in record.getMessage() for record in limiter_warnings(caplog))
    # Once Redis is back the limits count again: the restarted server (no persistence) holds the
    # counts of the 4 requests since, one per client address and one per email address.
    assert len(limiter_warnings(caplog)) == 6
    assert len(list(redis.Redis.from_url(redis_server.url_for(2)).scan_iter(match=f"{key_prefix}:*"))) == 8
    intakes = {address for kind, address in submitted if kind == "intake"}
    asked = {address for kind, address in submitted if kind == "appointment"}
    assert Intake.objects.filter(email__in=intakes).count() == 7
    assert OutboundEmail.objects.filter(to__in=intakes | asked).count() == 14
    assert left_for_sweeper == 6  # every email of the outage waited for the sweeper, none was dropped

    addresses = [address for _, address in submitted]
    wait_for(lambda: all(smtp_sink.messages_to(address) for address in addresses), timeout=90,
             message="every submission's email after Redis returns")  # fmt: skip
    time.sleep(SETTLE_SECONDS)
    assert [len(smtp_sink.messages_to(address)) for address in addresses] == [1] * 14
    assert set(OutboundEmail.objects.filter(to__in=addresses).values_list("status", flat=True)) == {"sent"}
    print(
        f"redis outage: 14 submissions (4 before, 6 during, 4 after), all 200; slowest during the outage"
        f" {max(seconds for _, _, seconds in during):.2f}s; 6 fail-open warnings; 14 emails delivered once;"
        f" worker {'exited in the outage and was started again' if worker_restarted else 'reconnected'}"
    )
