"""The "Export CSV" admin action that streams the rows of a list as the list shows them to the one who
asks (its filters, its search, the columns the role may see), audited with who, the filters and how
many rows (clinic.core.audit.record_export_log).

Cells are words: choices by their label, yes/no, dates and times in the clinic's time zone, HTML
stripped. A cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return: OWASP's CSV injection list) starts with a single quote instead.
"""

import csv
import datetime
import html
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.core.audit import record_export_log

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 500  # rows read per query (and per prefetch) while the file streams

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _words(value: Any, field: models.Field | None, boolean: bool) -> str:  # noqa: PLR0911 (one per kind)
    if value is None or value == "":
        return ""
    if boolean or isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if "<" in text:  # a cell the list renders as HTML (a badge, a table): its words
        return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()
    return text


class _Echo:
    """The csv writer's file: each row is handed back, to be streamed."""

    def write(self, value: str) -> str:
        return value


class CsvExportMixin(_AdminBase):
    """Adds the "Export CSV" action; an admin lists "export_csv" among its actions."""

    export_exclude: tuple[str, ...] = ()  # list columns that are no data (a button)

    def get_export_fields(self, request: HttpRequest) -> list[str]:
        """The list's columns for this person (its minimum necessary), without checkbox and buttons."""
        excluded = {"action_checkbox", *self.export_exclude}
        return [
            name for name in self.get_list_display(request) if isinstance(name, str) and name not in excluded
        ]

    def export_rows(self, queryset: models.QuerySet, fields: list[str]) -> Iterator[list[str]]:
        """Rows of words, read a chunk at a time (with the list's select_related and prefetches)."""
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [self._export_cell(obj, name) for name in fields]

    def _export_cell(self, obj: models.Model, name: str) -> str:
        try:
            field, attr, value = lookup_field(name, obj, self)
        except ObjectDoesNotExist:
            return ""
        return neutralised(_words(value, field, boolean=getattr(attr, "boolean", False)))

    @admin.action(description=_("Export CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet) -> StreamingHttpResponse:
        fields = self.get_export_fields(request)
        header = [neutralised(str(label_for_field(name, self.model, self))) for name in fields]
        query = request.GET.copy()
        query.pop(SEARCH_VAR, None)
        filters = query.urlencode()
        # Written before the file streams: a download cut short was still asked for and counted.
        record_export_log(request=request, model=self.model, filters=filters, row_count=queryset.count())
        language = translation.get_language()
        writer = csv.writer(_Echo())

        def lines() -> Iterable[str]:
            with translation.override(language):
                yield "\ufeff"  # the byte-order mark by which spreadsheets read UTF-8
                yield writer.writerow(header)
                for row in self.export_rows(queryset, fields):
                    yield writer.writerow(row)

        name = f"{self.model._meta.model_name}-{timezone.localdate():%Y-%m-%d}.csv"
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
