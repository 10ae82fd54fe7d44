"""Report files made in the background: a user asks for a unit's report as Excel or PDF, the task worker makes it
and reports its progress as it goes, and the user downloads it from a status panel once it is ready.

A province's or the country's file takes seconds to make, too long for a request, so one path serves every unit:
`export_job_request` records the job and queues `tasks.export_job_run` in the same transaction (both or neither),
the worker calls `export_job_make`, and the daily housekeeping deletes files older than `EXPORT_KEPT`. A job is
seen by the user who asked for it only; scope and capability are checked when it is asked for and again when the
file is downloaded (`views/exports.py`).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.core.pdf import PdfUnavailable, pdf_unavailable
from donghanh.core.periods import Period, parse_period
from donghanh.core.replica import replica_reads
from donghanh.orgunits.models import OrgUnit
from donghanh.reports import exports
from donghanh.reports.engine import TREND_PERIODS, Report, build_report
from donghanh.reports.models import ExportFormat, ExportJob, ExportStatus

logger = logging.getLogger(__name__)

EXPORT_KEPT = datetime.timedelta(hours=24)
# A running job that has not moved for this long lost its worker (stopped, killed, or restarted mid-task by the
# reloader of `make run`). The longest step, computing the country's report, takes under two minutes.
EXPORT_STALLED = datetime.timedelta(minutes=5)
# How long a job may wait for a worker before the panel says the worker may not be running.
EXPORT_WAIT_NOTICE = datetime.timedelta(seconds=30)
# Files one user may have in the making at once: a second click on a button does not queue the work twice anyway.
UNFINISHED_PER_USER = 3

UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)

# Progress (percent) at each step. Measured on Đà Nẵng (94 communes, 2026Q3): the workbook's figures (with the
# trend) 6.6 s, its sheets 1.8 s; the PDF's figures 1.9 s, its layout 17 s, followed through WeasyPrint's steps.
STARTED = 5
COMPUTED = {ExportFormat.XLSX: 75, ExportFormat.PDF: 15}
RENDERED = 95


# --- writes ------------------------------------------------------------------------------------------------


@transaction.atomic
def export_job_request(
    *,
    actor: Any,
    unit: OrgUnit,
    period: Period,
    file_format: str,
    hide_zero: bool | None = None,
    sort: str = "",
) -> ExportJob:
    """Ask for `unit`'s report for `period` as a file; the task worker makes it.

    Its breakdown by unit leaves out the units with only zeros when `hide_zero` (keeps them when False; None: the
    file's default) and is sorted by `sort` (`breakdown.parse_sort`). The caller has checked that `actor` may report
    on `unit` (`selectors.report_unit`). An unfinished job of the actor for the same file is answered instead of a
    second one. Refused (ValidationError) when the actor already has `UNFINISHED_PER_USER` files in the making.
    """
    from donghanh.reports.tasks import export_job_run  # the task module imports this one

    if file_format not in ExportFormat.values:
        raise ValidationError(_("Unknown file format."))
    unfinished = _unfinished(actor, timezone.now())
    sort = sort.strip()[: ExportJob._meta.get_field("sort").max_length]
    same = unfinished.filter(
        unit=unit, period=period.code, format=file_format, hide_zero_units=hide_zero, sort=sort
    ).first()
    if same is not None:
        return same
    if unfinished.count() >= UNFINISHED_PER_USER:
        raise ValidationError(
            _("You already have %(count)s files being made. Wait until one of them is ready, then ask again.")
            % {"count": UNFINISHED_PER_USER}
        )
    job = ExportJob.objects.create(
        requested_by=actor,
        unit=unit,
        period=period.code,
        format=file_format,
        language=translation.get_language() or "vi",
        hide_zero_units=hide_zero,
        sort=sort,
    )
    # The task is queued in this transaction: with the database backend, the worker sees both rows or neither.
    export_job_run.enqueue(job.pk)
    job.refresh_from_db()  # a backend that runs tasks at once (the tests') has made the file already
    return job


def export_job_make(job_id: int) -> str:
    """Make the file of job `job_id` (the task worker's part); answers the job's status at the end.

    A job already taken (by another worker, or run twice) or deleted is left alone. Any error ends the job as
    failed, its cause kept for the administrators and the log; the user is told in general words.
    """
    now = timezone.now()
    taken = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=STARTED, updated=now
    )
    if not taken:
        return "skipped"
    job = ExportJob.objects.defer("content").select_related("unit__parent", "requested_by").get(pk=job_id)
    try:
        with translation.override(job.language):
            content, filename, rows = _make(job)
    except Exception as error:
        logger.exception("Report file %s (%s %s %s) failed", job.pk, job.unit.code, job.period, job.format)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            updated=timezone.now(),
            finished=timezone.now(),
        )
        return ExportStatus.FAILED.value
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        content=content,
        size=len(content),
        rows=rows,
        filename=filename,
        updated=timezone.now(),
        finished=timezone.now(),
    )
    return ExportStatus.DONE.value


def _make(job: ExportJob) -> tuple[bytes, str, int]:
    """The file, its name, and its rows of figures (one per indicator, one per unit of the breakdown)."""
    period = parse_period(job.period)
    if period is None:
        raise ValueError(f"not a period: {job.period!r}")
    pdf = job.format == ExportFormat.PDF
    unavailable = pdf_unavailable() if pdf else None
    if unavailable:
        raise PdfUnavailable(unavailable)  # before seconds of figures for nothing
    # The figures read for seconds: on the replica when there is one (core.replica), as the report page's do. The
    # PDF has no trend: the earlier periods are not computed.
    with replica_reads():
        report: Report = build_report(job.unit, period, trend=1 if pdf else TREND_PERIODS)
    computed = COMPUTED[ExportFormat(job.format)]
    _progress(job, computed)
    # The breakdown as asked for; without a choice, the file's own default.
    options: dict[str, Any] = {"sort": job.sort}
    if job.hide_zero_units is not None:
        options["hide_zero"] = job.hide_zero_units
    if pdf:
        with weasyprint_steps(lambda done: _progress(job, computed + round((RENDERED - computed) * done))):
            content = exports.report_pdf(report, job.requested_by, **options)
    else:

        def sheet_done(done: int, total: int) -> None:
            _progress(job, computed + (RENDERED - computed) * done // total)

        content = exports.report_xlsx(report, job.requested_by, on_sheet=sheet_done, **options)
    _progress(job, RENDERED)
    return content, exports.export_filename(report, job.format), len(report.rows) + len(report.children)


def _progress(job: ExportJob, percent: int) -> None:
    """Move the job's bar forward (never back: WeasyPrint parses the stylesheet, its step 2, before its step 1)."""
    if percent > job.progress:
        job.progress = min(percent, 100)
        ExportJob.objects.filter(pk=job.pk).update(progress=job.progress, updated=timezone.now())


# WeasyPrint tells its steps on its documented `weasyprint.progress` logger: "Step 1" to "Step 7", and in step 5
# each page laid out. A listener hears the steps of its own thread's PDF, as the share of the layout done (0 to 1).
_WEASYPRINT = logging.getLogger("weasyprint.progress")
_WEASYPRINT_STEPS = 7
_listeners: dict[int, Callable[[float], None]] = {}
_listeners_lock = threading.Lock()
_saved_level: list[tuple[int, bool]] = []


class _StepHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        listener = _listeners.get(record.thread or 0)
        words = str(record.msg).split()
        if listener is None or len(words) < 2 or words[0] != "Step" or not words[1].isdigit():
            return
        step = int(words[1])
        done = (step - 1) / _WEASYPRINT_STEPS
        page = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if step == 5 and isinstance(page, int):
            # Pages are laid out one by one, their number unknown beforehand: each brings the step nearer its end.
            done += (1 - 0.8**page) / _WEASYPRINT_STEPS
        listener(min(done, 1.0))


_STEP_HANDLER = _StepHandler()


@contextmanager
def weasyprint_steps(listener: Callable[[float], None]) -> Iterator[None]:
    """Within the block, `listener` hears how far WeasyPrint has laid out this thread's PDF (0 to 1).

    The logger is quiet otherwise (settings.LOGGING): it is turned on, not passed on to the console, while at least
    one block is open."""
    thread = threading.get_ident()
    with _listeners_lock:
        if not _listeners:
            _saved_level.append((_WEASYPRINT.level, _WEASYPRINT.propagate))
            _WEASYPRINT.setLevel(logging.INFO)
            _WEASYPRINT.propagate = False
            _WEASYPRINT.addHandler(_STEP_HANDLER)
        _listeners[thread] = listener
    try:
        yield
    finally:
        with _listeners_lock:
            del _listeners[thread]
            if not _listeners:
                _WEASYPRINT.removeHandler(_STEP_HANDLER)
                level, propagate = _saved_level.pop()
                _WEASYPRINT.setLevel(level)
                _WEASYPRINT.propagate = propagate


def export_jobs_delete_expired(now: datetime.datetime | None = None) -> int:
    """Delete the jobs asked for more than `EXPORT_KEPT` ago, files included; answers how many."""
    now = now or timezone.now()
    deleted, _rows = ExportJob.objects.filter(created__lt=now - EXPORT_KEPT).delete()
    return deleted


# --- reads -------------------------------------------------------------------------------------------------


def _unfinished(user: Any, now: datetime.datetime) -> QuerySet[ExportJob]:
    return ExportJob.objects.defer("content").filter(
        requested_by=user, status__in=UNFINISHED, updated__gte=now - EXPORT_STALLED
    )


def export_job_for(user: Any, pk: int, *, with_file: bool = False) -> ExportJob:
    """The job `pk` if `user` asked for it (404 otherwise: another user's job does not exist for them)."""
    jobs = ExportJob.objects.select_related("unit")
    if not with_file:
        jobs = jobs.defer("content")
    job = jobs.filter(requested_by=user, pk=pk).first()
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class JobState:
    """What the status panel shows of a job at a moment."""

    job: ExportJob
    state: str  # waiting, running, done, failed, stalled (its worker stopped), expired
    expires: datetime.datetime
    waiting_long: bool  # waiting for a worker for longer than EXPORT_WAIT_NOTICE

    @property
    def pending(self) -> bool:
        """Still to be polled."""
        return self.state in {"waiting", "running"}

    @property
    def progress_step(self) -> int:
        """The progress rounded down to 5 %, the steps the bar's widths come in (the CSP forbids style=)."""
        return self.job.progress // 5 * 5


def export_job_state(job: ExportJob, now: datetime.datetime | None = None) -> JobState:
    now = now or timezone.now()
    expires = job.created + EXPORT_KEPT
    state = {
        ExportStatus.QUEUED: "waiting",
        ExportStatus.RUNNING: "running",
        ExportStatus.DONE: "done",
        ExportStatus.FAILED: "failed",
    }[ExportStatus(job.status)]
    if state == "running" and job.updated < now - EXPORT_STALLED:
        state = "stalled"
    if now >= expires:
        state = "expired"
    waiting_long = state == "waiting" and job.created < now - EXPORT_WAIT_NOTICE
    return JobState(job, state, expires, waiting_long)
