from celery import shared_task

from .services import referral_uploads_discard_abandoned


@shared_task(ignore_result=True, time_limit=300)
def discard_abandoned_uploads_task() -> int:
    """For beat (daily is enough): documents of referral forms never sent, older than a day."""
    return referral_uploads_discard_abandoned()
