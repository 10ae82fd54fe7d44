"""The people family's rows read from the monthly status rows: the same names and meanings as the live statement's
annotations (`indicators/people.py`), so the indicators' conditions apply unchanged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import router
from django.db.models import BooleanField, Case, Count, F, Func, IntegerField, Q, QuerySet, Value, When

from donghanh.core.dates import month_start
from donghanh.reports.indicators.base import Context, Needs
from donghanh.reports.models import MonthlyStatus, StatusHorizon
from donghanh.reports.status.compute import MASK_MONTHS
from donghanh.reports.status.store import State, covers, state, status_refresh


def status_ready(ctx: Context) -> bool:
    """Whether the rows answer for the period's last day; stale rows are redone first (once per report)."""
    if not settings.REPORTS_STATUS_ROWS:
        return False
    found = _fresh(ctx)
    return found is not None and covers(ctx.day, found.last_month)


def units_ready(ctx: Context) -> bool:
    """Whether the units on the services' and referrals' days can be read (kept with the rows, whatever month)."""
    return settings.REPORTS_STATUS_ROWS and _fresh(ctx) is not None


def _fresh(ctx: Context) -> State | None:
    """The rows' state once stale people are redone (once per report); None when they were never built."""
    # Read where the report reads: with a replica, its rows are as fresh as its marks (a writer's own changes are
    # read on the primary for a while after they write, donghanh/core/replica.py).
    found: State = ctx.remember("status_state", lambda: state(router.db_for_read(StatusHorizon)))
    if found.last_month is None:
        return None
    ctx.remember("status_refreshed", lambda: status_refresh(stale=found.stale))
    return found


class BitsSet(Func):
    """How many of the `bits` of an integer column are set: `bit_count` on PostgreSQL, a sum of shifts elsewhere."""

    output_field = IntegerField()

    def __init__(self, column: str, bits: int) -> None:
        self.bits = bits
        super().__init__(F(column))

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: Any = None,
        template: Any = None,
        arg_joiner: Any = None,
        **extra: Any,
    ) -> Any:
        column = self.source_expressions[0]
        total: Any = Value(0)
        for shift in range(MASK_MONTHS):
            if self.bits >> shift & 1:
                total = total + column.bitrightshift(shift).bitand(1)
        return compiler.compile(total)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"bit_count(({sql} & %s)::bit({MASK_MONTHS}))", [*params, self.bits]


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _index(day: Any) -> int:
    return int(day.year * 12 + day.month - 1)


def status_rows(ctx: Context, needs: Needs, level_ids: dict[str, list[int]]) -> QuerySet[Any]:
    """The rows of the period's last month, with the live statement's annotations (`level_ids`: the rating levels
    of each classification code, of every province's scale)."""
    period, day = ctx.period, ctx.day
    rows: QuerySet[Any] = MonthlyStatus.objects.filter(month=month_start(day))
    annotations: dict[str, Any] = {
        "sanctioned": _flag(Q(sanctioned_until__gte=period.first)),
        "job_support": _flag(Q(job_support_from__gte=period.first)),
    }
    if needs is None or {"months_due", "months_done"} & needs:
        # Bit i of a mask is the month i months before the row's: sum those of the months due by today.
        bits = sum(1 << (_index(day) - _index(month)) for month in ctx.months())
        annotations |= {"months_due": BitsSet("due_mask", bits), "months_done": BitsSet("done_mask", bits)}
    quarter = ctx.last_quarter()
    for code, ids in level_ids.items():
        annotations[f"level_{code}"] = _flag(Q(level_id__in=ids)) if quarter is not None else Value(False)
    wanted = {name: value for name, value in annotations.items() if needs is None or name in needs}
    return rows.annotate(**wanted) if wanted else rows


def count_people(ctx: Context, condition: Q) -> Any:
    """The people among the rows meeting `condition`, each once: the rows of a person with one row that month as
    they are (no sorting), the few shared by two periods distinct by person. On the records, distinct people."""
    if not status_ready(ctx):
        return Count("person_id", distinct=True, filter=condition or None)
    if not ctx.remember("status_state", state).shared_rows:  # one row per person and month: count the rows
        return Count("pk", filter=condition or None)
    single = Count("pk", filter=condition & Q(shared=False))
    shared = Count("person_id", distinct=True, filter=condition & Q(shared=True))
    return single + shared
