"""Reports of past periods give the same figures after anonymisation: a commune's and a province's people with
measures, moves, releases, relapses, deaths, case work, support and a club, their records full of names, identifiers
and notes; every indicator of several past periods, with the breakdown by commune, read before and after everyone
off the roster is anonymised (every kind, retention set to 0 years) — from the monthly status rows as they are, from
the rows worked out again from the anonymised records, and from the records themselves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings

from donghanh.casework.models import Contact, MonthlyAssessment
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.people.services import person_update
from donghanh.privacy.kinds import KIND_LABELS
from donghanh.privacy.models import Anonymisation
from donghanh.privacy.retention import anonymisation_run, people_retention
from donghanh.reports.status.store import status_rebuild
from donghanh.reports.tests.conftest import World, report
from donghanh.support.choices import ReferralStatus
from donghanh.support.models import ServiceRecord

pytestmark = pytest.mark.django_db

D = datetime.date
POST, USER = EpisodeType.POST_REHAB_MANAGEMENT, EpisodeType.DRUG_USER_MANAGEMENT
PERIODS = ("2024", "2025Q1", "2025-06", "2025Q3", "2025", "2026Q1")
OFF_ROSTER = D(2026, 3, 2)  # everyone but two leaves the roster then, so that they are due


@pytest.fixture
def world(db: None) -> World:
    return World()


def figures(unit: OrgUnit) -> dict[str, Any]:
    """Every indicator of every period for `unit`, with each row of the breakdown by the units below."""
    found: dict[str, Any] = {}
    for code in PERIODS:
        built = report(unit, code)
        found[code] = {row.indicator.code: row.figure.value for row in built.rows}
        for child in built.children:
            found[f"{code} {child.label}"] = {key: figure.value for key, figure in child.figures.items()}
    return found


def build(world: World, phu_thuong: OrgUnit, ba_dinh: OrgUnit, ngoc_ha: OrgUnit) -> list[Person]:
    """People with a history, written through the services; their texts are then filled with personal data."""
    people = []

    def person(unit: OrgUnit) -> Person:
        people.append(world.person(unit, D(2024, 1, 2)))
        return people[-1]

    busy = world.volunteer(phu_thuong, D(2024, 1, 1))
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    members = []
    for k in range(6):
        someone = person(phu_thuong)
        world.measure(someone, POST, D(2024, 3, 1) + datetime.timedelta(days=30 * k))
        world.assign(someone, busy, D(2024, 4, 1))
        world.contact(someone, D(2025, 2, 3) + datetime.timedelta(days=k))
        for month in (D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)):
            world.assess(someone, month, rating="good" if k % 2 else "poor", drug_use="none" if k % 3 else "suspected")
        world.classify(someone, 2025, 2, "good" if k % 2 else "poor")
        world.service(someone, ("vocational_training", "job_placement", "emergency_aid")[k % 3], D(2025, 3, 10))
        world.referral(
            someone, D(2025, 5, 2), (ReferralStatus.COMPLETED, ReferralStatus.DECLINED)[k % 2], D(2025, 6, 9)
        )
        members.append(world.join(club, someone, D(2025, 1, 6)))
    world.session(club, D(2025, 3, 12), members[:4])
    world.session(club, D(2025, 8, 20), members[2:])
    world.die(people[0], D(2025, 7, 19))
    world.transfer(people[1], ba_dinh, D(2025, 8, 15))
    world.service(people[1], "preferential_loan", D(2025, 9, 1), amount=25_000_000)
    world.relapse(people[2], D(2025, 8, 1), D(2025, 8, 3))
    world.released(person(phu_thuong), D(2025, 5, 5))
    world.measure(person(ba_dinh), USER, D(2024, 10, 1), end=D(2025, 9, 30))
    world.take_off(person(ngoc_ha), D(2025, 2, 10))
    world.measure(person(ngoc_ha), EpisodeType.METHADONE, D(2024, 6, 1))
    stays = [person(phu_thuong), person(ngoc_ha)]
    for someone in stays:
        world.measure(someone, USER, D(2025, 1, 15))

    for someone in people:
        if someone not in stays and someone.periods.filter(end_date__isnull=True).exists():
            world.take_off(someone, OFF_ROSTER)
    # Names, identifiers, addresses and notes, where the services left them empty.
    for number, someone in enumerate(people):
        someone.refresh_from_db()
        person_update(
            actor=world.officer(someone.unit), person=someone, expected_version=None, citizen_id=f"0010900{number:05d}",
            phone=f"09120{number:05d}", birth_date=D(1990, 1, 1 + number), current_street=f"{number} ngõ Hòe Nhai",
            family_contacts="Mẹ: 0987654321", needs="Việc làm ổn định", other_names="Tí",
        )  # fmt: skip
    ids = [p.pk for p in people]
    Contact.objects.filter(person__in=ids).update(notes="Gặp tại nhà, gia đình hợp tác", next_step="Gọi lại")
    MonthlyAssessment.objects.filter(person__in=ids).update(notes="Tiến bộ rõ")
    ServiceRecord.objects.filter(person__in=ids).update(outcome="Có việc làm", position="Thợ may")
    WhereaboutsRecord.objects.filter(person__in=ids).update(place="Số 5 ngõ Hòe Nhai")
    return people


def test_reports_of_past_periods_give_the_same_figures_after_anonymisation(
    world: World, phu_thuong: OrgUnit, unit: Any, settings: Any
) -> None:
    ha_noi = unit("01", level=OrgUnit.Level.PROVINCE)
    ba_dinh, ngoc_ha = unit("00004"), unit("00008")
    people = build(world, phu_thuong, ba_dinh, ngoc_ha)
    before = {unit.name: figures(unit) for unit in (ha_noi, phu_thuong)}
    assert before[phu_thuong.name]["2025Q3"]["people.registered"] > 0  # the comparison is not of empty reports
    assert sum(v for f in before[ha_noi.name].values() for v in f.values() if isinstance(v, int)) > 100

    settings.RETENTION_YEARS = dict.fromkeys(KIND_LABELS, 0)
    off = set(people_retention().filter(pk__in=[p.pk for p in people], on_roster=False).values_list("pk", flat=True))
    assert len(off) == len(people) - 2
    assert anonymisation_run() == dict.fromkeys(KIND_LABELS, len(off))
    assert Anonymisation.objects.count() == len(off) * len(KIND_LABELS)
    assert all(p.full_name == p.code and p.citizen_id == "" for p in Person.objects.filter(pk__in=off))
    assert set(Contact.objects.filter(person__in=off).values_list("notes", flat=True)) == {""}

    # The status rows as they were (anonymising wrote no mark), worked out again from the records, and the records.
    assert {unit.name: figures(unit) for unit in (ha_noi, phu_thuong)} == before
    status_rebuild()
    assert {unit.name: figures(unit) for unit in (ha_noi, phu_thuong)} == before
    with override_settings(REPORTS_STATUS_ROWS=False):
        assert {unit.name: figures(unit) for unit in (ha_noi, phu_thuong)} == before
