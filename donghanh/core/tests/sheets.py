"""Reading the lists' Excel files back the way a user opens them: the title block, the header, the rows by header.

The export tests of every app read their files with these.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from donghanh.core.xlsx import XLSX_CONTENT_TYPE


@dataclass
class ListSheetRead:
    sheet: Worksheet
    header_row: int

    @property
    def title_block(self) -> list[str]:
        return [str(self.sheet.cell(row, 1).value or "") for row in range(1, self.header_row)]

    @property
    def headers(self) -> list[str]:
        return [str(c.value) for c in self.sheet[self.header_row] if c.value is not None]

    def cells(self) -> list[list[Cell]]:
        """The rows under the header, as cells."""
        return [list(row) for row in self.sheet.iter_rows(min_row=self.header_row + 1)]

    def rows(self) -> list[dict[str, Any]]:
        """The rows under the header, each {header: value}."""
        headers = self.headers
        return [{h: c.value for h, c in zip(headers, row, strict=False)} for row in self.cells()]

    def cell(self, first: str, value: Any, header: str) -> Cell:
        """The cell under `header` in the row whose `first` column holds `value`."""
        headers = self.headers
        for row in self.cells():
            if row[headers.index(first)].value == value:
                return row[headers.index(header)]
        raise AssertionError(f"no row with {first} = {value!r}")

    def column(self, header: str) -> list[Any]:
        return [row[header] for row in self.rows()]


def read_xlsx(response: Any) -> dict[str, ListSheetRead]:
    """The sheets of a downloaded list workbook by name, after checking it came as a file to save."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.xlsx"'), disposition
    assert disposition.isascii(), disposition
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.content))
    sheets = {}
    for sheet in book.worksheets:
        assert len(sheet.title) <= 31 and not set(sheet.title) & set("\\/?*[]:"), sheet.title
        frozen = sheet.freeze_panes or "A1"
        sheets[sheet.title] = ListSheetRead(sheet, int(frozen[1:]) - 1)
    return sheets


def only_sheet(response: Any) -> ListSheetRead:
    [sheet] = read_xlsx(response).values()
    return sheet


def assert_printable(read: ListSheetRead) -> None:
    """A4, as wide as one page and as long as it takes, the header on every page, page numbers in the footer."""
    sheet = read.sheet
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9": A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${read.header_row}:${read.header_row}"
    assert "&P" in (sheet.oddFooter.center.text or "")
    assert sheet.auto_filter.ref.startswith(f"A{read.header_row}:")
    assert all(c.font.bold for c in sheet[read.header_row] if c.value is not None)


def assert_date_cell(cell: Cell, day: datetime.date) -> None:
    assert isinstance(cell.value, datetime.datetime), cell.value
    assert cell.value.date() == day
    assert cell.number_format.lower() == "dd/mm/yyyy"


def assert_number_cell(cell: Cell, value: float) -> None:
    assert cell.data_type == "n" and isinstance(cell.value, int | float), (cell.value, cell.data_type)
    assert cell.value == value


def assert_text_cell(cell: Cell, text: str) -> None:
    """A text kept as text: a string cell, never a formula."""
    assert cell.value == text
    assert cell.data_type == "s", cell.data_type
