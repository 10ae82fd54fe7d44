"""Reading an uploaded workbook: good files give their rows, hostile ones are refused with the message that says why.

Every file is made here: good ones with openpyxl, hostile ones with zipfile by hand. No database.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import openpyxl.xml
import pytest
from django.utils import translation

from donghanh.core.xlsx_read import UnsafeWorkbook, workbook_check, workbook_sheets

NOT_XLSX = (
    "Tệp không phải là tệp Excel .xlsx (nội dung không đúng định dạng). Hãy mở tệp trong Excel và lưu lại dưới "
    "dạng Sổ làm việc Excel (.xlsx)."
)
UNREADABLE = (
    "Không đọc được tệp: tệp bị hỏng hoặc không đầy đủ. Hãy mở tệp trong Excel để kiểm tra, lưu lại dưới dạng Sổ "
    "làm việc Excel (.xlsx) rồi tải tệp đó lên."
)
FORBIDDEN_XML = (
    "Tệp chứa cấu trúc XML bị cấm (khai báo DTD hoặc thực thể) nên bị từ chối để đảm bảo an toàn. Hãy mở tệp "
    "trong Excel, lưu lại dưới dạng Sổ làm việc Excel (.xlsx) rồi tải tệp đó lên."
)
MACROS = (
    "Tệp có chứa macro (mã VBA) nên không được chấp nhận. Hãy mở tệp trong Excel, lưu lại dưới dạng Sổ làm việc "
    "Excel (.xlsx) (không giữ macro) rồi tải tệp đó lên."
)
PASSWORD = (
    "Tệp được đặt mật khẩu nên không đọc được. Hãy mở tệp trong Excel, gỡ mật khẩu (Tệp > Thông tin > Bảo vệ Sổ "
    "làm việc > Mã hóa bằng Mật khẩu, rồi xóa mật khẩu), lưu lại và tải lên lại."
)
COMPRESSED = (
    "Một phần của tệp bị nén nhiều bất thường so với tệp Excel thông thường nên bị từ chối để đảm bảo an toàn. "
    "Hãy chép dữ liệu sang một sổ làm việc mới, lưu dưới dạng .xlsx rồi tải tệp đó lên."
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def refusal(read: Callable[[bytes], Any], data: bytes) -> str:
    with pytest.raises(UnsafeWorkbook) as caught:
        read(data)
    assert str(caught.value) == caught.value.message
    return caught.value.message


def read_all(data: bytes) -> list[tuple[str, list[tuple[int, tuple[Any, ...]]]]]:
    return [(sheet.name, list(sheet.rows)) for sheet in workbook_sheets(data)]


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_workbook() -> bytes:
    book = openpyxl.Workbook()
    people = book.active
    people.title = "Người"
    people.append(["Họ tên", "Ngày sinh", "Tuổi", "Điểm"])
    people.append(["Nguyễn Văn An", datetime.datetime(1990, 5, 17), 35, 7.5])
    people.append([])
    people["A4"] = "   "  # blank text only: an empty row
    people.append(["Trần Thị Bình", datetime.date(1985, 1, 2), 40, None, None])
    other = book.create_sheet("Khác")
    other["C3"] = "ba"
    return saved(book)


def rezipped(data: bytes, replace: dict[str, str | bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook `data` written again by hand, with some members replaced and others added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = replace.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def member(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


# Good files


def test_a_workbook_gives_its_sheets_and_rows_with_their_numbers():
    sheets = read_all(good_workbook())

    assert sheets == [
        (
            "Người",
            [
                (1, ("Họ tên", "Ngày sinh", "Tuổi", "Điểm")),
                (2, ("Nguyễn Văn An", datetime.datetime(1990, 5, 17), 35, 7.5)),
                (5, ("Trần Thị Bình", datetime.datetime(1985, 1, 2), 40)),
            ],
        ),
        ("Khác", [(3, (None, None, "ba"))]),
    ]
    age, score = sheets[0][1][1][1][2:]
    assert type(age) is int
    assert type(score) is float


def test_a_sheet_whose_declared_dimension_is_wrong_is_read_whole():
    data = good_workbook()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace('<dimension ref="A1:E5" />', '<dimension ref="A1" />')
    assert '<dimension ref="A1" />' in sheet

    rows = read_all(rezipped(data, replace={"xl/worksheets/sheet1.xml": sheet}))[0][1]

    assert [number for number, _ in rows] == [1, 2, 5]
    assert rows[2][1][0] == "Trần Thị Bình"


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_formula_without_a_saved_value_reads_none():
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.active["B1"] = "kết quả"

    assert read_all(saved(book))[0][1] == [(1, (None, "kết quả"))]


def test_a_formula_reads_the_value_excel_saved():
    data = good_workbook()
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
        "</sheetData></worksheet>"
    )

    sheets = read_all(rezipped(data, replace={"xl/worksheets/sheet1.xml": sheet}))

    assert sheets[0][1] == [(1, (2,))]


def test_printer_settings_are_not_macros():
    data = rezipped(good_workbook(), add={"xl/printerSettings/printerSettings1.bin": b"\x00" * 64})

    workbook_check(data)


def test_empty_rows_do_not_count_towards_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 4  # the good workbook has 4 rows with values and 2 empty ones

    assert sum(len(rows) for _, rows in read_all(good_workbook())) == 4


# Files that are not workbooks


def test_an_empty_file_is_refused():
    assert refusal(workbook_check, b"") == "Tệp trống, không có nội dung. Hãy chọn lại tệp Excel (.xlsx) và tải lên."


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    data = good_workbook()
    data += b"\x00" * (1024 * 1024 + 1 - len(data))

    assert refusal(workbook_check, data) == (
        "Tệp lớn hơn 1 MB. Hãy chia dữ liệu thành các tệp nhỏ hơn và tải lên từng tệp."
    )
    settings.IMPORT_MAX_BYTES = 1024 * 1024 + 1
    assert refusal(workbook_check, data) == UNREADABLE  # within the limit, but no longer a sound zip


def test_the_size_limit_is_20_mb_unless_set():
    assert "lớn hơn 20 MB" in refusal(workbook_check, b"\x00" * (20 * 1024 * 1024 + 1))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("Họ tên,Ngày sinh\nNguyễn Văn An,17/05/1990\n".encode(), id="csv"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n", id="pdf"),
        pytest.param(
            bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 512,
            id="xls",
        ),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, id="empty zip"),
    ],
)
def test_a_file_of_another_format_is_refused_whatever_its_name(data):
    assert refusal(workbook_check, data) == NOT_XLSX
    assert refusal(read_all, data) == NOT_XLSX


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/ct"/>')
        archive.writestr("word/document.xml", "<document/>")

    assert refusal(workbook_check, out.getvalue()) == NOT_XLSX


def test_a_password_protected_workbook_is_refused_as_such():
    ole2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    data = ole2 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")

    assert refusal(workbook_check, data) == PASSWORD


# Macros


@pytest.mark.parametrize("name", ["xl/vbaProject.bin", "xl/activeX/activeX1.bin", "XL/VBAPROJECTSIGNATURE.BIN"])
def test_a_workbook_with_a_vba_or_activex_part_is_refused(name):
    data = rezipped(good_workbook(), add={name: b"\xcc\x61" + b"\x00" * 100})

    assert refusal(workbook_check, data) == MACROS
    assert refusal(read_all, data) == MACROS


def test_a_workbook_declared_macro_enabled_is_refused():
    data = good_workbook()
    types = member(data, "[Content_Types].xml")
    plain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert plain in types
    types = types.replace(plain, "application/vnd.ms-excel.sheet.macroEnabled.main+xml")

    assert refusal(workbook_check, rezipped(data, replace={"[Content_Types].xml": types})) == MACROS


# Zip bombs


def test_a_member_compressed_far_too_much_is_refused():
    data = rezipped(good_workbook(), add={"xl/media/image1.png": bytes(50 * 1024 * 1024)})
    assert len(data) < 1024 * 1024

    assert refusal(workbook_check, data) == COMPRESSED


def test_a_small_member_may_compress_well(settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 2
    workbook_check(rezipped(good_workbook(), add={"xl/media/image1.png": bytes(1024 * 1024)}))


def test_too_much_data_once_unpacked_is_refused(settings):
    # Random bytes do not compress, so only the total is in question.
    data = rezipped(good_workbook(), add={"xl/media/image1.png": os.urandom(2 * 1024 * 1024)})
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 3 * 1024 * 1024
    workbook_check(data)
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 3 * 512 * 1024

    assert refusal(workbook_check, data) == (
        "Dữ liệu trong tệp khi giải nén quá lớn (hơn 1,5 MB). Hãy chia dữ liệu thành các tệp nhỏ hơn và tải lên "
        "từng tệp."
    )


def test_too_many_members_are_refused():
    data = rezipped(good_workbook(), add={f"xl/media/{n}.png": b"" for n in range(10_000)})

    assert refusal(workbook_check, data) == (
        "Tệp gồm quá nhiều thành phần (hơn 10.000) so với một sổ làm việc. Hãy chép dữ liệu sang một sổ làm việc "
        "mới, lưu dưới dạng .xlsx rồi tải tệp đó lên."
    )


# XML entities


def test_entities_in_the_workbook_part_are_refused():
    data = good_workbook()
    workbook = member(data, "xl/workbook.xml").replace("<?xml version='1.0' encoding='UTF-8'?>", "")
    workbook = workbook.replace('name="Khác"', 'name="&c;"')
    assert 'name="&c;"' in workbook

    assert refusal(workbook_check, rezipped(data, replace={"xl/workbook.xml": BILLION_LAUGHS + workbook})) == (
        FORBIDDEN_XML
    )


def test_a_dtd_in_the_content_types_is_refused():
    data = good_workbook()
    types = member(data, "[Content_Types].xml")
    types = '<!DOCTYPE Types SYSTEM "http://example.com/types.dtd">' + types.split("?>", 1)[-1]

    assert refusal(workbook_check, rezipped(data, replace={"[Content_Types].xml": types})) == FORBIDDEN_XML


def test_entities_in_a_sheet_are_refused_when_it_is_read():
    sheet = BILLION_LAUGHS + (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&c;&a;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    data = rezipped(good_workbook(), replace={"xl/worksheets/sheet2.xml": sheet})
    workbook_check(data)  # sheets are parsed only as they are read

    assert refusal(read_all, data) == FORBIDDEN_XML


# Damaged files


def test_a_truncated_workbook_is_refused():
    data = good_workbook()

    assert refusal(workbook_check, data[: len(data) // 2]) == UNREADABLE


def test_a_workbook_whose_sheet_is_damaged_is_refused_when_it_is_read():
    data = rezipped(good_workbook(), replace={"xl/worksheets/sheet2.xml": "<worksheet><sheetData><row>"})
    workbook_check(data)

    assert refusal(read_all, data) == UNREADABLE


def test_a_damaged_member_is_refused():
    data = bytearray(good_workbook())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("[Content_Types].xml")
    # The compressed bytes begin after the 30-byte local header, the name and the extra field.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10 : start + 20] = b"\xff" * 10

    assert refusal(workbook_check, bytes(data)) == UNREADABLE


# Too many rows


def test_more_rows_than_the_limit_are_refused_across_sheets(settings):
    settings.IMPORT_MAX_ROWS = 3
    read: list[int] = []

    def read_numbers(data: bytes) -> None:
        for sheet in workbook_sheets(data):
            read.extend(number for number, _ in sheet.rows)

    with pytest.raises(UnsafeWorkbook) as caught:
        read_numbers(good_workbook())

    assert (
        caught.value.message == "Tệp có hơn 3 dòng dữ liệu. Hãy chia dữ liệu thành các tệp nhỏ hơn và tải lên từng tệp."
    )
    assert read == [1, 2, 5]


def test_messages_are_in_english_when_english_is_asked_for():
    with translation.override("en"):
        assert refusal(workbook_check, b"%PDF-1.7") == (
            "The file is not an Excel .xlsx file (its content is not in that format). Open the file in Excel and "
            "save it as an Excel Workbook (.xlsx)."
        )
