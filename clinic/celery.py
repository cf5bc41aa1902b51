"""The Celery app (worker and beat). Production settings unless told otherwise, as in wsgi.py;
`make run`, `make worker` and `make beat` name the local settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.production")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
