"""A real Celery worker (with beat) against a real Redis, the test PostgreSQL and an SMTP sink.

Redis here is a private redis-server on a spare loopback port, so a test can stop it and start
it again as an outage would, without touching the machine's shared Redis.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from clinic.celery import app as celery_app
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out waiting for {message}")


class SmtpSink:
    """Collects messages; while `refusing`, answers every message with a temporary failure."""

    def __init__(self):
        self.messages = []
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def messages_to(self, address: str):
        return [message for message in self.messages if message["To"] == address]


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, message="redis-server to start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    need(shutil.which("redis-server") is not None, "redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_database_url() -> str:
    settings_dict = connection.settings_dict
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def use_broker(url: str, *, eager: bool) -> None:
    """Point this process's Celery app at `url`, dropping connections made to any earlier broker."""
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    # Celery's own way to drop pooled connections, as after a fork.
    celery_app._after_fork()  # type: ignore[attr-defined]  # noqa: SLF001


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, redis_server, smtp_sink, tmp_path_factory):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    workdir = tmp_path_factory.mktemp("worker")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_server.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_STALE_SECONDS": "5",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "STAFF_ALERT_ESCALATION_SWEEP_SECONDS": "1",
    }
    log_path = workdir / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "clinic", "worker", "--beat",
                "--schedule", str(workdir / "celerybeat-schedule"), "--concurrency", "2",
                "--loglevel", "info", "--without-mingle", "--without-gossip",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: "ready." in log_path.read_text() or process.poll() is not None, timeout=60,
                 message="the Celery worker to start")  # fmt: skip
        assert process.poll() is None, log_path.read_text()
        use_broker(redis_server.url, eager=False)
        process.log_path = log_path  # what the worker wrote, for the log tests
        yield process
    finally:
        use_broker(redis_server.url, eager=True)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if os.environ.get("SHOW_WORKER_LOG"):
            sys.stderr.write(log_path.read_text())
