"""The rules that bound legal episodes: month arithmetic, and which rule is in force for whom.

The seeded rules are those of migration 0002 (Law 73/2021 and its decrees); the expected
durations below are the ones of the law as DOMAIN.md tabulates them, not read back from the code.
"""

from __future__ import annotations

import calendar
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import EpisodeRule
from donghanh.episodes.rules import add_months, check_duration, end_after, rule_for
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
LAW_73_IN_FORCE = D(2022, 1, 1)
LAW_120_IN_FORCE = D(2026, 7, 1)
NO_DB_PER_EXAMPLE = [HealthCheck.function_scoped_fixture]
T = EpisodeType


def last_day_of_month(year: int, month: int) -> datetime.date:
    return D(year, month, calendar.monthrange(year, month)[1])


# --- add_months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 7, 1), 12, D(2025, 7, 1)),
        (D(2025, 11, 15), 3, D(2026, 2, 15)),  # across the new year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # no 31 February: the last day of February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # from a leap day to a common year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # to the next leap day
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),  # backwards across the new year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 20), 0, D(2026, 5, 20)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=NO_DB_PER_EXAMPLE)
@given(day=st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(-120, 120))
def test_add_months_moves_the_month_and_keeps_the_day_when_it_exists(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, last_day_of_month(moved.year, moved.month).day)


# --- end_after: the last day of a measure of N months ------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 7, 1), 12, D(2025, 6, 30)),  # the example of the docstring
        (D(2026, 1, 1), 6, D(2026, 6, 30)),
        (D(2025, 3, 15), 3, D(2025, 6, 14)),
        (D(2023, 3, 1), 1, D(2023, 3, 31)),
        (D(2024, 2, 1), 1, D(2024, 2, 29)),  # February of a leap year, whole
        (D(2023, 2, 1), 1, D(2023, 2, 28)),
        (D(2024, 3, 1), 12, D(2025, 2, 28)),
        (D(2024, 2, 28), 12, D(2025, 2, 27)),
    ],
)
def test_end_after(start, months, expected):
    assert end_after(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # One month from 31/01: February has no 31st (nor a 30th), so the month runs to its last day.
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        # Twelve months from the leap day 29/02/2024: no 29/02/2025, so the last day of February 2025.
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        # Six months from 31/08: September to February, whatever February's length.
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 10, 31), 4, D(2026, 2, 28)),
    ],
)
def test_a_measure_starting_on_a_day_its_last_month_lacks_runs_to_that_months_last_day(start, months, expected):
    """Civil Code 2015, art. 148(3): a period in months ends on the corresponding day of its last
    month, or on that month's last day when it has no corresponding day. Counting the start day
    as the first day (so 12 months from 01/07 end on 30/06), a measure from 31/01 for one month
    ends on the last day of February, not the day before it."""
    assert end_after(start, months) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=NO_DB_PER_EXAMPLE)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(1, 36))
def test_a_measure_starting_on_the_first_ends_on_a_months_last_day(start, months):
    first = start.replace(day=1)
    end = end_after(first, months)
    month_index = first.year * 12 + first.month - 1 + months - 1
    assert end == last_day_of_month(month_index // 12, month_index % 12 + 1)


@settings(max_examples=300, deadline=None, suppress_health_check=NO_DB_PER_EXAMPLE)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(1, 36))
def test_a_later_start_never_ends_earlier_and_the_end_is_near_the_anniversary(start, months):
    end = end_after(start, months)
    assert end >= end_after(start - ONE_DAY, months)
    assert start <= end < add_months(start, months) + ONE_DAY
    assert end >= add_months(start, months) - ONE_DAY


# --- rule_for ----------------------------------------------------------------------------------


# Law 73/2021 and its decrees, as DOMAIN.md lists them: (type, age, min months, max months).
LAW_73_DURATIONS = [
    (T.DRUG_USER_MANAGEMENT, 30, 12, 12),
    (T.VOLUNTARY_COMMUNITY_REHAB, 30, 6, 12),
    (T.VOLUNTARY_FACILITY_REHAB, 30, 6, 12),
    (T.COMPULSORY_REHAB, 30, 12, 24),
    (T.COMPULSORY_REHAB, 15, 6, 12),
    (T.ADMINISTRATIVE_EDUCATION, 30, 3, 6),
    (T.POST_REHAB_MANAGEMENT, 30, 12, 12),
    (T.METHADONE, 30, None, None),  # open-ended
    (T.EARLY_INTERVENTION, 30, None, None),
]


@pytest.mark.parametrize(("episode_type", "age", "low", "high"), LAW_73_DURATIONS)
def test_the_seeded_rules_give_the_durations_of_law_73(episode_type, age, low, high):
    rule = rule_for(episode_type, LAW_73_IN_FORCE, age)
    assert rule.episode_type == episode_type
    assert rule.effective_from == LAW_73_IN_FORCE
    assert (rule.min_months, rule.max_months) == (low, high)
    assert rule.legal_basis


def test_every_type_has_a_seeded_rule_for_an_adult():
    assert {t for t, *_rest in LAW_73_DURATIONS} == set(T)
    for episode_type in T:
        assert rule_for(episode_type, D(2024, 7, 1), 30).episode_type == episode_type


def test_the_rules_of_facility_and_residence_measures_exclude_each_other():
    compulsory = rule_for(T.COMPULSORY_REHAB, D(2024, 7, 1), 30)
    post_rehab = rule_for(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), 30)
    methadone = rule_for(T.METHADONE, D(2024, 7, 1), 30)
    assert T.POST_REHAB_MANAGEMENT in compulsory.conflicts_with
    assert T.COMPULSORY_REHAB in post_rehab.conflicts_with
    assert methadone.conflicts_with == []


