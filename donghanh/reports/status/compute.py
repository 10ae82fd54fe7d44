"""A person's monthly status rows, worked out in Python from their records.

The same rules as the people family's live statement (`indicators/people.py`), person by person: the reports
read these rows instead of running a dozen lookups per person and month. `rows_for` is pure (records in, rows
out); `load` reads the records of a batch of people in a few queries.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from donghanh.casework.choices import DrugUseInMonth
from donghanh.casework.models import Assignment, Contact, MonthlyAssessment, QuarterlyClassification
from donghanh.community.models import Attendance, Membership, Session
from donghanh.core.dates import add_months_civil, month_end
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import Referral, ServiceRecord

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

# Calendar arithmetic repeats for every person: remembered (a few hundred distinct months).
_end_of = functools.cache(month_end)
_months_before = functools.cache(add_months_civil)


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
    ranked: list[tuple[datetime.date, int, int, datetime.date | None]] = field(default_factory=list)  # periods:
    # start, id, unit, end
    started: list[tuple[int, datetime.date]] = field(default_factory=list)  # services: id, start
    closed: list[tuple[int, datetime.date]] = field(default_factory=list)  # referrals: id, day of their status
    memberships: list[tuple[int, int, datetime.date, datetime.date | None]] = field(default_factory=list)  # id,
    # model, joined, left
    attended: dict[int, list[datetime.date]] = field(default_factory=dict)  # membership → days of sessions present
    contacts: list[datetime.date] = field(default_factory=list)
    assessments: list[tuple[datetime.date, bool, bool]] = field(default_factory=list)  # month, drug use, progress


def _index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


class _Months:
    """Months `first`…`last` by index, with what holds on each month's last day."""

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last

    def covered(self, spans: Iterable[Span]) -> bytearray:
        """1 for each month whose last day falls within one of `spans`."""
        flags = bytearray(self.last - self.first + 1)
        for first, last in spans:
            low = _index(first)  # the first month's last day is on or after `first`
            high = self.last if last is None else _index(last) - (last != _end_of(last))  # its last full month
            for i in range(max(low, self.first), min(high, self.last) + 1):
                flags[i - self.first] = 1
        return flags


