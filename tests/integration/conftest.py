"""A real Celery worker (with beat) against a real Redis, the test PostgreSQL and an SMTP sink.

Redis here is a private redis-server on a spare loopback port, so a test can stop it and start
it again as an outage would, without touching the machine's shared Redis. Every worker, the
session's and those a fault test starts and kills (`start_worker`), is a `Worker`.
"""

import asyncio
import contextlib
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
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


@dataclass(eq=False)
class Stall:
    """One step of the conversations (those to `to`, or all) made to wait `seconds`, or while it lasts."""

    step: str
    seconds: float
    to: str | None
    waiting: int = 0  # conversations it holds right now
    active: bool = True


class SmtpSink:
    """Collects messages; while `refusing`, answers every message with a temporary failure.

    `stalling(step)` makes one step of every conversation (or, with `to`, of those to one address)
    wait before it is answered, `seconds` long or for as long as the `with` block lasts, as a slow
    server would: "RCPT" (the message not handed over yet), "DATA" (the message taken, its "250"
    late) or "QUIT" (the message accepted, the goodbye late). A message counts as taken once its
    content has arrived, whether or not the sender then hears the "250": a real server may already
    have delivered it by then.
    """

    STEPS = ("RCPT", "DATA", "QUIT")

    def __init__(self):
        self.messages = []
        self.refusing = False
        self.stalls: list[Stall] = []

    @contextlib.contextmanager
    def stalling(self, step: str, seconds: float = math.inf, *, to: str | None = None):
        assert step in self.STEPS
        stall = Stall(step, seconds, to)
        self.stalls.append(stall)
        try:
            yield stall
        finally:
            stall.active = False
            self.stalls.remove(stall)

    @property
    def stalled(self) -> int:
        """Conversations waiting in a stall right now."""
        return sum(stall.waiting for stall in list(self.stalls))

    async def _stall(self, step: str, recipients: list[str]) -> None:
        matching = [s for s in list(self.stalls) if s.step == step and (s.to is None or s.to in recipients)]
        if not matching:
            return
        stall = max(matching, key=lambda s: s.seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + stall.seconds
        stall.waiting += 1
        try:
            # Cancelled when the sender goes away: nothing after the stall happens then.
            while stall.active and loop.time() < deadline:
                await asyncio.sleep(min(0.02, deadline - loop.time()))
        finally:
            stall.waiting -= 1

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._stall("RCPT", [address])
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        session.recipients = [*getattr(session, "recipients", []), address]
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        await self._stall("DATA", envelope.rcpt_tos)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        await self._stall("QUIT", getattr(session, "recipients", []))
        return "221 Bye"

    def messages_to(self, address: str):
        return [message for message in self.messages if message["To"] == address]

    def copies_by_message_id(self, message_ids) -> dict[str, int]:
        """How many copies of each of `message_ids` arrived (0 for one that never did)."""
        wanted = dict.fromkeys(message_ids, 0)
        for message in list(self.messages):
            if message["Message-ID"] in wanted:
                wanted[message["Message-ID"]] += 1
        return wanted


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

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


class Worker:
    """One `celery worker` process of the project against a broker, the test database and the SMTP sink.

    With `beat`, the beat scheduler runs inside it, so the outbox sweeper runs every second and
    re-queues a pending email queued more than OUTBOX_STALE_SECONDS (5) ago. It runs in a process
    group of its own, so `kill` ends the main process and its pool children at once, as a host or
    container dying would; `stop` is the warm shutdown of a deploy.
    """

    def __init__(self, *, name: str, broker_url: str, smtp_port: int, workdir: Path, beat: bool,
                 concurrency: int = 2, queue: str = "celery") -> None:  # fmt: skip
        self.name = name
        self.queue = queue
        self.broker_url = broker_url
        self.smtp_port = smtp_port
        self.workdir = workdir
        self.beat = beat
        self.concurrency = concurrency
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings.test",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "OUTBOX_SWEEP_SECONDS": "1",
            "OUTBOX_STALE_SECONDS": "5",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "STAFF_ALERT_ESCALATION_SWEEP_SECONDS": "1",
        }

    def launch(self) -> "Worker":
        """Start the process without waiting for it (a worker takes seconds to import the project)."""
        command = [
            sys.executable, "-m", "celery", "-A", "clinic", "worker", "--hostname", f"{self.name}@%h",
            "--concurrency", str(self.concurrency), "--loglevel", "info", "--queues", self.queue,
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.workdir / f"{self.name}-celerybeat-schedule")]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    def wait_ready(self) -> "Worker":
        wait_for(lambda: "ready." in self.log() or not self.alive, timeout=90,
                 message=f"the Celery worker {self.name} to start")  # fmt: skip
        assert self.alive, self.log()
        return self

    def connections(self) -> int:
        """How many times this worker has connected to its broker (a reconnection counts again)."""
        return self.log().count("Connected to redis://")

    def back_after_broker_outage(self, *, connections_before: int) -> bool:
        """Wait until the worker has connected again; if it exited instead, start it again, as the
        process manager running the Procfile would. True when it had to be started again.

        kombu 5.7's Redis transport ends the worker ("Unrecoverable error: AttributeError ...
        'hostname'") when the connection drops while it holds an unacknowledged task, a send or a
        beat sweep, so whether it survives an outage depends on timing.
        """
        wait_for(lambda: self.connections() > connections_before or not self.alive, timeout=60,
                 message=f"{self.name} to reconnect or exit")  # fmt: skip
        if self.alive:
            return False
        self.restarts += 1
        self.log_path = self.workdir / f"{self.name}-restart{self.restarts}.log"
        self.launch().wait_ready()
        return True

    @property
    def node(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def consume(self, queue: str = "celery") -> None:
        """Start taking tasks from `queue` too, as `celery control add_consumer` does."""
        replies = celery_app.control.add_consumer(queue, destination=[self.node], reply=True, timeout=10)
        assert replies, f"{self.name} did not answer the add_consumer request"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def sent(self) -> int:
        """How many send tasks this worker finished by sending their email."""
        return len(re.findall(r"Task clinic\.outbox\.send\[[^\]]+\] succeeded in [^:]+: 'sent'", self.log()))

    def kill(self) -> None:
        """SIGKILL the whole worker, pool children included: no shutdown, no acknowledgement."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # A pool child can outlive its parent for a moment; the group is gone once none answers.
        wait_for(
            lambda: not _group_alive(self.process.pid), timeout=10, message=f"{self.name}'s children to die"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # pool children left behind, if any
        if os.environ.get("SHOW_WORKER_LOG"):
            sys.stderr.write(self.log())


def _group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (a zombie has already closed its sockets)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
            state, _ppid, pgrp = stat.read_text().rpartition(")")[2].split()[:3]
            if int(pgrp) == pgid and state != "Z":
                return True
    return False


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, redis_server, smtp_sink, tmp_path_factory):
    """The session's worker (with beat) on the test Redis's database 0, which this process publishes to."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    worker = Worker(name="session", broker_url=redis_server.url, smtp_port=smtp_sink.port,
                    workdir=tmp_path_factory.mktemp("worker"), beat=True)  # fmt: skip
    try:
        worker.launch().wait_ready()
        use_broker(redis_server.url, eager=False)
        yield worker
    finally:
        use_broker(redis_server.url, eager=True)
        worker.stop()


