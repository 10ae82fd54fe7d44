"""Workbooks the system writes: no cell is ever a formula made from what a user typed.

openpyxl takes a text beginning with "=" for a formula and writes it as one, so a name such as
`=HYPERLINK("http://…","…")` would become a live link (or worse) in every file that shows it. The files here hold
figures and text, never formulas of their own: `texts_only` turns every formula cell back into text, written as a
string cell that Excel shows and never evaluates. Text beginning with "+", "-", "@", a tab or a carriage return is
a string cell in a workbook already (those are a danger in CSV files, which the system does not write).

`list_workbook` writes the lists the pages show (the people, the work list, volunteers, members, services given) as
files to print and to sort: a title block (the list, the unit, the filters in words, the day it was printed), a
bold header row that stays in view and repeats on every printed page, numbers and money as numbers, dates as dates
(dd/mm/yyyy), an autofilter, and A4 pages fitted to the width with their numbers in the footer. Its sheets are
written row by row as the rows come (openpyxl's write-only mode), so a province's list of tens of thousands of
people never sits in memory whole; a written row cannot be walked again, so each text cell is made safe as it is
written, by the rule `texts_only` applies to a whole book.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from donghanh.core.text import fold

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = '#,##0 "₫"'
SHEET_NAME_LENGTH = 31  # Excel refuses longer sheet names
PORTRAIT_WIDTH = 100  # columns wider than this in all (in characters) are printed across a landscape page

_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def as_text(cell: Cell) -> Cell:
    """A formula cell written as the text it holds (a string cell); any other cell as it is."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def texts_only(book: Any) -> Any:
    """Every formula cell of every sheet of `book` written as the text it holds; returns the book."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    return book


class Kind(StrEnum):
    """What a column holds, which says how its cells are written and how wide it is by default."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"  # a share between 0 and 1, shown as a whole percentage
    DATE = "date"


_FORMATS = {
    Kind.INTEGER: "#,##0",
    Kind.NUMBER: "#,##0.0",
    Kind.MONEY: MONEY_FORMAT,
    Kind.PERCENT: "0%",
    Kind.DATE: DATE_FORMAT,
}
_WIDTHS = {Kind.TEXT: 22, Kind.INTEGER: 10, Kind.NUMBER: 10, Kind.MONEY: 16, Kind.PERCENT: 10, Kind.DATE: 12}


@dataclass(frozen=True)
class Column:
    """A column of a list: its header (already translated), what it holds, and its width in characters (by its kind
    when not given). `wrap` lets long texts run over several lines rather than past the column."""

    header: str
    kind: Kind = Kind.TEXT
    width: float | None = None
    wrap: bool = False

    @property
    def shown_width(self) -> float:
        return self.width or _WIDTHS[self.kind]


@dataclass(eq=False)
class ListSheet:
    """One sheet of a list workbook: its title (the first line of the sheet), its columns, and its rows, each a
    sequence of values in the columns' order (read once, as they come). Its tab is named `tab`, or the title, cut to
    what Excel accepts.

    `written` is the number of rows written, once the workbook is made."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    tab: str = ""
    written: int = field(default=0, init=False)


_TITLE = Font(bold=True, size=14)
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_THIN = Side(style="thin", color="999999")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no \\ / ? * [ ] :, no apostrophe at either end, at most 31 characters, unique in
    the workbook (`taken`, whatever their case)."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", text).strip(" '")
    name = " ".join(name.split())[:SHEET_NAME_LENGTH].strip(" '") or "Sheet"
    used = {n.casefold() for n in taken}
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)].rstrip(" '") + suffix
    return candidate


def _clean(text: str) -> str:
    """Text without the control characters a workbook cannot hold."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned


def _text_cell(sheet: Any, text: str, *, font: Font | None = None, alignment: Alignment | None = None) -> Any:
    """A text as a string cell (never a formula), styled if asked; a plain str when it needs nothing."""
    text = _clean(text)
    if not text.startswith("=") and font is None and alignment is None:
        return text
    cell = as_text(WriteOnlyCell(sheet, text))
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _value_cell(sheet: Any, value: Any, column: Column) -> Any:
    """What to write for `value` in `column`: nothing for an empty value, text as text, numbers and dates as
    themselves with the column's format."""
    if value is None or value == "":
        return None
    if isinstance(value, str) or column.kind == Kind.TEXT:
        return _text_cell(sheet, str(value), alignment=_WRAP if column.wrap else None)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: the local time
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int | float | Decimal | datetime.date):
        return _text_cell(sheet, str(value))
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = _FORMATS[column.kind]
    return cell


