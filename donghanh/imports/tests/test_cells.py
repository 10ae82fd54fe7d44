"""Reading the cells of real registers: dates, sexes, numbers Excel kept as numbers, amounts, list values, headers.

No database: each reader is given what openpyxl gives for a cell (text, a number, a datetime, None).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from donghanh.imports import cells, columns
from donghanh.imports.cells import CellError

D = datetime.date


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def refused(read, value) -> str:
    with pytest.raises(CellError) as caught:
        read(value)
    return str(caught.value)


# Dates


@pytest.mark.parametrize(
    "typed",
    ["15/03/1990", "15/3/1990", "15031990", "15-03-1990", "15.03.1990", "1990-03-15", " 15/03/1990 "],
)
def test_a_date_is_read_in_the_shapes_officers_type_it(typed):
    assert cells.date(typed) == D(1990, 3, 15)


def test_a_two_digit_year_is_this_century_up_to_ten_years_ahead_and_the_last_one_after_it():
    this = timezone.localdate().year
    assert cells.date(f"1/2/{this % 100:02d}") == D(this, 2, 1)
    assert cells.date(f"1/2/{(this - 1) % 100:02d}") == D(this - 1, 2, 1)
    assert cells.date(f"1/2/{(this + 1) % 100:02d}") == D(this + 1, 2, 1)  # a planned end next year
    assert cells.date(f"1/2/{(this + 10) % 100:02d}") == D(this + 10, 2, 1)
    assert cells.date(f"1/2/{(this + 11) % 100:02d}") == D(this + 11 - 100, 2, 1)
    assert cells.date("5/3/90") == D(1990, 3, 5)
    assert cells.date("5/3/00") == D(2000, 3, 5)


def test_a_two_digit_year_of_birth_is_never_in_the_future():
    this = timezone.localdate().year
    assert cells.birth(f"1/2/{this % 100:02d}") == (D(this, 2, 1), this)
    assert cells.birth(f"1/2/{(this + 1) % 100:02d}") == (D(this + 1 - 100, 2, 1), this + 1 - 100)


def test_a_date_cell_is_read_as_its_day():
    assert cells.date(datetime.datetime(2026, 2, 1, 0, 0)) == D(2026, 2, 1)
    assert cells.date(datetime.datetime(2026, 2, 1, 23, 59)) == D(2026, 2, 1)
    assert cells.date(D(2026, 2, 1)) == D(2026, 2, 1)


def test_an_excel_serial_is_counted_from_excel_s_day_zero():
    # Day 0 is 30/12/1899 (Excel counts a 29/02/1900 that never was): 45658 days later is 01/01/2025.
    assert (D(2025, 1, 1) - D(1899, 12, 30)).days == 45658
    assert cells.date(45658) == D(2025, 1, 1)
    assert cells.date(45658.0) == D(2025, 1, 1)
    assert cells.date(45658.75) == D(2025, 1, 1)  # a time of day in the cell
    assert cells.date(33333) == D(1991, 4, 5)


def test_a_number_too_large_or_small_for_a_typed_date_is_refused():
    assert refused(cells.date, 0) == "0.0 không phải là ngày."
    assert "không phải là ngày" in refused(cells.date, 9_999_999)


def test_a_year_alone_is_refused_for_a_date_but_is_a_year_of_birth():
    assert refused(cells.date, 1990) == "Hãy ghi đủ ngày (dd/mm/yyyy), không chỉ ghi năm."
    assert "dd/mm/yyyy" in refused(cells.date, "1990")
    assert cells.birth(1990) == (None, 1990)
    assert cells.birth(1990.0) == (None, 1990)
    assert cells.birth("1990") == (None, 1990)
    assert cells.birth(" 1990 ") == (None, 1990)
    assert cells.birth("15/03/1990") == (D(1990, 3, 15), 1990)
    assert cells.birth(33333) == (D(1991, 4, 5), 1991)
    assert cells.birth(None) == (None, None)
    assert cells.birth("") == (None, None)


@pytest.mark.parametrize("typed", ["31/02/1990", "29/02/2023", "00/01/2020", "15/13/1990", "31022024"])
def test_a_day_not_in_the_calendar_is_refused(typed):
    assert refused(cells.date, typed) == f"{typed} không phải là một ngày có thật trên lịch."


@pytest.mark.parametrize("typed", ["ngày 15 tháng 3", "15/03", "1990/03/15", "abc", "1503199"])
def test_text_that_is_not_a_date_says_how_to_write_one(typed):
    assert refused(cells.date, typed) == f"“{typed}” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."


def test_a_boolean_is_not_a_date_and_an_empty_cell_is_none():
    assert refused(cells.date, True) == "Không phải là ngày."
    assert cells.date(None) is None
    assert cells.date("   ") is None


# Sex and other lists


@pytest.mark.parametrize(
    ("typed", "sex"),
    [
        ("Nam", "male"), ("nam", "male"), ("NAM", "male"), ("Nữ", "female"), ("nữ", "female"), ("NU", "female"),
        ("F", "female"), ("M", "male"), ("male", "male"), ("Female", "female"), (" nữ ", "female"),
    ],
)  # fmt: skip
def test_sex_is_read_by_its_label_with_or_without_diacritics_and_by_letter(typed, sex):
    assert columns.SEXES(typed) == sex


def test_a_sex_not_in_the_list_names_the_list():
    assert refused(columns.SEXES, "Không rõ") == "“Không rõ” không có trong danh mục: Nam, Nữ."
    assert columns.SEXES(None) == ""


def test_a_list_value_is_read_by_its_vietnamese_label_with_or_without_diacritics():
    read = columns.EPISODE_TYPES
    assert read("Quản lý người sử dụng trái phép chất ma túy") == "drug_user_management"
    assert read("quan ly nguoi su dung trai phep chat ma tuy") == "drug_user_management"
    assert read("QUẢN LÝ NGƯỜI SỬ DỤNG   TRÁI PHÉP CHẤT MA TÚY") == "drug_user_management"
    assert read("Cai nghien bat buoc") == "compulsory_rehab"
    assert columns.WHEREABOUTS("tai noi cu tru") == "at_residence"
    assert columns.WHEREABOUTS("Đang ở cơ sở cai nghiện") == "in_facility"
    assert columns.AFFILIATIONS("hoi lien hiep phu nu") == "womens_union"
    assert columns.AFFILIATIONS("Đoàn Thanh niên") == "youth_union"
    assert "không có trong danh mục" in refused(read, "Cai nghiện")


def test_a_list_value_is_read_by_its_english_label_too():
    with translation.override("en"):
        assert columns.EPISODE_TYPES("compulsory rehab") == "compulsory_rehab"


# Citizen IDs, phones, whole numbers


def test_a_citizen_id_loses_its_spaces_dots_and_dashes():
    assert cells.digits("001 090.012345") == "001090012345"
    assert cells.digits("001-090-012345") == "001090012345"
    assert cells.digits(" 001090012345 ") == "001090012345"


def test_a_citizen_id_kept_as_a_number_gets_its_leading_zeros_back():
    assert cells.digits(1090012345) == "001090012345"
    assert cells.digits(1090012345.0) == "001090012345"
    assert cells.digits(12345678) == "012345678"  # an old 9-digit ID card
    assert cells.digits(None) == ""
    assert "12 chữ số" in refused(cells.digits, 1.5)
    assert "12 chữ số" in refused(cells.digits, -1090012345)


def test_a_phone_kept_as_a_number_gets_its_leading_zero_back():
    assert cells.phone(912345678) == "0912345678"
    assert cells.phone(912345678.0) == "0912345678"
    assert cells.phone("0912 345 678") == "0912 345 678"
    assert cells.phone("+84 912.345.678") == "+84 912.345.678"
    assert cells.phone(None) == ""
    assert refused(cells.phone, "gọi sau") == "“gọi sau” không phải là số điện thoại."


def test_a_whole_number():
    assert cells.whole(1985) == 1985
    assert cells.whole(1985.0) == 1985
    assert cells.whole(" 1985 ") == 1985
    assert cells.whole("") is None
    assert "không phải là số nguyên" in refused(cells.whole, "1985a")
    assert "không phải là số nguyên" in refused(cells.whole, 1985.5)


# Amounts in đồng


@pytest.mark.parametrize(
    "typed",
    ["1.500.000 ₫", "1,500,000", "1500000", "1.500.000đ", "1.500.000 đồng", "1 500 000", "1.500.000 VND", 1500000.0],
)
def test_an_amount_is_read_as_a_whole_number_of_dong(typed):
    assert cells.money(typed) == 1500000


def test_small_and_empty_amounts():
    assert cells.money(500) == 500
    assert cells.money("500") == 500
    assert cells.money("0") == 0
    assert cells.money(None) is None
    assert cells.money("") is None


@pytest.mark.parametrize(
    "typed", ["1,5", "1.5", "1,50", "12.34.567", "1.500,000", "1.5 triệu", "abc", "-1500", "inf", "NaN", "1e6"]
)
def test_an_amount_that_is_not_grouped_by_thousands_is_refused(typed):
    # "1,5" is one and a half in Vietnamese: reading it as 15 đồng would record a wrong amount.
    assert "không phải là số tiền" in refused(cells.money, typed)


def test_a_fraction_of_a_dong_or_a_negative_amount_is_refused():
    assert refused(cells.money, 1500.5) == "Số tiền là một số nguyên đồng."
    assert refused(cells.money, -1500) == "Số tiền là một số nguyên đồng."
    assert "không phải là số tiền" not in refused(cells.money, True)


# Texts


def test_a_text_keeps_single_spaces_and_its_limit():
    assert cells.text("  Nguyễn   Văn\tAn ") == "Nguyễn Văn An"
    assert cells.text(5.0) == "5"
    assert cells.text(D(2026, 2, 1)) == "01/02/2026"
    assert refused(cells.texter(5), "Phú Thượng") == "Tối đa 5 ký tự (ô này có 10)."


# Headers


REGISTER = [
    "STT",
    "Họ tên",
    "Năm sinh",
    "Giới tính (Nam/Nữ) *",
    "Số CMND",
    "Nghề nghiệp",
    None,
    "Thôn/tổ",
    "Biện pháp áp dụng",
    "  ",
    "Ngày bắt đầu",
]


def test_a_register_s_header_row_is_matched_by_its_own_headers():
    found = columns.header_map("people", 3, REGISTER)

    assert found is not None and found.row == 3
    assert found.positions == {
        "full_name": 1,
        "birth": 2,
        "sex": 3,
        "citizen_id": 4,
        "current_hamlet": 7,
        "episode_type": 8,
        "start_date": 10,
    }
    assert found.extra == ["Nghề nghiệp"]  # "STT" numbers the rows: not listed
    assert found.missing == []


def test_the_template_s_headers_match_in_either_language():
    with translation.override("en"):
        english = ["No.", "Full name *", "Sex *", "Date or year of birth *", "Citizen ID"]
    found = columns.header_map("people", 1, english)
    assert found is not None
    assert list(found.positions) == ["full_name", "sex", "birth", "citizen_id"]
    vietnamese = ["STT", "Họ và tên *", "Giới tính *", "Ngày sinh hoặc năm sinh *", "Số định danh cá nhân"]
    found = columns.header_map("people", 1, vietnamese)
    assert found is not None and list(found.positions) == ["full_name", "sex", "birth", "citizen_id"]
    assert found.extra == []


def test_title_rows_are_not_header_rows():
    assert columns.header_map("people", 1, ["DANH SÁCH NGƯỜI SỬ DỤNG TRÁI PHÉP CHẤT MA TÚY"]) is None
    assert columns.header_map("people", 2, ["UBND PHƯỜNG PHÚ THƯỢNG", None, "Họ tên"]) is None  # one header only
    assert columns.header_map("people", 1, []) is None


def test_a_header_row_without_a_required_column_says_which():
    found = columns.header_map("people", 1, ["Họ tên", "Số CCCD", "Ghi chú"])

    assert found is not None
    assert [column.key for column in found.missing] == ["sex", "birth"]


def test_a_column_named_twice_is_read_from_its_first_place_and_the_second_listed():
    found = columns.header_map("people", 1, ["Họ tên", "Giới tính", "Họ và tên"])

    assert found is not None
    assert found.positions == {"full_name": 0, "sex": 1}
    assert found.extra == ["Họ và tên"]


def test_the_title_rows_of_a_real_register_are_passed_over_when_reading(db):
    from donghanh.imports.read import read_file
    from donghanh.imports.tests.conftest import xlsx

    data = xlsx(REGISTER, [[1, "Nguyễn Văn An", 1990, "Nam", "001 090.012345", "Thợ hồ", None, "Tổ 5"]], title_rows=2)

    reading = read_file("people", data)

    assert reading.problem == "" and reading.extra == ["Nghề nghiệp"]
    [row] = reading.rows
    assert row["row"] == 4 and row["errors"] == []
    assert row["values"]["full_name"] == "Nguyễn Văn An" and row["values"]["birth"] == [None, 1990]
    assert row["values"]["citizen_id"] == "001090012345" and row["values"]["sex"] == "male"