@pytest.fixture
def own_broker(redis_server):
    """A broker of the test's own (another database of the test Redis), emptied before and after, that
    this process publishes to while the test runs; the session worker does not read it."""
    url = redis_server.url_for(1)
    client = redis.Redis.from_url(url)
    client.flushdb()
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    use_broker(url, eager=False)
    try:
        yield url
    finally:
        use_broker(previous[0], eager=previous[1])
        with contextlib.suppress(redis.RedisError):
            client.flushdb()
        client.close()


@pytest.fixture
def start_worker(django_db_setup, smtp_sink, tmp_path):
    """Start a worker of the test's own: `start_worker(name, broker_url, beat=...)`; with `wait=False`
    it is only launched (call its `wait_ready`), so that several start at once. One started on a
    `queue` no task goes to stands by until told to `consume` the real one. Whatever is left of them
    is killed at the end of the test."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    started: list[Worker] = []

    def start(
        name: str,
        broker_url: str,
        *,
        beat: bool = False,
        concurrency: int = 2,
        queue: str = "celery",
        wait: bool = True,
    ) -> Worker:
        worker = Worker(name=name, broker_url=broker_url, smtp_port=smtp_sink.port, workdir=tmp_path,
                        beat=beat, concurrency=concurrency, queue=queue)  # fmt: skip
        started.append(worker)
        worker.launch()
        return worker.wait_ready() if wait else worker

    yield start
    for worker in started:
        if worker.alive:
            worker.kill()  # nothing of the test is left to finish: no need for a warm shutdown
        if os.environ.get("SHOW_WORKER_LOG"):
            sys.stderr.write(worker.log())
