"""The model pages as users see them: the directory with its filters and roadmap, a model's page with its members,
attendance and sessions, and the forms that set a model up, change its status, name its board and enrol members.

State is built through the services; assertions read the rendered pages (elements by data-testid).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import BoardMember, CommunityModel, Membership, ModelType
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
MODELS = reverse("community:models")
CREATE = reverse("community:model_create")
# session, user, grants, the unit shown, count, units to filter by, the roadmap's targets (none here), types, page
DIRECTORY_QUERIES = 9
TABLE_QUERIES = 8
PAGE_QUERIES = 10  # session, user, grants, model, members, rates, seats, status changes, sessions, may record


def vi(text: str) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def kind(code: str) -> ModelType:
    return ModelType.objects.get(code=code)


def page_of(model: CommunityModel) -> str:
    return reverse("community:model", args=[model.pk])


def field_errors(response, name: str) -> list[str]:
    field = parse(response).get(data_field=name)
    return [node.text for node in field.find_all("div") if "invalid-feedback" in (node.attrs.get("class") or "")]


def names(response) -> list[str]:
    table = parse(response).find(data_testid="model-table")
    return [row[0] for row in table.rows()] if table else []


def register(officer, unit, name: str) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=1995, registered_on=D(2024, 1, 2)
    )


JANUARY_15 = D(2024, 1, 15)


def set_up(officer, unit, name: str, code: str = "post_rehab_club", on: datetime.date = JANUARY_15, **kw):
    return services.model_create(
        actor=officer, unit=unit, model_type=kind(code), name=name, decision_number="45/QĐ-UBND",
        decision_date=on, established_on=on, **kw,
    )  # fmt: skip


def rate_of(response, membership: Membership) -> str:
    return parse(response).get(data_testid=f"member-rate-{membership.pk}").text


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def province_officer(make_user, phu_thuong):
    return make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)


@pytest.fixture
def club(officer, phu_thuong):
    return set_up(
        officer, phu_thuong, "CLB Vững bước", meeting_place="Nhà văn hóa tổ 5", schedule="monthly",
        decision_body="UBND phường Phú Thượng",
    )  # fmt: skip


@pytest.fixture
def world(officer, province_officer, make_user, phu_thuong, hai_chau, unit, club):
    """Phú Thượng's club and counselling point, a club of another Hà Nội commune, and one in Đà Nẵng."""
    point = set_up(officer, phu_thuong, "Điểm tư vấn Phú Thượng", code="counselling_point", status="stable")
    neighbour = set_up(province_officer, unit("00004"), "CLB Ba Đình", code="post_rehab_club")
    far = set_up(make_user(Role.COMMUNE_OFFICER, hai_chau), hai_chau, "CLB Hải Châu", code="early_intervention_club")
    return {"club": club, "point": point, "neighbour": neighbour, "far": far}


@pytest.fixture
def board_member(make_user, officer, phu_thuong, club):
    user = make_user(Role.BOARD_MEMBER, phu_thuong, full_name="Trần Thị Lan")
    services.board_add(
        actor=officer, model=club, role="chair", full_name="Trần Thị Lan", start_date=D(2024, 2, 1), user=user
    )
    return user


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


@pytest.fixture
def members(officer, phu_thuong, club):
    """An (member in the first half of 2024), Bình and Cường (members since March 2024)."""
    people = {n: register(officer, phu_thuong, n) for n in ("An", "Bình", "Cường")}
    an = services.member_join(actor=officer, model=club, person=people["An"], joined_on=D(2024, 2, 1))
    binh = services.member_join(actor=officer, model=club, person=people["Bình"], joined_on=D(2024, 3, 1))
    cuong = services.member_join(actor=officer, model=club, person=people["Cường"], joined_on=D(2024, 3, 1))
    services.member_leave(actor=officer, membership=an, left_on=D(2024, 6, 30), reason="moved")
    return {"an": an, "binh": binh, "cuong": cuong}


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


# --- setting up and editing a model -------------------------------------------------------------


def model_post(**fields):
    return {
        "model_type": kind("early_intervention_club").pk,
        "name": "CLB Can thiệp sớm Phú Thượng",
        "decision_number": "112/QĐ-UBND",
        "decision_date": "02/03/2025",
        "decision_body": "",
        "established_on": "05/03/2025",
        "status": "pilot",
        "meeting_place": "Nhà văn hóa tổ 12",
        "schedule": "monthly",
        "notes": "",
        **fields,
    }


def test_setting_up_a_model(client, officer, phu_thuong):
    client.force_login(officer)
    response = client.get(CREATE)
    assert_csp_and_no_inline_code(response, "model form")
    form = parse(response)
    assert form.get(data_testid="model-unit").text.startswith("Phường Phú Thượng")
    response = client.post(CREATE, model_post(unit=phu_thuong.pk))
    model = CommunityModel.objects.get(name="CLB Can thiệp sớm Phú Thượng")
    assert response.status_code == 302 and response["Location"] == page_of(model)
    assert (model.unit, model.status, model.established_on) == (phu_thuong, "pilot", D(2025, 3, 5))
    assert model.decision_body == vi("People's Committee of %(unit)s") % {"unit": phu_thuong.name}
    assert list(model.status_changes.values_list("status", "on")) == [("pilot", D(2025, 3, 5))]


