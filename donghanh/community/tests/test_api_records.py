"""The community API's records: board seats and members, sessions, activities and roadmap targets, written
through the services with their messages as 400 and read back as each role may see them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import RoadmapTarget
from donghanh.community.tests.test_api import (
    ACTIVITIES,
    BOARD,
    JSON,
    MEMBERSHIPS,
    SESSIONS,
    TARGETS,
    D,
    World,
    kind,
    names,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, phu_thuong) -> World:
    return World(make_user, phu_thuong)


# --- board and members -----------------------------------------------------------------------------------


def test_board_seats_are_added_changed_and_ended(world, as_user):
    api = as_user(world.officer)
    services.board_add(
        actor=world.officer, model=world.other, role="chair", full_name="Võ Minh", start_date=D(2025, 3, 1)
    )
    assert names(api.get(BOARD, {"model": world.club.pk}), "full_name") == ["Lê Thị Hoa"]
    seat = next(s for s in api.get(BOARD).json()["results"] if s["full_name"] == "Lê Thị Hoa")
    assert (seat["role"], seat["user"], seat["username"], seat["end_date"]) == (
        "chair",
        world.chair_user.pk,
        "clb.vungbuoc",
        None,
    )
    added = api.post(
        BOARD,
        {"model": world.club.pk, "role": "vice_chair", "full_name": "Đỗ Văn Nam", "start_date": "2025-02-01"},
        content_type=JSON,
    )
    assert added.status_code == 201, added.content
    assert (added.json()["model_name"], added.json()["username"]) == ("CLB Vững bước", None)
    second_chair = api.post(
        BOARD,
        {"model": world.club.pk, "role": "chair", "full_name": "B", "start_date": "2025-05-01"},
        content_type=JSON,
    )
    assert second_chair.status_code == 400 and "Lê Thị Hoa" in second_chair.json()["role"][0]
    too_early = api.post(
        BOARD,
        {"model": world.club.pk, "role": "member", "full_name": "C", "start_date": "2025-01-01"},
        content_type=JSON,
    )
    assert too_early.status_code == 400 and "15/01/2025" in too_early.json()["start_date"][0]
    ended = api.patch(f"{BOARD}{added.json()['id']}/", {"end_date": "2025-10-01", "version": 1}, content_type=JSON)
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-10-01"
    backwards = api.patch(f"{BOARD}{added.json()['id']}/", {"end_date": "2025-01-01", "version": 2}, content_type=JSON)
    assert backwards.status_code == 400 and "end_date" in backwards.json()


def test_members_join_and_leave_through_the_services(world, as_user, phu_thuong):
    api = as_user(world.officer)
    assert sorted(names(api.get(MEMBERSHIPS, {"model": world.club.pk}))) == ["Lê Cường", "Nguyễn An", "Trần Bình"]
    assert names(api.get(MEMBERSHIPS, {"person": world.dung.pk})) == ["Phạm Dũng"]
    assert sorted(names(api.get(MEMBERSHIPS, {"model": world.club.pk, "active_on": "2025-09-01"}))) == [
        "Lê Cường",
        "Nguyễn An",
    ]
    early = api.post(
        MEMBERSHIPS, {"model": world.other.pk, "person": world.an.pk, "joined_on": "2025-02-01"}, content_type=JSON
    )
    assert early.status_code == 400 and "01/03/2025" in early.json()["joined_on"][0]
    twice = api.post(
        MEMBERSHIPS, {"model": world.club.pk, "person": world.an.pk, "joined_on": "2025-09-01"}, content_type=JSON
    )
    assert twice.status_code == 400 and "person" in twice.json()
    joined = api.post(
        MEMBERSHIPS, {"model": world.other.pk, "person": world.an.pk, "joined_on": "2025-04-01"}, content_type=JSON
    )
    assert joined.status_code == 201, joined.content
    assert (joined.json()["model_name"], joined.json()["person_code"]) == ("CLB Bình minh", world.an.code)
    leave = f"{MEMBERSHIPS}{joined.json()['id']}/leave/"
    left = api.post(leave, {"left_on": "2025-10-01", "reason": "graduated", "note": "Đạt mục tiêu"}, content_type=JSON)
    assert left.status_code == 200, left.content
    assert (left.json()["left_on"], left.json()["leave_reason"], left.json()["note"]) == (
        "2025-10-01",
        "graduated",
        "Đạt mục tiêu",
    )
    again = api.post(leave, {"left_on": "2025-11-01", "reason": "moved"}, content_type=JSON)
    assert again.status_code == 400 and "01/10/2025" in again.json()["left_on"][0]
    # Bình attended on 01/06/2025: leaving before that is refused.
    m = services.member_join(actor=world.officer, model=world.other, person=world.binh, joined_on=D(2025, 4, 1))
    services.session_record(actor=world.officer, model=world.other, date=D(2025, 6, 2), kind="regular", present=[m])
    attended = api.post(f"{MEMBERSHIPS}{m.pk}/leave/", {"left_on": "2025-05-01", "reason": "moved"}, content_type=JSON)
    assert attended.status_code == 400 and "02/06/2025" in attended.json()["left_on"][0]


# --- sessions ---------------------------------------------------------------------------------------------


def test_sessions_are_recorded_with_the_members_present(world, as_user):
    api = as_user(world.officer)
    new = {
        "model": world.club.pk,
        "date": "2025-07-01",
        "kind": "group_counselling",
        "topic": "Phòng tái nghiện",
        "present": [world.m_cuong.pk, world.m_an.pk],
        "family_count": 3,
        "guest_count": 1,
    }
    created = api.post(SESSIONS, new, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["present"], body["present_count"], body["family_count"], body["guest_count"]) == (
        sorted([world.m_an.pk, world.m_cuong.pk]),
        2,
        3,
        1,
    )
    assert (body["model_name"], body["recorded_by"], body["topic"]) == (
        "CLB Vững bước",
        world.officer.username,
        "Phòng tái nghiện",
    )
    # Bình left on 01/08/2025; Dũng is a member of the other club.
    gone = api.post(SESSIONS, {**new, "date": "2025-09-01", "present": [world.m_binh.pk]}, content_type=JSON)
    assert gone.status_code == 400 and "Trần Bình" in gone.json()["present"][0]
    assert "01/09/2025" in gone.json()["present"][0]
    elsewhere = api.post(SESSIONS, {**new, "present": [world.m_dung.pk]}, content_type=JSON)
    assert elsewhere.status_code == 400 and "Phạm Dũng" in elsewhere.json()["present"][0]
    unknown = api.post(SESSIONS, {**new, "present": [987654]}, content_type=JSON)
    assert unknown.status_code == 400 and "987654" in unknown.json()["present"][0]
    before = api.post(SESSIONS, {**new, "date": "2025-01-10", "present": []}, content_type=JSON)
    assert before.status_code == 400 and "15/01/2025" in before.json()["date"][0]
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert api.post(SESSIONS, {**new, "date": future, "present": []}, content_type=JSON).status_code == 400

    url = f"{SESSIONS}{body['id']}/"
    replaced = api.patch(url, {"present": [world.m_an.pk], "guest_count": 0, "version": 1}, content_type=JSON)
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["present"], replaced.json()["present_count"], replaced.json()["guest_count"]) == (
        [world.m_an.pk],
        1,
        0,
    )
    kept = api.patch(url, {"topic": "Kỹ năng sống"}, content_type=JSON, headers={"If-Match": replaced["ETag"]})
    assert (kept.json()["topic"], kept.json()["present"]) == ("Kỹ năng sống", [world.m_an.pk])
    # Moving the session to a day Bình was a member keeps its attendance valid; ticking him after he left is not.
    moved = api.patch(url, {"date": "2025-09-02", "present": [world.m_binh.pk], "version": 3}, content_type=JSON)
    assert moved.status_code == 400 and "present" in moved.json()


def test_sessions_are_filtered_by_model_and_dates(world, as_user):
    api = as_user(world.officer)
    dates = [s["date"] for s in api.get(SESSIONS).json()["results"]]
    assert dates == ["2025-06-01", "2025-05-01", "2025-04-02", "2025-04-01", "2025-03-01"]
    assert [s["date"] for s in api.get(SESSIONS, {"model": world.other.pk}).json()["results"]] == ["2025-04-02"]
    window = api.get(SESSIONS, {"model": world.club.pk, "from": "2025-04-01", "to": "2025-05-31"}).json()
    assert [s["date"] for s in window["results"]] == ["2025-05-01", "2025-04-01"]
    first = api.get(f"{SESSIONS}{world.sessions[0].pk}/").json()
    assert sorted(first["present"]) == sorted([world.m_an.pk, world.m_binh.pk, world.m_cuong.pk])
    assert first["present_count"] == 3


# --- activities and roadmaps ------------------------------------------------------------------------------


def test_activities_are_recorded_and_filtered(world, as_user, phu_thuong, make_user, hai_chau):
    api = as_user(world.officer)
    campaign = api.post(
        ACTIVITIES,
        {
            "unit": phu_thuong.pk,
            "date": "2025-06-26",
            "kind": "campaign",
            "title": "Ngày toàn dân phòng, chống ma tuý",
            "people_count": 10,
            "family_count": 20,
            "public_count": 200,
            "materials": "500 tờ rơi",
        },
        content_type=JSON,
    )
    assert campaign.status_code == 201, campaign.content
    body = campaign.json()
    assert (body["unit_code"], body["model"], body["model_name"], body["participants"]) == ("00091", None, None, 230)
    untitled = api.post(
        ACTIVITIES, {"unit": phu_thuong.pk, "date": "2025-06-26", "kind": "review", "title": " "}, content_type=JSON
    )
    assert untitled.status_code == 400 and "title" in untitled.json()
    # A board member names their model; without one the activity is not theirs to record.
    board = as_user(world.chair_user)
    bare = {"unit": phu_thuong.pk, "date": "2024-12-01", "kind": "culture_sports", "title": "Giao lưu bóng đá"}
    refused = board.post(ACTIVITIES, bare, content_type=JSON)
    assert refused.status_code == 400 and "model" in refused.json()
    theirs = board.post(ACTIVITIES, {**bare, "model": world.club.pk}, content_type=JSON)
    assert theirs.status_code == 201 and theirs.json()["model_name"] == "CLB Vững bước"
    assert names(board.get(ACTIVITIES), "title") == ["Giao lưu bóng đá"]  # not the commune's campaign

    far = make_user(Role.COMMUNE_OFFICER, hai_chau)
    services.activity_record(actor=far, unit=hai_chau, date=D(2025, 6, 26), kind="campaign", title="Hải Châu")
    province = as_user(make_user(Role.PROVINCE_OFFICER, phu_thuong.parent))
    assert names(province.get(ACTIVITIES), "title") == ["Ngày toàn dân phòng, chống ma tuý", "Giao lưu bóng đá"]
    assert names(province.get(ACTIVITIES, {"kind": "culture_sports"}), "title") == ["Giao lưu bóng đá"]
    assert names(province.get(ACTIVITIES, {"year": 2024}), "title") == ["Giao lưu bóng đá"]
    assert names(province.get(ACTIVITIES, {"unit": "00091", "year": 2025}), "title") == [
        "Ngày toàn dân phòng, chống ma tuý"
    ]
    assert names(province.get(ACTIVITIES, {"unit": "20242"}), "title") == []


def test_roadmap_targets_are_set_again_and_measured(world, as_user, make_user, phu_thuong):
    hanoi = phu_thuong.parent
    province = as_user(make_user(Role.PROVINCE_OFFICER, hanoi))
    overall = {"unit": hanoi.pk, "year": 2025, "models_target": 2, "stable_share_target": 50}
    created = province.post(TARGETS, overall, content_type=JSON)
    assert created.status_code == 201, created.content
    assert (created.json()["unit_code"], created.json()["model_type"], created.json()["type_code"]) == (
        "01",
        None,
        None,
    )
    again = province.post(TARGETS, {**overall, "models_target": 3, "note": "Điều chỉnh"}, content_type=JSON)
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert (again.json()["models_target"], again.json()["note"]) == (3, "Điều chỉnh")
    typed = province.post(
        TARGETS,
        {"unit": hanoi.pk, "year": 2025, "model_type": kind("post_rehab_club").pk, "models_target": 1},
        content_type=JSON,
    )
    assert typed.status_code == 201 and typed.json()["type_code"] == "post_rehab_club"
    assert RoadmapTarget.objects.filter(unit=hanoi).count() == 2
    bad = province.post(TARGETS, {**overall, "stable_share_target": 150}, content_type=JSON)
    assert bad.status_code == 400 and "stable_share_target" in bad.json()
    empty = province.post(TARGETS, {"unit": hanoi.pk, "year": 2026}, content_type=JSON)
    assert empty.status_code == 400 and "models_target" in empty.json()
    assert names(province.get(TARGETS, {"unit": "01", "year": 2025}), "type_code") == [None, "post_rehab_club"]
    assert as_user(world.officer).post(TARGETS, overall, content_type=JSON).status_code == 403

    services.model_status_change(actor=world.officer, model=world.club, status="stable", on=D(2025, 6, 1))
    progress = province.get(f"{TARGETS}progress/", {"unit": "01"})
    assert progress.status_code == 200, progress.content
    body = progress.json()
    assert body["unit"]["code"] == "01"
    rows = {row["type_code"]: row for row in body["targets"]}
    assert {k: (r["models"], r["stable"], r["models_met"], r["stable_met"]) for k, r in rows.items()} == {
        None: (2, 1, False, True),  # 2 of 3 models, half of them stable
        "post_rehab_club": (1, 1, True, None),
    }
    assert rows[None]["stable_share"] == 0.5 and rows[None]["measured_on"] == "2025-12-31"
    # Without a unit: the unit of the user's role.
    assert province.get(f"{TARGETS}progress/").json()["unit"]["code"] == "01"
    assert province.get(f"{TARGETS}progress/", {"unit": "20242"}).status_code == 404