def print_setup(
    sheet: Any, *, title_rows: str, landscape: bool, title_columns: str | None = None, pages_wide: int = 1
) -> None:
    """How `sheet` prints from a spreadsheet program: on A4 (across when `landscape`), `pages_wide` pages across
    (fitted to the width with 1) and as many down as it needs, the `title_rows` ("5:6") at the top of every page
    (and the `title_columns`, "A:B", at its left), "Page 2 of 5" in the footer, margins to bind and punch.

    On a write-only sheet, call it after the rows, and set `sheet_properties.pageSetUpPr.fitToPage` before them:
    openpyxl writes a sheet's properties first and its page setup last."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    setup.fitToWidth = pages_wide
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = title_rows
    if title_columns:
        sheet.print_title_cols = title_columns
    margins = sheet.page_margins  # inches: 2 cm on the binding side, 1.5 cm elsewhere, 1 cm for the footer
    margins.left, margins.right, margins.top, margins.bottom = 0.79, 0.59, 0.59, 0.71
    margins.header, margins.footer = 0.3, 0.3
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("Page &P of &N")


def _write_sheet(book: Workbook, sheet_list: ListSheet, facts: list[str]) -> None:
    sheet = book.create_sheet(sheet_name(sheet_list.tab or sheet_list.title, book.sheetnames))
    columns = list(sheet_list.columns)
    width = sum(c.shown_width for c in columns)
    last = get_column_letter(max(len(columns), 1))
    header_row = 1 + len(facts) + 2  # the title, the facts, a blank line

    # What is written before the first row: the columns' widths, the frozen header, fitting to the page.
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.shown_width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # a write-only sheet writes its properties first

    sheet.append([_text_cell(sheet, sheet_list.title, font=_TITLE)])
    for fact in facts:
        sheet.append([_text_cell(sheet, fact)])
    sheet.append([])
    header = []
    for column in columns:
        cell = as_text(WriteOnlyCell(sheet, _clean(column.header)))
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER, _HEADER_FILL, _GRID, _HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in sheet_list.rows:
        sheet.append([_value_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)])
        written += 1
    sheet_list.written = written

    # What is written after the rows: the filter over them and the printed page.
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + written}"
    print_setup(sheet, title_rows=f"{header_row}:{header_row}", landscape=width > PORTRAIT_WIDTH)
    sheet.print_options.gridLines = True


def list_workbook(
    *,
    unit: str,
    filters: Sequence[str],
    sheets: Sequence[ListSheet],
    printed_on: datetime.date | None = None,
) -> bytes:
    """The lists as one workbook, a sheet each, every sheet under the same title block: the sheet's title, the unit,
    the filters in words (`filters_in_words`), the day it is printed (today by default)."""
    printed_on = printed_on or timezone.localdate()
    facts = [
        f"{_('Unit')}: {unit}",
        f"{_('Filters')}: {'; '.join(filters) or _('none chosen')}",
        f"{_('Printed on')}: {printed_on:%d/%m/%Y}",
    ]
    book = Workbook(write_only=True)
    for sheet_list in sheets:
        _write_sheet(book, sheet_list, facts)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- what a page needs to offer a list as a file -----------------------------------------------


def _in_words(field: forms.Field, value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        return ", ".join(str(v) for v in value) if isinstance(value, Iterable) else str(value)
    if isinstance(field, forms.ChoiceField):
        labels: dict[str, str] = {}
        for key, label in cast(Iterable[tuple[Any, Any]], field.choices):
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    return str(value).strip()


def filters_in_words(form: forms.Form, *, leave_out: Iterable[str] = ()) -> list[str]:
    """The filters a bound form holds, as "label: value" (choices by their labels, dates dd/mm/yyyy), in the form's
    order; empty ones, those in `leave_out` and all of an invalid form's are left out."""
    if not form.is_bound or not form.is_valid():
        return []
    left_out = set(leave_out)
    words = []
    for name, form_field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in left_out or value is False or value in (None, "", [], ()):  # an unticked box filters nothing
            continue
        label = str(form[name].label).split(" (")[0]  # "Status as of (dd/mm/yyyy)": without the hint
        shown = _in_words(form_field, value)
        if shown:
            words.append(f"{label}: {shown}")
    return words


def list_filename(name: str, place: str, day: datetime.date | None = None) -> str:
    """`danh-sach-nguoi-phu-thuong-20251231.xlsx`: ASCII only, so every browser and mail client keeps it."""
    day = day or timezone.localdate()
    stem = "-".join(part for part in (slugify(fold(name)), slugify(fold(place))[:60]) if part)
    return f"{stem or 'danh-sach'}-{day:%Y%m%d}.xlsx"


def xlsx_url(request: HttpRequest, viewname: str, *args: Any) -> str:
    """The address of a list's file with the filters the page shows now (its query string, without the page)."""
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return reverse(viewname, args=args) + (f"?{encoded}" if encoded else "")


@dataclass(frozen=True)
class ListFile:
    """A list made into a workbook, with what the access log says of it: `about` is the record it names (the unit,
    the team, the model the list is of) and `unit` the unit whose auditors see the entry."""

    content: bytes
    filename: str
    rows: int
    about: Any
    unit: Any
    filters: str = ""

    def detail(self, what: str) -> str:
        """What the access log says was exported: stable English words, whatever the viewer's language."""
        text = f"{what} (XLSX): {self.filename}, {self.rows} rows, {len(self.content)} bytes"
        return f"{text}; {self.filters}" if self.filters else text
