"""The report as files: the Excel workbook read back with openpyxl (its figures, and how it prints), the PDF read back
with pypdf. How users ask for them and download them (made in the background) is in test_export_jobs.py.

The data: five people in Phường Phú Thượng and three in Phường Ba Đình (Hà Nội), registered in 2024; two of Phú
Thượng's in a rehab facility, two under post-rehab management (one of them with a volunteer), one given a 40 million
đồng loan in the fourth quarter of 2025; two targets set by the province. Reports are read on the conftest's TODAY.
"""

from __future__ import annotations

import datetime
import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.accounts.models import User
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.reports import exports
from donghanh.reports.engine import Report
from donghanh.reports.indicators import INDICATORS, SECTION_LABELS, Section
from donghanh.reports.targets import STATUS_LABELS, TargetStatus, target_set
from donghanh.reports.tests.conftest import D, World, report

pytestmark = pytest.mark.django_db

HEADERS = [
    "Indicator code",
    "Indicator",
    "Value",
    "Numerator",
    "Denominator",
    "Unit of measure",
    "Target",
    "Assessment",
]


def vi(text: str) -> str:
    """What a Vietnamese file says for this English message (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def committee(name: str) -> str:
    return (vi("People's Committee of %(unit)s") % {"unit": name}).upper()


@dataclass
class Data:
    world: World
    hanoi: OrgUnit
    phu_thuong: OrgUnit
    ba_dinh: OrgUnit
    preparer: User


@pytest.fixture(scope="module")
def data(module_world: World, django_db_blocker: Any) -> Data:
    world = module_world
    with django_db_blocker.unblock():
        hanoi = OrgUnit.objects.get(code="01", level=OrgUnit.Level.PROVINCE, era=OrgUnit.Era.CURRENT)
        phu_thuong = OrgUnit.objects.select_related("parent").get(code="00091", level=3, era=OrgUnit.Era.CURRENT)
        ba_dinh = OrgUnit.objects.get(code="00004", level=3, era=OrgUnit.Era.CURRENT)
        people = world.people(phu_thuong, 5)
        world.people(ba_dinh, 3)
        world.take_off(world.person(ba_dinh, D(2025, 10, 6)), D(2025, 11, 3))  # on the roster for a month of Q4
        for person in people[:2]:
            world.whereabouts(person, Whereabouts.IN_FACILITY, D(2025, 3, 1))
        for person in people[2:4]:
            world.measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 2, 1))
        world.assign(people[2], world.volunteer(phu_thuong), D(2025, 3, 1))
        world.service(people[4], "preferential_loan", D(2025, 11, 10))
        province = world.officer(hanoi)
        target_set(
            actor=province, unit=hanoi, indicator="people.with_volunteer", period="2025", comparison="gte", value="70"
        )
        target_set(
            actor=province, unit=hanoi, indicator="people.registered", period="2025Q4", comparison="lte", value="10"
        )
        preparer = world.officer(phu_thuong)
        preparer.full_name = "Đỗ Thị Hương"
        preparer.save()
    return Data(world, hanoi, phu_thuong, ba_dinh, preparer)


def workbook(report_: Report, user: User) -> Any:
    with translation.override("vi"):
        content = exports.report_xlsx(report_, user)
    return load_workbook(io.BytesIO(content))


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def flowing(text: str) -> str:
    """The text with each run of spaces and line ends as one space: a name wrapped inside its cell reads whole."""
    return " ".join(text.split())


def assert_names_whole_and_no_codes(text: str, built: Report, names: Any = None) -> None:
    """Every indicator is named in words, each name whole (a name broken inside a word would read "ngh iện"), and no
    indicator's code (`people.registered`) is printed: codes are for the workbook and the API."""
    codes = set(INDICATORS) | {row.indicator.code for row in built.rows}
    assert not [code for code in codes if code in text]
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", text)  # nor anything shaped like one
    with translation.override("vi"):
        wanted = [str(indicator.name) for indicator in names or [row.indicator for row in built.rows]]
    missing = [name for name in wanted if name not in flowing(text)]
    assert not missing


def rows_by_code(sheet: Any, start: int) -> dict[str, tuple[Any, ...]]:
    return {row[0].value: tuple(row) for row in sheet.iter_rows(min_row=start + 1) if row[0].value}