def test_setting_up_a_model_refused_keeps_what_was_typed(client, officer, phu_thuong):
    client.force_login(officer)
    response = client.post(CREATE, model_post(unit=phu_thuong.pk, established_on="01/03/2025"))
    assert response.status_code == 400
    with translation.override("vi"):
        assert field_errors(response, "established_on") == [
            translation.gettext("A model is established by its decision, not before it.")
        ]
    assert parse(response).get("input", name="name").attrs["value"] == "CLB Can thiệp sớm Phú Thượng"
    assert not CommunityModel.objects.exists()


def test_a_province_officer_chooses_the_unit_and_cannot_choose_another_province(
    client, province_officer, unit, hai_chau
):
    client.force_login(province_officer)
    commune = unit("00004")
    refused = client.post(CREATE, model_post(unit=hai_chau.pk))
    assert refused.status_code == 400 and field_errors(refused, "unit")
    assert client.post(CREATE, model_post(unit=commune.pk)).status_code == 302
    assert CommunityModel.objects.get().unit == commune


def test_only_managers_set_up_models(client, make_user, phu_thuong, board_member):
    for user in (make_user(Role.COMMUNE_POLICE, phu_thuong), board_member):
        client.force_login(user)
        assert client.get(CREATE).status_code == 403


def test_editing_a_model(client, officer, club, world):
    client.force_login(officer)
    url = reverse("community:model_edit", args=[club.pk])
    form = parse(client.get(url))
    assert form.get("input", name="decision_date").attrs["value"] == "15/01/2024"
    assert form.find("input", name="unit") is None and form.find(data_field="status") is None
    post = model_post(name="CLB Vững bước mới", decision_date="15/01/2024", established_on="15/01/2024")
    blank = client.post(url, post)  # who issued the decision stays known
    assert blank.status_code == 400 and field_errors(blank, "decision_body")
    post["decision_body"] = "UBND phường Phú Thượng"
    assert client.post(url, post).status_code == 302
    club.refresh_from_db()
    assert (club.name, club.model_type.code, club.decision_number) == (
        "CLB Vững bước mới", "early_intervention_club", "112/QĐ-UBND",
    )  # fmt: skip
    refused = client.post(url, {**post, "name": "Điểm tư vấn Phú Thượng"})
    assert refused.status_code == 400 and field_errors(refused, "name")
    # Another commune's model is not found; a board member may not edit.
    assert client.get(reverse("community:model_edit", args=[world["neighbour"].pk])).status_code == 404


def test_changing_the_status(client, officer, club):
    client.force_login(officer)
    url = reverse("community:model_status", args=[club.pk])
    assert client.post(url, {"status": "active", "on": "01/06/2024", "note": "Sau 6 tháng"}).status_code == 302
    club.refresh_from_db()
    assert (club.status, club.status_since) == ("active", D(2024, 6, 1))
    refused = client.post(url, {"status": "stable", "on": "01/05/2024"})
    assert refused.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext("The change cannot be before the last one (%(day)s).") % {"day": "01/06/2024"}
    assert field_errors(refused, "on") == [expected]
    assert parse(refused).get("input", name="on").attrs["value"] == "01/05/2024"
    club.refresh_from_db()
    assert club.status == "active"
    # The current status is not offered.
    values = [i.attrs.get("value") for i in parse(client.get(url)).find_all("input", name="status")]
    assert "active" not in values and "stable" in values


# --- the board ----------------------------------------------------------------------------------


def test_adding_and_ending_a_board_seat(client, officer, club, make_user, phu_thuong, hai_chau):
    login = make_user(Role.BOARD_MEMBER, phu_thuong, full_name="Lê Văn Nam")
    stranger = make_user(Role.COMMUNE_OFFICER, hai_chau)
    client.force_login(officer)
    url = reverse("community:board_add", args=[club.pk])
    options = [o.attrs.get("value") for o in parse(client.get(url)).get("select", name="user").find_all("option")]
    assert str(login.pk) in options and str(officer.pk) in options and str(stranger.pk) not in options
    post = {"role": "chair", "full_name": "Lê Văn Nam", "position": "Bí thư Đoàn", "phone": "0912000111",
            "user": login.pk, "start_date": "01/03/2024"}  # fmt: skip
    assert client.post(url, post).status_code == 302
    seat = BoardMember.objects.get(model=club)
    assert (seat.user, seat.role, seat.start_date) == (login, "chair", D(2024, 3, 1))
    # A second chair in the same period is refused, and so is a login of another province.
    refused = client.post(url, {**post, "full_name": "Phạm Thu", "user": ""})
    assert refused.status_code == 400 and field_errors(refused, "role")
    assert parse(refused).get("input", name="full_name").attrs["value"] == "Phạm Thu"
    other = client.post(url, {**post, "role": "member", "user": stranger.pk})
    assert other.status_code == 400 and field_errors(other, "user")
    early = client.post(url, {**post, "role": "member", "user": "", "start_date": "01/01/2024"})
    assert early.status_code == 400 and field_errors(early, "start_date")
    # Ending the seat.
    edit = reverse("community:board_edit", args=[seat.pk])
    assert parse(client.get(edit)).get("input", name="full_name").attrs["value"] == "Lê Văn Nam"
    assert client.post(edit, {**post, "end_date": "31/12/2024"}).status_code == 302
    seat.refresh_from_db()
    assert seat.end_date == D(2024, 12, 31)
    page = parse(client.get(page_of(club)))
    assert "31/12/2024" in page.get(data_testid=f"seat-{seat.pk}").text


