"""A province officer opens Hà Nội's report for last quarter, reads a figure, drills into the people behind it,
comes back, and downloads the report as Excel and as PDF (each from the panel its button brings); both files carry
the figure."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from donghanh.accounts.models import User
from donghanh.core.periods import QUARTER, period_of
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.services import person_register, whereabouts_record

NAMES = ("Nguyễn Thị Hường", "Phạm Quốc Dũng", "Lê Văn Thưởng")


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


def three_people_in_phu_thuong(today: datetime.date) -> None:
    """Registered at Phường Phú Thượng half a year ago (before last quarter began); the last one since in a rehab
    facility."""
    officer = User.objects.get(username="xa.phuthuong")
    ward = officer.role_assignments.get().unit
    since = today - datetime.timedelta(days=200)
    people = [
        person_register(actor=officer, unit=ward, full_name=name, sex=Sex.MALE, birth_year=1988, registered_on=since)
        for name in NAMES
    ]
    whereabouts_record(actor=officer, person=people[-1], status=Whereabouts.IN_FACILITY, since=since)


def test_a_province_officer_reads_drills_into_and_downloads_a_quarter_s_report(page: Page, live_server, demo_world):
    today = timezone.localdate()
    quarter = period_of(QUARTER, today).shifted(-1)
    three_people_in_phu_thuong(today)
    base = live_server.url
    log_in(page, base, "tinh.hanoi")

    # Home: the dashboard of the province arrives after the page, its sparklines drawn.
    dashboard = page.locator("[data-testid=dashboard]")
    expect(dashboard).to_contain_text("Thành phố Hà Nội", timeout=30_000)  # a busy machine computes it slowly
    expect(dashboard.locator("canvas[data-drawn]").first).to_be_attached()
    expect(page.locator("[data-testid=dashboard-loading]")).to_have_count(0)

    # The report page opens on the officer's province; they pick last quarter.
    page.goto(f"{base}/reports/")
    expect(page.locator("[data-testid=report-title]")).to_contain_text("Thành phố Hà Nội")
    page.select_option("[data-testid=period-choice]", quarter.code)
    page.locator("[data-testid=report-picker] button[type=submit]").click()
    with translation.override("vi"):
        label = quarter.label
    expect(page.locator("[data-testid=report-title]")).to_contain_text(label)
    registered = page.locator("[data-testid='indicator-people.registered'] [data-testid=value]")
    expect(registered).to_have_text("3")
    expect(page.locator("[data-testid='indicator-people.in_facility'] [data-testid=value]")).to_have_text("1")
    expect(page.locator("[data-testid=child-00091]")).to_contain_text("Phường Phú Thượng")
    # The key indicators over the recent quarters arrive after the page, their charts drawn.
    expect(page.locator("[data-testid=trend] canvas[data-drawn]").first).to_be_attached(timeout=30_000)
    expect(page.locator("[data-testid=trend-loading]")).to_have_count(0)
    headers = page.locator("[data-testid=breakdown-table] thead th")
    column = headers.evaluate_all("cells => cells.findIndex(cell => cell.dataset.code === 'people.registered')")
    assert column > 0
    expect(page.locator("[data-testid=child-00091] td").nth(column - 1)).to_have_text("3")  # the unit is a th
    report_url = page.url

    # The figure is a link to the people behind it.
    registered.locator("[data-testid=drill]").click()
    expect(page).to_have_url(re.compile(r"/reports/people/\?"))
    table = page.locator("[data-testid=drill-table]")
    for name in NAMES:
        expect(table).to_contain_text(name)
    page.go_back()
    expect(page).to_have_url(report_url)
    expect(registered).to_have_text("3")

    # The Excel file, made in the background (at once under the tests' task backend): the button brings its panel,
    # whose link downloads it. Named for the place and the quarter, the figure a number in its sheet.
    page.locator("[data-testid=download-xlsx]").click()
    with page.expect_download() as xlsx_download:
        page.locator("[data-testid=export-download]").click()
    xlsx = xlsx_download.value
    assert xlsx.suggested_filename == f"bao-cao-ha-noi-{quarter.code}.xlsx"
    book = load_workbook(io.BytesIO(xlsx.path().read_bytes()))  # the saved download has no extension
    status = book.worksheets[0]
    rows = {row[0].value: row for row in status.iter_rows() if row[0].value}
    assert rows["people.registered"][2].value == 3
    assert rows["people.in_facility"][2].value == 1
    by_unit = book[vi("By unit")]
    [phu_thuong] = [row for row in by_unit.iter_rows() if row[0].value == "00091"]
    assert phu_thuong[1].value == "Phường Phú Thượng"

    # The PDF: the province's committee issues it, the annex has the ward's row.
    page.locator("[data-testid=download-pdf]").click()
    # The tests' task backend makes the file during the request: a province's PDF takes a while.
    expect(page.locator("[data-testid=export-download]")).to_contain_text(".pdf", timeout=60_000)
    with page.expect_download() as pdf_download:
        page.locator("[data-testid=export-download]").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"bao-cao-ha-noi-{quarter.code}.pdf"
    reader = PdfReader(io.BytesIO(pdf.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert (vi("People's Committee of %(unit)s") % {"unit": "Thành phố Hà Nội"}).upper() in text
    assert vi("SOCIALIST REPUBLIC OF VIETNAM") in text
    # The ward's row, its name wrapped or not in its narrow column: registered, in a facility, at residence…
    ward = re.search(r"Phường Phú Thượng \(00091\)(.*)", " ".join(text.split()))
    assert ward is not None and "".join(ward.group(1).split()).startswith("3120")
    # Still on the report page: downloading does not navigate.
    expect(page).to_have_url(report_url)
