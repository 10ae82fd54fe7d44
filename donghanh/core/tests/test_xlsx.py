"""The list workbook every list's Excel file is written with (`core.xlsx`): what Excel accepts, what a reader sees."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from donghanh.core.tests.sheets import assert_date_cell, assert_text_cell
from donghanh.core.xlsx import (
    Column,
    Kind,
    ListSheet,
    filters_in_words,
    list_filename,
    list_workbook,
    sheet_name,
    texts_only,
)

D = datetime.date


def book_of(*sheets: ListSheet, filters: list[str] | None = None) -> Workbook:
    content = list_workbook(unit="Phường Phú Thượng", filters=filters or [], sheets=sheets, printed_on=D(2025, 12, 31))
    return load_workbook(io.BytesIO(content))


def test_sheet_names_are_what_excel_accepts():
    assert sheet_name("Thành viên: CLB [Vững bước] / 2025?") == "Thành viên CLB Vững bước 2025"
    long = "Tình nguyện viên của Đội tình nguyện Phú Thượng"
    assert len(sheet_name(long)) == 31
    assert sheet_name("'Danh sách'") == "Danh sách"
    assert sheet_name("Danh sách", taken=["danh sách"]) == "Danh sách (2)"
    assert sheet_name(long, taken=[sheet_name(long)]).endswith(" (2)") and len(sheet_name(long, [long[:31]])) <= 31
    assert sheet_name("///") == "Sheet"


def test_filenames_are_ascii():
    assert list_filename("danh sách người", "Phường Phú Thượng", D(2025, 12, 31)) == (
        "danh-sach-nguoi-phuong-phu-thuong-20251231.xlsx"
    )
    assert list_filename("thành viên", "CLB “Đồng Hành” =1+1", D(2025, 1, 2)).isascii()


def test_the_title_block_the_header_and_the_cells_as_numbers_dates_and_text():
    columns = [
        Column("Name"),
        Column("Year", Kind.INTEGER),
        Column("Since", Kind.DATE),
        Column("Amount", Kind.MONEY),
        Column("Rate", Kind.PERCENT),
    ]
    at = timezone.make_aware(datetime.datetime(2025, 3, 1, 23, 30), datetime.UTC)  # 2 March in Hà Nội
    rows = [
        ["=1+1", 1990, D(2025, 1, 2), 1_500_000, 0.75],
        ["Lan\x07", None, at, Decimal("2000"), None],
        ["", "—", None, None, None],
    ]
    with translation.override("vi"):
        book = book_of(ListSheet("Danh sách", columns, rows), filters=["Giới tính: Nam", "Tuổi: 18 đến 29"])
    sheet = book.active
    assert [sheet.cell(r, 1).value for r in range(1, 5)] == [
        "Danh sách",
        "Đơn vị: Phường Phú Thượng",
        "Bộ lọc: Giới tính: Nam; Tuổi: 18 đến 29",
        "Ngày in: 31/12/2025",
    ]
    assert sheet["A1"].font.bold and sheet.cell(5, 1).value is None
    assert [c.value for c in sheet[6]] == ["Name", "Year", "Since", "Amount", "Rate"]
    assert sheet.freeze_panes == "A7" and sheet.auto_filter.ref == "A6:E9"
    assert_text_cell(sheet["A7"], "=1+1")
    assert sheet["B7"].value == 1990 and sheet["B7"].number_format == "#,##0"
    assert_date_cell(sheet["C7"], D(2025, 1, 2))
    assert sheet["D7"].number_format == '#,##0 "₫"' and sheet["E7"].number_format == "0%"
    assert sheet["A8"].value == "Lan"  # a control character a workbook cannot hold is dropped
    assert sheet["C8"].value == datetime.datetime(2025, 3, 2, 6, 30)  # local time
    assert sheet["D8"].value == 2000
    assert sheet["A9"].value is None and sheet["B9"].value == "—"  # text in a number column stays text
    assert sheet.column_dimensions["A"].width == 22 and sheet.column_dimensions["C"].width == 12


def test_a_wide_list_prints_landscape_and_a_narrow_one_portrait_each_on_a4():
    narrow = ListSheet("Hẹp", [Column("A", width=30), Column("B", width=30)], [])
    wide = ListSheet("Rộng", [Column(str(n), width=20) for n in range(6)], [])
    book = book_of(narrow, wide)
    assert [s.page_setup.orientation for s in book.worksheets] == ["portrait", "landscape"]
    for sheet in book.worksheets:
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.print_title_rows == "$6:$6"
        assert sheet.auto_filter.ref.endswith("6")  # the header alone when the list is empty
    assert narrow.written == 0
    with translation.override("vi"):
        assert book_of(narrow).active["A3"].value == "Bộ lọc: không có"


def test_texts_only_turns_every_formula_of_a_book_into_text():
    book = Workbook()
    book.active["A1"] = '=HYPERLINK("http://example.invalid","x")'
    book.create_sheet("Hai")["B2"] = "=1+1"
    texts_only(book)
    assert [book.active["A1"].data_type, book["Hai"]["B2"].data_type] == ["s", "s"]


class _Filters(forms.Form):
    q = forms.CharField(label="Name (or code)", required=False, max_length=100)
    sex = forms.ChoiceField(choices=[("", "—"), ("male", "Male"), ("female", "Female")], required=False)
    kinds = forms.MultipleChoiceField(choices=[("Groups", [("a", "Kind A"), ("b", "Kind B")])], required=False)
    on = forms.DateField(required=False, input_formats=["%d/%m/%Y"])
    active = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, []),
        ({"q": "  hùng ", "sex": "male"}, ["Name: hùng", "Sex: Male"]),
        (
            {"kinds": ["a", "b"], "on": "02/01/2025", "active": "on"},
            ["Kinds: Kind A, Kind B", "On: 02/01/2025", "Active: Yes"],
        ),
        ({"on": "not a date"}, []),
    ],
)
def test_filters_in_words(data, words):
    with translation.override("en"):
        assert filters_in_words(_Filters(data)) == words
        assert filters_in_words(_Filters(data), leave_out=["sex"]) == [w for w in words if not w.startswith("Sex")]
