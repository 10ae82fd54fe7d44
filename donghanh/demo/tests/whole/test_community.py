"""The demo's community models: seed 004's six early-intervention clubs, Phú Thượng's club and counselling point,
activities and roadmaps, written through the services.

It reads the whole demo made once for this folder on a fixed day (conftest.py), so the figures do not move with
the calendar; each test reads it inside its own rolled-back transaction.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from donghanh.accounts.models import User
from donghanh.community.models import (
    Activity,
    Attendance,
    BoardMember,
    CommunityModel,
    Membership,
    RoadmapTarget,
    Session,
    StatusChange,
)
from donghanh.community.selectors import attendance_rates, is_regular, members_on, roadmap_progress, status_on
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG
from donghanh.demo.community_members import past_year
from donghanh.demo.tests.whole.conftest import TODAY
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

D = datetime.date
FIRST = D(2025, 11, 21)  # the past year's first day
COMMUNITY = (CommunityModel, StatusChange, BoardMember, Membership, Session, Attendance, Activity, RoadmapTarget)
EI = "early_intervention_club"
# The current wards the six clubs belong to, and the legacy ward each was founded in (its decision's issuer).
WARDS = {
    "20263": "Ủy ban nhân dân phường Nại Hiên Đông",  # Phường Sơn Trà
    "20275": "Ủy ban nhân dân phường An Hải Bắc",  # Phường An Hải: Thọ Quang too passed into Sơn Trà
    "20200": "Ủy ban nhân dân phường Hòa Minh",  # Phường Hòa Khánh
    "20305": "Ủy ban nhân dân phường Hòa An",  # Phường An Khê
    HAI_CHAU: "Ủy ban nhân dân phường Bình Hiên",  # merged into Phước Ninh, now in Phường Hải Châu
    "20285": "Ủy ban nhân dân phường Mỹ An",  # Phường Ngũ Hành Sơn
}

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def clubs() -> Any:
    return CommunityModel.objects.filter(model_type__code=EI).select_related("unit")


def province(code: str) -> OrgUnit:
    return OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code=code)


def test_six_early_intervention_clubs_in_six_current_wards_of_da_nang_operating_stably() -> None:
    da_nang = province("48")
    found = {club.unit.code: club for club in clubs()}
    assert {code: club.decision_body for code, club in found.items()} == WARDS
    assert all(c.unit.path.startswith(da_nang.path) and not c.unit.is_legacy for c in found.values())
    assert {c.status_then for c in status_on(clubs(), TODAY)} == {"stable"}
    for club in found.values():
        assert club.established_on.year == 2016 and club.decision_date <= club.established_on
        assert club.name == f"Câu lạc bộ “Can thiệp sớm, dự phòng nghiện ma túy” {club.unit.name.replace('P', 'p', 1)}"
        changes = list(club.status_changes.values_list("status", "on"))
        assert [status for status, _on in changes] == ["pilot", "active", "stable"]
        assert changes[0][1] == club.established_on and changes[1][1] == D(2018, 5, 15) and changes[2][1].year == 2019
        seats = club.board.all()
        assert sorted(s.role for s in seats) == ["chair", "member", "vice_chair"]
        assert all(s.start_date == D(2025, 8, 15) and s.end_date is None and s.position for s in seats)
    # Each ward's commune officer keeps its club; Hải Châu's is the demo account.
    keepers = dict(
        CommunityModel.history.filter(model_type__code=EI).values_list("unit__code", "history_user__username")
    )
    assert keepers == {
        "20263": "xa.sontra", "20275": "xa.anhai", "20200": "xa.hoakhanh", "20305": "xa.ankhe",
        HAI_CHAU: "xa.haichau", "20285": "xa.nguhanhson",
    }  # fmt: skip


def test_members_are_young_people_of_the_club_s_ward_under_early_intervention() -> None:
    memberships = Membership.objects.filter(model__model_type__code=EI).select_related("model__unit", "person__unit")
    by_club = Counter(m.model.unit.code for m in memberships)
    today = Counter(m.model.unit.code for m in memberships if m.active_on(TODAY))
    assert by_club == {"20263": 7, "20275": 9, "20200": 8, "20305": 10, HAI_CHAU: 7, "20285": 11}
    assert today == {"20263": 6, "20275": 7, "20200": 7, "20305": 8, HAI_CHAU: 6, "20285": 9}
    assert (sum(by_club.values()), sum(today.values())) == (52, 43)
    for m in memberships:
        assert m.person.unit == m.model.unit and 1998 <= m.person.birth_year <= 2006
        [episode] = Episode.objects.filter(person=m.person, episode_type="early_intervention")
        assert episode.start_date <= m.joined_on <= TODAY
    left = [m for m in memberships if m.left_on]
    assert Counter(m.leave_reason for m in left) == {"graduated": 3, "moved": 3, "withdrew": 3}
    assert all(FIRST <= m.left_on <= TODAY and m.note for m in left if m.left_on)
    # Hải Châu's two young people under early intervention (demo.people's) are members too.
    hai_chau = [m for m in memberships if m.model.unit.code == HAI_CHAU]
    earlier = Episode.objects.filter(person__unit__code=HAI_CHAU, episode_type="early_intervention", notes="")
    assert earlier.count() == 2 and set(earlier.values_list("person", flat=True)) <= {m.person_id for m in hai_chau}


def test_monthly_sessions_over_the_past_year_most_members_attend_regularly() -> None:
    assert past_year(TODAY) == (FIRST, TODAY)
    for club in clubs():
        days = list(club.sessions.values_list("date", flat=True))
        assert sorted((d.year, d.month) for d in days) == [(2025, 12)] + [(2026, m) for m in range(1, 12)]
        assert all(FIRST <= d <= TODAY for d in days)
        assert sum(s.family_count + s.guest_count for s in club.sessions.all()) > 0
    rates = attendance_rates(Membership.objects.filter(model__model_type__code=EI), FIRST, TODAY)
    assert all(r.held for r in rates)
    regular = [r for r in rates if is_regular(r.attended, r.held)]
    assert (len(rates), len(regular)) == (52, 41)
    irregular = Counter(r.membership.model.unit.code for r in rates if not r.regular)
    assert irregular == {"20200": 3, "20305": 3, "20285": 2, HAI_CHAU: 2, "20275": 1}
    assert Attendance.objects.filter(session__model__model_type__code=EI).count() == 363


def test_phu_thuong_s_post_rehab_club_and_counselling_point(unit: Any) -> None:
    club = CommunityModel.objects.get(model_type__code="post_rehab_club")
    point = CommunityModel.objects.get(model_type__code="counselling_point")
    assert club.unit == point.unit == unit(PHU_THUONG)
    assert {m.pk: m.status_then for m in status_on(CommunityModel.objects.filter(unit=club.unit), TODAY)} == {
        club.pk: "stable",
        point.pk: "active",
    }
    [seat] = club.board.filter(user__username="clb.phuthuong")
    assert (seat.role, seat.full_name, seat.end_date) == ("vice_chair", "Bùi Thị Lan", None)
    memberships = club.memberships.select_related("person")
    assert all(
        Episode.objects.filter(
            person=m.person, episode_type="post_rehab_management", start_date__lte=m.joined_on
        ).exists()
        for m in memberships
    )
    assert (memberships.count(), members_on(club, TODAY).count()) == (25, 17)
    left = Counter(memberships.exclude(leave_reason="").values_list("leave_reason", flat=True))
    assert left == {"graduated": 6, "moved": 1, "relapsed": 1}
    days = sorted(club.sessions.values_list("date", flat=True))
    assert len(days) == 12 and days[0] >= FIRST and [d for d in days if d >= D(2026, 11, 1)] == [D(2026, 11, 6)]
    assert set(club.sessions.values_list("recorded_by__username", flat=True)) == {"clb.phuthuong"}
    rates = attendance_rates(club.memberships.all(), FIRST, TODAY)
    assert (len(rates), sum(r.regular for r in rates), sum(not r.held for r in rates)) == (25, 17, 2)
    assert point.sessions.count() == 4 and not point.memberships.exists()


def test_a_board_member_sees_only_their_club_and_its_current_members() -> None:
    board_member = user("clb.phuthuong")
    [club] = CommunityModel.objects.accessible_to(board_member)
    assert club.model_type.code == "post_rehab_club"
    current = set(members_on(club, TODAY).values_list("person_id", flat=True))
    assert set(Person.objects.accessible_to(board_member).values_list("pk", flat=True)) == current
    assert len(current) == 17


def test_each_officer_sees_the_models_of_their_area() -> None:
    def seen(username: str) -> Counter[str]:
        return Counter(CommunityModel.objects.accessible_to(user(username)).values_list("unit__code", flat=True))

    assert seen("xa.haichau") == {HAI_CHAU: 1}  # not Phú Thượng's
    assert seen("xa.phuthuong") == {PHU_THUONG: 2}
    assert seen("tinh.hanoi") == {PHU_THUONG: 2}
    assert seen("tinh.danang") == dict.fromkeys(WARDS, 1)
    assert not CommunityModel.objects.accessible_to(user("xa.sontra")).exclude(unit__code="20263").exists()


def test_roadmap_progress_in_both_provinces() -> None:
    def progress(username: str, code: str) -> list[tuple[Any, ...]]:
        rows = roadmap_progress(user(username), province(code), TODAY)
        return [
            (p.target.year, p.target.model_type.code if p.target.model_type else None, p.target.models_target,
             p.target.stable_share_target, p.models, p.stable, p.measured_on, p.models_met, p.stable_met)
            for p in rows
        ]  # fmt: skip

    assert progress("tinh.hanoi", "01") == [
        (2025, None, 2, None, 2, 0, D(2025, 12, 31), True, None),
        (2026, None, 4, 100, 2, 1, TODAY, False, False),
    ]
    assert progress("tinh.danang", "48") == [(2026, EI, 6, 100, 6, 6, TODAY, True, True)]
    setters = dict(RoadmapTarget.history.values_list("unit__code", "history_user__username"))
    assert setters == {"01": "tinh.hanoi", "48": "tinh.danang"}


def test_activities_of_every_kind_in_both_provinces_with_participants_by_category() -> None:
    activities = Activity.objects.select_related("unit")
    kinds = Counter((a.unit.path.split("/")[1], a.kind) for a in activities)
    assert kinds == {
        ("NP01", "campaign"): 1, ("NP01", "training"): 1, ("NP01", "review"): 1, ("NP01", "drug_free"): 1,
        ("NP01", "culture_sports"): 1,
        ("NP48", "campaign"): 1, ("NP48", "training"): 1, ("NP48", "review"): 1, ("NP48", "drug_free"): 1,
    }  # fmt: skip
    assert all(a.date <= TODAY and a.participants > 0 and a.staff_count > 0 for a in activities)
    assert sum(a.participants for a in activities) == 1627
    [match] = activities.filter(kind="culture_sports")
    assert match.recorded_by == user("clb.phuthuong") and match.model is not None


def test_every_record_was_written_by_a_service_naming_its_actor() -> None:
    for model in COMMUNITY:
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count() > 0, model
        assert not model.history.filter(history_user=None).exists(), model


def test_a_second_run_creates_nothing_new() -> None:
    before = [model.objects.count() for model in COMMUNITY]
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert [model.objects.count() for model in COMMUNITY] == before
    summary = out.getvalue()
    assert "Demo community models (already there, none added):" in summary
    assert "Thành phố Hà Nội: 2 models (1 operating stably), 17 members today" in summary
    assert "Thành phố Đà Nẵng: 6 models (6 operating stably), 43 members today" in summary
    assert "tinh.danang" in summary and "xa.nguhanhson" in summary
    assert re.search(r"clb\.phuthuong sits on the board of .+: \d+ members today", summary)
