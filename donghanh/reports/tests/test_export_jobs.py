"""Report files made in the background: the report page's buttons ask for a file, the task worker makes it (here the
tests' ImmediateBackend, at once; the database backend and `db_worker` in test_export_worker.py), the status panel
shows its progress and then the link, and the file is the requester's alone.

The data: five people in Phường Phú Thượng and three in Phường Ba Đình (Hà Nội), registered in 2024, two of Phú
Thượng's in a rehab facility.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core import pdf
from donghanh.core.tasks import daily_tasks
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.services import person_register
from donghanh.reports import exports, jobs
from donghanh.reports.indicators import INDICATORS
from donghanh.reports.models import ExportFormat, ExportJob, ExportStatus
from donghanh.reports.tasks import export_job_run, export_jobs_expire
from donghanh.reports.tests.conftest import D, World

pytestmark = pytest.mark.django_db

XLSX, PDF, REPORT = reverse("reports:xlsx"), reverse("reports:pdf"), reverse("reports:report")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HTMX = {"HTTP_HX_REQUEST": "true"}


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@dataclass
class Data:
    world: World
    hanoi: OrgUnit
    phu_thuong: OrgUnit
    ba_dinh: OrgUnit


@pytest.fixture(scope="module")
def data(module_world: World, django_db_blocker: Any) -> Data:
    world = module_world
    with django_db_blocker.unblock():
        hanoi = OrgUnit.objects.get(code="01", level=OrgUnit.Level.PROVINCE, era=OrgUnit.Era.CURRENT)
        phu_thuong = OrgUnit.objects.get(code="00091", level=3, era=OrgUnit.Era.CURRENT)
        ba_dinh = OrgUnit.objects.get(code="00004", level=3, era=OrgUnit.Era.CURRENT)
        people = world.people(phu_thuong, 5)
        world.people(ba_dinh, 3)
        for person in people[:2]:
            world.whereabouts(person, Whereabouts.IN_FACILITY, D(2025, 3, 1))
    return Data(world, hanoi, phu_thuong, ba_dinh)


@pytest.fixture
def officer(data: Data, make_user: Any) -> User:
    return make_user(Role.COMMUNE_OFFICER, data.phu_thuong, full_name="Đỗ Thị Hương")


def ask(client: Any, url: str, unit: OrgUnit, period: str = "2025Q4", **extra: Any) -> Any:
    return client.post(f"{url}?unit={unit.pk}&period={period}", **extra)


def figures(content: bytes) -> dict[str, Any]:
    """The first sheet's figures by indicator code."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    start = next(row[0].row for row in sheet.iter_rows() if row[0].value == vi("Indicator code"))
    return {row[0].value: row[2].value for row in sheet.iter_rows(min_row=start + 1) if row[0].value}


def progress_written(queries: CaptureQueriesContext) -> list[int]:
    """The progress values the job's UPDATE statements wrote, in order."""
    found = []
    for query in queries.captured_queries:
        if query["sql"].startswith("UPDATE") and "reports_exportjob" in query["sql"]:
            found += [int(n) for n in re.findall(r'"progress" = (\d+)', query["sql"])]
    return found


# --- asking, making, downloading ------------------------------------------------------------------------------


def test_a_request_queues_a_job_the_worker_makes_and_the_status_page_links_the_workbook(client, data, officer):
    client.force_login(officer)
    before = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        asked = ask(client, XLSX, data.phu_thuong)
    job = ExportJob.objects.get(requested_by=officer)
    assert asked.status_code == 303
    assert asked["Location"] == reverse("reports:export_job", args=[job.pk])
    assert (job.status, job.progress, job.unit, job.period, job.format) == (
        "done",
        100,
        data.phu_thuong,
        "2025Q4",
        "xlsx",
    )
    assert job.filename == "bao-cao-phu-thuong-2025Q4.xlsx" and job.size == len(job.content) > 0
    # The worker's progress as it went: started, the figures computed, each sheet, the file.
    written = progress_written(queries)
    assert written[0] == jobs.STARTED and written[-1] == 100
    assert written == sorted(written) and len(set(written)) >= 6, written

    status = client.get(asked["Location"])
    assert_csp_and_no_inline_code(status, "export status page")
    assert "no-store" in status["Cache-Control"]
    page = parse(status)
    panel = page.get(data_testid="export-panel")
    assert panel.attrs["data-state"] == "done" and "hx-trigger" not in panel.attrs  # nothing left to poll
    link = page.get(data_testid="export-download")
    assert link.attrs["href"] == reverse("reports:export_download", args=[job.pk])
    assert "bao-cao-phu-thuong-2025Q4.xlsx" in link.text

    file = client.get(link.attrs["href"])
    assert file.status_code == 200
    assert file["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert file["Content-Disposition"] == 'attachment; filename="bao-cao-phu-thuong-2025Q4.xlsx"'
    assert "no-store" in file["Cache-Control"]
    found = figures(file.content)
    assert (found["people.registered"], found["people.in_facility"], found["people.at_residence"]) == (5, 2, 3)
    # Aggregate figures only, but the file left the system: one export entry, who, which file, where, when.
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.action, entry.unit, entry.object_id) == (officer, "export", data.phu_thuong, str(job.pk))
    assert job.rows >= len(INDICATORS)  # a row per indicator, and per unit of the breakdown
    assert entry.detail == f"report XLSX 2025Q4: bao-cao-phu-thuong-2025Q4.xlsx, {job.rows} rows, {job.size} bytes"
    assert entry.ip_address == "127.0.0.1"


