"""The template a commune downloads for each kind of import: the list sheet, the instructions and the lists."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from donghanh.core.xlsx import texts_only
from donghanh.imports.choices import ImportKind
from donghanh.imports.columns import COLUMNS

TEMPLATE_ROWS = 5000  # rows that carry the drop-down lists and formats; a longer list still imports
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")


def example_label() -> str:
    """What the first column of the example row says; a row saying it is never imported."""
    return _("Example")


def template_workbook(kind: str) -> bytes:
    """The XLSX template of `kind`: headers, one example row, drop-down lists, formats and instructions."""
    columns = COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("List")[:31]
    lists = book.create_sheet(_("Lists")[:31])
    guide = book.create_sheet(_("Instructions")[:31], 0)

    sheet.cell(row=1, column=1, value=_("No.")).font = BOLD
    sheet.column_dimensions["A"].width = 8
    sheet.cell(row=2, column=1, value=example_label()).font = EXAMPLE_FONT
    list_column = 0
    for index, column in enumerate(columns, start=2):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=f"{column.header}{' *' if column.required else ''}")
        header.font, header.fill = BOLD, HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
        if column.help:
            header.comment = Comment(str(column.help), "Đồng Hành")
        sheet.column_dimensions[letter].width = column.width
        example = sheet.cell(row=2, column=index, value=column.example if column.example != "" else None)
        example.font = EXAMPLE_FONT
        if column.date:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "dd/mm/yyyy"
        elif column.key in ("citizen_id", "person", "phone"):  # kept as text, so leading zeros stay
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.options is not None:
            labels = [label for _value, label in column.options()]
            if not labels:
                continue
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=str(column.header)).font = BOLD
            for row, label in enumerate(labels, start=2):
                lists.cell(row=row, column=list_column, value=label)
            source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(labels) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True)  # no "=": as Excel writes it
            validation.error = _("Pick a value from the list.")
            validation.errorTitle = str(column.header)
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "B2"
    lists.sheet_state = "hidden"

    _write_guide(guide, kind)
    book.active = 1  # the list opens first; the instructions are one tab to the left
    output = BytesIO()
    texts_only(book).save(output)
    return output.getvalue()


def _write_guide(guide: object, kind: str) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(guide, Worksheet)
    columns = COLUMNS[kind]
    lines = [
        (_("Template for importing: %(kind)s") % {"kind": ImportKind(kind).label}, True),
        (_("Made on %(day)s by Đồng Hành.") % {"day": f"{timezone.localdate():%d/%m/%Y}"}, False),
        ("", False),
        (_("1. Fill in the “List” sheet, one row per line of your register. Columns marked * are required."), False),
        (_("2. The example row (“Example” in the first column) is never imported; overwrite it or leave it."), False),
        (_("3. Dates: dd/mm/yyyy, d/m/yy, ddmmyyyy or a date cell; a year alone only for the year of birth."), False),
        (_("4. Lists: pick from the drop-down; a value typed without diacritics is understood too."), False),
        (_("5. Upload the file: the system checks every row first and writes nothing until you confirm."), False),
        (
            _("6. Uploading the same file again changes nothing: rows already in the system are left as they are."),
            False,
        ),
        ("", False),
    ]
    for row, (line, bold) in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=line).font = Font(bold=bold, size=13 if bold else 11)
    start = len(lines) + 1
    for index, title in enumerate((_("Column"), _("Required"), _("What to write")), start=1):
        guide.cell(row=start, column=index, value=title).font = BOLD
    for offset, column in enumerate(columns, start=1):
        guide.cell(row=start + offset, column=1, value=str(column.header))
        guide.cell(row=start + offset, column=2, value=_("yes") if column.required else "")
        described = str(column.help)
        if column.options is not None:
            labels = "; ".join(label for _value, label in column.options())
            described = f"{described} {_('One of')}: {labels}".strip()
        cell = guide.cell(row=start + offset, column=3, value=described)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
