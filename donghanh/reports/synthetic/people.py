"""Synthetic people: who they are, where they were, their legal measures, and (`roster.py`) their periods on a
commune's roster with what began and ended them."""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.conf import settings

from donghanh.accounts.models import User
from donghanh.core.dates import month_end, month_start, shift_month_start, term_end
from donghanh.core.text import fold
from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode, EpisodeRule
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import DeathSource, Education, MaritalStatus, Sex, Whereabouts
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.reports.synthetic import DAY, code_prefix, insert, insert_values
from donghanh.reports.synthetic.names import FAMILY, GIVEN, MIDDLE, OCCUPATIONS
from donghanh.reports.synthetic.roster import death, lifecycle, periods_create, records_create

T = EpisodeType
# What usually follows a measure (or the start, None), with weights; None: nothing more for now.
NEXT: dict[str | None, list[tuple[str | None, int]]] = {
    None: [(T.DRUG_USER_MANAGEMENT, 35), (T.ADMINISTRATIVE_EDUCATION, 8), (T.VOLUNTARY_COMMUNITY_REHAB, 12),
           (T.VOLUNTARY_FACILITY_REHAB, 8), (T.COMPULSORY_REHAB, 12), (T.POST_REHAB_MANAGEMENT, 20), (None, 5)],
    T.DRUG_USER_MANAGEMENT: [(None, 40), (T.ADMINISTRATIVE_EDUCATION, 20), (T.VOLUNTARY_COMMUNITY_REHAB, 25),
                             (T.VOLUNTARY_FACILITY_REHAB, 15)],
    T.ADMINISTRATIVE_EDUCATION: [(None, 50), (T.DRUG_USER_MANAGEMENT, 25), (T.VOLUNTARY_COMMUNITY_REHAB, 25)],
    T.VOLUNTARY_COMMUNITY_REHAB: [(None, 50), (T.POST_REHAB_MANAGEMENT, 30), (T.DRUG_USER_MANAGEMENT, 20)],
    T.VOLUNTARY_FACILITY_REHAB: [(T.POST_REHAB_MANAGEMENT, 1)],  # post-rehab management follows rehab at a facility
    T.COMPULSORY_REHAB: [(T.POST_REHAB_MANAGEMENT, 1)],
    T.POST_REHAB_MANAGEMENT: [(None, 70), (T.DRUG_USER_MANAGEMENT, 30)],
    "relapse": [(T.COMPULSORY_REHAB, 60), (T.VOLUNTARY_COMMUNITY_REHAB, 20), (T.DRUG_USER_MANAGEMENT, 20)],
    "to_compulsory": [(T.COMPULSORY_REHAB, 1)],
}  # fmt: skip
EDUCATION, MARITAL = Education.values, MaritalStatus.values
EXITS = [(Whereabouts.DETAINED, EndReason.DETAINED, 3), (Whereabouts.MOVED_AWAY, EndReason.MOVED, 3),
         (Whereabouts.UNKNOWN, EndReason.OTHER, 2)]  # fmt: skip


class Weighted[V]:
    """Values with weights, drawn as `rng.choices(values, weights)[0]` draws them (the same numbers from the same
    generator) without working out the cumulative weights again at every draw."""

    def __init__(self, values: Sequence[V], weights: Iterable[float]) -> None:
        self.values, self.cumulative = list(values), list(accumulate(weights))
        self.total, self.high = self.cumulative[-1] + 0.0, len(self.values) - 1

    def draw(self, rng: random.Random) -> V:
        return self.values[bisect(self.cumulative, rng.random() * self.total, 0, self.high)]


@dataclass
class Measure:
    kind: str
    rule: EpisodeRule
    start: datetime.date
    planned: datetime.date | None
    end: datetime.date | None
    reason: str = ""


@dataclass
class Someone:
    """A synthetic person while being made: the few facts the later steps need, without the model's weight."""

    pk: int
    periods: list[tuple[OrgUnit, datetime.date, datetime.date | None]]  # on a roster: where, from, until
    measures: list[Measure]
    whereabouts: list[tuple[datetime.date, str]]
    stays: list[Any] = field(default_factory=list)  # the periods with how they began and ended (`roster.Stay`)
    died: datetime.date | None = None
    move: Any = None  # a move to another commune (`roster.Move`)
    number: int = 0  # in the province, from 1: what the rows that vary by person draw on (not the id)

    @property
    def registered(self) -> datetime.date:
        return self.periods[0][1]

    def commune_on(self, day: datetime.date) -> OrgUnit | None:
        for unit, first, last in self.periods:
            if first <= day and (last is None or day <= last):
                return unit
        return None

    def period_on(self, day: datetime.date) -> tuple[OrgUnit, datetime.date, datetime.date | None] | None:
        for period in self.periods:
            if period[1] <= day and (period[2] is None or day <= period[2]):
                return period
        return None

    def under(self, kinds: frozenset[str] | set[str], day: datetime.date) -> Measure | None:
        for measure in self.measures:
            if measure.kind in kinds and measure.start <= day and (measure.end is None or day <= measure.end):
                return measure
        return None


