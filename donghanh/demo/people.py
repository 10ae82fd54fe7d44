"""Demo people and their legal measures, true to seed 002's figures for Phường Phú Thượng."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from donghanh.core.dates import add_months_civil, term_end
from donghanh.demo.communes import (
    COMMUNE,
    CURRENT,
    DAY,
    HAI_CHAU,
    HISTORY_END,
    PHU_THUONG,
    REPORT_DATE,
    SEED,
    Commune,
    PeopleWriter,
    demo_communes,
)
from donghanh.demo.current import current_people_create
from donghanh.demo.lifecycle import relapses_settle
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.selectors import status_as_of
from donghanh.episodes.services import episode_close
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import HivStatus, Substance, Whereabouts
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.services import person_transfer, person_update


def demo_people_exist() -> bool:
    """True once anyone has been managed by a demo commune: the demo then adds no one."""
    return ManagementPeriod.objects.filter(
        unit__era=CURRENT, unit__level=COMMUNE, unit__code__in=[PHU_THUONG, HAI_CHAU]
    ).exists()


def demo_people_create(today: datetime.date | None = None) -> int:
    """Register the demo people with their histories to `today` (the day it runs) and take them along each path
    of the roster's lifecycle; returns how many were registered."""
    today = today or timezone.localdate()
    if today <= HISTORY_END:
        raise ValueError(f"The demo's fixed history runs to {HISTORY_END:%d/%m/%Y}: make it on a later day.")
    phu_thuong, hai_chau = demo_communes()
    demo = PeopleWriter(random.Random(SEED), today)
    came_back = _phu_thuong_on_report_date(demo, phu_thuong, hai_chau)
    current_people_create(demo, phu_thuong, hai_chau, came_back)
    relapses_settle(today)
    return demo.registered


def _phu_thuong_on_report_date(demo: PeopleWriter, c: Commune, hai_chau: Commune) -> Person:
    """The 52 people of seed 002, with histories that lead to their status on REPORT_DATE and go on after it, by
    the calendar: measures complete on their planned end once it has passed. Returns the one who completed their
    post-rehab year, left the roster and comes back to it today (`demo.current`)."""
    rng, came_back = demo.rng, None
    # 31 at residence under post-rehab management, which began within the year before REPORT_DATE.
    # The first six have fixed stories after REPORT_DATE; the others complete their year and leave the roster.
    special = [datetime.date(2025, 2, 17), datetime.date(2025, 3, 12), datetime.date(2025, 5, 6),
               datetime.date(2025, 1, 20), datetime.date(2025, 3, 3), datetime.date(2025, 4, 21)]  # fmt: skip
    starts = special + [demo.day(datetime.date(2024, 7, 8), datetime.date(2025, 6, 14)) for _ in range(25)]
    for index, back in enumerate(starts):
        compulsory = index % 4 != 3
        facility_kind = EpisodeType.COMPULSORY_REHAB if compulsory else EpisodeType.VOLUNTARY_FACILITY_REHAB
        months = rng.choice([24, 24, 18]) if compulsory else rng.choice([6, 12])
        start = add_months_civil(back, -months)
        managed_before = compulsory and start >= datetime.date(2023, 1, 1) and rng.random() < 0.5
        first = add_months_civil(start, -8) if managed_before else start - datetime.timedelta(days=60)
        person = demo.person(c, first - datetime.timedelta(days=rng.randint(10, 150)))
        demo.drug_use(c, person, opioid=index == 0)
        if managed_before:
            demo.measure(
                c,
                person,
                EpisodeType.DRUG_USER_MANAGEMENT,
                first,
                until=start - DAY,
                reason=EndReason.TRANSFERRED_TO_COMPULSORY,
            )
        demo.rehab(c, person, facility_kind, start, months)
        keep = index in (0, 1, 2, 3, 4)
        post = demo.home(c, person, back, keep_open=keep)
        assert post is not None
        on_methadone = index == 0 or (index % 3 == 0 and demo.primary[person.pk] == Substance.HEROIN)
        if on_methadone:
            begins, until = back + datetime.timedelta(days=rng.randint(10, 60)), datetime.date(2025, 9, 30)
            demo.measure(
                c, person, EpisodeType.METHADONE, begins, until=until if index == 0 else None, reason=EndReason.MOVED
            )
        demo.health(c, person, hiv=HivStatus.POSITIVE if index == 0 else "")
        if index == 0:  # moves to Phường Hải Châu after REPORT_DATE: counted here on that day, there today
            moved = datetime.date(2025, 10, 1)
            person_transfer(actor=c.officer, person=person, to_unit=hai_chau.unit, on=moved)
            demo.move(hai_chau, person, Whereabouts.AT_RESIDENCE, moved, place=hai_chau.unit.name)
            street = f"Số {rng.randint(2, 180)} {rng.choice(hai_chau.streets)}"
            person_update(
                expected_version=None,
                actor=hai_chau.officer,
                person=person,
                current_hamlet="Tổ dân phố 4",
                current_street=street,
            )
            assert post.planned_end_date
            demo.measure(hai_chau, person, EpisodeType.METHADONE, moved)
            episode_close(
                actor=hai_chau.officer, episode=post, end_date=post.planned_end_date, end_reason=EndReason.COMPLETED
            )
        elif index in (1, 2):  # relapse: positive test, compulsory rehab again
            relapse = datetime.date(2025, 10, 14) if index == 1 else datetime.date(2025, 12, 2)
            demo.test(c, person, relapse, positive=True)  # a possible relapse, confirmed (`relapses_settle`)
            episode_close(actor=c.officer, episode=post, end_date=relapse, end_reason=EndReason.RELAPSE)
            again = demo.rehab(c, person, EpisodeType.COMPULSORY_REHAB, relapse + datetime.timedelta(days=25), 24)
            if again.actual_end_date:
                demo.home(c, person, again.actual_end_date + DAY)
        elif index == 3:  # detained
            episode_close(
                actor=c.officer, episode=post, end_date=datetime.date(2025, 11, 20), end_reason=EndReason.DETAINED
            )
            demo.move(
                c,
                person,
                Whereabouts.DETAINED,
                datetime.date(2025, 11, 20),
                place="Trại tạm giam số 1 Công an thành phố Hà Nội",
            )
        elif index == 4:  # moved away without a transfer
            episode_close(
                actor=c.officer, episode=post, end_date=datetime.date(2026, 1, 15), end_reason=EndReason.MOVED
            )
            demo.move(c, person, Whereabouts.MOVED_AWAY, datetime.date(2026, 1, 15), place=c.elsewhere)
        elif index == 5:  # completed and left the roster; back on it later
            came_back = person

    # 1 at residence under education at commune level (Decree 120/2021).
    person = demo.person(c, datetime.date(2022, 11, 7), born=(1990, 2001))
    demo.drug_use(c, person)
    demo.determine(c, person, datetime.date(2023, 2, 13), criteria=2)
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, datetime.date(2023, 3, 1))
    demo.test(c, person, datetime.date(2025, 1, 9), positive=True)
    demo.measure(c, person, EpisodeType.ADMINISTRATIVE_EDUCATION, datetime.date(2025, 3, 1))
    demo.test(c, person, datetime.date(2025, 9, 8), positive=False)
    demo.health(c, person)

    # 20 in rehab facilities: 15 under compulsory rehab, 5 under voluntary rehab at a facility.
    for index in range(20):
        if index < 15:
            kind, start = EpisodeType.COMPULSORY_REHAB, demo.day(datetime.date(2023, 8, 7), datetime.date(2025, 6, 9))
            months = rng.choice(
                [m for m in (24, 24, 18, 12) if term_end(start, m) >= REPORT_DATE + datetime.timedelta(days=14)]
            )
        else:
            kind, start = (
                EpisodeType.VOLUNTARY_FACILITY_REHAB,
                demo.day(datetime.date(2025, 1, 20), datetime.date(2025, 6, 16)),
            )
            months = rng.choice([6, 12])
        managed_before = kind == EpisodeType.COMPULSORY_REHAB and rng.random() < 0.4
        first = add_months_civil(start, -6) if managed_before else start - datetime.timedelta(days=60)
        person = demo.person(c, first - datetime.timedelta(days=rng.randint(10, 200)))
        demo.drug_use(c, person)
        if managed_before:
            demo.measure(
                c,
                person,
                EpisodeType.DRUG_USER_MANAGEMENT,
                first,
                until=start - DAY,
                reason=EndReason.TRANSFERRED_TO_COMPULSORY,
            )
        if index == 19:  # left the facility early
            episode = demo.rehab(
                c, person, kind, start, months, until=datetime.date(2025, 9, 8), reason=EndReason.WITHDREW
            )
            demo.move(c, person, Whereabouts.AT_RESIDENCE, datetime.date(2025, 9, 8))
        else:
            episode = demo.rehab(c, person, kind, start, months)
            if episode.actual_end_date:
                demo.home(c, person, episode.actual_end_date + DAY)
        if rng.random() < 0.7:
            demo.health(c, person)
    assert came_back is not None
    return came_back


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCommune:
    """What a demo commune's officer sees: people managed today, by whereabouts, and measures recorded."""

    unit_name: str
    people: int
    whereabouts: dict[str, int]
    measures: dict[str, int]


