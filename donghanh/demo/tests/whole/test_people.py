"""The demo people: seed 002's figures for Phường Phú Thượng on the report date, coverage, idempotency.

It reads the whole demo made once for this folder on a fixed day (conftest.py); building it takes several
seconds, so each test checks several things about one build.
"""

from __future__ import annotations

import datetime
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG, REPORT_DATE
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.selectors import status_as_of
from donghanh.people.choices import Whereabouts
from donghanh.people.models import (
    AddictionDetermination,
    DrugTest,
    DrugUseHistory,
    HealthStatus,
    ManagementPeriod,
    Person,
    WhereaboutsRecord,
)
from donghanh.roster.models import ReleaseNotice
from donghanh.roster.selectors import decision_due

# The mark also orders the module with the other database tests, before the transactional ones that empty tables.
pytestmark = pytest.mark.django_db

AT_RESIDENCE, IN_FACILITY = Whereabouts.AT_RESIDENCE, Whereabouts.IN_FACILITY


def officer(username: str) -> User:
    return User.objects.get(username=username)


def test_seed_002_figures_hold_on_the_report_date_and_the_transferred_person_counts_there(
    demo: float, unit: Any
) -> None:
    user, ward = officer("xa.phuthuong"), unit(PHU_THUONG)

    def count(**filters: Any) -> int:
        return status_as_of(user, REPORT_DATE, unit=ward, **filters).count()

    assert count() == 52
    assert count(whereabouts=[IN_FACILITY]) == 20
    assert count(whereabouts=[AT_RESIDENCE]) == 32
    assert count(whereabouts=[AT_RESIDENCE], episode_types=[EpisodeType.POST_REHAB_MANAGEMENT]) == 31
    assert count(whereabouts=[AT_RESIDENCE], episode_types=[EpisodeType.ADMINISTRATIVE_EDUCATION]) == 1
    facility_rehab = [EpisodeType.COMPULSORY_REHAB, EpisodeType.VOLUNTARY_FACILITY_REHAB]
    assert count(whereabouts=[IN_FACILITY], episode_types=facility_rehab) == 20
    assert all(person.active_episodes for person in status_as_of(user, REPORT_DATE, unit=ward))

    # Moved to Phường Hải Châu after the report date: counted in Phú Thượng on that day, in Hải Châu today.
    hai_chau, today = unit(HAI_CHAU), timezone.localdate()
    [period] = ManagementPeriod.objects.filter(reason="transferred", unit=hai_chau, person__periods__unit=ward)
    person, other = period.person, officer("xa.haichau")
    assert REPORT_DATE < period.start_date <= today
    assert status_as_of(user, REPORT_DATE, unit=ward, person=person).exists()
    assert not status_as_of(other, REPORT_DATE, unit=hai_chau, person=person).exists()
    assert status_as_of(other, today, unit=hai_chau, person=person).exists()
    assert not status_as_of(user, today, unit=ward, person=person).exists()


def test_each_demo_commune_shows_every_measure_whereabouts_and_kind_of_record_within_the_rules(
    demo: float, unit: Any
) -> None:
    today = timezone.localdate()
    for code, username in [(PHU_THUONG, "xa.phuthuong"), (HAI_CHAU, "xa.haichau")]:
        user, commune = officer(username), unit(code)
        managed = status_as_of(user, today, unit=commune)
        assert set(managed.values_list("whereabouts_at", flat=True)) == set(Whereabouts.values), code
        episodes = Episode.objects.accessible_to(user).filter(person__unit=commune)
        assert set(episodes.values_list("episode_type", flat=True)) == set(EpisodeType.values), code
        people = Person.objects.accessible_to(user).filter(unit=commune)
        assert DrugUseHistory.objects.filter(person__in=people).count() >= people.count() - 2, code
        assert AddictionDetermination.objects.filter(person__in=people, result="addicted").exists(), code
        tests = DrugTest.objects.filter(person__in=people)
        assert tests.filter(results__result="positive").exists(), code
        assert tests.filter(results__result="negative").exists(), code
        assert HealthStatus.objects.filter(person__in=people).exists(), code
        assert people.exclude(citizen_id="").count() > people.filter(citizen_id="").count() > 0, code

    everyone = Person.objects.all()
    assert HealthStatus.objects.filter(hiv_status="positive").count() >= 2
    assert 0 < everyone.filter(sex="female").count() < everyone.filter(sex="male").count() / 3
    assert Episode.objects.filter(episode_type=EpisodeType.METHADONE).count() >= 4
    years = everyone.values_list("birth_year", flat=True)
    assert min(years) >= 1965 and max(years) <= 2006
    assert {p.current_hamlet for p in everyone} <= {f"Tổ dân phố {n}" for n in range(1, 13)}

    # Measures follow the rules and lie in the past.
    episodes = Episode.objects.select_related("rule")
    for episode in episodes:
        assert episode.start_date <= today and (episode.actual_end_date or today) <= today
        if episode.rule.default_months:
            assert episode.planned_end_date is not None
        if episode.actual_end_date is None and episode.planned_end_date:  # none left open after its planned end
            assert episode.planned_end_date >= today
    assert not WhereaboutsRecord.objects.filter(since__gt=today).exists()
    # In Phú Thượng, post-rehab management starts the day after a stay in a facility was completed, or with the
    # commune chair's decision after the release.
    posts = episodes.filter(episode_type=EpisodeType.POST_REHAB_MANAGEMENT, person__periods__unit__code=PHU_THUONG)
    decided = {n.decision_episode_id: n for n in ReleaseNotice.objects.filter(decision_episode__isnull=False)}
    assert len(decided) == 1
    for post in posts.distinct():
        notice = decided.get(post.pk)
        released = notice.released_on if notice else post.start_date - datetime.timedelta(days=1)
        assert Episode.objects.filter(
            person=post.person,
            episode_type__in=[EpisodeType.COMPULSORY_REHAB, EpisodeType.VOLUNTARY_FACILITY_REHAB],
            actual_end_date=released,
            end_reason="completed",
        ).exists(), post.person
        if notice is not None:
            assert notice.released_on is not None and notice.released_on < post.start_date <= decision_due(notice)


# A second run reads what is there (the accounts, the communes' people, the summary's figures) and writes nothing.
SECOND_RUN_QUERIES = 330  # measured: 296 (SQLite), 288 (PostgreSQL); a query per account, not per person


def test_a_second_run_adds_no_one_and_is_fast(demo: float) -> None:
    models = (Person, Episode, WhereaboutsRecord, DrugTest, HealthStatus, ManagementPeriod, AddictionDetermination)
    before = [model.objects.count() for model in models]
    out = StringIO()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        call_command("demo_data", stdout=out)
    second = time.perf_counter() - started
    assert [model.objects.count() for model in models] == before
    assert len(queries.captured_queries) < SECOND_RUN_QUERIES  # it finds the demo there and stops
    summary = out.getvalue()
    assert "Demo people (already there, none added)" in summary
    assert "30/06/2025: 52 people using drugs, 20 in rehab facilities, 32 at residence (31 " in summary
    print(f"\ndemo_data_create(): first run {demo:.1f} s; second demo_data run {second:.2f} s")  # seen with -s
