"""The people list as an Excel file: what the list shows with the filters on screen, every page of it, scoped and
logged as the page is, its measures only for the roles that may see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.core.tests.sheets import (
    assert_date_cell,
    assert_number_cell,
    assert_printable,
    assert_text_cell,
    only_sheet,
)
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people import services
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.tests.conftest import register

pytestmark = pytest.mark.django_db

D = datetime.date
LIST = reverse("people:list")
XLSX = reverse("people:list_xlsx")
HEADERS = ["Mã", "Họ và tên", "Năm sinh", "Giới tính", "Thôn, tổ dân phố", "Xã quản lý", "Tình trạng nơi ở", "Từ ngày"]


def measure_label() -> str:
    with translation.override("vi"):
        return str(EpisodeType.DRUG_USER_MANAGEMENT.label)


def test_the_file_holds_the_filtered_list_with_numbers_dates_and_measures(client, officer, phu_thuong, hung):
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10))
    services.whereabouts_record(actor=officer, person=hung, status=Whereabouts.IN_FACILITY, since=D(2025, 10, 1))
    register(officer, phu_thuong, "Phạm Thị Hoa", sex=Sex.FEMALE)
    client.force_login(officer)

    # The page offers the file with the filters it shows.
    link = parse(client.get(LIST, {"sex": Sex.MALE, "page": "1"})).get(data_testid="xlsx-link")
    assert link.attrs["href"] == f"{XLSX}?sex=male"
    assert "Tải Excel" in link.text

    response = client.get(link.attrs["href"])
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-nguoi-phuong-phu-thuong-')
    sheet = only_sheet(response)
    assert sheet.sheet.title == "Danh sách người"
    assert sheet.title_block[0] == "Danh sách người"
    assert sheet.title_block[1] == "Đơn vị: Phường Phú Thượng — Thành phố Hà Nội"
    assert "Giới tính: Nam" in sheet.title_block[2]
    assert sheet.title_block[3].startswith("Ngày in: ") and "/" in sheet.title_block[3]
    assert sheet.headers == [*HEADERS, "Biện pháp"]
    assert sheet.column("Họ và tên") == ["Nguyễn Văn Hùng"]  # Hoa is filtered out, as on screen
    [row] = sheet.rows()
    assert row["Mã"] == hung.code
    assert row["Xã quản lý"] == "Phường Phú Thượng"
    assert row["Biện pháp"] == measure_label()
    assert_number_cell(sheet.cell("Mã", hung.code, "Năm sinh"), 1990)
    assert_date_cell(sheet.cell("Mã", hung.code, "Từ ngày"), D(2025, 10, 1))
    assert_printable(sheet)

    [entry] = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT)
    assert entry.user == officer
    assert entry.unit == phu_thuong
    assert entry.detail.startswith("people list (XLSX): danh-sach-nguoi-phuong-phu-thuong-")
    assert "1 rows" in entry.detail


def test_a_name_typed_as_a_formula_stays_text(client, officer, phu_thuong):
    name = '=HYPERLINK("http://example.invalid/x","Bấm")'
    person = register(officer, phu_thuong, name, current_hamlet="=1+1")
    client.force_login(officer)
    sheet = only_sheet(client.get(XLSX))
    assert_text_cell(sheet.cell("Mã", person.code, "Họ và tên"), name)
    assert_text_cell(sheet.cell("Mã", person.code, "Thôn, tổ dân phố"), "=1+1")


def test_a_volunteer_gets_their_people_without_measures_and_another_commune_nothing(
    client, make_user, officer, da_nang_officer, phu_thuong, hung, assign_volunteer
):
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10))
    register(officer, phu_thuong, "Trần Văn Bình")
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, hung)
    client.force_login(volunteer)
    # Forcing the filter by measure matches no one, as on the page.
    assert only_sheet(client.get(XLSX, {"episode_type": EpisodeType.DRUG_USER_MANAGEMENT})).rows() == []
    sheet = only_sheet(client.get(XLSX))
    assert sheet.headers == HEADERS  # no column of measures
    assert sheet.column("Họ và tên") == ["Nguyễn Văn Hùng"]  # only the person assigned to them
    assert "Biện pháp" not in " ".join(sheet.title_block)

    client.force_login(da_nang_officer)
    sheet = only_sheet(client.get(XLSX))
    assert sheet.rows() == []
    entry = AccessLogEntry.objects.filter(user=da_nang_officer, action=AccessLogEntry.Action.EXPORT).get()
    assert entry.unit == OrgUnit.objects.get(code="20242", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)


def test_a_province_gets_the_list_of_every_commune_in_one_file(client, make_user, unit, officer, phu_thuong):
    for n in range(60):  # more than a page of the list
        register(officer, phu_thuong, f"Người Thứ {n:02d}")
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    client.force_login(province_officer)
    sheet = only_sheet(client.get(XLSX, {"roster": "all"}))
    assert len(sheet.rows()) == 60
    assert "Đã ra khỏi danh sách" in sheet.headers  # the roster choice shows who left, as the page does
    assert sheet.title_block[1] == "Đơn vị: Thành phố Hà Nội"


def test_the_file_is_read_in_the_same_number_of_queries_for_3_or_8_people(client, officer, phu_thuong):
    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(XLSX)
        return len(queries), len(only_sheet(response).rows())

    def add(n: int) -> None:
        person = register(officer, phu_thuong, f"Người Thứ {n}")
        episode_open(
            actor=officer, person=person, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10)
        )

    for n in range(3):
        add(n)
    client.force_login(officer)
    few, rows = count_queries()
    assert rows == 3
    for n in range(3, 8):
        add(n)
    many, rows = count_queries()
    assert rows == 8
    assert few == many
    # session, user, grants, the units for the title, the people, their measures, their communes, the log's entry
    assert many <= 10


def test_files_past_the_download_rate_are_refused(client, officer, hung, settings):
    cache.clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "download": "1/min"}
    client.force_login(officer)
    assert client.get(XLSX).status_code == 200
    assert client.get(XLSX).status_code == 429
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 1
    cache.clear()