def test_the_pdf_is_made_the_same_way_its_layout_followed_step_by_step(client, data, officer):
    client.force_login(officer)
    weasyprint = logging.getLogger("weasyprint.progress")
    quiet = (weasyprint.level, weasyprint.propagate, list(weasyprint.handlers))
    with CaptureQueriesContext(connection) as queries:
        asked = ask(client, PDF, data.phu_thuong)
    written = progress_written(queries)
    during_layout = [n for n in written if jobs.COMPUTED[ExportFormat.PDF] < n < jobs.RENDERED]
    assert written == sorted(written) and written[-1] == 100
    assert len(during_layout) >= 4, written  # WeasyPrint's steps, each a little further
    assert (weasyprint.level, weasyprint.propagate, list(weasyprint.handlers)) == quiet  # as it was
    job = ExportJob.objects.get(requested_by=officer)
    assert (job.status, job.format, job.filename) == ("done", "pdf", "bao-cao-phu-thuong-2025Q4.pdf")
    file = client.get(reverse("reports:export_download", args=[job.pk]))
    assert file["Content-Type"] == "application/pdf"
    assert file.content.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.content)).pages)
    assert (vi("People's Committee of %(unit)s") % {"unit": "Phường Phú Thượng"}).upper() in text
    assert "Đỗ Thị Hương" in text  # the requester, as the preparer
    assert asked.status_code == 303


def test_with_htmx_the_panel_is_swapped_into_the_report_page_and_polled_alone(client, data, officer):
    client.force_login(officer)
    report_page = parse(client.get(REPORT, {"unit": data.phu_thuong.pk, "period": "2025Q4"}))
    form = report_page.get(data_testid="download-xlsx-form")
    assert form.attrs["method"] == "post" and form.attrs["hx-target"] == "#export-slot"
    assert report_page.get(id="export-slot") is not None

    answer = client.post(form.attrs["hx-post"], **HTMX)
    assert answer.status_code == 200
    assert b"<html" not in answer.content  # the panel, not a page
    fragment = parse(answer)
    assert fragment.find("link", rel="stylesheet") is not None  # the bar's widths (no style= under the CSP)
    assert fragment.get(data_testid="export-download") is not None
    job = ExportJob.objects.get(requested_by=officer)
    polled = client.get(reverse("reports:export_job", args=[job.pk]), **HTMX)
    assert b"<html" not in polled.content and b"<link" not in polled.content
    assert parse(polled).get(data_testid="export-panel").attrs["id"] == f"export-job-{job.pk}"


def test_the_file_s_breakdown_is_the_page_s_units_with_only_zeros_left_out_and_sorted(client, data, make_user):
    client.force_login(make_user(Role.PROVINCE_OFFICER, data.hanoi))
    page = parse(client.get(REPORT, {"unit": data.hanoi.pk, "period": "2025Q4", "hide_zero": "1", "sort": "unit"}))
    asked = client.post(page.get(data_testid="download-xlsx-form").attrs["action"])
    assert asked.status_code == 303
    job = ExportJob.objects.get()
    assert (job.hide_zero_units, job.sort, job.status) == (True, "unit", "done")
    sheet = load_workbook(io.BytesIO(bytes(job.content)))[vi("By unit")]
    start = next(row[0].row for row in sheet.iter_rows() if row[0].value == vi("Unit code"))
    names = [row[1].value for row in sheet.iter_rows(min_row=start + 2) if row[1].value]
    assert names == [
        "Phường Ba Đình",
        "Phường Phú Thượng",
        vi("Total: %(unit)s") % {"unit": "Thành phố Hà Nội"},
        "124 xã/phường có toàn số 0 không được liệt kê.",
    ]  # without the page's choice, every commune (test_exports.py)