def header_row(sheet: Any, first: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


# --- the workbook -------------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_section_then_the_breakdown_and_the_trend_with_vietnamese_names(data):
    book = workbook(report(data.hanoi, "2025Q4"), data.preparer)
    sections = [vi(str(SECTION_LABELS[section]))[:31] for section in Section]
    assert book.sheetnames == [*sections, vi("By unit"), vi("Trend")]
    assert all(len(name) <= 31 and not set(name) & set("\\/?*[]:") for name in book.sheetnames)

    status = book[book.sheetnames[0]]
    start = header_row(status, vi("Indicator code"))
    assert [cell.value for cell in status[start]][:8] == [vi(text) for text in HEADERS]
    # The title block: what the sheet is, the unit, the period, the day computed (a date cell), who prepared it.
    assert status["A1"].value == vi(str(SECTION_LABELS[Section.STATUS]))
    facts = {status.cell(row, 1).value: status.cell(row, 2) for row in range(2, start)}
    assert facts[vi("Unit")].value == "Thành phố Hà Nội (01)"
    assert facts[vi("Reporting period")].value.startswith(
        vi("Quarter %(quarter)s/%(year)s") % {"quarter": 4, "year": 2025}
    )
    assert "01/10/2025 – 31/12/2025" in facts[vi("Reporting period")].value
    assert facts[vi("Computed on")].value == datetime.datetime(2026, 11, 22)
    assert facts[vi("Computed on")].number_format == "DD/MM/YYYY"
    assert facts[vi("Prepared by")].value == "Đỗ Thị Hương"


def test_figures_are_numbers_with_number_formats_and_targets_are_judged(data):
    built = report(data.hanoi, "2025Q4")
    book = workbook(built, data.preparer)
    status = book[vi(str(SECTION_LABELS[Section.STATUS]))[:31]]
    lines = rows_by_code(status, header_row(status, vi("Indicator code")))

    code, name, value, numerator, denominator, unit, target, assessment = lines["people.registered"][:8]
    assert (code.value, name.value, unit.value) == ("people.registered", vi("People registered"), vi("people"))
    assert (value.value, value.number_format) == (8, "#,##0")
    assert type(value.value) is int
    assert (numerator.value, denominator.value) == (None, None)  # a count has no fraction
    assert (target.value, target.number_format) == (10, '"≤ "#,##0')  # the number, shown with its comparison
    assert assessment.value == vi(str(STATUS_LABELS[TargetStatus.MET]))
    assert lines["people.in_facility"][2].value == 2
    assert lines["people.at_residence"][2].value == 6
    assert lines["people.post_rehab"][2].value == 2

    volunteers = book[vi(str(SECTION_LABELS[Section.VOLUNTEERS]))[:31]]
    share = rows_by_code(volunteers, header_row(volunteers, vi("Indicator code")))["people.with_volunteer"]
    assert (share[2].value, share[2].number_format) == (50.0, "0.0")  # a percentage, not 0.5, not "50,0 %"
    assert isinstance(share[2].value, int | float)  # Excel keeps 50.0 as 50: a number either way
    assert (share[3].value, share[4].value, share[5].value) == (1, 2, "%")
    assert (share[6].value, share[6].number_format) == (70, '"≥ "0.0')
    assert share[7].value == vi(str(STATUS_LABELS[TargetStatus.MISSED]))  # 50 % < 70 %, and 2025 is over

    support = book[vi(str(SECTION_LABELS[Section.SUPPORT]))[:31]]
    money = rows_by_code(support, header_row(support, vi("Indicator code")))["support.loan_amount"]
    assert (money[2].value, money[2].number_format, money[5].value) == (40_000_000, "#,##0", "₫")
    # Every figure of the workbook is the report's own.
    for row in built.rows:
        sheet = book[vi(str(SECTION_LABELS[row.indicator.section]))[:31]]
        found = rows_by_code(sheet, header_row(sheet, vi("Indicator code")))[row.indicator.code]
        assert found[2].value == row.figure.value, row.indicator.code


def test_the_workbook_and_the_pdf_carry_the_roster_movements(data):
    built = report(data.hanoi, "2025Q4")
    book = workbook(built, data.preparer)
    sheet = book[vi(str(SECTION_LABELS[Section.ROSTER]))[:31]]
    lines = rows_by_code(sheet, header_row(sheet, vi("Indicator code")))
    assert list(lines) == [row.indicator.code for row in built.rows if row.indicator.section == "roster"]
    assert {"roster.left", "roster.deaths", "roster.awaiting_decision", "roster.transfers_pending"} <= set(lines)
    assert (lines["roster.left"][2].value, lines["roster.left_removed"][2].value) == (1, 1)
    assert (lines["roster.left_completed"][2].value, lines["roster.deaths"][2].value) == (0, 0)
    with translation.override("vi"):
        _reader, text = pdf_text(exports.report_pdf(built, data.preparer))
    assert f"II. {vi(str(SECTION_LABELS[Section.ROSTER]))}" in text
    with translation.override("vi"):
        named = [str(INDICATORS[code].name) for code in ("roster.left_removed", "roster.decision_overdue")]
    assert all(name in flowing(text) for name in named)


def test_the_breakdown_sheet_has_a_row_per_child_and_a_column_per_indicator(data):
    built = report(data.hanoi, "2025Q4")
    sheet = workbook(built, data.preparer)[vi("By unit")]
    start = header_row(sheet, vi("Unit code"))
    codes = [cell.value for cell in sheet[start]][2:]
    assert codes == [row.indicator.code for row in built.rows]
    assert [cell.value for cell in sheet[start + 1]][1] == vi("Unit")
    children = {row[0].value: row for row in sheet.iter_rows(min_row=start + 2)}
    assert len(children) == len(built.children) + 1 == 127  # 126 communes of Hà Nội, then the total
    registered = 2 + codes.index("people.registered")
    with_volunteer = 2 + codes.index("people.with_volunteer")
    assert (children["00091"][1].value, children["00091"][registered].value) == ("Phường Phú Thượng", 5)
    assert (children["00004"][1].value, children["00004"][registered].value) == ("Phường Ba Đình", 3)
    assert children["00025"][registered].value == 0
    assert (children["00091"][with_volunteer].value, children["00091"][with_volunteer].number_format) == (50.0, "0.0")
    assert children["00004"][with_volunteer].value is None  # a share of nobody is left empty, not 0
    total = children["01"]
    assert total[1].value == vi("Total: %(unit)s") % {"unit": "Thành phố Hà Nội"}
    assert total[registered].value == 8


def test_every_sheet_prints_on_a4_fitted_to_the_width_with_its_headers_and_page_numbers_on_every_page(data):
    built = report(data.hanoi, "2025Q4")
    book = workbook(built, data.preparer)
    for sheet in book.worksheets:
        setup, margins = sheet.page_setup, sheet.page_margins
        assert str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert setup.orientation == "landscape", sheet.title  # eight columns or more
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert setup.fitToHeight == 0  # as many pages down as the rows need
        assert sheet.oddFooter.center.text == "Trang &P / &N"
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.79, 0.59, 0.59, 0.71)
        first = header_row(sheet, vi("Unit code") if sheet.title == vi("By unit") else vi("Indicator code"))
        if sheet.title == vi("By unit"):
            # Dozens of indicators fitted to one page would print too small to read: ten to a page across, each
            # page with the units' codes and names at its left and both header rows at its top.
            assert setup.fitToWidth == -(-len(built.rows) // exports.INDICATORS_PER_PAGE) > 1
            assert sheet.print_title_rows == f"${first}:${first + 1}"
            assert sheet.print_title_cols == "$A:$B"
        else:
            assert setup.fitToWidth == 1, sheet.title
            assert sheet.print_title_rows == f"${first}:${first}", sheet.title
            assert sheet.print_title_cols is None


def test_the_breakdown_sheet_leaves_out_units_with_only_zeros_and_sorts_when_asked(data):
    built = report(data.hanoi, "2025Q4")
    with translation.override("vi"):
        content = exports.report_xlsx(built, data.preparer, hide_zero=True, sort="-people.in_facility")
    sheet = load_workbook(io.BytesIO(content))[vi("By unit")]
    start = header_row(sheet, vi("Unit code"))
    rows = [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=start + 2) if row[1].value]
    assert rows == [
        ("00091", "Phường Phú Thượng"),  # two in a facility
        ("00004", "Phường Ba Đình"),
        ("01", vi("Total: %(unit)s") % {"unit": "Thành phố Hà Nội"}),
        (None, "124 xã/phường có toàn số 0 không được liệt kê."),
    ]


