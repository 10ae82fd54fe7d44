"""A person's monthly status rows, worked out in Python from their records.

The same rules as the people family's live statement (`indicators/people.py`), person by person: the reports
read these rows instead of running a dozen lookups per person and month. `rows_for` is pure (records in, rows
out); `load` reads the records of a batch of people in a few queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from donghanh.casework.models import Assignment, MonthlyAssessment, QuarterlyClassification
from donghanh.core.dates import add_months_civil, month_end, shift_month_start
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import ServiceRecord

MASK_MONTHS = 12  # a year, the longest reporting period: the masks cover the twelve months up to the row's
SANCTIONED_TYPES = (EpisodeType.DRUG_USER_MANAGEMENT, EpisodeType.ADMINISTRATIVE_EDUCATION)
JOB_SUPPORT = (ServiceCategory.TRAINING, ServiceCategory.JOB_REFERRAL, ServiceCategory.JOB_PLACEMENT)
EPISODE_FLAGS = {
    "ep_post_rehab": EpisodeType.POST_REHAB_MANAGEMENT,
    "ep_education": EpisodeType.ADMINISTRATIVE_EDUCATION,
    "ep_user_management": EpisodeType.DRUG_USER_MANAGEMENT,
    "ep_community_rehab": EpisodeType.VOLUNTARY_COMMUNITY_REHAB,
    "ep_methadone": EpisodeType.METHADONE,
}
Span = tuple[datetime.date, datetime.date | None]  # first day, last day (None: still running)


@dataclass
class Records:
    """What one person's status rows are worked out from."""

    periods: list[tuple[int, datetime.date, datetime.date | None]] = field(default_factory=list)  # unit, span
    whereabouts: list[tuple[datetime.date, int, str]] = field(default_factory=list)  # since, pk, status
    episodes: list[tuple[str, datetime.date, datetime.date | None]] = field(default_factory=list)  # type, span
    assignments: list[Span] = field(default_factory=list)
    services: list[tuple[str, datetime.date, datetime.date | None]] = field(default_factory=list)  # category, span
    assessed: set[datetime.date] = field(default_factory=set)  # months with an assessment
    levels: dict[tuple[int, int], int] = field(default_factory=dict)  # (year, quarter) → rating level id


def _runs(span: Span, day: datetime.date) -> bool:
    first, last = span
    return first <= day and (last is None or last >= day)


@dataclass
class _Prepared:
    """A person's records sorted for the month-by-month pass."""

    followed: list[Span]
    sanctioned: list[Span]
    by_type: dict[str, list[Span]]
    jobs: list[Span]
    support_starts: list[datetime.date]
    whereabouts: list[tuple[datetime.date, int, str]]
    stable_months: int


def _prepare(records: Records) -> _Prepared:
    assessed_types = set(settings.CASEWORK_ASSESSED_EPISODE_TYPES)
    by_type: dict[str, list[Span]] = defaultdict(list)
    for kind, first, last in records.episodes:
        by_type[kind].append((first, last))
    return _Prepared(
        followed=[(first, last) for kind, first, last in records.episodes if kind in assessed_types],
        sanctioned=[(first, last) for kind, first, last in records.episodes if kind in SANCTIONED_TYPES],
        by_type=by_type,
        jobs=[(first, last) for kind, first, last in records.services if kind == ServiceCategory.JOB_PLACEMENT],
        support_starts=sorted(first for kind, first, _last in records.services if kind in JOB_SUPPORT),
        whereabouts=sorted(records.whereabouts),
        stable_months=settings.SUPPORT_STABLE_JOB_MONTHS,
    )


