"""A report: every indicator for a unit and a period, its breakdown by child units, its trend and its target.

The database does the counting: per family of indicators one query for the unit, one for its children and one
per earlier period of the trend, whatever the number of people or units below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.core.periods import Period
from donghanh.orgunits.models import REFORM_DATE, OrgUnit
from donghanh.reports.frames import Frame, frame_for
from donghanh.reports.indicators import FAMILIES, Context, Family, Indicator, Kind, context_for, indicators_for
from donghanh.reports.indicators.base import aggregate_for, needs_of
from donghanh.reports.targets import TargetStatus, applicable_targets, judge

TREND_PERIODS = 6  # the period and the five before it


@dataclass(frozen=True)
class Figure:
    """One indicator's value somewhere: a count or amount, or a share (numerator over denominator, in %)."""

    indicator: Indicator
    numerator: int
    denominator: int | None = None

    @property
    def value(self) -> float | int | None:
        if not self.indicator.is_share:
            return self.numerator
        if not self.denominator:
            return None
        return round(self.numerator * 100 / self.denominator, 1)


@dataclass
class Row:
    """An indicator in a report: its figure for the unit, its target, and its figures over earlier periods."""

    figure: Figure
    target: Any = None  # a reports.Target, or None
    status: TargetStatus | None = None
    trend: list[tuple[Period, Figure]] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator


@dataclass
class ChildRow:
    """A unit below the report's unit with its figures by indicator code.

    `unit` is None on the row of what no unit below accounts for: records of a period before the reform kept
    under the current units, or records of the report's unit itself (a province's own club or volunteer team).
    """

    unit: OrgUnit | None
    figures: dict[str, Figure]
    legacy_rest: bool = False

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        if self.legacy_rest:
            return str(_("Recorded under the current units"))
        return str(_("Recorded at the unit itself"))


@dataclass
class Report:
    unit: OrgUnit
    period: Period
    frame: Frame
    rows: list[Row]
    children: list[ChildRow]
    computed_on: datetime.date

    def row(self, code: str) -> Row:
        return next(row for row in self.rows if row.indicator.code == code)

    def value(self, code: str) -> float | int | None:
        return self.row(code).figure.value

    @property
    def at_risk(self) -> list[Row]:
        return [row for row in self.rows if row.status in (TargetStatus.AT_RISK, TargetStatus.MISSED)]


def _family_totals(family: Family, frame: Frame, ctx: Context, indicators: list[Indicator]) -> dict[str, int]:
    aggregates = {f"a{i}": aggregate_for(indicator, family, ctx) for i, indicator in enumerate(indicators)}
    rows = family.rows(frame, ctx, needs_of(indicators, ctx)).filter(frame.within(family.path)).order_by()
    result = rows.aggregate(**aggregates)
    return {indicator.code: int(result[f"a{i}"] or 0) for i, indicator in enumerate(indicators)}


def _by_child_rows(family: Family, frame: Frame, ctx: Context, indicators: list[Indicator]) -> QuerySet[Any]:
    aggregates = {f"a{i}": aggregate_for(indicator, family, ctx) for i, indicator in enumerate(indicators)}
    rows: QuerySet[Any] = (
        family.rows(frame, ctx, needs_of(indicators, ctx))
        .filter(frame.within(family.path))
        .annotate(_bucket=frame.bucket(family.path))
        .values("_bucket")
        .annotate(**aggregates)
        .order_by()
    )
    return rows


def _family_by_child(
    family: Family, frame: Frame, ctx: Context, indicators: list[Indicator]
) -> dict[str, dict[str, int]]:
    return {
        row["_bucket"]: {indicator.code: int(row[f"a{i}"] or 0) for i, indicator in enumerate(indicators)}
        for row in _by_child_rows(family, frame, ctx, indicators)
    }


GROUPED = " GROUP BY 1"


