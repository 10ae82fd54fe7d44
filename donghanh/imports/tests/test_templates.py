"""The templates a commune downloads: an XLSX with the list sheet, its drop-down lists, formats and example row,
which, filled in and sent back, imports exactly the rows written under the example."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from openpyxl.utils import get_column_letter

from donghanh.accounts.roles import Role
from donghanh.imports.blank import TEMPLATE_ROWS
from donghanh.imports.choices import ImportStatus, RowAction
from donghanh.imports.columns import COLUMNS
from donghanh.support.models import ServiceType

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ["Hướng dẫn", "Danh sách", "Danh mục"]  # instructions, the list, the hidden lists
FILE_NAMES = {
    "people": "mau-nhap-nguoi.xlsx",
    "volunteers": "mau-nhap-tinh-nguyen-vien.xlsx",
    "services": "mau-nhap-dich-vu.xlsx",
}
# Column key -> the labels its drop-down offers, for every kind.
LISTS = {
    "sex": ["Nam", "Nữ"],
    "whereabouts": [
        "Tại nơi cư trú",
        "Đang ở cơ sở cai nghiện",
        "Bị tạm giữ, tạm giam",
        "Đã chuyển đi nơi khác",
        "Không rõ nơi ở",
    ],
    "episode_type": [
        "Quản lý người sử dụng trái phép chất ma túy",
        "Cai nghiện tự nguyện tại gia đình, cộng đồng",
        "Cai nghiện tự nguyện tại cơ sở",
        "Cai nghiện bắt buộc",
        "Giáo dục tại xã, phường, thị trấn (Nghị định 120)",
        "Quản lý sau cai nghiện",
        "Điều trị nghiện bằng thuốc thay thế (Methadone)",
        "Can thiệp sớm",
    ],
    "affiliation": [
        "Đoàn Thanh niên",
        "Hội Liên hiệp Phụ nữ",
        "Hội Cựu chiến binh",
        "Hội Nông dân",
        "Mặt trận Tổ quốc",
        "Công an",
        "Y tế",
        "Người dân",
    ],
}
LISTED = {
    "people": {"sex", "whereabouts", "episode_type"},
    "volunteers": {"sex", "affiliation"},
    "services": {"service_type"},
}


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def download(client: Any, kind: str) -> openpyxl.Workbook:
    response = client.get(f"/imports/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{FILE_NAMES[kind]}"'
    return openpyxl.load_workbook(BytesIO(response.content))


def headers(sheet: Any) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def list_of(book: openpyxl.Workbook, formula: str) -> list[Any]:
    """The values a list validation's formula names: a range of the lists sheet."""
    sheet_name, cells = formula.removeprefix("=").rsplit("!", 1)
    assert sheet_name.strip("'") == "Danh mục", formula
    return [row[0].value for row in book["Danh mục"][cells.replace("$", "")]]


@pytest.mark.parametrize("kind", ["people", "volunteers", "services"])
def test_a_template_is_an_xlsx_with_the_list_its_instructions_and_hidden_lists(officer_client, kind):
    book = download(officer_client, kind)

    assert book.sheetnames == SHEETS
    assert [sheet.sheet_state for sheet in book.worksheets] == ["visible", "visible", "hidden"]
    assert book.active.title == "Danh sách"  # the list opens first
    sheet = book["Danh sách"]
    with translation.override("vi"):
        expected = ["STT"] + [f"{c.header}{' *' if c.required else ''}" for c in COLUMNS[kind]]
    assert headers(sheet) == expected
    required = {c.key for c in COLUMNS[kind] if c.required}
    assert sum(1 for header in expected if header.endswith(" *")) == len(required) >= 2
    assert sheet["A2"].value == "Ví dụ"  # the example row, never imported
    assert sheet["A2"].font.i is True
    assert sheet.freeze_panes == "B2"
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    with translation.override("vi"):
        assert all(str(c.header) in guide for c in COLUMNS[kind])  # each column is explained


def test_the_people_template_s_headers_and_example(officer_client):
    sheet = download(officer_client, "people")["Danh sách"]

    assert headers(sheet)[:5] == [
        "STT",
        "Họ và tên *",
        "Giới tính *",
        "Ngày sinh hoặc năm sinh *",
        "Số định danh cá nhân",
    ]
    example = dict(zip(headers(sheet), (cell.value for cell in sheet[2]), strict=True))
    assert example["Họ và tên *"] == "Nguyễn Văn An" and example["Giới tính *"] == "Nam"
    assert example["Biện pháp"] == "Quản lý người sử dụng trái phép chất ma túy"


