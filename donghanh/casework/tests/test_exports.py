"""Case work's lists as Excel files: the work list (its health texts masked as on the page), a team's volunteers and
coverage in a unit, each scoped and logged as its page is.

The pages use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.choices import NotificationKind, Topic
from donghanh.casework.health_access import SEEN_HEALTH_TEXT
from donghanh.casework.tests.conftest import DAY, LONG_AGO, TODAY, add_volunteer, register
from donghanh.casework.worklist import work_list
from donghanh.core.tests.pages import parse
from donghanh.core.tests.sheets import (
    assert_date_cell,
    assert_number_cell,
    assert_printable,
    assert_text_cell,
    only_sheet,
    read_xlsx,
)
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

WORK_LIST = reverse("casework:worklist")
WORK_LIST_XLSX = reverse("casework:worklist_xlsx")
COVERAGE = reverse("casework:coverage")
COVERAGE_XLSX = reverse("casework:coverage_xlsx")
MASK = "nội dung sức khỏe — không hiển thị"
NEXT_STEP = "đi xét nghiệm HIV"
FORMULA_NAME = '=HYPERLINK("http://example.invalid/x","Bấm")'


def vi(text: str) -> str:
    with translation.override("vi"):
        return str(translation.gettext(text))


def exports_of(user) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(user=user, action=AccessLogEntry.Action.EXPORT).order_by("pk"))


# --- the work list ------------------------------------------------------------------------------


@pytest.fixture
def followed(officer, phu_thuong, make_user, assign_volunteer):
    """Hùng, followed with a volunteer, whose next step (due yesterday) is an HIV test; and a person named like a
    formula, followed under a measure with no volunteer."""
    hung = register(officer, phu_thuong, "Nguyễn Văn Hùng")
    volunteer = make_user(Role.VOLUNTEER, phu_thuong, username="volunteer")
    assign_volunteer(volunteer, hung, LONG_AGO)
    services.contact_record(
        actor=officer,
        person=hung,
        date=TODAY - 3 * DAY,
        mode="home_visit",
        topics=[Topic.HIV_PREVENTION],
        next_step=NEXT_STEP,
        next_step_date=TODAY - DAY,
    )
    odd = register(officer, phu_thuong, FORMULA_NAME)
    episode_open(actor=officer, person=odd, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)
    return {"hung": hung, "odd": odd, "volunteer": volunteer}


def test_the_work_list_file_holds_every_item_with_the_health_text_for_those_who_may_read_it(
    client, officer, phu_thuong, followed
):
    client.force_login(officer)
    link = parse(client.get(WORK_LIST)).get(data_testid="xlsx-link")
    assert link.attrs["href"] == WORK_LIST_XLSX
    sheet = only_sheet(client.get(WORK_LIST_XLSX))
    assert sheet.sheet.title == vi("Work list")
    assert sheet.title_block[1] == f"{vi('Unit')}: Phường Phú Thượng — Thành phố Hà Nội"
    assert sheet.headers == [vi("Group"), vi("Task"), vi("Name"), vi("Due by"), vi("Details")]
    follow_up = [row for row in sheet.cells() if row[4].value == NEXT_STEP]
    assert len(follow_up) == 1
    [group, task, name, due, _detail] = follow_up[0]
    assert group.value == vi("Overdue") and name.value == "Nguyễn Văn Hùng"
    with translation.override("vi"):
        assert task.value == str(NotificationKind.FOLLOW_UP.label)
    assert_date_cell(due, TODAY - DAY)
    # Every item the page lists, on however many pages, overdue ones first.
    assert len(sheet.rows()) == len(work_list(officer, TODAY))
    assert sheet.column(vi("Group"))[0] == vi("Overdue")
    names = sheet.column(vi("Name"))
    assert FORMULA_NAME in names
    odd_row = next(row for row in sheet.cells() if row[2].value == FORMULA_NAME)
    assert_text_cell(odd_row[2], FORMULA_NAME)
    assert_printable(sheet)

    [export, health] = exports_of(officer)
    assert export.detail.startswith("work list (XLSX): viec-can-lam-phuong-phu-thuong-")
    assert export.unit == phu_thuong
    # The health text the file holds is logged per person, as an export.
    assert health.detail == SEEN_HEALTH_TEXT and health.object_id == str(followed["hung"].pk)


@pytest.mark.parametrize("role", [Role.COMMUNE_POLICE, Role.VOLUNTEER])
def test_the_work_list_file_masks_the_health_text_as_the_page_does(client, make_user, phu_thuong, followed, role):
    user = followed["volunteer"] if role == Role.VOLUNTEER else make_user(role, phu_thuong)
    client.force_login(user)
    sheet = only_sheet(client.get(WORK_LIST_XLSX))
    details = sheet.column(vi("Details"))
    assert MASK in details
    assert not any(NEXT_STEP in str(cell.value) for row in sheet.sheet.iter_rows() for cell in row)
    [export] = exports_of(user)  # nothing about health to log
    assert export.detail.startswith("work list (XLSX)")


def test_another_communes_work_list_file_holds_nothing_of_this_one(client, hai_chau_officer, followed):
    client.force_login(hai_chau_officer)
    sheet = only_sheet(client.get(WORK_LIST_XLSX))
    assert "Nguyễn Văn Hùng" not in sheet.column(vi("Name"))
    assert FORMULA_NAME not in sheet.column(vi("Name"))


# --- a team's volunteers ------------------------------------------------------------------------


def test_the_team_file_lists_its_volunteers_with_their_dates_and_people(client, officer, phu_thuong, world):
    team = world["team"]
    add_volunteer(officer, team, FORMULA_NAME)
    client.force_login(officer)
    url = reverse("casework:team_xlsx", args=[team.pk])
    assert (
        parse(client.get(reverse("casework:team_detail", args=[team.pk]))).get(data_testid="xlsx-link").attrs["href"]
        == url
    )
    sheet = only_sheet(client.get(url))
    assert sheet.sheet.title == vi("Volunteers")
    assert sheet.title_block[0] == vi("Volunteers of %(team)s") % {"team": "Đội tình nguyện Phú Thượng"}
    assert sheet.headers == [
        vi("Full name"),
        vi("Affiliation"),
        vi("Phone"),
        vi("Hamlet"),
        vi("Active from"),
        vi("Active until"),
        vi("Logs in"),
        vi("People assigned now"),
    ]
    names = sheet.column(vi("Full name"))
    assert set(names) == {"Trần Thị Lan", "Lê Thị Mai", "Phạm Thị Hoa", "Đỗ Văn Cũ", FORMULA_NAME}
    lan = next(row for row in sheet.rows() if row[vi("Full name")] == "Trần Thị Lan")
    assert lan[vi("Phone")] == "0912000111" and lan[vi("Hamlet")] == "Tổ 3" and lan[vi("Logs in")] == vi("Yes")
    assert_number_cell(sheet.cell(vi("Full name"), "Trần Thị Lan", vi("People assigned now")), 2)
    assert_date_cell(sheet.cell(vi("Full name"), "Trần Thị Lan", vi("Active from")), LONG_AGO)
    assert_date_cell(sheet.cell(vi("Full name"), "Đỗ Văn Cũ", vi("Active until")), TODAY - 30 * DAY)
    assert_text_cell(sheet.cell(vi("Full name"), FORMULA_NAME, vi("Full name")), FORMULA_NAME)
    assert_printable(sheet)
    [entry] = exports_of(officer)
    assert entry.object_id == str(team.pk) and entry.unit == phu_thuong
    assert entry.detail.startswith("volunteers of a team (XLSX): tinh-nguyen-vien-phuong-phu-thuong-")


def test_the_team_file_is_for_the_officers_of_its_scope(client, hai_chau_officer, volunteer_user, world):
    url = reverse("casework:team_xlsx", args=[world["team"].pk])
    client.force_login(hai_chau_officer)
    assert client.get(url).status_code == 404  # another commune's team, as its page
    client.force_login(volunteer_user)
    assert client.get(url).status_code == 403  # the officers' pages are not a volunteer's
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


# --- coverage -----------------------------------------------------------------------------------


def test_the_coverage_file_holds_the_figures_and_everyone_on_both_lists(client, officer, phu_thuong, world, settings):
    settings.LIST_PAGE_SIZE = 1  # the page shows the first one of each list; the file, all of them
    add_volunteer(officer, world["team"], "Vũ Thị Hằng")
    client.force_login(officer)
    link = parse(client.get(COVERAGE, {"unit": phu_thuong.pk})).get(data_testid="xlsx-link")
    assert link.attrs["href"] == f"{COVERAGE_XLSX}?unit={phu_thuong.pk}"
    sheets = read_xlsx(client.get(link.attrs["href"]))
    summary, idle, unassigned = sheets.values()
    assert summary.sheet.title == vi("Coverage")
    assert summary.headers == [vi("Figure"), vi("Number"), vi("Share")]
    assert_number_cell(summary.cell(vi("Figure"), vi("Active volunteers"), vi("Number")), 4)
    share = summary.cell(vi("Figure"), vi("Helping at least one person"), vi("Share"))
    assert share.value == pytest.approx(2 / 4) and share.number_format == "0%"
    assert sorted(idle.column(vi("Full name"))) == ["Phạm Thị Hoa", "Vũ Thị Hằng"]
    assert unassigned.column(vi("Full name")) == ["Phạm Văn Dũng"]
    assert unassigned.column(vi("Code")) == [world["dung"].code]
    for sheet in sheets.values():
        assert_printable(sheet)
    [entry] = exports_of(officer)
    assert entry.unit == phu_thuong and entry.detail.startswith("volunteer coverage (XLSX)")


def test_the_coverage_file_follows_the_unit_on_screen(client, make_user, unit, officer, phu_thuong, world):
    ba_dinh = unit("00004")
    elsewhere = register(make_user(Role.COMMUNE_OFFICER, ba_dinh), ba_dinh, "Lê Văn Tám")
    episode_open(
        actor=make_user(Role.COMMUNE_OFFICER, ba_dinh),
        person=elsewhere,
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        start_date=LONG_AGO,
    )
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    client.force_login(province_officer)
    whole = read_xlsx(client.get(COVERAGE_XLSX))
    assert sorted(list(whole.values())[2].column(vi("Full name"))) == ["Lê Văn Tám", "Phạm Văn Dũng"]
    commune = read_xlsx(client.get(COVERAGE_XLSX, {"unit": phu_thuong.pk}))
    assert list(commune.values())[2].column(vi("Full name")) == ["Phạm Văn Dũng"]  # Tám is filtered out
    assert client.get(COVERAGE_XLSX, {"unit": unit("20242").pk}).status_code == 404  # outside the province
    assert [e.unit for e in exports_of(province_officer)] == [unit("01", level=OrgUnit.Level.PROVINCE), phu_thuong]
