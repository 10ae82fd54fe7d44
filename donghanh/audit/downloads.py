"""A list downloaded as a file: sent once the access log says who exported what."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.core.xlsx import ListFile


def list_file_download(request: HttpRequest, made: ListFile, what: str) -> HttpResponse:
    """The file `made` as the answer, after an export entry (`what`, the file's name, rows and filters) in the log."""
    access_log_record(
        actor=request.user,
        obj=made.about,
        action=AccessLogEntry.Action.EXPORT,
        detail=made.detail(what),
        unit=made.unit,
        request=request,
    )
    return made.response()
