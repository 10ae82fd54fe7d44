"""status_as_of: who was managed where, under what and where they were, on a given day."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.selectors import status_as_of
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.services import person_merge, person_register, person_transfer, whereabouts_record

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
T = EpisodeType
PHU_THUONG, BA_DINH, HAI_CHAU = "00091", "00004", "20242"
REGISTERED = D(2024, 1, 2)


@pytest.fixture
def officers(make_user, unit):
    return {code: make_user(Role.COMMUNE_OFFICER, unit(code)) for code in (PHU_THUONG, BA_DINH, HAI_CHAU)}


@pytest.fixture
def officer(officers):
    return officers[PHU_THUONG]


@pytest.fixture
def register(officers, unit):
    def make(full_name="Nguyễn Văn Hùng", *, at=PHU_THUONG, on=REGISTERED):
        return person_register(
            actor=officers[at], unit=unit(at), full_name=full_name, sex=Sex.MALE, birth_year=1990, registered_on=on
        )

    return make


@pytest.fixture
def hanoi_officer(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))


def active_types(user, day, person) -> list[str]:
    [seen] = status_as_of(user, day, person=person)
    return [e.episode_type for e in seen.active_episodes]


# --- episodes at their boundaries --------------------------------------------------------------


@pytest.fixture
def closed_episode(register, officer):
    """Post-rehab management from 01/07/2024, closed on 31/03/2025."""
    person = register()
    episode = episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1))
    episode_close(actor=officer, episode=episode, end_date=D(2025, 3, 31), end_reason=EndReason.RELAPSE)
    return person, episode


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (D(2024, 6, 30), False),  # the day before the start
        (D(2024, 7, 1), True),  # the start day
        (D(2025, 3, 31), True),  # the actual end day
        (D(2025, 4, 1), False),  # the day after
        (D(2025, 6, 30), False),  # the planned end does not matter once closed
    ],
)
def test_an_episode_is_active_from_its_start_day_to_its_actual_end_day(closed_episode, officer, day, active):
    person, episode = closed_episode
    [seen] = status_as_of(officer, day)
    assert seen == person  # managed all along, under the measure or not
    assert [e.pk for e in seen.active_episodes] == ([episode.pk] if active else [])
    under = status_as_of(officer, day, episode_types=[T.POST_REHAB_MANAGEMENT])
    assert list(under) == ([person] if active else [])


def test_an_open_episode_past_its_planned_end_is_still_active(register, officer):
    person = register()
    episode = episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1))
    assert episode.planned_end_date == D(2025, 6, 30)
    assert active_types(officer, D(2025, 7, 1), person) == [T.POST_REHAB_MANAGEMENT]
    assert list(status_as_of(officer, D(2026, 1, 1), episode_types=[T.POST_REHAB_MANAGEMENT])) == [person]


def test_overlapping_episodes_are_all_active_in_start_order(register, officer):
    person = register()
    episode_open(
        actor=officer, person=person, episode_type=T.METHADONE, start_date=D(2024, 9, 1), facility="Cơ sở Methadone"
    )
    episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1))
    assert active_types(officer, D(2024, 8, 31), person) == [T.POST_REHAB_MANAGEMENT]
    assert active_types(officer, D(2024, 9, 1), person) == [T.POST_REHAB_MANAGEMENT, T.METHADONE]
    assert list(status_as_of(officer, D(2024, 8, 31), episode_types=[T.METHADONE])) == []
    assert list(status_as_of(officer, D(2024, 9, 1), episode_types=[T.METHADONE, T.COMPULSORY_REHAB])) == [person]


def test_people_appear_from_their_registration_date(register, officer):
    person = register(on=D(2024, 3, 15))
    assert list(status_as_of(officer, D(2024, 3, 14))) == []
    assert list(status_as_of(officer, D(2024, 3, 15))) == [person]


# --- whereabouts -------------------------------------------------------------------------------


def test_whereabouts_at_are_the_latest_record_on_or_before_the_day(register, officer):
    person = register()
    whereabouts_record(actor=officer, person=person, status=Whereabouts.IN_FACILITY, since=D(2024, 6, 1))
    whereabouts_record(actor=officer, person=person, status=Whereabouts.DETAINED, since=D(2024, 6, 1))  # later
    whereabouts_record(actor=officer, person=person, status=Whereabouts.MOVED_AWAY, since=D(2024, 3, 1))  # earlier

    def where(day):
        [seen] = status_as_of(officer, day)
        return seen.whereabouts_at, seen.whereabouts_since

    assert where(REGISTERED) == (Whereabouts.AT_RESIDENCE, REGISTERED)
    assert where(D(2024, 2, 29)) == (Whereabouts.AT_RESIDENCE, REGISTERED)
    assert where(D(2024, 3, 1)) == (Whereabouts.MOVED_AWAY, D(2024, 3, 1))
    assert where(D(2024, 5, 31)) == (Whereabouts.MOVED_AWAY, D(2024, 3, 1))
    assert where(D(2024, 6, 1)) == (Whereabouts.DETAINED, D(2024, 6, 1))  # the later-created of the day
    assert where(D(2026, 1, 1)) == (Whereabouts.DETAINED, D(2024, 6, 1))


def test_the_whereabouts_filter_uses_the_whereabouts_of_the_day(register, officer):
    inside = register("Nguyễn Văn Hùng")
    home = register("Trần Văn Nam")
    whereabouts_record(actor=officer, person=inside, status=Whereabouts.IN_FACILITY, since=D(2024, 6, 1))
    assert list(status_as_of(officer, D(2024, 5, 31), whereabouts=[Whereabouts.IN_FACILITY])) == []
    assert list(status_as_of(officer, D(2024, 6, 1), whereabouts=[Whereabouts.IN_FACILITY])) == [inside]
    assert list(status_as_of(officer, D(2024, 6, 1), whereabouts=[Whereabouts.AT_RESIDENCE])) == [home]
    both = status_as_of(officer, D(2024, 6, 1), whereabouts=[Whereabouts.AT_RESIDENCE, Whereabouts.IN_FACILITY])
    assert set(both) == {inside, home}


# --- scope and subtree -------------------------------------------------------------------------


@pytest.fixture
def three_communes(register):
    return {code: register(f"Người ở {code}", at=code) for code in (PHU_THUONG, BA_DINH, HAI_CHAU)}


def test_a_commune_officer_sees_their_commune_only(three_communes, officers):
    for code, officer in officers.items():
        assert list(status_as_of(officer, D(2024, 6, 1))) == [three_communes[code]]


def test_a_province_officer_sees_all_communes_of_the_province(three_communes, hanoi_officer, unit):
    seen = {p: p.unit_at for p in status_as_of(hanoi_officer, D(2024, 6, 1))}
    assert seen == {
        three_communes[PHU_THUONG]: unit(PHU_THUONG).pk,
        three_communes[BA_DINH]: unit(BA_DINH).pk,
    }


def test_unit_restricts_to_a_subtree_within_the_scope(three_communes, hanoi_officer, officer, make_user, unit):
    day = D(2024, 6, 1)
    assert list(status_as_of(hanoi_officer, day, unit=unit(BA_DINH))) == [three_communes[BA_DINH]]
    national = make_user(Role.NATIONAL_MANAGER, unit("VN", level=OrgUnit.Level.NATION))
    assert set(status_as_of(national, day)) == set(three_communes.values())
    hanoi = unit("01", level=OrgUnit.Level.PROVINCE)
    assert set(status_as_of(national, day, unit=hanoi)) == {three_communes[PHU_THUONG], three_communes[BA_DINH]}
    da_nang = unit("48", level=OrgUnit.Level.PROVINCE)
    assert list(status_as_of(national, day, unit=da_nang)) == [three_communes[HAI_CHAU]]
    # A unit outside the scope widens nothing.
    assert list(status_as_of(officer, day, unit=unit(HAI_CHAU))) == []
    assert list(status_as_of(officer, day, unit=hanoi)) == [three_communes[PHU_THUONG]]


# Volunteers see only the people assigned to them: casework/tests/test_scope.py.
def test_without_the_right_to_see_legal_history_there_are_no_episodes(closed_episode, make_user, unit):
    person, _episode = closed_episode
    user = make_user(Role.AUDITOR, unit(PHU_THUONG))
    [seen] = status_as_of(user, D(2024, 8, 1))
    assert seen == person
    assert not hasattr(seen, "active_episodes")
    assert list(status_as_of(user, D(2024, 8, 1), episode_types=[T.POST_REHAB_MANAGEMENT])) == []


def test_a_board_member_sees_their_club_s_members_without_their_legal_history(closed_episode, make_user, unit):
    from donghanh.community import services as community
    from donghanh.community.models import ModelType

    person, _episode = closed_episode
    officer = make_user(Role.COMMUNE_OFFICER, unit(PHU_THUONG))
    board = make_user(Role.BOARD_MEMBER, unit(PHU_THUONG))
    assert list(status_as_of(board, D(2024, 8, 1))) == []  # no club, no people
    club = community.model_create(
        actor=officer, unit=unit(PHU_THUONG), model_type=ModelType.objects.get(code="post_rehab_club"),
        name="CLB Vững bước", decision_number="1/QĐ-UBND", decision_date=D(2024, 1, 2), established_on=D(2024, 1, 2),
    )  # fmt: skip
    community.board_add(actor=officer, model=club, role="chair", full_name="B", start_date=D(2024, 1, 2), user=board)
    community.member_join(actor=officer, model=club, person=person, joined_on=D(2024, 1, 3))
    [seen] = status_as_of(board, D(2024, 8, 1))
    assert seen == person
    assert not hasattr(seen, "active_episodes")
    assert list(status_as_of(board, D(2024, 8, 1), episode_types=[T.POST_REHAB_MANAGEMENT])) == []


def test_legal_history_is_shown_only_where_the_user_may_see_it(register, officers, make_user, unit, assign_volunteer):
    # An officer of Phú Thượng who also volunteers in Hải Châu: the volunteer role shows the Hải Châu
    # person assigned to them, not their legal history (a volunteer has no right to it).
    own = register("Nguyễn Văn Hùng", at=PHU_THUONG)
    other = register("Trần Văn Nam", at=HAI_CHAU)
    for person, code in ((own, PHU_THUONG), (other, HAI_CHAU)):
        episode_open(
            actor=officers[code], person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1)
        )
    user = make_user(Role.COMMUNE_OFFICER, unit(PHU_THUONG))
    RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, unit=unit(HAI_CHAU))
    assign_volunteer(user, other, start=D(2024, 7, 1))
    day = D(2024, 8, 1)
    seen = {p: [e.episode_type for e in getattr(p, "active_episodes", [])] for p in status_as_of(user, day)}
    assert seen == {own: [T.POST_REHAB_MANAGEMENT], other: []}
    assert list(status_as_of(user, day, episode_types=[T.POST_REHAB_MANAGEMENT])) == [own]


def test_after_a_transfer_the_old_commune_still_sees_its_past_legal_history(register, officer, unit):
    person = register()
    episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1))
    person_transfer(actor=officer, person=person, to_unit=unit(BA_DINH), on=D(2025, 1, 1))
    assert active_types(officer, D(2024, 12, 31), person) == [T.POST_REHAB_MANAGEMENT]
    assert list(status_as_of(officer, D(2024, 12, 31), episode_types=[T.POST_REHAB_MANAGEMENT])) == [person]
    assert list(status_as_of(officer, D(2025, 1, 1))) == []


def test_merged_records_are_left_out_and_their_episodes_count_once(register, officer):
    keep = register("Nguyễn Văn Hùng")
    duplicate = register("Nguyen Van Hung", on=D(2024, 2, 1))
    episode_open(
        actor=officer, person=duplicate, episode_type=T.METHADONE, start_date=D(2024, 3, 1), facility="Cơ sở Methadone"
    )
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    day = D(2024, 6, 1)
    assert list(status_as_of(officer, day)) == [keep]
    assert active_types(officer, day, keep) == [T.METHADONE]
    assert list(status_as_of(officer, day, person=duplicate)) == []


def test_person_narrows_to_one_person(register, officer):
    hung = register("Nguyễn Văn Hùng")
    register("Trần Văn Nam")
    assert list(status_as_of(officer, D(2024, 6, 1), person=hung)) == [hung]


# --- query count -------------------------------------------------------------------------------


def read_everything(user, day) -> list[tuple]:
    return [
        (p.code, p.unit.name, p.unit_at, p.whereabouts_at, [e.episode_type for e in p.active_episodes])
        for p in status_as_of(user, day)
    ]


def queries_for(user, day) -> int:
    user.__dict__.pop("_donghanh_scope", None)  # count the scope's own query each time
    with CaptureQueriesContext(connection) as queries:
        rows = read_everything(user, day)
    assert rows
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_people(register, officer, django_assert_max_num_queries):
    day = D(2024, 9, 1)
    people = []

    def add(n):
        for i in range(n):
            person = register(f"Người thứ {len(people) + 1}")
            episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1))
            if i % 2:
                episode_open(actor=officer, person=person, episode_type=T.METHADONE, start_date=day, facility="CS")
            people.append(person)

    add(3)
    few = queries_for(officer, day)
    add(27)
    assert len(read_everything(officer, day)) == 30
    assert queries_for(officer, day) == few
    # Measured: the user's roles, the people (with their commune), their active episodes.
    officer.__dict__.pop("_donghanh_scope", None)
    with django_assert_max_num_queries(3):
        read_everything(officer, day)
