"""The people family's rows read from the monthly status rows: the same names and meanings as the live statement's
annotations (`indicators/people.py`), so the indicators' conditions apply unchanged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from donghanh.core.dates import month_start
from donghanh.reports.indicators.base import Context, Needs
from donghanh.reports.models import MonthlyStatus
from donghanh.reports.status.store import covers, state, status_refresh


def status_ready(ctx: Context) -> bool:
    """Whether the rows answer for the period's last day; stale rows are redone first (once per report)."""
    if not settings.REPORTS_STATUS_ROWS:
        return False
    last, stale = ctx.remember("status_state", state)
    if not covers(ctx.day, last):
        return False
    ctx.remember("status_refreshed", lambda: status_refresh(stale=stale))
    return True


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _index(day: Any) -> int:
    return int(day.year * 12 + day.month - 1)


def status_rows(ctx: Context, needs: Needs, level_codes: list[str]) -> QuerySet[Any]:
    period, day = ctx.period, ctx.day
    rows: QuerySet[Any] = MonthlyStatus.objects.filter(month=month_start(day))
    annotations: dict[str, Any] = {
        "sanctioned": _flag(Q(sanctioned_until__gte=period.first)),
        "job_support": _flag(Q(job_support_from__gte=period.first)),
    }
    if needs is None or {"months_due", "months_done"} & needs:
        # Bit i of a mask is the month i months before the row's: sum those of the months due by today.
        shifts = [_index(day) - _index(month) for month in ctx.months()]
        due: Any = Value(0)
        done: Any = Value(0)
        for shift in shifts:
            due = due + F("due_mask").bitrightshift(shift).bitand(1)
            done = done + F("done_mask").bitrightshift(shift).bitand(1)
        annotations |= {"months_due": due, "months_done": done}
    quarter = ctx.last_quarter()
    for code in level_codes:
        annotations[f"level_{code}"] = _flag(Q(level__code=code)) if quarter is not None else Value(False)
    wanted = {name: value for name, value in annotations.items() if needs is None or name in needs}
    return rows.annotate(**wanted) if wanted else rows
