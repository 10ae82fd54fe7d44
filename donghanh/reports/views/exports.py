"""The report as a file to download: Excel or PDF, for a unit and a period the user may report on.

The files hold aggregate figures only (no person is named), so no access-log entry is written: the log records
who viewed or exported a person's sensitive record, and the report page showing the same figures logs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.reports import exports, selectors
from donghanh.reports.engine import TREND_PERIODS, Report, build_report


def _download(
    request: AppRequest, render: Callable[[Report, Any], bytes], content_type: str, extension: str, *, trend: int
) -> HttpResponse:
    unit = selectors.report_unit(request.user, request.GET.get("unit", ""))
    period = selectors.report_period(request.GET.get("period", ""))
    report = build_report(unit, period, trend=trend)
    response = HttpResponse(render(report, request.user), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(report, extension)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@scoped(Capability.VIEW_REPORTS)
def report_xlsx(request: AppRequest) -> HttpResponse:
    return _download(request, exports.report_xlsx, exports.XLSX_CONTENT_TYPE, "xlsx", trend=TREND_PERIODS)


@scoped(Capability.VIEW_REPORTS)
def report_pdf(request: AppRequest) -> HttpResponse:
    # The PDF has no trend: the earlier periods are not computed.
    return _download(request, exports.report_pdf, exports.PDF_CONTENT_TYPE, "pdf", trend=1)