def test_a_board_member_cannot_change_the_board(client, board_member, club):
    client.force_login(board_member)
    seat = BoardMember.objects.get(model=club)
    assert client.get(reverse("community:board_add", args=[club.pk])).status_code == 403
    assert client.get(reverse("community:board_edit", args=[seat.pk])).status_code == 403


# --- members ------------------------------------------------------------------------------------


def test_enrolling_a_member(client, officer, club, phu_thuong, members):
    newcomer = register(officer, phu_thuong, "Đặng Văn Em")
    client.force_login(officer)
    url = reverse("community:member_add", args=[club.pk])
    options = {o.attrs.get("value") for o in parse(client.get(url)).get("select", name="person").find_all("option")}
    # Current members are not offered; a former member (An) and the newcomer are.
    assert str(newcomer.pk) in options and str(members["an"].person_id) in options
    assert str(members["binh"].person_id) not in options
    found = parse(client.get(url, {"q": "dang van"})).get("select", name="person").find_all("option")
    assert {o.attrs.get("value") for o in found} == {"", str(newcomer.pk)}
    response = client.post(url, {"person": newcomer.pk, "joined_on": "01/09/2024", "note": "Gia đình giới thiệu"})
    assert response.status_code == 302
    joined = Membership.objects.get(person=newcomer)
    assert (joined.model, joined.joined_on, joined.note) == (club, D(2024, 9, 1), "Gia đình giới thiệu")


def test_enrolling_refused(client, officer, province_officer, club, unit, make_user):
    ba_dinh = unit("00004")
    elsewhere = register(make_user(Role.COMMUNE_OFFICER, ba_dinh), ba_dinh, "Người xã khác")
    client.force_login(province_officer)
    url = reverse("community:member_add", args=[club.pk])
    other = client.post(url, {"person": elsewhere.pk, "joined_on": "01/09/2024"})
    assert other.status_code == 400 and field_errors(other, "person")
    person = register(officer, club.unit, "Vũ Văn Phong")
    early = client.post(url, {"person": person.pk, "joined_on": "01/01/2024", "note": "ghi chú"})
    assert early.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext("%(model)s was established on %(day)s.") % {
            "model": club.name,
            "day": "15/01/2024",
        }
    assert field_errors(early, "joined_on") == [expected]
    kept = parse(early)
    assert kept.get("input", name="note").attrs["value"] == "ghi chú"
    chosen = [o for o in kept.get("select", name="person").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in chosen] == [str(person.pk)]
    assert not Membership.objects.exists()


def test_a_member_leaves(client, officer, club, members):
    binh = members["binh"]
    services.session_record(actor=officer, model=club, date=D(2024, 8, 6), kind="regular", present=[binh])
    client.force_login(officer)
    url = reverse("community:member_leave", args=[binh.pk])
    assert parse(client.get(url)).get(data_testid="leave-form")
    refused = client.post(url, {"left_on": "01/08/2024", "reason": "withdrew"})
    assert refused.status_code == 400 and field_errors(refused, "left_on")
    before = client.post(url, {"left_on": "01/02/2024", "reason": "withdrew"})
    assert before.status_code == 400 and field_errors(before, "left_on")
    assert client.post(url, {"left_on": "31/08/2024", "reason": "withdrew", "note": "Đi làm xa"}).status_code == 302
    binh.refresh_from_db()
    assert (binh.left_on, binh.leave_reason, binh.note) == (D(2024, 8, 31), "withdrew", "Đi làm xa")
    assert parse(client.get(url)).get(data_testid="left")


def test_members_forms_are_for_managers_of_the_model(client, board_member, make_user, hai_chau, club, members):
    client.force_login(board_member)
    assert client.get(reverse("community:member_add", args=[club.pk])).status_code == 403
    assert client.get(reverse("community:member_leave", args=[members["binh"].pk])).status_code == 403
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(reverse("community:member_add", args=[club.pk])).status_code == 404
    assert client.get(reverse("community:member_leave", args=[members["binh"].pk])).status_code == 404