def rows_for(person_id: int, records: Records, last_month: datetime.date) -> Iterator[dict[str, object]]:
    """The person's rows up to `last_month` (a month's first day), as field values of `MonthlyStatus`."""
    if not records.periods:
        return
    prepared = _prepare(records)

    def due(month: datetime.date) -> bool:
        day = month_end(month)
        return any(_runs(span, day) for span in prepared.followed) or any(
            _runs(span, day) for span in records.assignments
        )

    start = min(first for _unit, first, _last in records.periods).replace(day=1)
    end = last_month
    ends = [last for _unit, _first, last in records.periods]
    if all(last is not None for last in ends):
        end = min(end, max(last for last in ends if last is not None).replace(day=1))
    full = (1 << MASK_MONTHS) - 1
    due_mask = done_mask = 0
    month = shift_month_start(start, -(MASK_MONTHS - 1))  # the masks of the first month reach back a year
    while month <= end:
        is_due = due(month)
        due_mask = ((due_mask << 1) | int(is_due)) & full
        done_mask = ((done_mask << 1) | int(is_due and month in records.assessed)) & full
        if month >= start:
            day = month_end(month)
            units = [unit for unit, first, last in records.periods if _runs((first, last), day)]
            if units:
                values = _month_values(month, day, records, prepared)
                values |= {"person_id": person_id, "due_mask": due_mask, "done_mask": done_mask}
                for unit in units:
                    yield {**values, "unit_id": unit}
        month = shift_month_start(month, 1)


def _month_values(month: datetime.date, day: datetime.date, records: Records, p: _Prepared) -> dict[str, object]:
    where = ""
    for since, _pk, status in p.whereabouts:  # sorted by (since, pk): the last one by `day` wins
        if since > day:
            break
        where = status
    held_since = add_months_civil(day, -p.stable_months)
    until = [min(last or day, day) for first, last in p.sanctioned if first <= day]
    started = [first for first in p.support_starts if first <= day]
    level = records.levels.get((month.year, (month.month - 1) // 3 + 1)) if month.month % 3 == 0 else None
    values: dict[str, object] = {
        "month": month,
        "where_at": where,
        "followed": any(_runs(span, day) for span in p.followed),
        "assigned": any(_runs(span, day) for span in records.assignments),
        "stable_job": any(first <= held_since and (last is None or last >= day) for first, last in p.jobs),
        "sanctioned_until": max(until) if until else None,
        "job_support_from": started[-1] if started else None,
        "level_id": level,
    }
    for name, kind in EPISODE_FLAGS.items():
        values[name] = any(_runs(span, day) for span in p.by_type.get(kind, ()))
    return values


def load(people: Iterable[int] | tuple[int, int], using: str) -> dict[int, Records]:
    """The records of `people` (ids, or a range of ids: first included, last excluded), merged records left out,
    in eight queries."""
    found: dict[int, Records] = defaultdict(Records)
    if isinstance(people, tuple):
        chosen = Q(person_id__gte=people[0], person_id__lt=people[1])
        persons = Q(pk__gte=people[0], pk__lt=people[1])
    else:
        ids = list(people)
        chosen, persons = Q(person_id__in=ids), Q(pk__in=ids)

    def of(model: Any) -> Any:
        return model._default_manager.using(using).filter(chosen).order_by()

    merged = Person.objects.using(using).filter(persons, merged_into__isnull=False)
    left_out = set(merged.values_list("pk", flat=True))
    for person, unit, first, last in of(ManagementPeriod).values_list("person_id", "unit_id", "start_date", "end_date"):
        if person not in left_out:
            found[person].periods.append((unit, first, last))
    wanted = set(found)

    def each(rows: Any) -> Iterator[Any]:
        for row in rows:
            if row[0] in wanted:
                yield row

    for person, since, pk, status in each(of(WhereaboutsRecord).values_list("person_id", "since", "pk", "status")):
        found[person].whereabouts.append((since, pk, status))
    for person, kind, first, last in each(
        of(Episode).values_list("person_id", "episode_type", "start_date", "actual_end_date")
    ):
        found[person].episodes.append((kind, first, last))
    for person, first, last in each(of(Assignment).values_list("person_id", "start_date", "end_date")):
        found[person].assignments.append((first, last))
    for person, category, first, last in each(
        of(ServiceRecord).values_list("person_id", "service_type__category", "start_date", "end_date")
    ):
        found[person].services.append((category, first, last))
    for person, month in each(of(MonthlyAssessment).values_list("person_id", "month")):
        found[person].assessed.add(month)
    for person, year, quarter, level in each(
        of(QuarterlyClassification).values_list("person_id", "year", "quarter", "level_id")
    ):
        found[person].levels[(year, quarter)] = level
    return dict(found)
