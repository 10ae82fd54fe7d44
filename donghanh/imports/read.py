"""Reading an uploaded register: find the sheet and its header row, then read every row's cells.

The workbook is opened by `core.xlsx_read`, which refuses hostile files and streams the rows (read-only), so a
50,000-row file is never held as a workbook. What is kept is each row's values, read by its column, and the
message of every cell that could not be read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from donghanh.core.text import fold
from donghanh.core.xlsx_read import workbook_sheets
from donghanh.imports.blank import example_label
from donghanh.imports.cells import CellError, is_blank
from donghanh.imports.columns import COLUMNS, HeaderMap, header_map

HEADER_SEARCH_ROWS = 15  # a register's title rows come before its header


@dataclass
class Reading:
    """What was read from a file: the sheet, its header, the rows, and what is wrong with the file as a whole."""

    sheet: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"row": n, "values": {...}, "errors": [...]}
    extra: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> the header as the file writes it
    problem: str = ""  # the whole file cannot be imported: no header, a required column missing


def to_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [to_json(part) for part in value]
    return value


def read_file(kind: str, data: bytes, progress: Callable[[int], None] | None = None) -> Reading:
    """Read the rows of `kind` from the first sheet that has its header row. `UnsafeWorkbook` passes up."""
    columns = {column.key: column for column in COLUMNS[kind]}
    examples = {fold(example_label())} | {"vi du", "example"}
    reading = Reading()
    for sheet in workbook_sheets(data):
        header: HeaderMap | None = None
        named: dict[str, str] = {}
        for number, values in sheet.rows:
            if header is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                header = header_map(kind, number, values)
                if header is not None:
                    named = {
                        key: " ".join(str(values[index]).replace("*", "").split())
                        for key, index in header.positions.items()
                    }
                continue
            if values and not is_blank(values[0]) and fold(str(values[0])) in examples:
                continue  # the template's example row
            row: dict[str, Any] = {"row": number, "values": {}, "errors": []}
            cells = {key: values[index] if index < len(values) else None for key, index in header.positions.items()}
            if all(is_blank(value) for value in cells.values()):
                continue
            for key, value in cells.items():
                column = columns[key]
                try:
                    row["values"][key] = to_json(column.read(value))
                except CellError as error:
                    row["errors"].append({"column": named[key], "message": str(error)})
                    row["values"][key] = None
                if column.required and is_blank(value):
                    row["errors"].append({"column": named[key], "message": _("This column is required.")})
            reading.rows.append(row)
            if progress is not None and len(reading.rows) % 1000 == 0:
                progress(len(reading.rows))
        if header is not None:
            reading.sheet = sheet.name
            reading.extra, reading.headers = header.extra, named
            if header.missing:
                reading.problem = _("The sheet “%(sheet)s” has no column %(columns)s, which is required.") % {
                    "sheet": sheet.name,
                    "columns": ", ".join(f"“{column.header}”" for column in header.missing),
                }
            return reading
    reading.problem = _(
        "No sheet of the file has the header row of this import. Download the template, copy your rows into it, "
        "and upload it again."
    )
    return reading
