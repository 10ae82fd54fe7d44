"""A report as the files officials send upward: an Excel workbook and a PDF laid out as an administrative report.

Both carry aggregate figures only (no person is named); downloading either leaves an access-log entry (an export,
`views/exports.py`). The workbook keeps
numbers as numbers (a share as a percentage with one decimal, money in whole đồng) so that it can be summed and
charted; the PDF follows the layout of a Vietnamese administrative document: issuing unit and national motto at
the top, place and date, title, tables, and the signature block.

Both print as officials file them: the workbook's sheets on A4, fitted to the page's width (the breakdown by unit a
few pages across, its unit columns repeated on each), their header rows repeated on every page and the page numbers
in the footer; the PDF names the indicators in words only (their codes are for the workbook and the API, which
programs read), and its annex leaves out the units whose figures are all zero, saying how many
(`breakdown.arrange`; the workbook lists every unit unless asked otherwise).
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from donghanh.core.pdf import FONT_FAMILIES, html_to_pdf
from donghanh.core.text import fold
from donghanh.core.xlsx import PORTRAIT_WIDTH, print_setup, texts_only
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.breakdown import arrange, parse_sort
from donghanh.reports.engine import Figure, Report, Row, share_text, target_text
from donghanh.reports.indicators import SECTION_LABELS, Indicator, Kind, Section
from donghanh.reports.targets import STATUS_LABELS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

# What a unit's name starts with, so that the place a document is dated at reads "Phú Thượng", not "Phường …".
_UNIT_TYPE_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Phường|Xã|Đặc khu|Quận|Huyện|Thị xã|Thị trấn)\s+(?=\S)")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
SHEET_TITLE_LENGTH = 31  # Excel refuses longer sheet names

NUMBER_FORMATS = {Kind.COUNT: "#,##0", Kind.SHARE: "0.0", Kind.AMOUNT: "#,##0"}
DATE_FORMAT = "DD/MM/YYYY"
# The breakdown by unit prints this many indicators' columns to a landscape page, beside the unit's code and name: a
# province's dozens of indicators fitted to one page's width would print too small to read.
INDICATORS_PER_PAGE = 10


# --- shared by both files ----------------------------------------------------------------------------------


def place_name(unit: OrgUnit) -> str:
    """The place a document is dated at: the unit's name without its type ("Phú Thượng", "Hà Nội").

    A name that is only a number once its type is gone ("Phường 1") keeps its type.
    """
    if unit.level == OrgUnit.Level.NATION:
        return "Hà Nội"  # where the national bodies sit
    short = _UNIT_TYPE_PREFIX.sub("", unit.name)
    return unit.name if short.isdigit() else short


def issuing_lines(unit: OrgUnit) -> tuple[str, str]:
    """The top-left block: the authority above the issuing unit (empty for a province), then the issuing unit,
    both in capitals as on an administrative document ("UBND THÀNH PHỐ HÀ NỘI", "UBND PHƯỜNG PHÚ THƯỢNG")."""
    if unit.level == OrgUnit.Level.NATION:
        return "", _("National programme management").upper()
    issuer = _("People's Committee of %(unit)s") % {"unit": unit.name}
    parent = unit.parent
    above = ""
    if parent is not None and parent.level != OrgUnit.Level.NATION:
        above = _("People's Committee of %(unit)s") % {"unit": parent.name}
    return above.upper(), issuer.upper()


def export_filename(report: Report, extension: str) -> str:
    """`bao-cao-phu-thuong-2025Q2.xlsx`: ASCII only, so every browser and mail client keeps it."""
    name = report.unit.name if report.unit.level == OrgUnit.Level.NATION else place_name(report.unit)
    place = slugify(fold(name)) or report.unit.code
    return f"bao-cao-{place}-{report.period.code}.{extension}"


def unit_label(indicator: Indicator) -> str:
    """What a figure is counted in: "%" for a share, "₫" for money, otherwise the indicator's unit (people…)."""
    if indicator.is_share:
        return "%"
    return str(indicator.unit)


def target_number(row: Row) -> float | int | None:
    if row.target is None:
        return None
    value: Decimal = row.target.value
    return int(value) if value == value.to_integral_value() else float(value)


def target_shown(row: Row) -> str:
    return target_text(row.target, row.indicator) if row.target is not None else ""


def status_text(row: Row) -> str:
    return str(STATUS_LABELS[row.status]) if row.status is not None else ""