def test_a_period_before_the_reform_breaks_down_by_the_legacy_units_and_what_current_units_recorded(data):
    built = report(data.phu_thuong, "2025Q2")
    sheet = workbook(built, data.preparer)[vi("By unit")]
    start = header_row(sheet, vi("Unit code"))
    registered = 2 + [cell.value for cell in sheet[start]][2:].index("people.registered")
    rows = [(row[0].value, row[1].value, row[registered].value) for row in sheet.iter_rows(min_row=start + 2)]
    legacy = [child.unit for child in built.children if child.unit is not None]
    assert legacy and all(unit.is_legacy for unit in legacy)
    assert rows[: len(legacy)] == [(unit.code, unit.name, 0) for unit in legacy]
    # The people were registered at the current ward (their records say so), before the reform's date.
    assert rows[len(legacy)] == (None, vi("Recorded under the current units"), 5)
    assert rows[-1] == ("00091", vi("Total: %(unit)s") % {"unit": "Phường Phú Thượng"}, 5)


def test_the_trend_sheet_has_the_six_periods_oldest_first(data):
    built = report(data.hanoi, "2025Q4", trend=6)
    sheet = workbook(built, data.preparer)[vi("Trend")]
    start = header_row(sheet, vi("Indicator code"))
    labels = [cell.value for cell in sheet[start]][3:]
    assert labels == [period.label for period, _figure in built.row("people.registered").trend]
    assert len(labels) == 6
    with translation.override("vi"):
        assert labels[-1] == built.period.label and labels[0] == built.period.shifted(-5).label
    line = rows_by_code(sheet, start)["people.registered"]
    assert [cell.value for cell in line[3:]] == [8] * 6  # registered on 02/01/2024, before every one of them
    assert line[8].number_format == "#,##0"


