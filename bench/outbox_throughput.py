"""Emails per second through the outbox, Redis, a real Celery worker and an SMTP sink."""

import argparse
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.local")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        sys.exit("Set REDIS_URL (and DATABASE_URL to a migrated PostgreSQL database).")

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.db import transaction

    from clinic.core.emails import email_queue
    from clinic.core.models import OutboundEmail

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    worker_env = {
        **os.environ,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "clinic", "worker", "--concurrency", str(args.concurrency),
         "--loglevel", "warning", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=worker_env,
    )  # fmt: skip
    run = uuid.uuid4().hex[:8]
    try:
        time.sleep(5)  # let the worker connect before the clock starts
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(args.emails):
                email_queue(
                    to=f"bench{i}@example.com",
                    template="test-message",
                    context={"requested_at": run},
                    idempotency_key=f"bench:{run}:{i}",
                )
        queued = time.perf_counter()
        rows = OutboundEmail.objects.filter(idempotency_key__startswith=f"bench:{run}:")
        while rows.filter(status=OutboundEmail.Status.SENT).count() < args.emails:
            time.sleep(0.05)
        finished = time.perf_counter()
        time.sleep(2)
        duplicates = len(sink.message_ids) - len(set(sink.message_ids))
        print(f"emails: {args.emails}, worker processes: {args.concurrency}")
        print(f"queue (one transaction, publish on commit): {queued - started:.2f} s")
        elapsed = finished - started
        print(f"all sent after: {elapsed:.2f} s = {args.emails / elapsed:.0f} emails/s")
        print(f"messages received: {len(sink.message_ids)}, duplicates: {duplicates}")
        rows.delete()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()


if __name__ == "__main__":
    main()