def sections_of(report: Report) -> list[tuple[Section, list[Row]]]:
    """The report's rows grouped by section, in the sections' order; empty sections left out."""
    grouped: dict[Section, list[Row]] = {section: [] for section in Section}
    for row in report.rows:
        grouped[row.indicator.section].append(row)
    return [(section, rows) for section, rows in grouped.items() if rows]


def _period_range(report: Report) -> str:
    return f"{report.period.first:%d/%m/%Y} – {report.period.last:%d/%m/%Y}"


# --- the workbook --------------------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_THIN = Side(style="thin", color="999999")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no \\ / ? * [ ] :, at most 31 characters, unique in the workbook."""
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", text).strip(" '")
    title = " ".join(title.split())[:SHEET_TITLE_LENGTH].strip() or "Sheet"
    used = {name.casefold() for name in taken}
    candidate, n = title, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = title[: SHEET_TITLE_LENGTH - len(suffix)].rstrip() + suffix
    return candidate


def _title_block(sheet: Worksheet, report: Report, user: Any, title: str) -> int:
    """The top of every sheet: what it is, the unit, the period, when it was computed, who exported it.

    Returns the row where the table starts."""
    sheet["A1"] = title
    sheet["A1"].font = _TITLE
    facts: list[tuple[str, Any, str | None]] = [
        (_("Unit"), f"{report.unit.name} ({report.unit.code})", None),
        (_("Reporting period"), f"{report.period.label} ({_period_range(report)})", None),
        (_("Computed on"), report.computed_on, DATE_FORMAT),
        (_("Prepared by"), getattr(user, "full_name", "") or getattr(user, "username", ""), None),
    ]
    for offset, (label, value, number_format) in enumerate(facts, start=2):
        sheet.cell(offset, 1, label).font = _BOLD
        cell = sheet.cell(offset, 2, value)
        cell.alignment = Alignment(horizontal="left")
        if number_format:
            cell.number_format = number_format
    return len(facts) + 3


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row, column, label)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _GRID, _WRAP


def _number(cell: Cell, value: float | int | None, kind: Kind) -> None:
    cell.value = value
    cell.number_format = NUMBER_FORMATS[kind]
    cell.border = _GRID


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _landscape(widths: list[int]) -> bool:
    return sum(widths) > PORTRAIT_WIDTH


def _figure_cells(sheet: Worksheet, row: int, column: int, figure: Figure) -> None:
    """The value, and for a share its numerator and denominator, from `column` on."""
    kind = figure.indicator.kind
    _number(sheet.cell(row, column), figure.value, kind)
    if figure.indicator.is_share:
        _number(sheet.cell(row, column + 1), figure.numerator, Kind.COUNT)
        _number(sheet.cell(row, column + 2), figure.denominator, Kind.COUNT)
    else:
        sheet.cell(row, column + 1).border = sheet.cell(row, column + 2).border = _GRID


