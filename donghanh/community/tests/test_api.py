"""The community API: scoped like the pages (a board member sees only their model and its members), models and
their types, query counts pinned on every list, and a clean schema.

The endpoints' helpers and the `World` of two clubs are here, and test_api_records (board, members, sessions,
activities, roadmaps) imports them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import ModelType
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
API = "/api/v1/"
MODELS = f"{API}community-models/"
BOARD = f"{API}board-members/"
MEMBERSHIPS = f"{API}memberships/"
SESSIONS = f"{API}sessions/"
ACTIVITIES = f"{API}community-activities/"
TARGETS = f"{API}roadmap-targets/"
JSON = "application/json"


def kind(code: str) -> ModelType:
    return ModelType.objects.get(code=code)


def register(officer: Any, unit: Any, name: str) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=1995, registered_on=D(2024, 1, 2)
    )


def names(response: Any, key: str = "person_name") -> list[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row[key] for row in rows]


class World:
    """A commune (Phú Thượng) with two clubs: "Vững bước" (a board chair with a login, three members of whom
    Bình left, four sessions) and "Bình minh" (one member, Dũng)."""

    def __init__(self, make_user: Callable[..., Any], phu_thuong: Any) -> None:
        self.officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
        self.chair_user = make_user(Role.BOARD_MEMBER, phu_thuong, username="clb.vungbuoc")
        officer = self.officer
        self.an, self.binh, self.cuong, self.dung = (
            register(officer, phu_thuong, name) for name in ("Nguyễn An", "Trần Bình", "Lê Cường", "Phạm Dũng")
        )
        self.club = services.model_create(
            actor=officer, unit=phu_thuong, model_type=kind("post_rehab_club"), name="CLB Vững bước",
            decision_number="45/QĐ-UBND", decision_date=D(2025, 1, 10), established_on=D(2025, 1, 15),
        )  # fmt: skip
        self.other = services.model_create(
            actor=officer, unit=phu_thuong, model_type=kind("early_intervention_club"), name="CLB Bình minh",
            decision_number="46/QĐ-UBND", decision_date=D(2025, 3, 1), established_on=D(2025, 3, 1),
        )  # fmt: skip
        self.chair = services.board_add(
            actor=officer, model=self.club, role="chair", full_name="Lê Thị Hoa", start_date=D(2025, 1, 15),
            user=self.chair_user,
        )  # fmt: skip
        join = services.member_join
        self.m_an, self.m_binh, self.m_cuong = (
            join(actor=officer, model=self.club, person=p, joined_on=D(2025, 2, 1))
            for p in (self.an, self.binh, self.cuong)
        )
        self.m_dung = join(actor=officer, model=self.other, person=self.dung, joined_on=D(2025, 3, 5))
        a, b, c = self.m_an, self.m_binh, self.m_cuong
        self.sessions = [
            services.session_record(actor=officer, model=self.club, date=day, kind="regular", present=present)
            for day, present in (
                (D(2025, 3, 1), [a, b, c]),
                (D(2025, 4, 1), [a, c]),
                (D(2025, 5, 1), [a, c]),
                (D(2025, 6, 1), [a, b]),
            )
        ]
        services.member_leave(actor=officer, membership=self.m_binh, left_on=D(2025, 8, 1), reason="moved")
        self.other_session = services.session_record(
            actor=officer, model=self.other, date=D(2025, 4, 2), kind="talk", present=[self.m_dung]
        )


@pytest.fixture
def world(make_user, phu_thuong) -> World:
    return World(make_user, phu_thuong)


# --- types and models ---------------------------------------------------------------------------------


def test_model_types_are_listed_and_read_only(world, as_user):
    api = as_user(world.officer)
    codes = [row["code"] for row in api.get(f"{API}model-types/").json()["results"]]
    assert codes == ["counselling_point", "post_rehab_club", "early_intervention_club", "self_help_group"]
    assert api.post(f"{API}model-types/", {"code": "x"}, content_type=JSON).status_code == 405


def test_models_list_with_their_unit_type_and_members_today_and_filters(world, as_user):
    api = as_user(world.officer)
    rows = api.get(MODELS).json()["results"]
    assert [r["name"] for r in rows] == ["CLB Bình minh", "CLB Vững bước"]
    club = rows[1]
    assert (club["unit_code"], club["unit_name"], club["type_code"]) == (
        "00091",
        "Phường Phú Thượng",
        "post_rehab_club",
    )
    assert (club["decision_number"], club["decision_date"], club["established_on"]) == (
        "45/QĐ-UBND",
        "2025-01-10",
        "2025-01-15",
    )
    assert (club["status"], club["status_since"], club["members_today"]) == ("pilot", "2025-01-15", 2)
    assert club["type_label"] == "Post-rehab club"
    assert "status_history" not in club

    def listed(**query: str) -> list[str]:
        return names(api.get(MODELS, query), "name")

    assert listed(type="post_rehab_club") == ["CLB Vững bước"]
    assert listed(unit="01") == ["CLB Bình minh", "CLB Vững bước"]  # Hà Nội's subtree
    assert listed(unit="00091") == ["CLB Bình minh", "CLB Vững bước"]
    assert listed(unit="20242") == listed(unit="nowhere") == []
    assert listed(q="vững") == ["CLB Vững bước"]
    services.model_status_change(actor=world.officer, model=world.other, status="active", on=D(2025, 6, 1))
    assert listed(status="active") == ["CLB Bình minh"]
    assert api.get(MODELS, {"status": "sleeping"}).status_code == 400


def test_a_model_shows_its_status_history_and_changes_status_through_the_service(world, as_user):
    api = as_user(world.officer)
    url = f"{MODELS}{world.club.pk}/"
    assert api.get(url).json()["status_history"] == [
        {"status": "pilot", "on": "2025-01-15", "note": "", "by": world.officer.username}
    ]
    changed = api.post(f"{url}status/", {"status": "active", "on": "2025-06-01", "note": "Họp đều"}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["status"], body["status_since"]) == ("active", "2025-06-01")
    assert [(h["status"], h["on"], h["note"]) for h in body["status_history"]] == [
        ("pilot", "2025-01-15", ""),
        ("active", "2025-06-01", "Họp đều"),
    ]
    earlier = api.post(f"{url}status/", {"status": "stable", "on": "2025-05-01"}, content_type=JSON)
    assert earlier.status_code == 400
    assert "before the last one (01/06/2025)" in earlier.json()["on"][0]
    unknown = api.post(f"{url}status/", {"status": "sleeping", "on": "2025-07-01"}, content_type=JSON)
    assert unknown.status_code == 400 and "status" in unknown.json()


def test_models_are_set_up_and_corrected_through_the_services(world, as_user, make_user, phu_thuong, hai_chau):
    api = as_user(world.officer)
    new = {
        "unit": phu_thuong.pk,
        "model_type": kind("counselling_point").pk,
        "name": "Điểm tư vấn Phú Thượng",
        "decision_number": "50/QĐ-UBND",
        "decision_date": "2025-09-01",
        "established_on": "2025-09-15",
        "schedule": "weekly",
    }
    created = api.post(MODELS, new, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["status_since"], body["members_today"]) == ("pilot", "2025-09-15", 0)
    assert body["decision_body"] == "UBND Phường Phú Thượng"  # stored in the installation's language
    assert [h["status"] for h in body["status_history"]] == ["pilot"]
    duplicate = api.post(MODELS, {**new, "name": " Điểm tư vấn  Phú Thượng"}, content_type=JSON)
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    before_decision = api.post(MODELS, {**new, "name": "Khác", "established_on": "2025-08-01"}, content_type=JSON)
    assert before_decision.status_code == 400 and "established_on" in before_decision.json()

    url = f"{MODELS}{world.club.pk}/"
    read = api.get(url)
    changed = api.patch(
        url, {"meeting_place": "Nhà văn hoá tổ 5"}, content_type=JSON, headers={"If-Match": read["ETag"]}
    )
    assert changed.status_code == 200 and changed.json()["meeting_place"] == "Nhà văn hoá tổ 5"
    assert api.patch(url, {"status": "dissolved"}, content_type=JSON).json().keys() == {"status"}  # not here
    earlier = api.patch(url, {"established_on": "2025-01-12", "version": changed.json()["version"]}, content_type=JSON)
    assert earlier.status_code == 200 and earlier.json()["established_on"] == "2025-01-12"
    late = api.patch(
        url, {"established_on": "2025-03-01", "version": earlier.json()["version"]}, content_type=JSON
    )  # members joined on 01/02/2025
    assert late.status_code == 400 and "established_on" in late.json()

    for role, at in ((Role.VOLUNTEER, phu_thuong), (Role.COMMUNE_OFFICER, hai_chau)):
        refused = as_user(make_user(role, at)).post(MODELS, {**new, "name": "Khác nữa"}, content_type=JSON)
        assert refused.status_code == 403
    assert as_user(world.chair_user).post(MODELS, {**new, "name": "Khác nữa"}, content_type=JSON).status_code == 403
    assert as_user(world.chair_user).patch(url, {"meeting_place": "x"}, content_type=JSON).status_code == 403


def test_members_on_a_date_and_attendance_rates(world, as_user):
    api = as_user(world.officer)
    url = f"{MODELS}{world.club.pk}/"
    assert names(api.get(f"{url}members/", {"on": "2025-05-01"})) == ["Lê Cường", "Nguyễn An", "Trần Bình"]
    assert names(api.get(f"{url}members/")) == ["Lê Cường", "Nguyễn An"]  # Bình left on 01/08/2025
    assert names(api.get(f"{url}members/", {"on": "2025-01-20"})) == []
    assert api.get(f"{url}members/", {"on": "20/13/2025"}).status_code == 400

    report = api.get(f"{url}attendance/", {"from": "2025-03-01", "to": "2025-06-30"}).json()
    assert (report["from"], report["to"], report["regular_percent"]) == ("2025-03-01", "2025-06-30", 75)
    rates = {r["person_name"]: (r["held"], r["attended"], r["rate"], r["regular"]) for r in report["members"]}
    assert rates == {
        "Nguyễn An": (4, 4, 1.0, True),
        "Lê Cường": (4, 3, 0.75, True),  # exactly the threshold
        "Trần Bình": (4, 2, 0.5, False),
    }
    row = next(r for r in report["members"] if r["person_name"] == "Trần Bình")
    assert (row["membership"], row["person"], row["left_on"]) == (world.m_binh.pk, world.binh.pk, "2025-08-01")
    # From the establishment to today by default; a member gone before the period is left out.
    whole = api.get(f"{url}attendance/").json()
    assert whole["from"] == "2025-01-15" and whole["to"] == timezone.localdate().isoformat()
    later = api.get(f"{url}attendance/", {"from": "2025-09-01"}).json()["members"]
    assert {r["person_name"]: r["held"] for r in later} == {"Nguyễn An": 0, "Lê Cường": 0}
    assert all(r["rate"] is None and r["regular"] is False for r in later)
    assert api.get(f"{url}attendance/", {"from": "2025-06-30", "to": "2025-03-01"}).status_code == 400


# --- scope ----------------------------------------------------------------------------------------------


def test_a_board_member_sees_only_their_model_and_its_members(world, as_user):
    api = as_user(world.chair_user)
    assert names(api.get(MODELS), "name") == ["CLB Vững bước"]
    assert api.get(f"{MODELS}{world.other.pk}/").status_code == 404
    assert api.get(f"{MODELS}{world.other.pk}/members/").status_code == 404
    assert api.get(f"{MODELS}{world.club.pk}/").status_code == 200
    assert {s["model"] for s in api.get(SESSIONS).json()["results"]} == {world.club.pk}
    assert api.get(f"{SESSIONS}{world.other_session.pk}/").status_code == 404
    # Their people are the model's members today: Bình left, Dũng is in the other club.
    assert sorted(names(api.get(MEMBERSHIPS))) == ["Lê Cường", "Nguyễn An"]
    assert api.get(f"{MEMBERSHIPS}{world.m_dung.pk}/").status_code == 404
    assert sorted(names(api.get(f"{API}people/"), "full_name")) == ["Lê Cường", "Nguyễn An"]
    assert api.get(f"{API}people/{world.dung.pk}/").status_code == 404
    assert names(api.get(BOARD), "full_name") == ["Lê Thị Hoa"]
    # They record their own model's sessions, not the other's, and do not manage the model.
    own = api.post(SESSIONS, {"model": world.club.pk, "date": "2025-07-01", "kind": "talk"}, content_type=JSON)
    assert own.status_code == 201, own.content
    other = api.post(SESSIONS, {"model": world.other.pk, "date": "2025-07-01", "kind": "talk"}, content_type=JSON)
    assert other.status_code == 400 and "model" in other.json()
    assert api.post(f"{MODELS}{world.club.pk}/status/", {"status": "active", "on": "2025-06-01"}).status_code == 403
    assert api.post(
        f"{MEMBERSHIPS}{world.m_an.pk}/leave/", {"left_on": "2025-09-01", "reason": "moved"}
    ).status_code == (403)


def test_a_commune_officer_elsewhere_sees_nothing_of_phu_thuong(world, as_user, make_user, hai_chau):
    services.activity_record(
        actor=world.officer, unit=world.club.unit, date=D(2025, 6, 26), kind="campaign", title="Ngày toàn dân"
    )
    api = as_user(make_user(Role.COMMUNE_OFFICER, hai_chau))
    for url in (MODELS, BOARD, MEMBERSHIPS, SESSIONS, ACTIVITIES, TARGETS):
        assert api.get(url).json()["results"] == [], url
    for url in (
        f"{MODELS}{world.club.pk}/",
        f"{MODELS}{world.club.pk}/members/",
        f"{MODELS}{world.club.pk}/attendance/",
        f"{BOARD}{world.chair.pk}/",
        f"{MEMBERSHIPS}{world.m_an.pk}/",
        f"{SESSIONS}{world.sessions[0].pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.get(f"{TARGETS}progress/", {"unit": "00091"}).status_code == 404
    changed = api.post(f"{MODELS}{world.club.pk}/status/", {"status": "active", "on": "2025-06-01"})
    assert changed.status_code == 404


def test_a_volunteer_reads_but_cannot_write(world, as_user, make_user, phu_thuong, assign_volunteer):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, world.an)
    api = as_user(volunteer)
    assert names(api.get(MODELS), "name") == ["CLB Bình minh", "CLB Vững bước"]
    assert names(api.get(MEMBERSHIPS)) == ["Nguyễn An"]  # only the people assigned to them
    assert names(api.get(f"{MODELS}{world.club.pk}/members/")) == ["Nguyễn An"]
    for url, data in (
        (SESSIONS, {"model": world.club.pk, "date": "2025-07-01", "kind": "talk"}),
        (MEMBERSHIPS, {"model": world.club.pk, "person": world.dung.pk, "joined_on": "2025-07-01"}),
        (BOARD, {"model": world.club.pk, "role": "member", "full_name": "A", "start_date": "2025-07-01"}),
        (ACTIVITIES, {"unit": phu_thuong.pk, "date": "2025-07-01", "kind": "campaign", "title": "A"}),
        (TARGETS, {"unit": phu_thuong.pk, "year": 2026, "models_target": 1}),
        (f"{MODELS}{world.club.pk}/status/", {"status": "active", "on": "2025-06-01"}),
    ):
        assert api.post(url, data, content_type=JSON).status_code == 403, url
    assert api.patch(f"{SESSIONS}{world.sessions[0].pk}/", {"topic": "x"}, content_type=JSON).status_code == 403


# --- query counts and schema ------------------------------------------------------------------------------


def more_of_everything(world: World, make_user: Callable[..., Any], phu_thuong: Any, n: int) -> None:
    """Another n clubs in the commune, each with board, members, sessions, an activity and a target."""
    officer = world.officer
    hanoi_officer = make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)
    types = list(ModelType.objects.all())
    for i in range(n):
        club = services.model_create(
            actor=officer, unit=phu_thuong, model_type=kind("self_help_group"), name=f"Nhóm tự lực {i}",
            decision_number=f"6{i}/QĐ-UBND", decision_date=D(2025, 2, 1), established_on=D(2025, 2, 1),
        )  # fmt: skip
        services.board_add(
            actor=officer, model=club, role="chair", full_name=f"Chủ nhiệm {i}", start_date=D(2025, 2, 1)
        )
        people = [register(officer, phu_thuong, f"Thành viên {i} {j}") for j in range(3)]
        members = [services.member_join(actor=officer, model=club, person=p, joined_on=D(2025, 2, 1)) for p in people]
        for month in (3, 4):
            services.session_record(actor=officer, model=club, date=D(2025, month, 1), kind="regular", present=members)
        services.activity_record(
            actor=officer, unit=phu_thuong, date=D(2025, 5, i + 1), kind="training", title=f"Tập huấn {i}"
        )
        services.roadmap_target_set(
            actor=hanoi_officer, unit=phu_thuong.parent, year=2025, model_type=types[i % len(types)],
            models_target=i + 1, stable_share_target=None,
        )  # fmt: skip
    # The club itself gets more members and sessions, so the board member's lists grow too.
    for j in range(3):
        person = register(officer, phu_thuong, f"Người mới {j}")
        m = services.member_join(actor=officer, model=world.club, person=person, joined_on=D(2025, 9, 1))
        services.session_record(actor=officer, model=world.club, date=D(2025, 9, j + 2), kind="talk", present=[m])
    services.model_status_change(actor=officer, model=world.club, status="active", on=D(2025, 9, 1))


def test_every_list_costs_the_same_queries_for_a_little_data_or_more(world, as_user, make_user, phu_thuong):
    province_officer = make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)
    services.roadmap_target_set(
        actor=province_officer, unit=phu_thuong.parent, year=2025, model_type=None, models_target=2,
        stable_share_target=100,
    )  # fmt: skip
    services.activity_record(
        actor=world.officer, unit=phu_thuong, date=D(2025, 6, 26), kind="campaign", title="Ngày toàn dân"
    )
    club = f"{MODELS}{world.club.pk}/"
    # session, user, grants, then the rows: count and page (+ prefetch); actions read the model first.
    expected = {
        (province_officer, f"{API}model-types/"): 5,
        (province_officer, MODELS): 5,
        (province_officer, BOARD): 5,
        (province_officer, MEMBERSHIPS): 4,  # paged by a cursor: no count
        (province_officer, SESSIONS): 6,
        (province_officer, ACTIVITIES): 5,
        (province_officer, TARGETS): 5,
        (province_officer, f"{TARGETS}progress/?unit=01"): 6,  # + the unit, the targets, one per year
        (province_officer, f"{club}members/"): 5,
        (province_officer, f"{club}attendance/?from=2025-01-01"): 5,
        (world.chair_user, MODELS): 5,
        (world.chair_user, MEMBERSHIPS): 4,
        (world.chair_user, SESSIONS): 6,
        (world.chair_user, f"{club}attendance/"): 5,
    }

    def counts() -> dict[tuple[Any, str], int]:
        seen = {}
        for user, url in expected:
            api = as_user(user)
            with CaptureQueriesContext(connection) as queries:
                response = api.get(url)
            assert response.status_code == 200, (url, response.content)
            seen[(user, url)] = len(queries)
        return seen

    small = counts()
    more_of_everything(world, make_user, phu_thuong, 4)
    assert counts() == small
    assert small == expected


def test_schema_lists_the_community_endpoints(world, as_user):
    paths = yaml.safe_load(as_user(world.officer).get(reverse("api-schema")).content)["paths"]
    assert set(paths[f"{API}model-types/"]) == {"get"}
    assert set(paths[f"{API}community-models/"]) == {"get", "post"}
    assert set(paths[f"{API}community-models/{{id}}/"]) == {"get", "patch"}
    assert set(paths[f"{API}community-models/{{id}}/status/"]) == {"post"}
    assert set(paths[f"{API}community-models/{{id}}/members/"]) == {"get"}
    assert set(paths[f"{API}community-models/{{id}}/attendance/"]) == {"get"}
    assert set(paths[f"{API}board-members/{{id}}/"]) == {"get", "patch"}
    assert set(paths[f"{API}memberships/"]) == {"get", "post"}
    assert set(paths[f"{API}memberships/{{id}}/leave/"]) == {"post"}
    assert set(paths[f"{API}sessions/{{id}}/"]) == {"get", "patch"}
    assert set(paths[f"{API}community-activities/"]) == {"get", "post"}
    assert set(paths[f"{API}roadmap-targets/"]) == {"get", "post"}
    assert set(paths[f"{API}roadmap-targets/progress/"]) == {"get"}

    def parameters(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert {"type", "status", "unit", "q", "page"} <= parameters(f"{API}community-models/")
    assert {"model", "person", "active_on"} <= parameters(f"{API}memberships/")
    assert {"model", "from", "to"} <= parameters(f"{API}sessions/")
    assert {"unit", "kind", "year"} <= parameters(f"{API}community-activities/")
    assert parameters(f"{API}community-models/{{id}}/attendance/") == {"id", "from", "to"}
    assert parameters(f"{API}community-models/{{id}}/members/") == {"id", "on"}
    assert parameters(f"{API}roadmap-targets/progress/") == {"unit"}