def test_sheet_titles_are_what_excel_accepts():
    assert exports.sheet_title("Hỗ trợ: việc làm / vay vốn [2025]?") == "Hỗ trợ việc làm vay vốn 2025"
    long = "Đánh giá hằng tháng và xếp loại hằng quý của người"
    assert exports.sheet_title(long) == long[:31].strip()
    assert exports.sheet_title(long, [long[:31].strip()]) == long[:27].rstrip() + " (2)"


def test_file_names_are_ascii_and_name_the_place_and_the_period(data):
    nation = OrgUnit.objects.get(path="VN/")
    assert exports.export_filename(report(data.phu_thuong, "2025Q2", children=False, trend=1), "xlsx") == (
        "bao-cao-phu-thuong-2025Q2.xlsx"
    )
    assert exports.export_filename(report(data.hanoi, "2025-04", children=False, trend=1), "pdf") == (
        "bao-cao-ha-noi-2025-04.pdf"
    )
    assert (
        exports.export_filename(report(nation, "2025", children=False, trend=1), "pdf") == "bao-cao-viet-nam-2025.pdf"
    )


# --- the PDF ------------------------------------------------------------------------------------------------


def test_the_pdf_is_laid_out_as_an_administrative_report(data):
    built = report(data.phu_thuong, "2025Q4")
    started = time.perf_counter()
    with translation.override("vi"):
        content = exports.report_pdf(built, data.preparer)
    elapsed = time.perf_counter() - started
    assert content.startswith(b"%PDF-")
    reader, text = pdf_text(content)
    assert unicodedata.is_normalized("NFC", text)
    first = reader.pages[0].extract_text()
    # Top left, the authority above and the issuing unit; top right, the national motto; then place and date.
    lines = first.splitlines()
    assert committee("Thành phố Hà Nội") in lines[0]
    assert committee("Phường Phú Thượng") in lines[1] or committee("Phường Phú Thượng") in lines[0]
    assert vi("SOCIALIST REPUBLIC OF VIETNAM") in first
    assert vi("Independence - Freedom - Happiness") in first
    dated = vi("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": "Phú Thượng",
        "day": "22",
        "month": "11",
        "year": "2026",
    }
    assert dated in first
    assert vi("REPORT") in first
    with translation.override("vi"):
        period_line = vi("Reporting period: %(period)s (%(range)s)") % {
            "period": built.period.label,
            "range": "01/10/2025 – 31/12/2025",
        }
    assert period_line in first
    assert "Phường Phú Thượng" in first  # every diacritic of the unit's name, extracted intact
    # The tables: each section's heading, each indicator with its figure.
    for number, section in zip(("I", "II", "III", "IV", "V", "VI"), Section, strict=True):
        assert f"{number}. {vi(str(SECTION_LABELS[section]))}" in text
    assert_names_whole_and_no_codes(text, built)  # a long name wraps inside its cell, between words
    assert "40.000.000 ₫" in flowing(text)  # the loan, as officials write money (its ₫ may go on a second line)
    assert "50,0 %" in text  # one person of two followed with a volunteer
    # The signature block, the preparer named under it; page numbers on every page of an A4 document.
    for words in (vi("PREPARED BY"), vi("HEAD OF UNIT"), vi("(Signature and full name)"), "Đỗ Thị Hương"):
        assert words in text
    pages = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        assert f"{vi('Page')} {n}/{pages}" in page.extract_text()
    assert reader.metadata is not None and reader.metadata.title and "Phường Phú Thượng" in reader.metadata.title
    print(f"PDF of a commune: {len(content):,} bytes, {pages} pages, {elapsed:.2f} s")