# --- waiting for the worker, asking twice, too many at once ----------------------------------------------------


@override_settings(TASKS=DATABASE_TASKS)
def test_a_queued_job_shows_a_progress_bar_polled_every_second_and_is_not_queued_twice(client, data, officer):
    from django_tasks_db.models import DBTaskResult

    client.force_login(officer)
    first = ask(client, XLSX, data.phu_thuong, **HTMX)
    again = ask(client, XLSX, data.phu_thuong, **HTMX)
    assert ExportJob.objects.filter(requested_by=officer).count() == DBTaskResult.objects.count() == 1
    for answer in (first, again):
        panel = parse(answer).get(data_testid="export-panel")
        assert panel.attrs["data-state"] == "waiting"
        assert panel.attrs["hx-trigger"] == "every 1s" and panel.attrs["hx-swap"] == "outerHTML"
    job = ExportJob.objects.get(requested_by=officer)
    assert panel.attrs["hx-get"] == reverse("reports:export_job", args=[job.pk])
    bar = panel.get(data_testid="export-progress")
    assert (bar.attrs["role"], bar.attrs["aria-valuenow"]) == ("progressbar", "0")
    assert vi("Waiting for the task worker…") in panel.get(data_testid="export-note").text
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404  # not made yet

    # Half a minute later with no worker: the panel says the worker may not be running.
    ExportJob.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(minutes=1))
    note = parse(client.get(reverse("reports:export_job", args=[job.pk]), **HTMX)).get(data_testid="export-note")
    assert (
        vi(
            "This is taking longer than usual: the task worker may not be running. If it lasts, tell your system "
            "administrator."
        )
        in note.text
    )

    # Running: the bar at the worker's progress, in the CSP-safe steps of 5 %.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=63, updated=timezone.now())
    panel = parse(client.get(reverse("reports:export_job", args=[job.pk]), **HTMX)).get(data_testid="export-panel")
    assert panel.get(data_testid="export-progress").attrs["aria-valuenow"] == "63"
    assert "export-progress-60" in panel.get(data_testid="export-progress").find_all("div")[1].attrs["class"]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_user_has_at_most_three_files_in_the_making(client, data, officer):
    client.force_login(officer)
    for url, period in ((XLSX, "2025Q4"), (PDF, "2025Q4"), (XLSX, "2025Q3")):
        assert ask(client, url, data.phu_thuong, period).status_code == 303
    refused = ask(client, PDF, data.phu_thuong, "2025Q3", **HTMX)
    assert refused.status_code == 200  # htmx swaps 2xx answers only
    message = parse(refused).get(data_testid="export-refused").text
    assert message == vi(
        "You already have %(count)s files being made. Wait until one of them is ready, then ask again."
    ) % {"count": 3}
    assert ask(client, PDF, data.phu_thuong, "2025Q3").status_code == 429
    assert ExportJob.objects.filter(requested_by=officer).count() == 3


# --- who may see a job and its file ----------------------------------------------------------------------------


def test_another_user_gets_404_for_someone_else_s_job_and_file(client, data, officer, make_user):
    client.force_login(officer)
    ask(client, XLSX, data.phu_thuong)
    job = ExportJob.objects.get(requested_by=officer)
    status, download = reverse("reports:export_job", args=[job.pk]), reverse("reports:export_download", args=[job.pk])
    # A colleague with the same role at the same commune, and the province's officer above it.
    for other in (make_user(Role.COMMUNE_OFFICER, data.phu_thuong), make_user(Role.PROVINCE_OFFICER, data.hanoi)):
        client.force_login(other)
        assert client.get(status).status_code == 404
        assert client.get(download).status_code == 404
        assert client.get(status, **HTMX).status_code == 404
    client.force_login(make_user(Role.VOLUNTEER, data.phu_thuong))
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
    assert client.post(f"{XLSX}?unit={data.phu_thuong.pk}").status_code == 302