@pytest.mark.parametrize("kind", ["people", "volunteers", "services"])
def test_the_list_columns_drop_down_from_the_hidden_lists_sheet(officer_client, kind):
    book = download(officer_client, kind)
    sheet = book["Danh sách"]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    with translation.override("vi"):
        service_types = [t.label for t in ServiceType.objects.filter(is_active=True).order_by("position", "pk")]
    assert service_types  # installed by a data migration
    lists = {**LISTS, "service_type": service_types}
    listed = set()
    for index, column in enumerate(COLUMNS[kind], start=2):
        letter = get_column_letter(index)
        validation = validations.get(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        if validation is None:
            continue
        listed.add(column.key)
        assert validation.type == "list" and validation.allow_blank and validation.showErrorMessage
        assert validation.error == "Hãy chọn một giá trị trong danh sách."
        assert list_of(book, validation.formula1) == lists[column.key], column.key
    assert listed == LISTED[kind]
    assert len(validations) == len(LISTED[kind])


@pytest.mark.parametrize("kind", ["people", "volunteers", "services"])
def test_date_columns_are_formatted_day_month_year_and_ids_as_text(officer_client, kind):
    sheet = download(officer_client, kind)["Danh sách"]
    dates = {index for index, column in enumerate(COLUMNS[kind], start=2) if column.date}
    texts = {
        index for index, column in enumerate(COLUMNS[kind], start=2) if column.key in ("citizen_id", "person", "phone")
    }
    assert dates
    for index in range(2, len(COLUMNS[kind]) + 2):
        formats = {sheet.cell(row=row, column=index).number_format for row in (2, 3, TEMPLATE_ROWS + 1)}
        if index in dates:
            assert formats == {"dd/mm/yyyy"}, headers(sheet)[index - 1]
        elif index in texts:
            assert formats == {"@"}, headers(sheet)[index - 1]
        else:
            assert formats == {"General"}, headers(sheet)[index - 1]


def test_the_people_template_has_its_date_columns_where_the_dates_are(officer_client):
    sheet = download(officer_client, "people")["Danh sách"]
    dated = [
        header for index, header in enumerate(headers(sheet), 1) if sheet.cell(3, index).number_format == "dd/mm/yyyy"
    ]

    assert dated == ["Quản lý từ ngày", "Ngày bắt đầu biện pháp", "Ngày kết thúc dự kiến", "Ngày quyết định"]


def test_an_unknown_template_is_not_found_and_a_volunteer_may_not_download(client, officer, make_user, phu_thuong):
    client.force_login(officer)
    assert client.get("/imports/templates/persons.xlsx").status_code == 404
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert client.get("/imports/templates/people.xlsx").status_code == 403


def test_rows_written_under_the_example_of_the_template_are_imported_and_the_example_is_not(officer_client, upload):
    book = download(officer_client, "people")
    sheet = book["Danh sách"]
    at = {header.removesuffix(" *"): index for index, header in enumerate(headers(sheet), start=1)}
    rows = [
        {
            "STT": 1,
            "Họ và tên": "Phạm Văn Dũng",
            "Giới tính": "Nam",
            "Ngày sinh hoặc năm sinh": datetime.datetime(1990, 3, 15),
            "Số định danh cá nhân": "001090012345",
            "Thôn, tổ dân phố": "Tổ 7",
            "Biện pháp": "Quản lý người sử dụng trái phép chất ma túy",
            "Ngày bắt đầu biện pháp": datetime.datetime(2026, 2, 1),
        },
        {"STT": 2, "Họ và tên": "Trần Thị Bình", "Giới tính": "nu", "Ngày sinh hoặc năm sinh": 1985},
    ]
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=3 + offset, column=at[header], value=value)
    assert sheet["A2"].value == "Ví dụ" and sheet["B2"].value == "Nguyễn Văn An"  # left in place
    out = BytesIO()
    book.save(out)

    batch = upload(out.getvalue())

    assert batch.status == ImportStatus.CHECKED, batch.message
    assert batch.sheet == "Danh sách" and batch.extra_columns == []
    assert [row["row"] for row in batch.rows] == [3, 4]
    assert [row["values"]["full_name"] for row in batch.rows] == ["Phạm Văn Dũng", "Trần Thị Bình"]
    assert batch.rows[0]["values"]["birth"] == ["1990-03-15", 1990]
    assert batch.rows[0]["values"]["start_date"] == "2026-02-01"
    assert batch.counts["rows"] == 2
    assert batch.counts[RowAction.ERROR] == 0, batch.preview
    assert batch.counts[RowAction.CREATE] == 2
