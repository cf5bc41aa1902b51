from celery import shared_task

from .services import intake_expire_drafts, intake_send_expiry_reminders


@shared_task(ignore_result=True)
def intake_drafts_task() -> dict:
    """Beat, hourly: remind patients a few days before their draft expires, then expire old drafts."""
    return {"reminded": intake_send_expiry_reminders(), "expired": intake_expire_drafts()}
