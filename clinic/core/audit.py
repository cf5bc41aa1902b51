"""The audit: every change to a patient's record (django-auditlog's LogEntry) and every look at one
(RecordView), with who, when and from which address. Administrators read both in the admin.

Changes. Each app registers its patient records with `audit_changes` in its AppConfig.ready(); a
save or a delete then writes a LogEntry with the changed fields, the signed-in user (AuditMiddleware)
and the patient (`PatientRecord.get_additional_data`). Free text and answers are masked: the entry
says that the reason, a note or the questionnaire answers changed, not what they say (the record
holds that); structured fields (status, dates, links, flags) keep their old and new values. A
queryset's update(), delete() of many rows and bulk_create() send no signal or one per row: a bulk write
to a patient record goes through `audited_update`, `audited_delete` or `audited_bulk_create`.
Outside a request (Celery tasks) there is no actor; the entry's correlation id names the task.

Views. `record_view_log` is called by each page, download and search that shows a patient's record
to a signed-in person. Nothing here writes to a logger: the audit lives in its tables only. The
address of both is `clinic.core.addresses.client_address`, as the rate limits and the lockout see it.
"""

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from auditlog.cid import correlation_id, get_cid
from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from .addresses import client_address
from .models import PatientRecord, RecordView

MASK = "(not copied)"

M = TypeVar("M", bound=models.Model)

# The request being served, for the entries this module writes itself (auditlog's own context is
# left set after a request ends).
_current_request: ContextVar[HttpRequest | None] = ContextVar("clinic_audit_request", default=None)


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, taking the address from `client_address` (auditlog's own trusts
    any X-Forwarded-For header) and the user only when an entry is written."""

    def __call__(self, request: HttpRequest) -> Any:
        token = _current_request.set(request)
        try:
            return super().__call__(request)
        finally:
            _current_request.reset(token)

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None

    @staticmethod
    def _get_actor(request: HttpRequest) -> Any:
        # request.user stays lazy: a public page that writes nothing loads no session for the audit.
        # auditlog sets it as actor only when it is a real (signed-in) user.
        return getattr(request, "user", None)


def audit_mask(value: str) -> str:
    """What a masked field's diff shows: that it changed, not the text (auditlog's own mask keeps half)."""
    return "" if value in {"", "None", "[]", "{}"} else MASK


def audit_changes(model: type[models.Model], *, masked: Sequence[str] = ()) -> None:
    """Record every create, change and delete of `model` (a PatientRecord), masking `masked` fields."""
    if not issubclass(model, PatientRecord):
        raise TypeError(f"{model.__name__} does not say whose record it is (PatientRecord)")
    auditlog.register(
        model,
        exclude_fields=["updated_at"],  # moved by every save: not a change worth a line
        mask_fields=list(masked),
        mask_callable="clinic.core.audit.audit_mask",
    )


def audited_update(queryset: models.QuerySet[M], /, **values: Any) -> int:
    """`queryset.update(**values)` that the change audit sees: the rows are locked and each is saved
    with those fields, so each gets its LogEntry (with the actor). For the few rows of one patient;
    returns how many rows matched, as update() does."""
    with transaction.atomic():
        rows = list(queryset.select_for_update())
        for row in rows:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
    return len(rows)


def audit_readable(user: Any) -> bool:
    """Who reads the audit: Clinic administrators and superusers (clinic.core.roles)."""
    return bool(user.has_perm("clinic.view_recordview") and user.has_perm("auditlog.view_logentry"))


def _log_many(rows: Sequence[models.Model], action: int) -> None:
    """One LogEntry per row, written in one query, with the actor and address of the request."""
    if not rows:
        return
    request = _current_request.get()
    actor = _viewer(request) if request is not None else None
    entries = []
    for row in rows:
        created = action == LogEntry.Action.CREATE
        changes = model_instance_diff(None, row) if created else model_instance_diff(row, None)
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(row),
                object_pk=str(row.pk),
                object_id=row.pk,
                object_repr=str(row),
                action=action,
                changes=changes,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                remote_addr=client_address(request) if request is not None else None,
                cid=get_cid(),
                additional_data=row.get_additional_data() if isinstance(row, PatientRecord) else None,
            )
        )
    LogEntry.objects.bulk_create(entries)


def audited_bulk_create(manager: models.Manager[M], rows: Sequence[M]) -> list[M]:
    """`manager.bulk_create(rows)` with a creation entry per row (in one more query)."""
    created = manager.bulk_create(rows)
    _log_many(created, LogEntry.Action.CREATE)
    return created


def audited_delete(queryset: models.QuerySet[M]) -> int:
    """`queryset.delete()` with one deletion entry per row, written in one query rather than one each."""
    rows = list(queryset)
    with disable_auditlog():
        queryset.filter(pk__in=[row.pk for row in rows]).delete()
    _log_many(rows, LogEntry.Action.DELETE)
    return len(rows)


def _viewer(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return None if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated else user


def _record_view(request: HttpRequest, user: Any, record: models.Model, kind: str) -> RecordView:
    patient_id, patient_label = record.audit_patient() if isinstance(record, PatientRecord) else (None, "")
    return RecordView(
        user=user,
        username=user.get_username(),
        kind=kind,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        record_label=str(record)[:200],
        patient_id=patient_id,
        patient_label=patient_label[:250],
        client_address=client_address(request),
    )


def record_view_log(*, request: HttpRequest, record: models.Model, kind: str = RecordView.Kind.PAGE) -> None:
    """A signed-in person is shown `record` (a page, a document, a card photo, an export): one row."""
    if (user := _viewer(request)) is not None:
        _record_view(request, user, record, kind).save()


def record_views_log(
    *, request: HttpRequest, records: Iterable[models.Model], kind: str = RecordView.Kind.LIST
) -> None:
    """Several records on one page (the day view): one row each, in one query."""
    if (user := _viewer(request)) is not None:
        RecordView.objects.bulk_create(_record_view(request, user, record, kind) for record in records)


def record_search_log(*, request: HttpRequest, model: type[models.Model], terms: str) -> None:
    """A signed-in person searched the records of `model` for `terms`."""
    # Only what can be printed: PostgreSQL refuses a NUL in text, and controls mean nothing here.
    terms = "".join(character for character in terms if character.isprintable())
    if (user := _viewer(request)) is not None and terms.strip():
        RecordView.objects.create(
            user=user,
            username=user.get_username(),
            kind=RecordView.Kind.SEARCH,
            content_type=ContentType.objects.get_for_model(model),
            record_label=str(model._meta.verbose_name_plural),
            search_terms=terms.strip()[:200],
            client_address=client_address(request),
        )


def record_export_log(
    *, request: HttpRequest, model: type[models.Model], filters: str, row_count: int
) -> None:
    """A signed-in person downloaded `row_count` rows of `model`, as the list's `filters` chose them."""
    filters = "".join(character for character in filters if character.isprintable())
    if (user := _viewer(request)) is not None:
        RecordView.objects.create(
            user=user,
            username=user.get_username(),
            kind=RecordView.Kind.EXPORT,
            content_type=ContentType.objects.get_for_model(model),
            record_label=str(model._meta.verbose_name_plural)[:200],
            filters=filters[:500],
            row_count=row_count,
            client_address=client_address(request),
        )


def task_correlation_start(task: Any = None, **_signal: Any) -> None:
    """Celery's task_prerun: the changes a task makes have no actor; their correlation id names it."""
    correlation_id.set(f"task {getattr(task, 'name', '?')}"[:255])


def task_correlation_end(**_signal: Any) -> None:
    correlation_id.set(None)
