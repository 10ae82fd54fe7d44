"""A commune officer asks for the report as Excel: a progress panel comes into the report page while the task worker
(the database backend and `db_worker`, as in production) makes the file, the page stays usable, and the panel turns
into a download link; the file carries the figures."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.core.periods import QUARTER, period_of
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.reports.models import ExportJob

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@override_settings(TASKS=DATABASE_TASKS)
def test_the_excel_button_shows_the_progress_panel_then_the_link(page: Page, live_server, demo_world) -> None:
    today = timezone.localdate()
    quarter = period_of(QUARTER, today).shifted(-1)
    officer = User.objects.get(username="xa.phuthuong")
    ward = officer.role_assignments.get().unit
    for name in ("Hà Văn Phúc", "Trịnh Thị Mai"):
        person_register(
            actor=officer, unit=ward, full_name=name, sex=Sex.MALE, birth_year=1990,
            registered_on=today - datetime.timedelta(days=200),
        )  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    # The panel polls its job; the worker runs when the test lets it, while a poll is held back, so that the
    # worker and the live server never use the test database at the same time (SQLite in memory is one connection).
    worker: dict[str, Any] = {"allowed": False, "ran": False}

    def poll(route: Any) -> None:
        if worker["allowed"] and not worker["ran"]:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
            worker["ran"] = True
        route.continue_()

    page.route("**/reports/exports/*/", poll)

    page.goto(f"{base}/reports/?period={quarter.code}")
    report_url = page.url
    registered = page.locator("[data-testid='indicator-people.registered'] [data-testid=value]")
    expect(registered).to_be_visible()
    shown = registered.inner_text()
    assert int(shown.replace(".", "")) >= 2
    page.locator("[data-testid=download-xlsx]").click()

    # The progress panel, on the report page, waiting for the worker.
    panel = page.locator("[data-testid=export-panel]")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-state", "waiting")
    bar = panel.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(panel.locator("[data-testid=export-note]")).to_contain_text(vi("Waiting for the task worker…"))
    # The page stays usable meanwhile: the figures, the other button.
    expect(page).to_have_url(report_url)
    expect(registered).to_have_text(shown)
    expect(page.locator("[data-testid=download-pdf]")).to_be_enabled()
    job = ExportJob.objects.get()
    assert (job.status, job.format, job.period) == ("queued", "xlsx", quarter.code)

    # The worker makes the file; the panel's next poll turns it into a link.
    worker["allowed"] = True
    link = panel.locator("[data-testid=export-download]")
    expect(link).to_be_visible(timeout=30_000)
    assert worker["ran"]
    expect(panel).to_have_attribute("data-state", "done")
    expect(link).to_contain_text(f"bao-cao-phu-thuong-{quarter.code}.xlsx")

    with page.expect_download() as download:
        link.click()
    xlsx = download.value
    assert xlsx.suggested_filename == f"bao-cao-phu-thuong-{quarter.code}.xlsx"
    sheet = load_workbook(io.BytesIO(xlsx.path().read_bytes())).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    assert rows["people.registered"][2].value == int(shown.replace(".", ""))
    expect(page).to_have_url(report_url)  # downloading does not navigate
