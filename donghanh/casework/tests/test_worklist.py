"""The work list: what falls due when, for whom, and only within the user's scope."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import NotificationKind as K
from donghanh.casework.models import RatingLevel
from donghanh.casework.worklist import assessment_months, work_list
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
MEASURE_START = D(2025, 7, 1)


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def follow(officer, phu_thuong):
    """A person under post-rehab management from 01/07/2025."""

    def make(full_name="Nguyễn Văn Hùng", start=MEASURE_START):
        person = person_register(
            actor=officer,
            unit=phu_thuong,
            full_name=full_name,
            sex=Sex.MALE,
            birth_year=1990,
            registered_on=D(2025, 1, 2),
        )
        episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=start)
        return person

    return make


def keys(user, today, kind=None):
    return sorted(i.key for i in work_list(user, today) if kind is None or i.kind == kind)


def assess(actor, person, month):
    return services.assessment_submit(
        actor=actor,
        person=person,
        month=month,
        drug_use="none",
        participation="full",
        work_status="casual",
        family_relations="good",
        compliance="complies",
        rating=RatingLevel.objects.get(scale__unit__isnull=True, code="good"),
    )


# --- months due and overdue ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due", "overdue"),
    [
        (D(2025, 10, 3), ["2025-10", "2025-09"], ["2025-08", "2025-07", "2025-06"]),  # within the grace days
        (D(2025, 10, 5), ["2025-10", "2025-09"], ["2025-08", "2025-07", "2025-06"]),  # the last grace day
        (D(2025, 10, 6), ["2025-10"], ["2025-09", "2025-08", "2025-07"]),  # the day after
        (D(2026, 1, 5), ["2026-01", "2025-12"], ["2025-11", "2025-10", "2025-09"]),  # across the new year
        (D(2026, 1, 6), ["2026-01"], ["2025-12", "2025-11", "2025-10"]),
        (D(2025, 3, 31), ["2025-03"], ["2025-02", "2025-01", "2024-12"]),
    ],
)
def test_months_due_and_overdue_around_month_boundaries(today, due, overdue):
    got_due, got_overdue = assessment_months(today)
    assert [f"{m:%Y-%m}" for m in got_due] == due
    assert [f"{m:%Y-%m}" for m in got_overdue] == overdue


@override_settings(CASEWORK_ASSESSMENT_GRACE_DAYS=0, CASEWORK_OVERDUE_MONTHS_SHOWN=1)
def test_the_grace_days_and_the_months_shown_are_settings():
    assert assessment_months(D(2025, 10, 1)) == ([D(2025, 10, 1)], [D(2025, 9, 1)])


def test_assessments_fall_due_from_the_month_the_measure_starts(officer, follow):
    person = follow()
    assert keys(officer, D(2025, 10, 3), K.ASSESSMENT_DUE) == [
        f"assessment:{person.pk}:2025-09",
        f"assessment:{person.pk}:2025-10",
    ]
    # June is in the window but before the measure began.
    assert keys(officer, D(2025, 10, 3), K.ASSESSMENT_OVERDUE) == [
        f"assessment:{person.pk}:2025-07",
        f"assessment:{person.pk}:2025-08",
    ]
    # After the grace days September is overdue.
    assert f"assessment:{person.pk}:2025-09" in keys(officer, D(2025, 10, 6), K.ASSESSMENT_OVERDUE)


def test_an_assessment_done_leaves_the_list(officer, follow):
    person = follow()
    assess(officer, person, D(2025, 9, 1))
    assert keys(officer, D(2025, 10, 3), K.ASSESSMENT_DUE) == [f"assessment:{person.pk}:2025-10"]
    [item] = [i for i in work_list(officer, D(2025, 10, 3)) if i.key.endswith("2025-10")]
    assert item.url == f"/casework/people/{person.pk}/assessment/?month=2025-10"
    assert item.due_date == D(2025, 11, 5)  # the last grace day of the next month


def test_overdue_items_come_first(officer, follow):
    follow()
    items = work_list(officer, D(2025, 10, 6))
    assert [i.overdue for i in items] == [True] * 4 + [False] * (len(items) - 4)
    # Never contacted since July (due 31/07), then July, August and September's assessments.
    assert [i.kind for i in items[:4]] == [K.NO_CONTACT] + [K.ASSESSMENT_OVERDUE] * 3
    assert K.ASSESSMENT_DUE in [i.kind for i in items[4:]]


def test_people_not_followed_are_not_due(officer, phu_thuong):
    person_register(actor=officer, unit=phu_thuong, full_name="Lê Văn Khỏe", sex=Sex.MALE, birth_year=1990)
    assert keys(officer, D(2025, 10, 3)) == []


# --- contacts and follow-ups ---------------------------------------------------------------------


def test_no_contact_for_thirty_days(officer, follow):
    person = follow()
    services.contact_record(actor=officer, person=person, date=D(2025, 9, 1), mode="home_visit")
    assert keys(officer, D(2025, 9, 30), K.NO_CONTACT) == []
    assert keys(officer, D(2025, 10, 1), K.NO_CONTACT) == [f"no_contact:{person.pk}:2025-09-01"]  # 30 days on


def test_a_person_never_contacted_is_listed_thirty_days_after_being_followed(officer, follow):
    person = follow()
    [item] = [i for i in work_list(officer, D(2025, 8, 15)) if i.kind == K.NO_CONTACT]
    assert item.person_id == person.pk
    assert item.due_date == MEASURE_START + datetime.timedelta(days=30)


def test_a_follow_up_is_due_on_its_date_until_the_next_contact(officer, follow):
    person = follow()
    first = services.contact_record(
        actor=officer,
        person=person,
        date=D(2025, 9, 1),
        mode="phone",
        next_step="Đưa đến trạm y tế",
        next_step_date=D(2025, 9, 15),
    )
    assert keys(officer, D(2025, 9, 14), K.FOLLOW_UP) == []
    [item] = [i for i in work_list(officer, D(2025, 9, 15)) if i.kind == K.FOLLOW_UP]
    assert (item.key, item.detail) == (f"follow_up:{first.pk}", "Đưa đến trạm y tế")
    services.contact_record(actor=officer, person=person, date=D(2025, 9, 16), mode="home_visit")
    assert keys(officer, D(2025, 9, 20), K.FOLLOW_UP) == []


# --- measures ending -----------------------------------------------------------------------------


def test_measures_ending_within_thirty_days_for_those_who_may_see_them(
    officer, follow, make_user, phu_thuong, assign_volunteer
):
    person = follow(start=D(2024, 7, 1))  # planned end 30/06/2025
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person, start=D(2024, 7, 1))
    assert keys(officer, D(2025, 5, 30), K.EPISODE_ENDING) == []
    [item] = [i for i in work_list(officer, D(2025, 5, 31)) if i.kind == K.EPISODE_ENDING]
    assert item.due_date == D(2025, 6, 30)
    assert keys(volunteer, D(2025, 5, 31), K.EPISODE_ENDING) == []  # a volunteer does not see measures


# --- coverage items and the volunteer's own list -------------------------------------------------


def test_unassigned_people_and_idle_volunteers_for_the_officer(officer, follow, phu_thuong):
    person = follow()
    team = services.team_create(actor=officer, unit=phu_thuong, name="Đội TNV Phú Thượng")
    volunteer = services.volunteer_add(
        actor=officer,
        team=team,
        full_name="Vũ Minh Tâm",
        sex="male",
        affiliation="youth_union",
        start_date=D(2025, 1, 1),
    )
    today = D(2025, 10, 10)
    assert keys(officer, today, K.UNASSIGNED) == [f"unassigned:{person.pk}"]
    assert keys(officer, today, K.IDLE_VOLUNTEER) == [f"idle_volunteer:{volunteer.pk}"]
    services.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=D(2025, 7, 1))
    assert keys(officer, today, K.UNASSIGNED) == []
    assert keys(officer, today, K.IDLE_VOLUNTEER) == []


def test_a_volunteer_sees_only_their_people_and_no_officer_items(
    officer, follow, make_user, phu_thuong, assign_volunteer
):
    mine = follow("Nguyễn Văn Hùng")
    follow("Trần Văn Nam")
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, mine, start=D(2025, 7, 1))
    items = work_list(volunteer, D(2025, 10, 10))
    assert {i.person_id for i in items} == {mine.pk}
    assert {i.kind for i in items} <= {K.ASSESSMENT_DUE, K.ASSESSMENT_OVERDUE, K.NO_CONTACT, K.FOLLOW_UP}


def test_an_officer_of_another_commune_sees_nothing_here(follow, make_user, hai_chau):
    follow()
    assert work_list(make_user(Role.COMMUNE_OFFICER, hai_chau), D(2025, 10, 3)) == []


# --- the quarterly classification --------------------------------------------------------------


def test_a_finished_quarter_waits_for_confirmation(officer, follow):
    person = follow()
    for month in (7, 8, 9):
        assess(officer, person, D(2025, month, 1))
    assert keys(officer, D(2025, 9, 30), K.QUARTER_TO_CONFIRM) == []  # the quarter has not finished
    assert keys(officer, D(2025, 10, 10), K.QUARTER_TO_CONFIRM) == [f"quarter:{person.pk}:2025Q3"]
    good = RatingLevel.objects.get(scale__unit__isnull=True, code="good")
    services.classification_confirm(actor=officer, person=person, year=2025, quarter=3, level=good)
    assert keys(officer, D(2025, 10, 10), K.QUARTER_TO_CONFIRM) == []


# --- cost ------------------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_two_people_or_ten(officer, follow):
    def count():
        with CaptureQueriesContext(connection) as queries:
            work_list(officer, D(2025, 10, 10))
        return len(queries)

    for n in range(2):
        follow(f"Người số {n}")
    few = count()
    for n in range(2, 10):
        follow(f"Người số {n}")
    assert count() == few


def test_a_contact_or_follow_up_whose_date_has_passed_is_overdue(officer, follow):
    person = follow()
    services.contact_record(
        actor=officer,
        person=person,
        date=D(2025, 9, 1),
        mode="phone",
        next_step="Gọi lại",
        next_step_date=D(2025, 9, 5),
    )

    def overdue_on(day):
        return {i.kind: i.overdue for i in work_list(officer, day) if i.kind in (K.NO_CONTACT, K.FOLLOW_UP)}

    assert overdue_on(D(2025, 9, 5)) == {K.FOLLOW_UP: False}  # due today
    assert overdue_on(D(2025, 9, 6)) == {K.FOLLOW_UP: True}
    assert overdue_on(D(2025, 10, 1)) == {K.FOLLOW_UP: True, K.NO_CONTACT: False}  # 30 days without contact: due
    assert overdue_on(D(2025, 10, 2)) == {K.FOLLOW_UP: True, K.NO_CONTACT: True}


def test_people_items_come_only_from_the_units_where_the_user_acts(officer, follow, make_user, phu_thuong, hai_chau):
    from donghanh.accounts.models import RoleAssignment
    from donghanh.orgunits.models import OrgUnit

    follow()
    # Commune officer in Hải Châu and province officer (reading only) of Hà Nội: nothing from Phú Thượng.
    user = make_user(Role.COMMUNE_OFFICER, hai_chau)
    RoleAssignment.objects.create(user=user, role=Role.PROVINCE_OFFICER, unit=phu_thuong.parent)
    assert phu_thuong.parent.level == OrgUnit.Level.PROVINCE
    assert [i for i in work_list(user, D(2025, 10, 10)) if i.person_id is not None] == []
