"""The report as a file to download: Excel or PDF, for a unit and a period the user may report on, made in the
background (`reports.jobs`).

Asking for a file (a POST from the report page's buttons) queues a job and answers its status panel: swapped into
the report page with htmx, or on a page of its own. The panel polls its job every second with htmx, shows the
progress, and turns into a download link when the file is ready. Only the user who asked sees the job; the download
checks again that they may read the unit's reports.

The files hold aggregate figures only (no person is named); each download still leaves an access-log entry (an
export: who, which file, the unit, the period and its size), so that what left the system as a file can be traced.

The breakdown by unit of the file is the page's: `?hide_zero=` and `?sort=` (`reports.breakdown`) go with the request
into the job. On a server that cannot make PDFs (`core.pdf`), asking for one answers 503 with the reason and the
command that installs what is missing, and no job is queued.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.audit.downloads import logged_download
from donghanh.core.pdf import pdf_unavailable
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.reports import exports, selectors
from donghanh.reports.breakdown import HIDE_ZERO, SORT, hide_zero_choice
from donghanh.reports.jobs import export_job_for, export_job_request, export_job_state
from donghanh.reports.models import ExportFormat, ExportJob
from donghanh.reports.views.report import report_url

PANEL = "reports/export_job.html#panel"
STARTED = "reports/export_job.html#started"


def _ask(request: AppRequest, file_format: ExportFormat) -> HttpResponse:
    unit_raw = request.POST.get("unit") or request.GET.get("unit", "")
    period_raw = request.POST.get("period") or request.GET.get("period", "")
    unit = selectors.report_unit(request.user, unit_raw)
    period = selectors.report_period(period_raw)
    hide_zero = hide_zero_choice(request.POST.get(HIDE_ZERO) or request.GET.get(HIDE_ZERO))
    sort = request.POST.get(SORT) or request.GET.get(SORT, "")
    if request.method != "POST":
        # An old link to the file, or a bookmark: the report page, where the buttons ask for it.
        return redirect(report_url("reports:report", unit=unit.pk, period=period.code))
    unavailable = pdf_unavailable() if file_format == ExportFormat.PDF else None
    if unavailable:
        context = {"pdf_unavailable": unavailable, "unit": unit, "period": period}
        if request.htmx:
            return _no_store(render(request, STARTED, context))  # htmx swaps 2xx answers only
        return _no_store(render(request, "reports/export_job.html", context, status=503))
    try:
        job = export_job_request(
            actor=request.user, unit=unit, period=period, file_format=file_format, hide_zero=hide_zero, sort=sort
        )
    except ValidationError as refused:
        context = {"refused": " ".join(refused.messages), "unit": unit, "period": period}
        if request.htmx:
            return _no_store(render(request, STARTED, context))
        return _no_store(render(request, "reports/export_job.html", context, status=429))
    if request.htmx:
        return _no_store(render(request, STARTED, _context(job)))
    return HttpResponseRedirect(job_url(job), status=303)


def job_url(job: ExportJob) -> str:
    return reverse("reports:export_job", args=[job.pk])


def _context(job: ExportJob) -> dict[str, object]:
    period = selectors.report_period(job.period)
    hide_zero = {True: "1", False: "0", None: None}[job.hide_zero_units]
    return {
        "status": export_job_state(job),
        "unit": job.unit,
        "period": period,
        "pdf_unavailable": pdf_unavailable() if job.format == ExportFormat.PDF else None,
        "again_url": report_url(
            f"reports:{job.format}", unit=job.unit_id, period=job.period, hide_zero=hide_zero, sort=job.sort
        ),
        "report_url": report_url("reports:report", unit=job.unit_id, period=job.period),
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@scoped(Capability.VIEW_REPORTS)
@require_http_methods(["GET", "POST"])
def report_xlsx(request: AppRequest) -> HttpResponse:
    return _ask(request, ExportFormat.XLSX)


@scoped(Capability.VIEW_REPORTS)
@require_http_methods(["GET", "POST"])
def report_pdf(request: AppRequest) -> HttpResponse:
    return _ask(request, ExportFormat.PDF)


@scoped(Capability.VIEW_REPORTS)
@require_GET
def export_job(request: AppRequest, pk: int) -> HttpResponse:
    """The job's status: the panel alone for htmx's polling, else a page around it."""
    job = export_job_for(request.user, pk)
    template = PANEL if request.htmx else "reports/export_job.html"
    return _no_store(render(request, template, _context(job)))


@scoped(Capability.VIEW_REPORTS)
@require_GET
def export_download(request: AppRequest, pk: int) -> HttpResponse:
    """The file, to the user who asked for it, while it is kept and they may still read the unit's reports (at most
    THROTTLE_RATES["download"] files a user)."""
    refused = throttled(request, DownloadThrottle())
    if refused is not None:
        return refused
    job = export_job_for(request.user, pk, with_file=True)
    selectors.report_unit(request.user, str(job.unit_id))  # 404 once the unit is out of the user's scope
    if export_job_state(job).state != "done" or job.content is None:
        return _no_store(render(request, "reports/export_job.html", _context(job), status=404))
    content_type = exports.XLSX_CONTENT_TYPE if job.format == ExportFormat.XLSX else exports.PDF_CONTENT_TYPE
    return logged_download(
        request,
        obj=job,
        unit=job.unit,
        detail=f"report {job.format.upper()} {job.period}: {job.filename}, {job.rows} rows, {job.size} bytes",
        content=bytes(job.content),
        content_type=content_type,
        filename=job.filename,
    )
