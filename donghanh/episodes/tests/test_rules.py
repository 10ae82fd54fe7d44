"""The rules that bound legal episodes: which rule is in force for whom, and the durations it allows.

The seeded rules are those of migration 0002 (Law 73/2021 and its decrees); the expected
durations below are the ones of the law as DOMAIN.md tabulates them, not read back from the code.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import EpisodeRule
from donghanh.episodes.rules import check_duration, rule_for
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
LAW_73_IN_FORCE = D(2022, 1, 1)
LAW_120_IN_FORCE = D(2026, 7, 1)
T = EpisodeType


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