def test_scope_and_capability_are_checked_again_at_download(client, data, officer, hai_chau):
    client.force_login(officer)
    ask(client, XLSX, data.phu_thuong)
    job = ExportJob.objects.get(requested_by=officer)
    download = reverse("reports:export_download", args=[job.pk])
    assert client.get(download).status_code == 200
    # Moved to another commune: the file of Phú Thượng is no longer theirs to take.
    RoleAssignment.objects.filter(user=officer).update(unit=hai_chau)
    assert client.get(download).status_code == 404
    # No reports at all any more.
    RoleAssignment.objects.filter(user=officer).update(role=Role.VOLUNTEER)
    assert client.get(download).status_code == 403


def test_a_file_is_asked_for_only_on_a_unit_the_user_may_report_on(client, data, officer, hai_chau, make_user):
    client.force_login(officer)
    assert ask(client, XLSX, hai_chau).status_code == 404
    assert ask(client, PDF, data.hanoi).status_code == 404
    assert not ExportJob.objects.exists()
    client.force_login(make_user(Role.VOLUNTEER, data.phu_thuong))
    assert ask(client, XLSX, data.phu_thuong).status_code == 403
    # Without a unit, the user's own; a wrong period, the current quarter.
    client.force_login(officer)
    client.post(XLSX, {"period": "2025Q9"})
    job = ExportJob.objects.get(requested_by=officer)
    assert job.unit == data.phu_thuong and job.status == "done"
    assert job.filename.startswith("bao-cao-phu-thuong-")


def test_a_link_to_the_file_from_before_leads_to_the_report_page(client, data, officer):
    client.force_login(officer)
    answer = client.get(XLSX, {"unit": data.phu_thuong.pk, "period": "2025Q4"})
    assert answer.status_code == 302
    assert answer["Location"] == f"{REPORT}?unit={data.phu_thuong.pk}&period=2025Q4"
    assert not ExportJob.objects.exists()


# --- failures, stalls, expiry -----------------------------------------------------------------------------------


def test_a_job_that_fails_says_so_in_vietnamese_and_offers_to_try_again(client, data, officer, caplog):
    # A job whose period no longer reads (made by hand, or by an older version): the worker cannot make it.
    job = ExportJob.objects.create(
        requested_by=officer, unit=data.phu_thuong, period="2025Q9", format="pdf", language="vi"
    )
    result = export_job_run.enqueue(job.pk)
    assert result.return_value == "failed"
    job.refresh_from_db()
    assert (job.status, job.content, job.finished is not None) == ("failed", None, True)
    assert "2025Q9" in job.error
    assert "Report file" in caplog.text and "failed" in caplog.text

    client.force_login(officer)
    page = parse(client.get(reverse("reports:export_job", args=[job.pk])))
    assert page.get(data_testid="export-panel").attrs["data-state"] == "failed"
    assert page.get(data_testid="export-failed").text == vi(
        "The file could not be made. Try again; if it fails again, tell your system administrator."
    )
    assert "ValueError" not in page.text  # the cause is for the administrators
    again = page.get(data_testid="export-again").parent
    assert again.attrs["hx-post"] == again.attrs["action"]
    assert again.attrs["action"].startswith(PDF) and "period=2025Q9" in again.attrs["action"]
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    # Run twice (a task retried): the job is left as it is.
    assert export_job_run.enqueue(job.pk).return_value == "skipped"