@pytest.mark.parametrize("episode_type", [T.POST_REHAB_MANAGEMENT, T.METHADONE, T.COMPULSORY_REHAB])
def test_no_rule_before_law_73_came_into_force(episode_type):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            rule_for(episode_type, LAW_73_IN_FORCE - ONE_DAY, 30)
        label = str(T(episode_type).label)
    [message] = error.value.message_dict["start_date"]
    assert "31/12/2021" in message
    assert label in message
    assert "30" in message


@pytest.mark.parametrize(("age", "low", "high"), [(12, 6, 12), (15, 6, 12), (17, 6, 12), (18, 12, 24), (45, 12, 24)])
def test_compulsory_rehab_follows_the_age_on_the_start_date(age, low, high):
    rule = rule_for(T.COMPULSORY_REHAB, D(2024, 7, 1), age)
    assert (rule.min_months, rule.max_months) == (low, high)
    assert rule.covers_age(age)


@pytest.mark.parametrize("age", [10, 11])
def test_compulsory_rehab_has_no_rule_under_12(age):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        rule_for(T.COMPULSORY_REHAB, D(2024, 7, 1), age)
    assert f"aged {age}" in error.value.message_dict["start_date"][0]


@pytest.fixture
def law_120():
    """A rule of the next law for post-rehab management, six months from 01/07/2026 (made up for the test)."""
    return EpisodeRule.objects.create(
        episode_type=T.POST_REHAB_MANAGEMENT,
        effective_from=LAW_120_IN_FORCE,
        legal_basis="Luật Phòng, chống ma túy số 120/2025/QH15",
        min_months=6,
        max_months=6,
        default_months=6,
        conflicts_with=[T.COMPULSORY_REHAB, T.VOLUNTARY_FACILITY_REHAB],
    )


def test_a_new_rule_governs_from_its_effective_date_and_not_before(law_120):
    old = rule_for(T.POST_REHAB_MANAGEMENT, LAW_120_IN_FORCE - ONE_DAY, 30)
    assert old != law_120 and old.effective_from == LAW_73_IN_FORCE
    assert rule_for(T.POST_REHAB_MANAGEMENT, LAW_120_IN_FORCE, 30) == law_120
    assert rule_for(T.POST_REHAB_MANAGEMENT, D(2027, 3, 1), 30) == law_120
    # Other types keep the rule of Law 73.
    assert rule_for(T.DRUG_USER_MANAGEMENT, LAW_120_IN_FORCE, 30).effective_from == LAW_73_IN_FORCE


def test_an_ended_rule_still_governs_the_days_it_was_in_force(law_120):
    old = rule_for(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), 30)
    old.effective_to = LAW_120_IN_FORCE - ONE_DAY
    old.save()
    assert rule_for(T.POST_REHAB_MANAGEMENT, LAW_120_IN_FORCE - ONE_DAY, 30) == old
    assert rule_for(T.POST_REHAB_MANAGEMENT, LAW_120_IN_FORCE, 30) == law_120


def test_a_rule_ended_without_a_successor_leaves_no_rule():
    old = rule_for(T.ADMINISTRATIVE_EDUCATION, D(2024, 7, 1), 30)
    old.effective_to = D(2026, 6, 30)
    old.save()
    with pytest.raises(ValidationError):
        rule_for(T.ADMINISTRATIVE_EDUCATION, D(2026, 7, 1), 30)


def test_episodes_follow_the_rule_in_force_on_their_start_date(law_120, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, unit("00091"))

    def post_rehab(name: str, start: datetime.date):
        person = person_register(
            actor=officer, unit=unit("00091"), full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=start
        )
        return episode_open(actor=officer, person=person, episode_type=T.POST_REHAB_MANAGEMENT, start_date=start)

    before = post_rehab("Nguyễn Văn Hùng", D(2026, 6, 30))
    after = post_rehab("Trần Văn Nam", LAW_120_IN_FORCE)
    assert before.rule.effective_from == LAW_73_IN_FORCE
    assert before.planned_end_date == D(2027, 6, 29)  # twelve months under Law 73
    assert after.rule == law_120
    assert after.planned_end_date == D(2026, 12, 31)  # six months under the new rule


# --- check_duration ----------------------------------------------------------------------------


def test_check_duration_accepts_the_bounds_and_refuses_beyond_them_citing_the_rule():
    rule = rule_for(T.VOLUNTARY_COMMUNITY_REHAB, D(2024, 7, 1), 30)  # 6 to 12 months
    start = D(2024, 7, 1)
    check_duration(rule, start, D(2024, 12, 31))  # six months
    check_duration(rule, start, D(2025, 6, 30))  # twelve months
    for planned_end in (D(2024, 12, 30), D(2025, 7, 1)):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            check_duration(rule, start, planned_end)
        [message] = error.value.message_dict["planned_end_date"]
        assert rule.legal_basis in message
        assert "31/12/2024" in message and "30/06/2025" in message
        assert "6 to 12 months" in message


def test_check_duration_needs_a_planned_end_when_the_rule_bounds_it_and_none_when_it_does_not():
    with pytest.raises(ValidationError) as error:
        check_duration(rule_for(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), 30), D(2024, 7, 1), None)
    assert "planned_end_date" in error.value.message_dict
    check_duration(rule_for(T.METHADONE, D(2024, 7, 1), 30), D(2024, 7, 1), None)
    check_duration(rule_for(T.METHADONE, D(2024, 7, 1), 30), D(2024, 7, 1), D(2040, 1, 1))