def _section_sheet(book: Workbook, report: Report, user: Any, section: Section, rows: list[Row]) -> None:
    label = str(SECTION_LABELS[section])
    sheet = book.create_sheet(sheet_title(label, book.sheetnames))
    start = _title_block(sheet, report, user, label)
    _header(
        sheet,
        start,
        [
            _("Indicator code"),
            _("Indicator"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Unit of measure"),
            _("Target"),
            _("Assessment"),
        ],
    )
    for offset, row in enumerate(rows, start=1):
        line = start + offset
        indicator = row.indicator
        sheet.cell(line, 1, indicator.code).border = _GRID
        name = sheet.cell(line, 2, str(indicator.name))
        name.border, name.alignment = _GRID, _WRAP
        _figure_cells(sheet, line, 3, row.figure)
        sheet.cell(line, 6, unit_label(indicator)).border = _GRID
        target = sheet.cell(line, 7, target_number(row))
        target.border = _GRID
        if row.target is not None:
            target.number_format = f'"{row.target.get_comparison_display()} "{NUMBER_FORMATS[indicator.kind]}'
        sheet.cell(line, 8, status_text(row)).border = _GRID
    widths = [30, 55, 12, 12, 12, 14, 16, 16]
    _widths(sheet, widths)
    sheet.freeze_panes = sheet.cell(start + 1, 3)
    print_setup(sheet, title_rows=f"{start}:{start}", landscape=_landscape(widths))


def _children_sheet(book: Workbook, report: Report, user: Any, *, hide_zero: bool, sort: str) -> None:
    title = _("By unit")
    sheet = book.create_sheet(sheet_title(title, book.sheetnames))
    start = _title_block(sheet, report, user, title)
    indicators = [row.indicator for row in report.rows]
    shown = arrange(
        report.children, indicators, hide_zero=hide_zero, sort=parse_sort(sort, [i.code for i in indicators])
    )
    # Two header rows: the indicators' codes (stable, for whoever reads the file by program) and their names.
    _header(sheet, start, [_("Unit code"), _("Indicator code"), *(i.code for i in indicators)])
    _header(sheet, start + 1, ["", _("Unit"), *(f"{i.name} ({unit_label(i)})" for i in indicators)])
    line = start + 1
    for child in shown.rows:
        line += 1
        sheet.cell(line, 1, child.unit.code if child.unit is not None else "").border = _GRID
        sheet.cell(line, 2, child.label).border = _GRID
        for column, indicator in enumerate(indicators, start=3):
            figure = child.figures.get(indicator.code)
            _number(sheet.cell(line, column), figure.value if figure else None, indicator.kind)
    line += 1
    sheet.cell(line, 1, report.unit.code).border = _GRID
    total = sheet.cell(line, 2, _("Total: %(unit)s") % {"unit": report.unit.name})
    total.font, total.border = _BOLD, _GRID
    for column, row in enumerate(report.rows, start=3):
        _number(sheet.cell(line, column), row.figure.value, row.indicator.kind)
        sheet.cell(line, column).font = _BOLD
    if shown.hidden:
        sheet.cell(line + 2, 2, shown.hidden_note()).font = Font(italic=True)
    _widths(sheet, [12, 40, *([16] * len(indicators))])
    sheet.row_dimensions[start + 1].height = 75
    sheet.freeze_panes = sheet.cell(start + 2, 3)
    print_setup(
        sheet,
        title_rows=f"{start}:{start + 1}",
        title_columns="A:B",
        landscape=True,
        pages_wide=max(1, math.ceil(len(indicators) / INDICATORS_PER_PAGE)),
    )


def _trend_sheet(book: Workbook, report: Report, user: Any) -> None:
    title = _("Trend")
    sheet = book.create_sheet(sheet_title(title, book.sheetnames))
    start = _title_block(sheet, report, user, title)
    periods = [period for period, _figure in report.rows[0].trend] if report.rows else []
    _header(sheet, start, [_("Indicator code"), _("Indicator"), _("Unit of measure"), *(p.label for p in periods)])
    for offset, row in enumerate(report.rows, start=1):
        line = start + offset
        sheet.cell(line, 1, row.indicator.code).border = _GRID
        sheet.cell(line, 2, str(row.indicator.name)).border = _GRID
        sheet.cell(line, 3, unit_label(row.indicator)).border = _GRID
        for column, (_period, figure) in enumerate(row.trend, start=4):
            _number(sheet.cell(line, column), figure.value, row.indicator.kind)
    widths = [30, 55, 14, *([14] * len(periods))]
    _widths(sheet, widths)
    sheet.freeze_panes = sheet.cell(start + 1, 4)
    print_setup(sheet, title_rows=f"{start}:{start}", landscape=_landscape(widths))


def report_xlsx(
    report: Report,
    user: Any,
    *,
    on_sheet: Callable[[int, int], None] | None = None,
    hide_zero: bool = False,
    sort: str = "",
) -> bytes:
    """The report as an Excel workbook: a sheet per section, the breakdown by child unit, the trend.

    The breakdown lists every unit, or leaves out those with only zeros when `hide_zero`; in the tree's order, or
    that of `sort` (`breakdown.parse_sort`). `on_sheet(done, total)` is told after each sheet (a background job
    reports its progress with it)."""
    book = Workbook()
    default = book.active
    sections = sections_of(report)
    total = len(sections) + 2
    for done, (section, rows) in enumerate(sections, start=1):
        _section_sheet(book, report, user, section, rows)
        if on_sheet is not None:
            on_sheet(done, total)
    _children_sheet(book, report, user, hide_zero=hide_zero, sort=sort)
    if on_sheet is not None:
        on_sheet(total - 1, total)
    _trend_sheet(book, report, user)
    if on_sheet is not None:
        on_sheet(total, total)
    if default is not None:
        book.remove(default)
    book.properties.title = f"{report.unit.name} — {report.period.label}"
    book.properties.creator = "Đồng Hành"
    output = io.BytesIO()
    texts_only(book).save(output)  # a name typed as "=HYPERLINK(…)" stays text
    return output.getvalue()


# --- the PDF -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    name: str
    unit: str
    value: str
    numerator: str
    denominator: str
    target: str
    status: str
    status_code: str
    amount: bool  # money, which may take a second line


@dataclass(frozen=True)
class _Breakdown:
    """The breakdown by child unit as one table: the key indicators, under their sections' names."""

    groups: list[tuple[str, int]]  # a section's label and how many columns it spans
    indicators: list[Indicator]
    rows: list[tuple[str, str, list[str]]]  # the unit's code, its name, its figures as text
    total: list[str]
    hidden_note: str  # how many units are left out for being all zeros


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _breakable(amount: str) -> str:
    """An amount that may go on two lines after a thousands' dot (a zero-width space, which no one sees), as a
    country's billions of đồng do not fit the column."""
    return amount.replace(".", ".\u200b")


def _line(row: Row) -> _Line:
    figure, kind = row.figure, row.indicator.kind
    share = row.indicator.is_share
    value = share_text(figure.value, kind)
    return _Line(
        name=str(row.indicator.name),
        unit=unit_label(row.indicator),
        value=_breakable(value) if kind == Kind.AMOUNT else value,
        numerator=share_text(figure.numerator, Kind.COUNT) if share else "",
        denominator=share_text(figure.denominator, Kind.COUNT) if share else "",
        target=_breakable(target_shown(row)) if kind == Kind.AMOUNT else target_shown(row),
        status=status_text(row),
        status_code=str(row.status or ""),
        amount=kind == Kind.AMOUNT,
    )


def _annex_figure(value: float | int | None, indicator: Indicator) -> str:
    """A figure in the annex's narrow columns: a share without its % sign, which its column's header carries."""
    return share_text(value, indicator.kind).removesuffix(" %")


def _breakdown(report: Report, *, hide_zero: bool, sort: str) -> _Breakdown | None:
    """The breakdown by child unit, with the key indicators only: every one would not fit across an A4 page, and
    a table per section would make a province's report four times as long (the workbook has every one). Units
    with only zeros in them are left out when `hide_zero`."""
    if not report.children:
        return None
    groups: list[tuple[str, int]] = []
    key: list[Row] = []
    for section, rows in sections_of(report):
        chosen = [row for row in rows if row.indicator.key]
        if chosen:
            groups.append((str(SECTION_LABELS[section]), len(chosen)))
            key += chosen
    indicators = [row.indicator for row in key]
    shown = arrange(
        report.children, indicators, hide_zero=hide_zero, sort=parse_sort(sort, [i.code for i in indicators])
    )
    lines = []
    for child in shown.rows:
        values = [child.figures[i.code].value if i.code in child.figures else None for i in indicators]
        figures = [_annex_figure(value, i) for value, i in zip(values, indicators, strict=True)]
        lines.append((child.unit.code if child.unit is not None else "", child.label, figures))
    total = [_annex_figure(row.figure.value, row.indicator) for row in key]
    return _Breakdown(groups, indicators, lines, total, shown.hidden_note())


def pdf_context(report: Report, user: Any, *, hide_zero: bool = True, sort: str = "") -> dict[str, Any]:
    above, issuer = issuing_lines(report.unit)
    day: datetime.date = report.computed_on
    sections = [
        (_ROMAN[i], str(SECTION_LABELS[section]), [_line(row) for row in rows])
        for i, (section, rows) in enumerate(sections_of(report))
    ]
    return {
        "report": report,
        "above": above,
        "issuer": issuer,
        "dated": _("%(place)s, %(day)s/%(month)s/%(year)s")
        % {"place": place_name(report.unit), "day": f"{day:%d}", "month": f"{day:%m}", "year": f"{day:%Y}"},
        "period_range": _period_range(report),
        "sections": sections,
        "breakdown": _breakdown(report, hide_zero=hide_zero, sort=sort),
        "preparer": getattr(user, "full_name", "") or getattr(user, "username", ""),
        "page_label": _("Page").replace("\\", "").replace('"', ""),  # inside a CSS string
        "fonts": ", ".join(f'"{family}"' for family in FONT_FAMILIES),
    }


def report_pdf(report: Report, user: Any, *, hide_zero: bool = True, sort: str = "") -> bytes:
    """The report as an A4 PDF laid out as a Vietnamese administrative report, with page numbers.

    Its annex leaves out the units with only zeros unless `hide_zero` is False, and sorts its rows by `sort`.
    Raises `PdfUnavailable` on a machine without the libraries or fonts WeasyPrint needs (`core.pdf`).
    """
    context = pdf_context(report, user, hide_zero=hide_zero, sort=sort)
    return html_to_pdf(
        render_to_string("reports/pdf/report.html", context), render_to_string("reports/pdf/report.css", context)
    )
