"""On a phone: Phú Thượng's officer downloads the people template, fills it with three people, uploads it and is
shown the one row whose citizen ID disagrees with the sex, named by its column; nothing is written. The corrected
file checks clean, is applied, and the three people are on the people list. No page scrolls sideways, and the
browser reports no error (a CSP violation included; see conftest.py)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from donghanh.demo.world import DEMO_PASSWORD
from donghanh.web.tests.browser.phone import PHONE, expect_unfolded, no_horizontal_scroll

MEASURE = "Quản lý người sử dụng trái phép chất ma túy"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


def fill_template(template: Path, target: Path, rows: list[dict[str, Any]]) -> None:
    """The downloaded template with `rows` below its example row, each written under its header."""
    book = load_workbook(template)
    sheet = book["Danh sách"]
    where = {str(cell.value).removesuffix(" *"): cell.column for cell in sheet[1] if cell.value}
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=3 + offset, column=where[header], value=value)
    book.save(target)


def upload(page: Page, base: str, file: Path) -> None:
    page.goto(f"{base}/imports/new/")
    expect(page.locator("#id_kind")).to_have_value("people")
    expect(page.locator("#id_unit option:checked")).to_have_text("Phường Phú Thượng")
    page.set_input_files("#id_file", file)
    assert no_horizontal_scroll(page)
    page.locator("main [data-testid=upload]").tap()
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("[data-testid=import-counts]")).to_be_visible()  # the check has run (tasks run at once)


@pytest.mark.browser_context_args(**PHONE)
def test_import_people_from_the_template_on_a_phone(
    page: Page, live_server: Any, demo_world: Any, tmp_path: Path
) -> None:
    base = live_server.url
    log_in(page, base, "xa.phuthuong")
    assert no_horizontal_scroll(page)

    # The imports page, with a template per kind. (The menu has no link to it: reached by its address.)
    page.goto(f"{base}/imports/")
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu từ Excel")
    expect(page.locator("[data-testid=imports-empty]")).to_be_visible()
    assert no_horizontal_scroll(page)
    with page.expect_download() as info:
        page.locator("[data-testid=template-people]").tap()
    download = info.value
    assert download.suggested_filename == "mau-nhap-nguoi.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    book = load_workbook(template)
    assert book.sheetnames == ["Hướng dẫn", "Danh sách", "Danh mục"]
    assert book["Danh mục"].sheet_state == "hidden"
    headers = [cell.value for cell in book["Danh sách"][1]]
    assert "Họ và tên *" in headers and "Giới tính *" in headers and "Số định danh cá nhân" in headers
    assert book["Danh sách"].data_validations.dataValidation  # the drop-down lists

    # Three people; Lạc Thị Diệu's citizen ID has 0 as its fourth digit, which is for a man.
    start = timezone.localdate() - datetime.timedelta(days=60)
    rows: list[dict[str, Any]] = [
        {
            "Họ và tên": "Quách Văn Khải",
            "Giới tính": "Nam",
            "Ngày sinh hoặc năm sinh": "15/03/1990",
            "Số định danh cá nhân": "001090012345",
            "Thôn, tổ dân phố": "Tổ 5",
        },
        {
            "Họ và tên": "Lạc Thị Diệu",
            "Giới tính": "Nữ",
            "Ngày sinh hoặc năm sinh": 1985,
            "Số định danh cá nhân": "001085012346",
        },
        {
            "Họ và tên": "Tạ Đình Phúc",
            "Giới tính": "Nam",
            "Ngày sinh hoặc năm sinh": "1992",
            "Biện pháp": MEASURE,
            "Ngày bắt đầu biện pháp": start,
        },
    ]
    wrong = tmp_path / "so-quan-ly.xlsx"
    fill_template(template, wrong, rows)

    upload(page, base, wrong)
    expect(page.locator("[data-testid=count-error]")).to_have_text("Lỗi: 1")
    entry = page.locator("[data-testid=import-entry]")
    expect(entry).to_have_count(1)  # the errors are shown first
    expect(entry).to_have_attribute("data-action", "error")
    expect(entry).to_have_attribute("data-row", "4")  # the sheet's row: the header, the example, then hers
    expect(entry.locator("[data-testid=entry-error]")).to_contain_text("Giới tính")
    expect(entry.locator("[data-testid=entry-error]")).to_contain_text("Chữ số thứ 4")
    expect(page.locator("[data-testid=import-apply]")).to_have_count(0)
    expect(page.locator("[data-testid=import-fix]")).to_be_visible()
    assert no_horizontal_scroll(page)

    page.goto(f"{base}/people/")
    for name in ("Quách Văn Khải", "Lạc Thị Diệu", "Tạ Đình Phúc"):
        expect(page.locator("main")).not_to_contain_text(name)
    assert no_horizontal_scroll(page)

    # The corrected file: 1 (a woman born in the 1900s) as the fourth digit.
    rows[1]["Số định danh cá nhân"] = "001185012346"
    fixed = tmp_path / "so-quan-ly-da-sua.xlsx"
    fill_template(template, fixed, rows)
    upload(page, base, fixed)
    expect(page.locator("[data-testid=count-create]")).to_have_text("Tạo mới: 3")
    expect(page.locator("[data-testid=count-error]")).to_have_text("Lỗi: 0")
    assert no_horizontal_scroll(page)
    apply = page.locator("main [data-testid=import-apply]")
    expect(apply).to_have_text("Ghi dữ liệu nhập")
    apply.tap()
    expect(page.locator("[data-testid=import-applied]")).to_be_visible()
    expect(page.locator("[data-testid=import-applied]")).to_contain_text("Phạm Thị Thu Hà")
    expect(page.locator("[data-testid=import-apply]")).to_have_count(0)
    assert no_horizontal_scroll(page)

    # The three people on the list, and found by name.
    page.locator("[data-testid=import-applied] a").tap()
    expect(page).to_have_url(re.compile(r"/people/$"))
    for name in ("Quách Văn Khải", "Lạc Thị Diệu", "Tạ Đình Phúc"):
        expect(page.locator("[data-testid=person-row]", has_text=name)).to_have_count(1)
    assert no_horizontal_scroll(page)
    page.locator("[data-testid=filter-toggle]").tap()  # the filters fold on a phone
    expect_unfolded(page.locator("[data-testid=filter-panel]"))
    page.fill("#id_q", "Lạc Thị Diệu")
    expect(page.locator("[data-testid=person-row]")).to_have_count(1)
    expect(page.locator("[data-testid=person-row]")).to_contain_text("Lạc Thị Diệu")
    assert no_horizontal_scroll(page)

    page.goto(f"{base}/imports/")
    expect(page.locator("[data-testid=import-row]")).to_have_count(2)
    expect(page.locator("[data-testid=import-row][data-status=applied]")).to_contain_text("so-quan-ly-da-sua.xlsx")
    assert no_horizontal_scroll(page)
