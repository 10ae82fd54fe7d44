"""Keeping the monthly status rows in step with the records: marks, refresh, rebuild, and the horizon.

A write to a record the rows are worked out from marks its person stale, in the same transaction (the receivers
in `marks.py`). Right after the commit the marked people's rows are redone; and before a report reads the rows
it redoes whatever is still marked (a crash between the two, a write that bypassed the commit hook), so that a
record saved is in the very next report. `status_rebuild` redoes everyone from the records, e.g. after a bulk
load or a change of the settings the rules read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Exists, Max, Min
from django.utils import timezone

from donghanh.community.models import Membership
from donghanh.core.bulk import rows_insert
from donghanh.core.dates import month_end
from donghanh.people.models import Person
from donghanh.reports.models import MemberMonth, MonthlyStatus, ReferralUnit, ServiceUnit, StatusHorizon, StatusStale
from donghanh.reports.status.compute import Records, SessionDays, Unit, load, member_rows, record_units, rows_for

DB = "default"  # the rows are written on the primary, whatever database the reports read
REFRESH_BATCH = 2000
REBUILD_BATCH = 5000
FIELDS = [f for f in MonthlyStatus._meta.concrete_fields if not f.primary_key]
UNITS = (ServiceUnit, ReferralUnit)  # the unit on a service's and a referral's day, kept with the rows
MEMBER_FIELDS = [f for f in MemberMonth._meta.concrete_fields if not f.primary_key]


def horizon(using: str = DB) -> datetime.date | None:
    """The last month the rows reach (a month's first day), or None when they were never built."""
    return state(using).last_month


@dataclass(frozen=True)
class State:
    last_month: datetime.date | None  # None: the rows were never built
    stale: bool  # some person is marked stale
    shared_rows: bool  # some row was written shared by two periods


def state(using: str = DB) -> State:
    """How far the rows reach, whether any person is marked stale, whether any row is shared: one query."""
    found = (
        StatusHorizon.objects.using(using)
        .annotate(stale=Exists(StatusStale.objects.using(using).all()))
        .order_by("pk")
        .values_list("last_month", "stale", "shared_rows")
        .first()
    )
    if found is None:
        return State(None, StatusStale.objects.using(using).exists(), True)
    return State(*found)


def covers(day: datetime.date, last: datetime.date | None) -> bool:
    """Whether rows reaching `last` answer for `day`: a month's last day within the horizon."""
    return last is not None and day == month_end(day) and day <= month_end(last)


def status_mark(people: Iterable[int], using: str = DB) -> None:
    """Mark `people` stale (within the caller's transaction)."""
    StatusStale.objects.using(using).bulk_create(StatusStale(person_id=pk) for pk in set(people) if pk)


def status_refresh(using: str = DB, *, stale: bool | None = None) -> int:
    """Redo the rows of every person marked stale; returns how many people were redone.

    Marks are taken in order and locked until their people's rows are redone and committed, so two processes
    refreshing at once redo a person one after the other and a reader that waited sees the new rows.
    """
    done = 0
    if stale is None:
        stale = StatusStale.objects.using(using).exists()
    if not stale:
        return done
    last = horizon(using)
    while True:
        with transaction.atomic(using=using):
            marks = list(
                StatusStale.objects.using(using)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", "person_id")[:REFRESH_BATCH]
            )
            if not marks:
                return done
            people = {person for _pk, person in marks}
            if last is not None:
                _redo(people, last, using)
            StatusStale.objects.using(using).filter(pk__in=[pk for pk, _person in marks]).delete()
            done += len(people)


def _redo(people: set[int], last: datetime.date, using: str) -> None:
    MonthlyStatus.objects.using(using).filter(person_id__in=list(people)).delete()
    for model in (*UNITS, MemberMonth):
        model.objects.using(using).filter(person_id__in=list(people)).delete()
    records = load(people, using)
    _, shared = _write(_by_month(row for pk, found in records.items() for row in rows_for(pk, found, last)), using)
    _write_units(records, using, replace=True)
    # A membership moved here from a person not redone with these (a merge) loses the rows it had there.
    theirs = Membership.objects.using(using).filter(person_id__in=list(people)).values("pk")
    MemberMonth.objects.using(using).filter(membership_id__in=theirs).delete()
    _write_members(records, SessionDays(using).of(people), last, using)
    if shared:
        StatusHorizon.objects.using(using).update(shared_rows=True)


def _write_members(
    records: dict[int, Records], days: dict[int, list[datetime.date]], last: datetime.date, using: str
) -> int:
    """Write the rows of the people's memberships up to `last` (`days`: their models' sessions); returns how many."""
    made = (
        [row[f.attname] for f in MEMBER_FIELDS]
        for pk, found in records.items()
        for row in member_rows(pk, found, days, last)
    )
    return rows_insert(MemberMonth, MEMBER_FIELDS, made, using)


def _write_units(records: dict[int, Records], using: str, *, replace: bool = False) -> None:
    """Write the units of the people's services and referrals; `replace`: first remove the rows of the same records
    (a record moved from a person not redone with these, by a merge)."""
    services: list[Unit] = []
    referrals: list[Unit] = []
    for pk, found in records.items():
        of_services, of_referrals = record_units(pk, found)
        services += of_services
        referrals += of_referrals
    for model, rows in ((ServiceUnit, services), (ReferralUnit, referrals)):
        if rows and replace:
            model.objects.using(using).filter(pk__in=[row[0] for row in rows]).delete()
        rows_insert(model, model._meta.concrete_fields, rows, using)


def status_rebuild(
    *, last_month: datetime.date | None = None, using: str = DB, progress: object = None
) -> tuple[int, int]:
    """Redo every person's rows up to `last_month` (default: December of the current year) and set the horizon;
    returns (people, rows)."""
    last = last_month or datetime.date(timezone.localdate().year, 12, 1)
    bounds = Person.objects.using(using).aggregate(first=Min("pk"), last=Max("pk"))
    people = rows = 0
    with transaction.atomic(using=using):
        StatusStale.objects.using(using).all().delete()
        _empty(using)
        shared = False
        sessions = SessionDays(using)
        if bounds["first"] is not None:
            for first in range(bounds["first"], bounds["last"] + 1, REBUILD_BATCH):
                records = load((first, first + REBUILD_BATCH), using)
                people += len(records)
                batch = _by_month(row for pk, found in records.items() for row in rows_for(pk, found, last))
                written, shared_here = _write(batch, using)
                _write_units(records, using)
                _write_members(records, sessions.everyone(), last, using)
                rows, shared = rows + written, shared or shared_here
                if callable(progress):
                    progress(people, rows)
        StatusHorizon.objects.using(using).all().delete()
        StatusHorizon.objects.using(using).create(last_month=last, built_at=timezone.now(), shared_rows=shared)
    _vacuum(using)
    return people, rows


def status_build(people: Iterable[int], using: str = DB) -> int:
    """Work out the rows of `people`, who have none yet: a bulk load that bypassed the models (`seed_synthetic`).
    Read by ranges of ids as a rebuild reads them, with no marks and nothing to remove; returns how many rows were
    written. The horizon must exist (a migration makes it)."""
    until = horizon(using)
    if until is None:
        return 0
    ids = sorted(set(people))
    rows, shared = 0, False
    with transaction.atomic(using=using):
        for start in range(0, len(ids), REBUILD_BATCH):
            chosen = ids[start : start + REBUILD_BATCH]
            wanted = set(chosen)
            loaded = load((chosen[0], chosen[-1] + 1), using)
            records = {pk: of_person for pk, of_person in loaded.items() if pk in wanted}
            batch = _by_month(row for pk, found in records.items() for row in rows_for(pk, found, until))
            written, shared_here = _write(batch, using)
            _write_units(records, using)
            _write_members(records, SessionDays(using).of(records), until, using)
            rows, shared = rows + written, shared or shared_here
        if shared:
            StatusHorizon.objects.using(using).update(shared_rows=True)
    return rows


def status_extend(using: str = DB) -> bool:
    """Move the horizon to December of the current year when a new year began (a daily task); True if it moved.

    The months added are worked out for everyone: the same as a rebuild, so this runs in the task worker.
    """
    last = horizon(using)
    wanted = datetime.date(timezone.localdate().year, 12, 1)
    if last is None or last >= wanted:
        return False
    status_rebuild(last_month=wanted, using=using)
    return True


def _by_month(rows: Iterable[dict[str, object]]) -> Iterator[dict[str, object]]:
    """The rows month by month: written so, a month's rows lie together on disk, where a report reads them."""
    return iter(sorted(rows, key=lambda row: (row["month"], row["unit_id"])))


def _vacuum(using: str) -> None:
    """Fresh statistics for the planner, and the visibility map index-only scans need: the rows were all replaced
    (PostgreSQL; outside the transaction, as VACUUM must be)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (MonthlyStatus, *UNITS, MemberMonth):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _empty(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for model in (MonthlyStatus, *UNITS, MemberMonth):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")


def _write(rows: Iterator[dict[str, object]], using: str) -> tuple[int, bool]:
    """Insert the status rows; returns how many, and whether any is shared."""
    shared = False

    def values() -> Iterator[list[object]]:
        nonlocal shared
        for row in rows:
            shared = shared or bool(row["shared"])
            yield [row[f.attname] for f in FIELDS]

    return rows_insert(MonthlyStatus, FIELDS, values(), using), shared
