"""A file downloaded by a user (a person's file, a list, a report, a data-subject export): sent once the access log
says who exported what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.core.http import attachment
from donghanh.core.xlsx import XLSX_CONTENT_TYPE, ListFile


def logged_download(
    request: HttpRequest, *, obj: Any, unit: Any, detail: str, content: bytes, content_type: str, filename: str
) -> HttpResponse:
    """`content` as a download named `filename`, after an export entry about `obj` (`detail`) in the log."""
    access_log_record(
        actor=request.user, obj=obj, action=AccessLogEntry.Action.EXPORT, detail=detail, unit=unit, request=request
    )
    return attachment(content, content_type, filename)


def list_file_download(request: HttpRequest, made: ListFile, what: str) -> HttpResponse:
    """The file `made` as the answer, after an export entry (`what`, the file's name, rows and filters) in the log."""
    return logged_download(
        request,
        obj=made.about,
        unit=made.unit,
        detail=made.detail(what),
        content=made.content,
        content_type=XLSX_CONTENT_TYPE,
        filename=made.filename,
    )