def test_on_a_server_without_pango_the_pdf_is_not_offered_and_asking_for_one_says_why(
    client, data, officer, monkeypatch
):
    """WeasyPrint needs Pango from the system: where a library does not load, the page says so instead of offering a
    PDF that would fail, asking for one answers 503 with the same words, and a PDF job fails with them."""
    monkeypatch.setattr(pdf, "LIBRARIES", (*pdf.LIBRARIES, "libpango-0.0-khong-co.so.0"))
    command = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
    client.force_login(officer)
    page = parse(client.get(REPORT, {"unit": data.phu_thuong.pk, "period": "2025Q4"}))
    assert page.find(data_testid="download-pdf-form") is None
    assert "disabled" in page.get(data_testid="download-pdf-unavailable").attrs
    reason = page.get(data_testid="pdf-unavailable").text
    assert reason.startswith("Máy chủ này chưa tạo được tệp PDF: thiếu thư viện hệ thống libpango-0.0-khong-co.so.0.")
    assert reason.endswith(command)
    assert page.find(data_testid="download-xlsx-form") is not None  # the workbook needs nothing of the system

    refused = ask(client, PDF, data.phu_thuong)
    assert refused.status_code == 503
    assert parse(refused).get(data_testid="pdf-unavailable").text.endswith(command)
    swapped = ask(client, PDF, data.phu_thuong, **HTMX)
    assert swapped.status_code == 200 and b"<html" not in swapped.content  # htmx swaps 2xx answers only
    assert parse(swapped).get(data_testid="pdf-unavailable").text.endswith(command)
    assert not ExportJob.objects.exists()

    # A PDF asked for before (or by another web server): the worker fails it at once, and its panel says why.
    job = ExportJob.objects.create(
        requested_by=officer, unit=data.phu_thuong, period="2025Q4", format="pdf", language="vi"
    )
    assert export_job_run.enqueue(job.pk).return_value == "failed"
    job.refresh_from_db()
    assert job.error.startswith("PdfUnavailable: ") and job.progress == jobs.STARTED
    panel = parse(client.get(reverse("reports:export_job", args=[job.pk]))).get(data_testid="export-panel")
    assert panel.get(data_testid="pdf-unavailable").text.endswith(command)
    assert panel.find(data_testid="export-again") is None  # it would fail the same way


def test_a_job_that_stopped_moving_is_shown_as_stalled(client, data, officer):
    job = ExportJob.objects.create(
        requested_by=officer, unit=data.phu_thuong, period="2025Q4", format="xlsx", language="vi"
    )
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, progress=60, updated=timezone.now() - jobs.EXPORT_STALLED
    )
    client.force_login(officer)
    panel = parse(client.get(reverse("reports:export_job", args=[job.pk]), **HTMX)).get(data_testid="export-panel")
    assert panel.attrs["data-state"] == "stalled" and "hx-trigger" not in panel.attrs
    assert panel.get(data_testid="export-failed").text == vi(
        "The file has stopped progressing: the task worker may have stopped. Try again; if it happens again, tell "
        "your system administrator."
    )
    # Asking again makes a new job: the stalled one no longer counts as in the making.
    ask(client, XLSX, data.phu_thuong)
    assert ExportJob.objects.filter(requested_by=officer, status="done").count() == 1


def test_files_expire_after_a_day_and_the_daily_task_deletes_them(client, data, officer):
    client.force_login(officer)
    ask(client, XLSX, data.phu_thuong)
    ask(client, PDF, data.phu_thuong)
    old, recent = ExportJob.objects.filter(requested_by=officer).order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(created=timezone.now() - jobs.EXPORT_KEPT - datetime.timedelta(1))
    assert client.get(reverse("reports:export_download", args=[old.pk])).status_code == 404
    panel = parse(client.get(reverse("reports:export_job", args=[old.pk]))).get(data_testid="export-panel")
    assert panel.attrs["data-state"] == "expired"
    assert client.get(reverse("reports:export_download", args=[recent.pk])).status_code == 200

    assert export_jobs_expire in daily_tasks()
    assert export_jobs_expire.enqueue().return_value == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert client.get(reverse("reports:export_job", args=[old.pk])).status_code == 404


def test_the_job_s_queries_do_not_grow_with_the_people(client, data, make_user):
    client.force_login(make_user(Role.PROVINCE_OFFICER, data.hanoi))
    ask(client, XLSX, data.hanoi)  # warm caches (content types, sessions)
    ExportJob.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        assert ask(client, XLSX, data.hanoi).status_code == 303
    ExportJob.objects.all().delete()
    for code, count in (("00070", 4), ("00082", 3)):  # two more wards, more people
        ward = OrgUnit.objects.get(code=code, level=3, era=OrgUnit.Era.CURRENT)
        officer = make_user(Role.COMMUNE_OFFICER, ward)
        for n in range(count):
            person_register(
                actor=officer, unit=ward, full_name=f"Lê Văn Tú {n}", sex=Sex.MALE, birth_year=1992,
                registered_on=D(2024, 5, 1),
            )  # fmt: skip
    ask(client, XLSX, data.hanoi)  # the first read after writes may bring the reports' derived rows up to date
    ExportJob.objects.all().delete()
    with CaptureQueriesContext(connection) as more:
        assert ask(client, XLSX, data.hanoi).status_code == 303
    assert len(more) == len(few)
    job = ExportJob.objects.get()
    assert figures(bytes(job.content))["people.registered"] == 15
    print(f"queries of asking for the province's workbook, made at once: {len(few)}")
