from django.db.models import Case, JSONField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from .models import Location, OutboundEmail, Patient, SafetyScreenRecord


def active_locations() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).order_by("name")


def _preferred_screens():
    """The patient's own answers (intake) before the referrer's, then the newest."""
    intake_first = Case(When(source=SafetyScreenRecord.Source.INTAKE, then=Value(0)), default=Value(1))
    return SafetyScreenRecord.objects.order_by(intake_first, "-computed_at", "-pk")


def safety_screen_for_patient(patient: Patient | None) -> SafetyScreenRecord | None:
    """The patient's screen: from their latest intake (their own answers), else their latest referral."""
    if patient is None or patient.pk is None:
        return None
    return _preferred_screens().filter(patient=patient).first()


def with_safety_screen_result(queryset: QuerySet, *, patient_field: str = "patient") -> QuerySet:
    """Annotate each row with `safety_screen_result`, its patient's screen result (one query in all)."""
    preferred = _preferred_screens().filter(patient=OuterRef(patient_field))
    return queryset.annotate(
        safety_screen_result=Subquery(preferred.values("result")[:1], output_field=JSONField())
    )


def outbox_oldest_due_seconds() -> int | None:
    """How long the oldest email that is due has waited to be sent, in seconds; None when none waits.

    Growing means no worker is sending (broker down, workers stopped, SMTP refusing every message).
    """
    oldest = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, send_after__lte=timezone.now())
        .order_by("send_after")
        .values_list("send_after", flat=True)
        .first()
    )
    return None if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