@dataclass
class World:
    """What every step shares: the seeded generator, the province, the days covered and what was made so far."""

    rng: random.Random
    province: OrgUnit
    communes: list[OrgUnit]
    start: datetime.date
    until: datetime.date
    actor: User
    people_wanted: int = 0
    people: list[Someone] = field(default_factory=list)
    volunteers: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = field(default_factory=dict)
    assignments: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = field(default_factory=dict)
    months: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)  # first and last days
    month_index: dict[datetime.date, int] = field(default_factory=dict)  # a month's first day: its place in `months`

    def __post_init__(self) -> None:
        month = month_start(self.start)
        while month <= self.until:
            self.month_index[month] = len(self.months)
            self.months.append((month, month_end(month)))
            month = shift_month_start(month, 1)

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day between the two (the first when the range is empty)."""
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def pick(self, weighted: list[tuple[str | None, int]]) -> str | None:
        return self.rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]

    def name(self, sex: str) -> str:
        return " ".join(self.rng.choice(words.split()) for words in (FAMILY, MIDDLE[sex], GIVEN[sex]))


def people_create(world: World, counts: Counter[str]) -> None:
    rng = world.rng
    rules = sorted(EpisodeRule.objects.all(), key=lambda rule: rule.effective_from, reverse=True)
    law_from = min(rule.effective_from for rule in rules)
    weights = [rng.lognormvariate(0, 0.6) for _ in world.communes]  # communes differ in size, as they do
    homes = rng.choices(world.communes, weights, k=world.people_wanted)
    people: list[Person] = []
    prefix = code_prefix(world.province)
    for number, home in enumerate(homes, start=1):
        sex = Sex.FEMALE if rng.random() < 0.12 else Sex.MALE
        full_name = world.name(sex)
        registered = world.start if rng.random() < 0.45 else world.day(world.start, world.until - 30 * DAY)
        move: tuple[datetime.date, OrgUnit] | None = None
        if len(world.communes) > 1 and rng.random() < 0.07 and (world.until - registered).days > 240:
            moved = world.day(registered + 120 * DAY, world.until - 30 * DAY)
            move = (moved, rng.choice([commune for commune in world.communes if commune.pk != home.pk]))
        birth_year = rng.randint(1965, 2003)
        someone = Someone(0, [(home, registered, None)], [], [(registered, Whereabouts.AT_RESIDENCE)], number=number)
        _history(world, someone, birth_year, rules, max(law_from, registered))
        death(world, someone)
        lifecycle(world, someone, home, move)
        people.append(
            Person(
                code=f"{prefix}{number:07d}", full_name=full_name, search_name=fold(full_name), sex=sex,
                birth_year=birth_year, unit=someone.periods[-1][0], permanent_unit=home,
                current_hamlet=f"Tổ dân phố {rng.randint(1, 30)}", occupation=rng.choice(OCCUPATIONS),
                education=rng.choice(EDUCATION), marital_status=rng.choice(MARITAL), died_on=someone.died,
                death_source=DeathSource.POLICE if someone.died else "",
            )
        )  # fmt: skip
        world.people.append(someone)
    insert(Person, people, counts)
    for someone, person in zip(world.people, people, strict=True):
        someone.pk = person.pk
    periods_create(world, counts)
    insert_values(WhereaboutsRecord, _whereabouts(world), counts)
    insert_values(Episode, _episodes(world), counts)
    records_create(world, counts)


def _rule(rules: list[EpisodeRule], kind: str, start: datetime.date, age: int) -> EpisodeRule | None:
    """The rule in force on `start` for the type and age (rules are sorted latest first), as `rule_for` picks it."""
    for rule in rules:
        in_force = rule.effective_from <= start and (rule.effective_to is None or start <= rule.effective_to)
        if rule.episode_type == kind and in_force and rule.covers_age(age):
            return rule
    return None


def _history(world: World, someone: Someone, birth_year: int, rules: list[EpisodeRule], first: datetime.date) -> None:
    """One person's measures one after another, with the whereabouts they imply; some leave the area on a day."""
    rng = world.rng
    horizon, exit_reason = world.until, ""
    roll = rng.random() * 100
    for _status, leaving, share in EXITS:
        roll -= share
        if roll < 0 and (world.until - first).days > 240:
            horizon, exit_reason = world.day(first + 180 * DAY, world.until - 10 * DAY), leaving
            break
    start, kind = world.day(first, first + 45 * DAY), world.pick(NEXT[None])
    while kind is not None and start < horizon:
        rule = _rule(rules, kind, start, start.year - birth_year)
        if rule is None:
            break
        months = rng.randint(rule.min_months, rule.max_months) if rule.min_months and rule.max_months else None
        planned = term_end(start, months) if months else None
        end: datetime.date | None = planned
        reason: str = EndReason.COMPLETED
        then: str = kind  # what decides the next measure
        if kind == T.POST_REHAB_MANAGEMENT and planned and rng.random() < 0.22:
            end, reason, then = world.day(start + 30 * DAY, planned - DAY), EndReason.RELAPSE, "relapse"
        elif kind == T.DRUG_USER_MANAGEMENT and planned and rng.random() < 0.08:
            end, reason = world.day(start + 30 * DAY, planned - DAY), EndReason.TRANSFERRED_TO_COMPULSORY
            then = "to_compulsory"
        elif kind == T.VOLUNTARY_COMMUNITY_REHAB and planned and rng.random() < 0.1:
            end, reason = world.day(start + 30 * DAY, planned - DAY), EndReason.WITHDREW
        measure = Measure(kind, rule, start, planned, None)
        if end is not None and end < horizon:
            measure.end, measure.reason = end, reason
        elif horizon < world.until:
            measure.end, measure.reason = horizon, exit_reason
        someone.measures.append(measure)
        if kind in FACILITY_TYPES:
            someone.whereabouts.append((start, Whereabouts.IN_FACILITY))
            if measure.end is not None and measure.end < horizon:
                someone.whereabouts.append((measure.end + DAY, Whereabouts.AT_RESIDENCE))
        if measure.end is None or measure.end >= horizon:
            break
        # After a facility, post-rehab management begins with the commune's decision, a few days after the release.
        gap = (
            1 + min(int(rng.expovariate(0.3)), 25)
            if kind in FACILITY_TYPES
            else rng.randint(1, 30 if then != kind else 240)
        )
        start, kind = measure.end + gap * DAY, world.pick(NEXT[then])
    age = first.year - birth_year
    lasting: dict[str, tuple[float, int, int]] = {T.METHADONE: (0.16, 3, 36), T.EARLY_INTERVENTION: (0.04, 3, 12)}
    for kind, (chance, shortest, longest) in lasting.items():
        if rng.random() >= chance or (horizon - first).days < 60:
            continue
        rule = _rule(rules, kind, first, age)
        if rule is None:
            continue
        start = world.day(first, horizon - 30 * DAY)
        measure = Measure(kind, rule, start, None, None)
        end = term_end(start, rng.randint(shortest, longest))
        if rng.random() < (0.35 if kind == T.METHADONE else 0.8) and end < horizon:
            measure.end, measure.reason = end, rng.choice([EndReason.COMPLETED, EndReason.WITHDREW])
        elif horizon < world.until:
            measure.end, measure.reason = horizon, exit_reason
        someone.measures.append(measure)
    if horizon < world.until:
        status = next(status for status, reason, _ in EXITS if reason == exit_reason)
        someone.whereabouts = [(day, where) for day, where in someone.whereabouts if day < horizon]
        someone.whereabouts.append((horizon, status))