def _family_with_children(
    family: Family, frame: Frame, ctx: Context, indicators: list[Indicator]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The family's totals for the frame's unit and by child: on PostgreSQL one statement grouping by the child and
    by nothing (GROUPING SETS), so the rows are built once; elsewhere one statement each.

    The grand total is the row whose bucket is NULL: every row within the frame has a path, so no child's is.
    """
    rows = _by_child_rows(family, frame, ctx, indicators)
    connection = connections[rows.db]
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    if connection.vendor != "postgresql" or not sql.endswith(GROUPED):
        return _family_totals(family, frame, ctx, indicators), _family_by_child(family, frame, ctx, indicators)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql.removesuffix(GROUPED)} GROUP BY GROUPING SETS ((1), ())", params)
        names = [column.name for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    counted = {
        row["_bucket"]: {indicator.code: int(row[f"a{i}"] or 0) for i, indicator in enumerate(indicators)}
        for row in found
    }
    totals = counted.pop(None, {indicator.code: 0 for indicator in indicators})
    return totals, counted


def _figures(indicators: list[Indicator], counts: dict[str, int]) -> dict[str, Figure]:
    return {
        indicator.code: Figure(
            indicator,
            counts.get(indicator.code, 0),
            counts.get(indicator.denominator, 0) if indicator.denominator else None,
        )
        for indicator in indicators
    }


def _by_family(indicators: list[Indicator]) -> dict[str, list[Indicator]]:
    grouped: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        grouped.setdefault(indicator.family, []).append(indicator)
    return grouped


def compute_totals(frame: Frame, ctx: Context, indicators: list[Indicator]) -> dict[str, Figure]:
    """Each indicator's figure for the frame's whole unit: one query per family."""
    counts: dict[str, int] = {}
    for code, members in _by_family(indicators).items():
        counts |= _family_totals(FAMILIES[code], frame, ctx, members)
    return _figures(indicators, counts)


def build_report(
    unit: OrgUnit,
    period: Period,
    *,
    today: datetime.date | None = None,
    codes: list[str] | None = None,
    children: bool = True,
    trend: int = TREND_PERIODS,
    trend_codes: list[str] | None = None,
) -> Report:
    """The report on `unit` for `period`: every indicator (or those of `codes`), with breakdown, trend, targets.

    The trend covers every indicator, or only those of `trend_codes` (a page that charts a few); the others'
    trend is the period alone.
    """
    today = today or timezone.localdate()
    ctx = context_for(period, today)
    frame = frame_for(unit, period)
    indicators = indicators_for(ctx)
    if codes is not None:
        wanted = set(codes) | {i.denominator for i in indicators if i.code in codes and i.denominator}
        indicators = [indicator for indicator in indicators if indicator.code in wanted]
    child_rows: list[ChildRow] = []
    if children and frame.children:
        counts: dict[str, dict[str, int]] = {}
        family_totals: dict[str, int] = {}
        for code, members in _by_family(indicators).items():
            own, by_child = _family_with_children(FAMILIES[code], frame, ctx, members)
            family_totals |= own
            for bucket, values in by_child.items():
                counts.setdefault(bucket, {}).update(values)
        totals = _figures(indicators, family_totals)
        child_rows = [ChildRow(child, _figures(indicators, counts.get(child.path, {}))) for child in frame.children]
        # What lies under no child (the unit's own records, or current units' records before the reform).
        known = {child.path for child in frame.children}
        rest: dict[str, int] = {}
        for bucket, values in counts.items():
            if bucket not in known:
                for code, n in values.items():
                    rest[code] = rest.get(code, 0) + n
        if any(rest.values()):
            child_rows.append(ChildRow(None, _figures(indicators, rest), legacy_rest=frame.own_bucket is not None))
    else:
        totals = compute_totals(frame, ctx, indicators)

    trends: dict[str, list[tuple[Period, Figure]]] = {indicator.code: [] for indicator in indicators}
    frames = {frame.is_legacy_structure: frame}
    trended = indicators
    if trend_codes is not None:
        wanted = set(trend_codes) | {i.denominator for i in indicators if i.code in trend_codes and i.denominator}
        trended = [indicator for indicator in indicators if indicator.code in wanted]
    for back in range(trend - 1, 0, -1):
        earlier = period.shifted(-back)
        earlier_ctx = Context(earlier, today, ctx.memo)
        earlier_frame = _reframe(frame, earlier, frames)
        # Indicators that depend on data (types, levels) are those of the report's own period.
        figures = compute_totals(earlier_frame, earlier_ctx, trended)
        for code, figure in figures.items():
            trends[code].append((earlier, figure))
    for code, figure in totals.items():
        trends[code].append((period, figure))

    targets = applicable_targets(unit, period, indicators)
    rows = []
    for indicator in indicators:
        figure = totals[indicator.code]
        target = targets.get(indicator.code)
        status = judge(target, figure.value, period, today) if target is not None else None
        rows.append(Row(figure, target, status, trends[indicator.code]))
    return Report(unit, period, frame, rows, child_rows, today)


def _reframe(frame: Frame, period: Period, cache: dict[bool, Frame]) -> Frame:
    """The frame of an earlier period: the same prefixes, unless the earlier period lies across the reform."""
    legacy = period.last < REFORM_DATE
    known = cache.get(legacy)
    if known is None:
        known = frame_for(frame.unit, period)
        cache[legacy] = known
    return Frame(frame.unit, period, known.prefixes, known.children, known.child_length, known.own_bucket)


def share_text(value: float | int | None, kind: Kind) -> str:
    """A figure as shown on a page: "1.234", "72,5 %", "40.000.000 ₫", "—" when there is nothing to divide."""
    if value is None:
        return "—"
    if kind == Kind.SHARE:
        return f"{Decimal(str(value)):.1f}".replace(".", ",") + " %"
    text = f"{int(value):,}".replace(",", ".")
    return f"{text} ₫" if kind == Kind.AMOUNT else text


def target_text(target: Any, indicator: Indicator) -> str:
    """A target as shown beside its figure: "≥ 70 %", "> 50 %", "≥ 1.200", "≤ 40.000.000 ₫"."""
    value = target.value
    number = float(value) if indicator.is_share or value != int(value) else int(value)
    return f"{target.get_comparison_display()} {share_text(number, indicator.kind)}".replace(",0 %", " %")
