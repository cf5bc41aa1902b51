from celery import shared_task

from .services import appointment_reminders_queue


@shared_task(ignore_result=True)
def appointment_reminders_task() -> int:
    """Beat: queue the reminders that are due; the outbox sends each once."""
    return appointment_reminders_queue()