def _whereabouts(world: World) -> Iterator[dict[str, Any]]:
    for someone in world.people:
        by_day = dict(someone.whereabouts)  # a later change on the same day replaces an earlier one
        for day, status in by_day.items():
            yield {"person_id": someone.pk, "status": status, "since": day}


def _episodes(world: World) -> Iterator[dict[str, Any]]:
    for someone in world.people:
        for m in someone.measures:
            yield {
                "person_id": someone.pk, "episode_type": m.kind, "rule_id": m.rule.pk, "start_date": m.start,
                "planned_end_date": m.planned, "actual_end_date": m.end, "end_reason": m.reason,
                "decision_date": m.start, "decision_number": f"{someone.number % 997 + 1}/QĐ-UBND",
                "recorded_by_id": world.actor.pk, "facility": _facility(world, m.kind, someone.number),
            }  # fmt: skip


def _facility(world: World, kind: str, number: int) -> str:
    """Measures at a facility and methadone treatment name where they take place."""
    if kind in FACILITY_TYPES:
        return f"Cơ sở cai nghiện ma túy số {number % 3 + 1} {world.province.name}"
    if kind == T.METHADONE:
        return f"Cơ sở điều trị Methadone số {number % 2 + 1} {world.province.name}"
    return ""


def assessed_types() -> frozenset[str]:
    return frozenset(settings.CASEWORK_ASSESSED_EPISODE_TYPES)
