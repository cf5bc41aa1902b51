"""The worker's own log (Celery's lines about each task, and a failed task's traceback) carries no
patient link or email address, as the web process's does not."""

import uuid

import pytest

from clinic.celery import app as celery_app
from clinic.core.redaction import EMAIL_REDACTED, REDACTED
from intake.tokens import resume_url

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_task_that_fails_naming_a_patient_link_and_email_logs_neither(celery_worker):
    link = resume_url(uuid.uuid4())
    token = link.rstrip("/").rsplit("/", 1)[1]
    email = "jane.doe@example.org"
    # A wrong argument makes the outbox task fail inside Django, whose error repeats the value given:
    # the exception, its chained cause and the traceback all hold the link and the address.
    task_id = celery_app.send_task("clinic.outbox.send", args=[f"{link} for {email}"]).id

    failure = f"[{task_id}] raised unexpected"

    def logged_with_its_traceback() -> str | None:
        text = celery_worker.log_path.read_text()
        return text if "ValueError" in text.partition(failure)[2] else None

    log = wait_for(logged_with_its_traceback, timeout=30, message="the worker to log the task's failure")

    after = log.split(f"[{task_id}] received", 1)[1]
    assert failure in after
    assert "Traceback (most recent call last)" in after
    assert f"/intake/link/{REDACTED}/ for {EMAIL_REDACTED}" in after
    assert token not in log
    assert "jane.doe" not in log
