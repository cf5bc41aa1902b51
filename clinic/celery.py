"""The Celery app (worker and beat). Production settings unless told otherwise, as in wsgi.py;
`make run`, `make worker` and `make beat` name the local settings.

The worker sets up its own log handlers (it replaces the root logger's, and gives its task logger
one), not from settings.LOGGING; each of them gets the redaction filter the web process has, so a
task's failure, its traceback and anything a task logs lose their links and email addresses too.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from clinic.core.redaction import redact_every_handler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.production")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(**_signal: Any) -> None:
    redact_every_handler()
