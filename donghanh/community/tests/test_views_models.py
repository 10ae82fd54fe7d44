"""The model pages as users see them: the directory with its filters and roadmap, and a model's page with its
members, attendance and sessions.

The pages' helpers are here, and test_views_model_forms imports them; the officers, the club and the `world` of
models are in conftest. State is built through the services; assertions read the rendered pages (elements by
data-testid).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import BoardMember, CommunityModel, Membership
from donghanh.community.tests.conftest import D, kind, register, set_up
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code

pytestmark = pytest.mark.django_db

MODELS = reverse("community:models")
# session, user, grants, the unit shown, count, units to filter by, the roadmap's targets (none here), types, page
DIRECTORY_QUERIES = 9
TABLE_QUERIES = 8
PAGE_QUERIES = 10  # session, user, grants, model, members, rates, seats, status changes, sessions, may record


def vi(text: str) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def page_of(model: CommunityModel) -> str:
    return reverse("community:model", args=[model.pk])


def names(response) -> list[str]:
    table = parse(response).find(data_testid="model-table")
    return [row[0] for row in table.rows()] if table else []


def rate_of(response, membership: Membership) -> str:
    return parse(response).get(data_testid=f"member-rate-{membership.pk}").text


# --- the directory ------------------------------------------------------------------------------


def test_a_commune_officer_sees_the_models_of_their_commune_only(client, officer, world):
    client.force_login(officer)
    response = client.get(MODELS)
    assert_csp_and_no_inline_code(response, "model directory")
    assert sorted(names(response)) == ["CLB Vững bước", "Điểm tư vấn Phú Thượng"]
    page = parse(response)
    assert page.get(data_testid="add-model")
    row = page.get(data_testid=f"model-row-{world['point'].pk}")
    assert row.find("span", data_status="stable") is not None
    assert "15/01/2024" in row.text


def test_a_province_officer_sees_their_province_and_not_another(client, province_officer, world):
    client.force_login(province_officer)
    assert sorted(names(client.get(MODELS))) == ["CLB Ba Đình", "CLB Vững bước", "Điểm tư vấn Phú Thượng"]


def test_a_board_member_sees_only_their_model_and_no_other_of_the_commune(client, board_member, world):
    client.force_login(board_member)
    response = client.get(MODELS)
    assert names(response) == ["CLB Vững bước"]
    assert parse(response).find(data_testid="add-model") is None
    assert client.get(page_of(world["club"])).status_code == 200
    assert client.get(page_of(world["point"])).status_code == 404
    assert client.get(page_of(world["far"])).status_code == 404


def test_the_directory_filters_by_type_status_unit_and_name(client, province_officer, officer, world, unit):
    client.force_login(province_officer)
    post_rehab = kind("post_rehab_club").pk
    assert sorted(names(client.get(MODELS, {"model_type": post_rehab}))) == ["CLB Ba Đình", "CLB Vững bước"]
    assert names(client.get(MODELS, {"status": "stable"})) == ["Điểm tư vấn Phú Thượng"]
    phu_thuong = world["club"].unit
    assert sorted(names(client.get(MODELS, {"unit": phu_thuong.pk}))) == ["CLB Vững bước", "Điểm tư vấn Phú Thượng"]
    assert names(client.get(MODELS, {"unit": phu_thuong.pk, "model_type": post_rehab})) == ["CLB Vững bước"]
    assert names(client.get(MODELS, {"q": "ba đình"})) == ["CLB Ba Đình"]
    assert sorted(names(client.get(MODELS, {"q": "VUNG buoc"}))) == ["CLB Vững bước"]
    # The unit picker lists the province and its communes; a unit outside the scope is not found.
    units = parse(client.get(MODELS)).get(data_testid="model-unit")
    values = {option.attrs.get("value") for option in units.find_all("option")}
    assert {str(phu_thuong.pk), str(phu_thuong.parent_id), str(unit("00004").pk)} <= values
    assert client.get(MODELS, {"unit": world["far"].unit_id}).status_code == 404
    empty = parse(client.get(MODELS, {"q": "không có"}))
    assert empty.get(data_testid="empty") and empty.find(data_testid="model-table") is None


def test_the_directory_table_alone_answers_htmx(client, officer, world):
    client.force_login(officer)
    response = client.get(MODELS, {"status": "pilot"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    assert names(response) == ["CLB Vững bước"]
    assert parse(response).get(data_testid="roadmap")  # the roadmap follows the unit chosen


def test_the_directory_counts_members_today_and_shows_the_last_session(client, officer, club, phu_thuong):
    an, binh, cuong = (register(officer, phu_thuong, n) for n in ("An", "Bình", "Cường"))
    services.member_join(actor=officer, model=club, person=an, joined_on=D(2024, 2, 1))
    services.member_join(actor=officer, model=club, person=binh, joined_on=D(2024, 2, 1))
    gone = services.member_join(actor=officer, model=club, person=cuong, joined_on=D(2024, 2, 1))
    services.member_leave(actor=officer, membership=gone, left_on=D(2024, 5, 1), reason="moved")
    services.session_record(actor=officer, model=club, date=D(2024, 3, 5), kind="regular")
    services.session_record(actor=officer, model=club, date=D(2024, 4, 9), kind="talk")
    client.force_login(officer)
    row = parse(client.get(MODELS)).get(data_testid=f"model-row-{club.pk}")
    assert row.find(data_testid=f"model-members-{club.pk}").text == "2"
    assert "09/04/2024" in row.text


def test_roadmap_progress_against_the_province_targets(client, province_officer, officer, world):
    today = timezone.localdate()
    hanoi = world["club"].unit.parent
    manager = province_officer
    overall = services.roadmap_target_set(
        actor=manager, unit=hanoi, year=today.year, model_type=None, models_target=4, stable_share_target=30
    )
    clubs = services.roadmap_target_set(
        actor=manager, unit=hanoi, year=today.year, model_type=kind("post_rehab_club"), models_target=2,
        stable_share_target=100,
    )  # fmt: skip
    client.force_login(province_officer)
    page = parse(client.get(MODELS))
    assert page.get(data_testid="roadmap")
    # Three models operate in Hà Nội, one stably: 3 of 4 (not met), 33 % against 30 % (met).
    models_cell = page.get(data_testid=f"roadmap-models-{overall.pk}").text
    assert "3" in models_cell and "4" in models_cell and vi("not met") in models_cell
    stable_cell = page.get(data_testid=f"roadmap-stable-{overall.pk}").text
    assert stable_cell.startswith("33 %") and "30 %" in stable_cell and vi("not met") not in stable_cell
    # Both post-rehab clubs count (2 of 2, met), and neither is stable (0 % against 100 %).
    models_cell = page.get(data_testid=f"roadmap-models-{clubs.pk}").text
    assert "2" in models_cell and vi("not met") not in models_cell and vi("met") in models_cell
    stable_cell = page.get(data_testid=f"roadmap-stable-{clubs.pk}").text
    assert stable_cell.startswith("0 %") and vi("not met") in stable_cell
    # A commune chosen, or a commune officer's directory, shows the commune's targets: none.
    assert parse(client.get(MODELS, {"unit": world["club"].unit_id})).get(data_testid="roadmap-none")
    client.force_login(officer)
    assert parse(client.get(MODELS)).get(data_testid="roadmap-none")


def test_the_directory_queries_do_not_grow_with_models(
    client, province_officer, officer, world, unit, django_assert_num_queries
):
    client.force_login(province_officer)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        assert client.get(MODELS).status_code == 200
    for code in ("00008", "00025"):
        for n in range(3):
            set_up(province_officer, unit(code), f"CLB {n} {code}")
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(MODELS)
    assert len(names(response)) == 9
    with django_assert_num_queries(TABLE_QUERIES):  # htmx: the table alone
        client.get(MODELS, {"status": "pilot"}, headers={"HX-Request": "true"})
    with django_assert_num_queries(TABLE_QUERIES):  # a search by name costs no query of its own
        client.get(MODELS, {"status": "pilot", "q": "clb"}, headers={"HX-Request": "true"})


# --- a model's page -----------------------------------------------------------------------------


def test_the_model_page_shows_decision_status_history_and_board(client, officer, club, board_member):
    services.model_status_change(actor=officer, model=club, status="active", on=D(2024, 6, 1), note="Đủ điều kiện")
    client.force_login(officer)
    response = client.get(page_of(club))
    assert_csp_and_no_inline_code(response, "model page")
    page = parse(response)
    assert page.get(data_testid="model-name").text == "CLB Vững bước"
    decision = page.get(data_testid="model-decision").text
    assert "45/QĐ-UBND" in decision and "15/01/2024" in decision and "UBND phường Phú Thượng" in decision
    assert page.get(data_testid="model-established").text == "15/01/2024"
    history = page.get(data_testid="status-history").text
    assert "01/06/2024" in history and "Đủ điều kiện" in history and "15/01/2024" in history
    seat = BoardMember.objects.get(model=club)
    row = page.get(data_testid=f"seat-{seat.pk}")
    assert "Trần Thị Lan" in row.text and board_member.username in row.text and "01/02/2024" in row.text
    for testid in ("model-edit", "model-status-change", "board-add", "member-add", f"seat-edit-{seat.pk}"):
        assert page.get(data_testid=testid)


def test_members_as_of_a_past_date_and_today(client, officer, club, members):
    client.force_login(officer)
    today = parse(client.get(page_of(club)))
    assert today.get(data_testid="member-count").text == "2"
    assert today.find(data_testid=f"member-{members['an'].pk}") is None
    assert today.get(data_testid=f"member-leave-{members['binh'].pk}")
    may = parse(client.get(page_of(club), {"on": "15/05/2024"}))
    assert may.get(data_testid="member-count").text == "3"
    an = may.get(data_testid=f"member-{members['an'].pk}")
    assert "30/06/2024" in an.text and may.find(data_testid=f"member-leave-{members['an'].pk}") is None
    link = dict(an.links())
    assert link["An"] == reverse("people:detail", args=[members["an"].person_id])
    february = parse(client.get(page_of(club), {"on": "15/02/2024"}))
    assert february.get(data_testid="member-count").text == "1"


def test_attendance_rates_and_the_regular_badge_from_recorded_sessions(client, officer, club, members):
    binh, cuong, an = members["binh"], members["cuong"], members["an"]
    for day, present in [
        (D(2024, 3, 5), [binh, cuong, an]),
        (D(2024, 4, 2), [binh, an]),
        (D(2024, 5, 7), [binh, cuong]),
        (D(2024, 7, 2), []),
    ]:
        services.session_record(actor=officer, model=club, date=day, kind="regular", present=present)
    client.force_login(officer)
    period = {"on": "01/07/2024", "from": "01/01/2024", "to": "31/12/2024"}
    response = client.get(page_of(club), period)
    assert rate_of(response, binh) == "75 %"  # 3 of 4
    assert rate_of(response, cuong) == "50 %"  # 2 of 4
    page = parse(response)
    assert page.find(data_testid=f"member-regular-{binh.pk}") is not None
    assert page.find(data_testid=f"member-regular-{cuong.pk}") is None
    assert "75 %" in page.get(data_testid="rate-explained").text
    # An was a member for three of the sessions (until 30/06) and came to two: 67 %.
    june = client.get(page_of(club), {**period, "on": "01/06/2024"})
    assert rate_of(june, an) == "67 %"
    # A period without sessions shows no rate.
    assert rate_of(client.get(page_of(club), {**period, "from": "01/08/2024"}), binh) == "—"


def test_the_default_period_is_this_year_until_today(client, officer, club, members):
    today = timezone.localdate()
    services.session_record(actor=officer, model=club, date=today, kind="regular", present=[members["binh"]])
    client.force_login(officer)
    response = client.get(page_of(club))
    assert rate_of(response, members["binh"]) == "100 %"
    assert rate_of(response, members["cuong"]) == "0 %"
    assert parse(response).get(data_testid=f"member-regular-{members['binh'].pk}")


def test_the_sessions_calendar_groups_the_latest_months(client, officer, club, members):
    today = timezone.localdate()
    recent = services.session_record(
        actor=officer, model=club, date=today, kind="talk", topic="Tác hại của ma túy", family_count=2, guest_count=1,
        present=[members["binh"]],
    )  # fmt: skip
    old = services.session_record(actor=officer, model=club, date=D(2024, 3, 5), kind="regular")
    client.force_login(officer)
    page = parse(client.get(page_of(club)))
    calendar = page.get(data_testid="calendar")
    assert calendar.get(data_testid=f"month-{today:%Y-%m}")
    row = calendar.get(data_testid=f"session-{recent.pk}")
    assert "Tác hại của ma túy" in row.text
    assert row.get(data_testid=f"session-present-{recent.pk}").text.startswith("1 / 2")
    assert reverse("community:session", args=[recent.pk]) in [href for _, href in row.links()]
    assert calendar.find(data_testid=f"session-{old.pk}") is None  # more than twelve months ago


def test_todays_session_button_for_those_who_record(client, officer, club, board_member, make_user, phu_thuong):
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    for user, shown in [(officer, True), (board_member, True), (police, False)]:
        client.force_login(user)
        page = parse(client.get(page_of(club)))
        button = page.find(data_testid="session-today")
        assert (button is not None) is shown, user
        if shown:
            form = button.parent
            assert form.tag == "form" and form.attrs["action"] == reverse("community:session_today", args=[club.pk])
    # Only managers see the buttons that change the model.
    client.force_login(board_member)
    page = parse(client.get(page_of(club)))
    assert page.find(data_testid="model-edit") is None and page.find(data_testid="member-add") is None


def test_a_board_member_sees_their_members_and_not_the_manage_buttons(client, board_member, club, members):
    client.force_login(board_member)
    page = parse(client.get(page_of(club)))
    assert page.get(data_testid="member-count").text == "2"
    assert page.find(data_testid=f"member-leave-{members['binh'].pk}") is None


def test_the_model_page_queries_do_not_grow_with_members(
    client, officer, club, members, phu_thuong, django_assert_num_queries
):
    services.session_record(actor=officer, model=club, date=D(2024, 3, 5), kind="regular", present=[members["binh"]])
    client.force_login(officer)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(page_of(club)).status_code == 200
    today = timezone.localdate()
    for n in range(8):
        person = register(officer, phu_thuong, f"Thành viên {n}")
        services.member_join(actor=officer, model=club, person=person, joined_on=D(2024, 3, 1))
    services.session_record(
        actor=officer,
        model=club,
        date=today,
        kind="regular",
        present=list(club.memberships.filter(left_on__isnull=True)),
    )
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(page_of(club))
    assert parse(response).get(data_testid="member-count").text == "10"


def test_a_model_outside_the_scope_is_not_found(client, officer, world):
    client.force_login(officer)
    assert client.get(page_of(world["far"])).status_code == 404
    assert client.get(page_of(world["neighbour"])).status_code == 404
