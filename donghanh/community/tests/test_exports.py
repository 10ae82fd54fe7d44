"""A community model's members and attendance as an Excel file: the members on the page's day with their attendance
in its period, scoped and logged as the model's page is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from donghanh.audit.models import AccessLogEntry
from donghanh.community import services
from donghanh.community.tests.conftest import D, register
from donghanh.core.tests.pages import parse
from donghanh.core.tests.sheets import (
    assert_date_cell,
    assert_number_cell,
    assert_printable,
    assert_text_cell,
    only_sheet,
)

pytestmark = pytest.mark.django_db

PERIOD = {"on": "01/07/2024", "from": "01/01/2024", "to": "31/12/2024"}
FORMULA_NAME = '=HYPERLINK("http://example.invalid/x","Bấm")'


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def sessions(officer, club, members):
    """Four sessions in 2024: Bình came to three, Cường to two; An (a member until 30/06) to two of three."""
    binh, cuong, an = members["binh"], members["cuong"], members["an"]
    for day, present in [
        (D(2024, 3, 5), [binh, cuong, an]),
        (D(2024, 4, 2), [binh, an]),
        (D(2024, 5, 7), [binh, cuong]),
        (D(2024, 7, 2), []),
    ]:
        services.session_record(actor=officer, model=club, date=day, kind="regular", present=present)


def test_the_file_holds_the_members_on_the_day_with_their_attendance(client, officer, phu_thuong, club, sessions):
    client.force_login(officer)
    link = parse(client.get(reverse("community:model", args=[club.pk]), PERIOD)).get(data_testid="xlsx-link")
    url = link.attrs["href"]
    assert url.startswith(reverse("community:model_xlsx", args=[club.pk]) + "?")
    assert "on=01%2F07%2F2024" in url and "from=01%2F01%2F2024" in url

    sheet = only_sheet(client.get(url))
    assert sheet.sheet.title == vi("Members")
    assert sheet.title_block[0] == vi("Members and attendance of %(model)s") % {"model": "CLB Vững bước"}
    assert "01/07/2024" in sheet.title_block[2] and "31/12/2024" in sheet.title_block[2]
    assert sheet.headers == [
        vi("Code"),
        vi("Full name"),
        vi("Joined on"),
        vi("Left on"),
        vi("Sessions held"),
        vi("Sessions attended"),
        vi("Attendance rate"),
        vi("Attends regularly"),
    ]
    # An left on 30/06/2024: not a member on the day on screen.
    assert sheet.column(vi("Full name")) == ["Bình", "Cường"]
    name = vi("Full name")
    assert_number_cell(sheet.cell(name, "Bình", vi("Sessions held")), 4)
    assert_number_cell(sheet.cell(name, "Bình", vi("Sessions attended")), 3)
    rate = sheet.cell(name, "Bình", vi("Attendance rate"))
    assert rate.value == pytest.approx(0.75) and rate.number_format == "0%"
    assert sheet.cell(name, "Bình", vi("Attends regularly")).value == vi("Yes")
    assert sheet.cell(name, "Cường", vi("Attends regularly")).value == vi("No")
    assert_date_cell(sheet.cell(name, "Bình", vi("Joined on")), D(2024, 3, 1))
    assert_printable(sheet)

    [entry] = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT)
    assert entry.user == officer and entry.object_id == str(club.pk) and entry.unit == phu_thuong
    assert entry.detail.startswith("members and attendance of a community model (XLSX): thanh-vien-clb-vung-buoc-")


def test_a_member_who_left_comes_with_the_day_on_an_earlier_day(client, officer, club, sessions):
    client.force_login(officer)
    sheet = only_sheet(client.get(reverse("community:model_xlsx", args=[club.pk]), {**PERIOD, "on": "01/06/2024"}))
    assert sheet.column(vi("Full name")) == ["An", "Bình", "Cường"]
    assert_date_cell(sheet.cell(vi("Full name"), "An", vi("Left on")), D(2024, 6, 30))
    assert sheet.cell(vi("Full name"), "An", vi("Attendance rate")).value == pytest.approx(2 / 3)


def test_a_name_typed_as_a_formula_stays_text(client, officer, phu_thuong, club):
    person = register(officer, phu_thuong, FORMULA_NAME)
    services.member_join(actor=officer, model=club, person=person, joined_on=D(2024, 2, 1))
    client.force_login(officer)
    sheet = only_sheet(client.get(reverse("community:model_xlsx", args=[club.pk])))
    assert_text_cell(sheet.cell(vi("Code"), person.code, vi("Full name")), FORMULA_NAME)


def test_a_model_outside_the_scope_has_no_file(client, officer, world):
    client.force_login(officer)
    assert client.get(reverse("community:model_xlsx", args=[world["far"].pk])).status_code == 404
    assert client.get(reverse("community:model_xlsx", args=[world["neighbour"].pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_a_board_member_gets_the_members_of_their_model(client, board_member, club, members):
    client.force_login(board_member)
    sheet = only_sheet(client.get(reverse("community:model_xlsx", args=[club.pk])))
    assert sheet.column(vi("Full name")) == ["Bình", "Cường"]
