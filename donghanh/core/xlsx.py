"""Workbooks the system writes: no cell is ever a formula made from what a user typed.

openpyxl takes a text beginning with "=" for a formula and writes it as one, so a name such as
`=HYPERLINK("http://…","…")` would become a live link (or worse) in every file that shows it. The files here hold
figures and text, never formulas of their own: `texts_only` turns every formula cell back into text, written as a
string cell that Excel shows and never evaluates. Text beginning with "+", "-", "@", a tab or a carriage return is
a string cell in a workbook already (those are a danger in CSV files, which the system does not write).
"""

from __future__ import annotations

from typing import Any


def texts_only(book: Any) -> Any:
    """Every formula cell of every sheet of `book` written as the text it holds; returns the book."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return book
