from celery import shared_task

from .alerts import staff_alerts_escalate_overdue
from .emails import email_send, outbox_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbound_email(email_id: int) -> str:
    return email_send(email_id=email_id).reason


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    return outbox_sweep()


@shared_task(ignore_result=True)
def staff_alerts_escalate_task() -> int:
    return staff_alerts_escalate_overdue()