def test_the_pdf_of_a_province_breaks_down_by_its_communes(data):
    built = report(data.hanoi, "2025Q4")
    started = time.perf_counter()
    with translation.override("vi"):
        content = exports.report_pdf(built, data.preparer)
    elapsed = time.perf_counter() - started
    reader, text = pdf_text(content)
    first = reader.pages[0].extract_text()
    assert committee("Thành phố Hà Nội") in first.splitlines()[0]
    assert (
        vi("%(place)s, %(day)s/%(month)s/%(year)s") % {"place": "Hà Nội", "day": "22", "month": "11", "year": "2026"}
        in first
    )
    # After the signatures, an annex in landscape: a row per commune with a figure, a column per key indicator.
    annex = next(n for n, page in enumerate(reader.pages) if vi("ANNEX") in page.extract_text().splitlines()[0])
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages[annex:])
    assert all(page.mediabox.width < page.mediabox.height for page in reader.pages[:annex])
    assert vi("HEAD OF UNIT") in reader.pages[annex - 1].extract_text()
    annexed = flowing("\n".join(page.extract_text() for page in reader.pages[annex:]))
    key = [row.indicator for row in built.rows if row.indicator.key]
    assert_names_whole_and_no_codes(text, built)
    assert_names_whole_and_no_codes(annexed, built, names=key)
    # The 124 communes with nobody in any key figure are left out, and counted.
    assert "124 xã/phường có toàn số 0 không được liệt kê." in annexed
    assert re.findall(r"\((\d{5})\)", annexed) == ["00004", "00091"]

    def figures_of(name: str, following: str) -> str:
        """The figures of a unit's row as extracted, without spaces (cells right-aligned next to each other may
        run together in the extracted text)."""
        return "".join(annexed.split(name, 1)[1].split(following, 1)[0].split())

    # Phú Thượng: registered, in a facility, at residence, post-rehab, whereabouts unknown; one volunteer, helping
    # someone (100 %); one of two followed people with a volunteer (50 %): shares without their %, in the header.
    assert figures_of("Phường Phú Thượng (00091)", "Thành phố Hà Nội").startswith("52320" + "1100,0" + "50,0")
    assert figures_of("Phường Ba Đình (00004)", "Phường Phú Thượng").startswith("30300" + "0—" + "—")  # nobody: —
    total = figures_of("Phường Phú Thượng (00091)", vi("Page"))
    assert total.split("ThànhphốHàNội", 1)[1].startswith("82620" + "1100,0" + "50,0")
    assert "≥ 70 %" in text and vi(str(STATUS_LABELS[TargetStatus.MISSED])) in text
    assert "≤ 10" in text and vi(str(STATUS_LABELS[TargetStatus.MET])) in text
    print(f"PDF of a province (126 communes): {len(content):,} bytes, {len(reader.pages)} pages, {elapsed:.2f} s")

    # Asked for every unit, the annex lists the 126; sorted by a column, its rows follow it.
    with translation.override("vi"):
        every = exports.pdf_context(built, data.preparer, hide_zero=False)["breakdown"]
        by_facility = exports.pdf_context(built, data.preparer, sort="-people.in_facility")["breakdown"]
    assert len(every.rows) == 126 and every.hidden_note == ""
    assert [name for _code, name, _figures in by_facility.rows] == ["Phường Phú Thượng", "Phường Ba Đình"]


def test_a_name_typed_as_a_formula_is_written_as_text_on_every_sheet(data, tmp_path):
    """A user named `=HYPERLINK(…)` is the "prepared by" of every sheet: text there, never a formula."""
    name = '=HYPERLINK("http://example.invalid/x","Mở")'
    data.preparer.full_name = name
    with translation.override("vi"):
        content = exports.report_xlsx(report(data.hanoi, "2025Q4"), data.preparer)
    data.preparer.refresh_from_db()  # the module's user keeps its name for the other tests

    book = load_workbook(io.BytesIO(content))
    prepared = [
        sheet.cell(row, 2)
        for sheet in book.worksheets
        for row in range(1, 12)
        if sheet.cell(row, 1).value == vi("Prepared by")
    ]
    assert len(prepared) == len(book.sheetnames)
    assert all(cell.value == name and cell.data_type == "s" for cell in prepared)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(item) for item in archive.namelist() if item.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