def rows_for(person_id: int, records: Records, last_month: datetime.date) -> Iterator[dict[str, object]]:
    """The person's rows up to `last_month` (a month's first day), as field values of `MonthlyStatus`."""
    if not records.periods:
        return
    start = _index(min(first for _unit, first, _last in records.periods))
    end = _index(last_month)
    ends = [last for _unit, _first, last in records.periods]
    if all(last is not None for last in ends):
        end = min(end, _index(max(last for last in ends if last is not None)))
    if end < start:
        return
    months = _Months(start - (MASK_MONTHS - 1), end)  # the masks of the first month reach back a year
    assessed_types = set(settings.CASEWORK_ASSESSED_EPISODE_TYPES)
    followed = months.covered((first, last) for kind, first, last in records.episodes if kind in assessed_types)
    assigned = months.covered(records.assignments)
    episodes = {
        name: months.covered((first, last) for kind_, first, last in records.episodes if kind_ == kind)
        for name, kind in EPISODE_FLAGS.items()
    }
    on_roster = [(unit, months.covered([(first, last)])) for unit, first, last in records.periods]
    assessed = {_index(month) for month in records.assessed}
    sanctioned = [(first, last) for kind, first, last in records.episodes if kind in SANCTIONED_TYPES]
    jobs = [(first, last) for kind, first, last in records.services if kind == ServiceCategory.JOB_PLACEMENT]
    support_starts = sorted(first for kind, first, _last in records.services if kind in JOB_SUPPORT)
    whereabouts = sorted(records.whereabouts)
    stable_months = settings.SUPPORT_STABLE_JOB_MONTHS
    full = (1 << MASK_MONTHS) - 1
    due_mask = done_mask = 0
    where, w = "", 0
    started, s = None, 0
    for i in range(months.first, end + 1):
        k = i - months.first
        is_due = followed[k] or assigned[k]
        due_mask = ((due_mask << 1) | is_due) & full
        done_mask = ((done_mask << 1) | (is_due and i in assessed)) & full
        if i < start:
            continue
        units = [unit for unit, flags in on_roster if flags[k]]
        month = _month(i)
        day = _end_of(month)
        while w < len(whereabouts) and whereabouts[w][0] <= day:  # sorted by (since, pk): the last by `day` wins
            where = whereabouts[w][2]
            w += 1
        while s < len(support_starts) and support_starts[s] <= day:
            started = support_starts[s]
            s += 1
        if not units:
            continue
        held_since = _months_before(day, -stable_months) if jobs else day
        until = [min(last or day, day) for first, last in sanctioned if first <= day]
        values: dict[str, object] = {
            "person_id": person_id,
            "month": month,
            "where_at": where,
            "followed": bool(followed[k]),
            "assigned": bool(assigned[k]),
            "stable_job": any(first <= held_since and (last is None or last >= day) for first, last in jobs),
            "sanctioned_until": max(until) if until else None,
            "job_support_from": started,
            "level_id": records.levels.get((month.year, (month.month - 1) // 3 + 1)) if month.month % 3 == 0 else None,
            "due_mask": due_mask,
            "done_mask": done_mask,
        }
        for name, flags in episodes.items():
            values[name] = bool(flags[k])
        values["shared"] = len(units) > 1
        for unit in units:
            yield {**values, "unit_id": unit}


def unit_on(records: Records, day: datetime.date) -> int | None:
    """The unit of the person's period covering `day` that began last (by start, then id), as the services and
    referrals families' live statement chooses it; None when no period covers the day."""
    best: tuple[datetime.date, int, int] | None = None
    for first, pk, unit, last in records.ranked:
        if first <= day and (last is None or last >= day) and (best is None or (first, pk) > best[:2]):
            best = (first, pk, unit)
    return best[2] if best is not None else None


Unit = tuple[int, int, int, datetime.date]  # record id, person, unit, day


def record_units(person_id: int, records: Records) -> tuple[list[Unit], list[Unit]]:
    """(record, person, unit, day) of the person's services on their start and referrals on their status's day."""
    services = [
        (pk, person_id, unit, day) for pk, day in records.started if (unit := unit_on(records, day)) is not None
    ]
    referrals = [
        (pk, person_id, unit, day) for pk, day in records.closed if (unit := unit_on(records, day)) is not None
    ]
    return services, referrals


class SessionDays:
    """The days of each community model's sessions: those of all models, read once for a rebuild's batches, or
    those of some people's models (one query)."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.days: dict[int, list[datetime.date]] | None = None

    def everyone(self) -> dict[int, list[datetime.date]]:
        if self.days is None:
            self.days = self._read(Session.objects.using(self.using))
        return self.days

    def of(self, people: Iterable[int]) -> dict[int, list[datetime.date]]:
        models = Membership.objects.using(self.using).filter(person_id__in=list(people)).values("model_id")
        return self._read(Session.objects.using(self.using).filter(model_id__in=models))

    @staticmethod
    def _read(sessions: Any) -> dict[int, list[datetime.date]]:
        days: dict[int, list[datetime.date]] = defaultdict(list)
        for model, day in sessions.order_by("date").values_list("model_id", "date"):
            days[model].append(day)
        return days


def member_rows(
    person_id: int, records: Records, sessions: dict[int, list[datetime.date]], last_month: datetime.date
) -> Iterator[dict[str, object]]:
    """The rows of the person's memberships up to `last_month`, as field values of `MemberMonth`."""
    if not records.memberships:
        return
    contacts = sorted(records.contacts)
    assessments = sorted(records.assessments)
    for pk, model, joined, left in records.memberships:
        present = sorted(records.attended.get(pk, []))
        first = min([joined, *present[:1]])
        end = min(_index(left) if left is not None else _index(last_month), _index(last_month))
        held_days = [day for day in sessions.get(model, []) if day >= joined]
        attended = held = contacted = assessed_at = 0
        last_contact = last_assessed = last_used = None
        progress: bool | None = None
        for index in range(_index(first), end + 1):
            month = _month(index)
            last_day = _end_of(month)
            while attended < len(present) and present[attended] <= last_day:
                attended += 1
            while held < len(held_days) and held_days[held] <= last_day:
                held += 1
            while contacted < len(contacts) and contacts[contacted] <= last_day:
                last_contact = contacts[contacted]
                contacted += 1
            while assessed_at < len(assessments) and assessments[assessed_at][0] <= last_day:
                last_assessed, used, progress = assessments[assessed_at]
                if used:
                    last_used = last_assessed
                assessed_at += 1
            yield {
                "membership_id": pk, "person_id": person_id, "month": month,
                "active": joined <= last_day and (left is None or left >= last_day),
                "attended": attended, "held": held, "last_contact": last_contact, "last_assessed": last_assessed,
                "last_used": last_used, "progress": progress,
            }  # fmt: skip


def load(people: Iterable[int] | tuple[int, int], using: str) -> dict[int, Records]:
    """The records of `people` (ids, or a range of ids: first included, last excluded), merged records left out,
    in twelve queries."""
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
    periods = of(ManagementPeriod).values_list("person_id", "unit_id", "start_date", "end_date", "pk")
    for person, unit, first, last, pk in periods:
        if person not in left_out:
            found[person].periods.append((unit, first, last))
            found[person].ranked.append((first, pk, unit, last))
    # Members need not be on a roster: their people are read too.
    members = of(Membership).values_list("person_id", "pk", "model_id", "joined_on", "left_on")
    for person, pk, model, joined, left in members:
        if person not in left_out:
            found[person].memberships.append((pk, model, joined, left))
    wanted = set(found)
    with_memberships = {person for person, records in found.items() if records.memberships}

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
    for person, category, first, last, pk in each(
        of(ServiceRecord).values_list("person_id", "service_type__category", "start_date", "end_date", "pk")
    ):
        found[person].services.append((category, first, last))
        found[person].started.append((pk, first))
    for person, pk, day in each(
        of(Referral).filter(status_on__isnull=False).values_list("person_id", "pk", "status_on")
    ):
        found[person].closed.append((pk, day))
    assessments = of(MonthlyAssessment).values_list("person_id", "month", "drug_use", "rating__counts_as_progress")
    for person, month, drug_use, progress in each(assessments):
        found[person].assessed.add(month)
        if person in with_memberships:
            found[person].assessments.append((month, drug_use != DrugUseInMonth.NONE, bool(progress)))
    # Contacts and attendance of the people with memberships: a query each, whatever the people.
    members_of = Membership.objects.using(using).filter(chosen).values("person_id")
    contacts = Contact.objects.using(using).filter(person_id__in=members_of).order_by()
    for person, day in each(contacts.values_list("person_id", "date")):
        found[person].contacts.append(day)
    present = Attendance.objects.using(using).filter(membership__in=Membership.objects.using(using).filter(chosen))
    for person, membership, day in each(
        present.order_by().values_list("membership__person_id", "membership_id", "session__date")
    ):
        found[person].attended.setdefault(membership, []).append(day)
    for person, year, quarter, level in each(
        of(QuarterlyClassification).values_list("person_id", "year", "quarter", "level_id")
    ):
        found[person].levels[(year, quarter)] = level
    return dict(found)
