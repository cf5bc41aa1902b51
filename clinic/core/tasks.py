"""Celery tasks. Each has a fixed name, so moving code never strands a queued message or beat entry."""

from celery import shared_task

from .alerts import staff_alerts_escalate_overdue
from .emails import outbox_sweep


@shared_task(name="clinic.outbox.sweep", ignore_result=True)
def outbox_sweep_task() -> int:
    return outbox_sweep()


@shared_task(name="clinic.alerts.escalate", ignore_result=True)
def staff_alerts_escalate_task() -> int:
    return staff_alerts_escalate_overdue()