@dataclass(frozen=True)
class ReportFigures:
    """Seed 002's figures as the commune officer computes them on a day."""

    total: int
    in_facility: int
    at_residence: int
    post_rehab: int
    education: int


def report_figures(user: Any, day: datetime.date, unit: OrgUnit) -> ReportFigures:
    def count(**filters: Any) -> int:
        return status_as_of(user, day, unit=unit, **filters).count()

    home = [Whereabouts.AT_RESIDENCE]
    return ReportFigures(
        total=count(),
        in_facility=count(whereabouts=[Whereabouts.IN_FACILITY]),
        at_residence=count(whereabouts=home),
        post_rehab=count(whereabouts=home, episode_types=[EpisodeType.POST_REHAB_MANAGEMENT]),
        education=count(whereabouts=home, episode_types=[EpisodeType.ADMINISTRATIVE_EDUCATION]),
    )


def demo_people_summary() -> tuple[list[DemoCommune], ReportFigures]:
    """Each demo commune as its officer sees it today, and Phú Thượng's figures on REPORT_DATE."""
    today, communes = timezone.localdate(), []
    for commune in demo_communes():
        people = status_as_of(commune.officer, today, unit=commune.unit)
        statuses = people.values_list("whereabouts_at", flat=True)  # type: ignore[misc]  # an annotation
        where = Counter(str(Whereabouts(status).label) for status in statuses if status)
        episodes = Episode.objects.accessible_to(commune.officer).filter(person__unit=commune.unit)
        kinds = Counter(str(EpisodeType(kind).label) for kind in episodes.values_list("episode_type", flat=True))
        communes.append(DemoCommune(commune.unit.name, people.count(), dict(where), dict(kinds)))
    phu_thuong = demo_communes()[0]
    return communes, report_figures(phu_thuong.officer, REPORT_DATE, phu_thuong.unit)
