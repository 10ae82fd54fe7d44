"""The report page (a unit and a period: every indicator with its target, the breakdown by the units below, charts)
and the drill-down to the people behind one of its figures.

The unit is any the user may report on (`?unit=<id>`, their broadest by default; 404 outside their scope) and the
period a month, quarter or year (`?period=2025-04|2025Q2|2025`, the current quarter by default). The breakdown by
the units below shows the key indicators or a section's (`?breakdown=`), every unit or only those with a figure
(`?hide_zero=1`), in the tree's order or sorted by a column (`?sort=`, `reports.breakdown`): plain links and a form,
kept in the page's other links and in the files it offers. The database counts (`engine.build_report`): the page
costs the same number of queries whatever the number of people or units.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Scope, scope_for
from donghanh.audit.services import access_log_record_many
from donghanh.core.pdf import pdf_unavailable
from donghanh.core.periods import QUARTER, Period, period_choices, period_of
from donghanh.orgunits.models import REFORM_DATE, OrgUnit, OrgUnitSuccession
from donghanh.orgunits.selectors import broadest_unit, units_to_pick_from
from donghanh.reports.breakdown import (
    HIDE_ZERO,
    SORT,
    UNIT_COLUMN,
    Sort,
    arrange,
    first_sort,
    hide_zero_choice,
    parse_sort,
)
from donghanh.reports.engine import (
    ChildRow,
    Figure,
    Report,
    Row,
    build_report,
    compute_totals,
    share_text,
    target_text,
)
from donghanh.reports.frames import frame_for
from donghanh.reports.indicators import FAMILIES, INDICATORS, SECTION_LABELS, Indicator, Kind, Section, context_for
from donghanh.reports.models import Target
from donghanh.reports.selectors import indicator_for, people_behind, report_grants, report_period, report_unit
from donghanh.reports.targets import STATUS_LABELS, TargetStatus

# Listing the people behind these figures shows sensitive data about them: each list is written in the access log.
SENSITIVE = {
    Capability.VIEW_EPISODES: "legal measures",
    Capability.VIEW_DRUG_USE: "drug use",
    Capability.VIEW_HEALTH: "health status",
    Capability.VIEW_CASEWORK: "case work",
}
STATUS_BADGES = {
    TargetStatus.MET: "text-bg-success",
    TargetStatus.AT_RISK: "text-bg-warning",
    TargetStatus.MISSED: "text-bg-danger",
}
KEY = "key"  # the breakdown's default columns: the dashboard's key indicators


def report_url(name: str, **params: Any) -> str:
    """A reports URL with its query (empty values left out)."""
    query = urlencode({key: value for key, value in params.items() if value is not None and value != ""})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def drill_url(scope: Scope, indicator: Indicator, unit: OrgUnit, period: Period, *, rest: bool = False) -> str | None:
    """The link to the people behind a figure, when there are people behind it and the user may list them."""
    if not indicator.drill or FAMILIES[indicator.family].person is None or not scope.can(indicator.capability):
        return None
    return report_url(
        "reports:people", unit=unit.pk, period=period.code, indicator=indicator.code, rest="1" if rest else None
    )


def status_badge(status: TargetStatus | None) -> dict[str, str] | None:
    if status is None:
        return None
    return {"value": status.value, "label": str(STATUS_LABELS[status]), "css": STATUS_BADGES[status]}


@dataclass
class Line:
    """One indicator as the report's table shows it."""

    row: Row
    value: str
    target: str
    inherited_from: OrgUnit | None  # the unit whose target holds, when not the report's own
    status: dict[str, str] | None
    url: str | None  # the people counted
    rest: int | None  # for a share: how many of its denominator are not (yet) counted
    rest_url: str | None

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def figure(self) -> Figure:
        return self.row.figure


def _line(scope: Scope, report: Report, row: Row) -> Line:
    figure, indicator, target = row.figure, row.indicator, row.target
    rest = rest_url = None
    if indicator.is_share and figure.denominator is not None:
        rest = figure.denominator - figure.numerator
        if rest > 0:
            rest_url = drill_url(scope, indicator, report.unit, report.period, rest=True)
    return Line(
        row=row,
        value=share_text(figure.value, indicator.kind),
        target=target_text(target, indicator) if target is not None else "",
        inherited_from=target.unit if target is not None and target.unit_id != report.unit.pk else None,
        status=status_badge(row.status),
        url=drill_url(scope, indicator, report.unit, report.period) if figure.numerator else None,
        rest=rest,
        rest_url=rest_url,
    )


def _sections(lines: list[Line]) -> list[tuple[str, str, list[Line]]]:
    """The lines grouped by section, in the sections' order: (code, label, lines)."""
    grouped: dict[Section, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.indicator.section, []).append(line)
    return [
        (section.value, str(SECTION_LABELS[section]), grouped[section]) for section in Section if section in grouped
    ]


def _breakdown_indicators(report: Report, choice: str) -> list[Indicator]:
    """The breakdown's columns: the key indicators, or those of one section."""
    indicators = [row.indicator for row in report.rows]
    if choice != KEY:
        return [indicator for indicator in indicators if indicator.section == choice]
    return [indicator for indicator in indicators if indicator.key]


def _breakdown(
    scope: Scope, report: Report, children: list[ChildRow], columns: list[Indicator]
) -> list[dict[str, Any]]:
    """The rows of the breakdown table: each child (or the row of what was recorded under the current units) with a
    cell per column, each cell linking to the people behind it."""
    rows = []
    for child in children:
        cells = []
        for indicator in columns:
            figure = child.figures[indicator.code]
            url = None
            if child.unit is not None and figure.numerator:
                url = drill_url(scope, indicator, child.unit, report.period)
            cells.append({"figure": figure, "text": share_text(figure.value, indicator.kind), "url": url})
        report_link = report_url("reports:report", unit=child.unit.pk, period=report.period.code) if child.unit else ""
        rows.append({"unit": child.unit, "label": child.label, "url": report_link, "cells": cells})
    return rows


def trend_chart(rows: list[Row]) -> dict[str, Any] | None:
    """The figures of `rows` over the trend's periods (counts, or shares in %: one kind to a chart)."""
    if not rows or not rows[0].trend:
        return None
    return {
        "labels": [period.label for period, _figure in rows[0].trend],
        "series": [
            {
                "label": str(row.indicator.name),
                "values": [figure.value for _period, figure in row.trend],
                "share": row.indicator.is_share,
            }
            for row in rows
        ],
    }


def _headers(columns: list[Indicator], sort: Sort | None, link: Callable[[Sort], str]) -> list[dict[str, Any]]:
    """The breakdown's column headers, each a link that sorts by it (the other way when it is the order already):
    the unit's name, then the indicators. `link(sort)` is the page's address with that order."""
    headers = []
    for column, indicator in [(UNIT_COLUMN, None), *((i.code, i) for i in columns)]:
        current = sort if sort is not None and sort.column == column else None
        asked = current.toggled() if current is not None else first_sort(column)
        headers.append(
            {
                "column": column,
                "indicator": indicator,
                "url": link(asked),
                "aria_sort": ("descending" if current.descending else "ascending") if current else None,
            }
        )
    return headers


def bar_chart(children: list[ChildRow], indicator: Indicator | None) -> dict[str, Any] | None:
    """One indicator's figure for each unit of the breakdown."""
    if indicator is None or not children:
        return None
    return {
        "labels": [child.label for child in children],
        "series": [
            {
                "label": str(indicator.name),
                "values": [child.figures[indicator.code].value for child in children],
                "share": indicator.is_share,
            }
        ],
    }


def _period(request: AppRequest) -> Period:
    raw = request.GET.get("period", "").strip()
    period = report_period(raw)
    if raw and period.code != raw.upper():
        messages.warning(request, _("“%(period)s” is not a period; showing the current quarter.") % {"period": raw})
    return period


def _crumbs(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The units above `unit` the user may report on, from their broadest unit down.

    Above a legacy unit, only the legacy units within what passed into the user's units are offered (a province
    officer's legacy province and districts; not a commune officer's legacy district, which other wards share).
    """
    grants = report_grants(user)
    reportable = OrgUnit.objects.accessible_to(user, Capability.VIEW_REPORTS)
    crumbs = list(reportable.filter(path__in=unit.ancestor_paths()).order_by("level", "path"))
    if unit.is_legacy:
        passed = OrgUnitSuccession.objects.filter(successor__path__in=[g.unit_path for g in grants])
        roots = list(passed.values_list("predecessor__path", flat=True))
        roots += [g.unit_path for g in grants]
        crumbs = [c for c in crumbs if not c.is_legacy or any(c.path.startswith(root) for root in roots)]
    broadest = min(grants, key=lambda g: (g.unit_path.count("/"), g.unit_path)).unit_path
    if broadest != unit.path and broadest not in {crumb.path for crumb in crumbs}:
        # A legacy unit lies outside the current tree the user acts in: lead back to where they started.
        crumbs.insert(0, broadest_unit(grants))
    return crumbs


@scoped(Capability.VIEW_REPORTS)
def report(request: AppRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = report_unit(request.user, request.GET.get("unit", ""))
    period = _period(request)
    scope = scope_for(request.user)
    # The period alone: the key indicators over time come after the page (`report_trend`).
    result = build_report(unit, period, today=today, trend=1)
    lines = [_line(scope, result, row) for row in result.rows]

    choice = request.GET.get("breakdown", KEY)
    if choice != KEY and choice not in {section.value for section in Section}:
        choice = KEY
    columns = _breakdown_indicators(result, choice)
    first_count = next((i for i in columns if i.kind == Kind.COUNT), None)
    hide_zero = hide_zero_choice(request.GET.get(HIDE_ZERO)) is True  # the page lists every unit unless asked
    sort = parse_sort(request.GET.get(SORT), [indicator.code for indicator in columns])
    shown = arrange(result.children, columns, hide_zero=hide_zero, sort=sort)
    # What the page's other links keep of the breakdown as it is shown, and the files it offers.
    kept = {HIDE_ZERO: "1" if hide_zero else None, SORT: sort.param if sort else None}

    def sorted_by(order: Sort) -> str:
        query = {"unit": unit.pk, "period": period.code, "breakdown": choice, HIDE_ZERO: kept[HIDE_ZERO]}
        return report_url("reports:report", **query, sort=order.param) + "#breakdown-title"

    pickable = list(units_to_pick_from(report_grants(request.user)))
    if unit.pk not in {u.pk for u in pickable}:
        pickable.insert(0, unit)
    following = period.shifted(1)
    context: dict[str, Any] = {
        "unit": unit,
        "period": period,
        "report": result,
        "sections": _sections(lines),
        "at_risk": [line for line in lines if line.status and line.status["value"] != TargetStatus.MET],
        "crumbs": _crumbs(request.user, unit),
        "pickable": pickable,
        "children": [child.unit for child in result.children if child.unit is not None],
        "periods": period_choices(today, period),
        "previous": period.shifted(-1),
        "next": following if following.first <= today else None,
        "legacy": result.frame.is_legacy_structure,
        "reform_date": REFORM_DATE,
        "breakdown_choice": choice,
        "breakdown_choices": [(KEY, _("Key indicators")), *((s.value, str(SECTION_LABELS[s])) for s in Section)],
        "columns": columns,
        "headers": _headers(columns, sort, sorted_by),
        "breakdown": _breakdown(scope, result, shown.rows, columns),
        "hide_zero": hide_zero,
        "hidden_note": shown.hidden_note(),
        "sort": sort,
        "kept": {key: value for key, value in kept.items() if value},
        "breakdown_query": urlencode({"breakdown": choice, **{k: v for k, v in kept.items() if v}}),
        "trend_url": report_url("reports:trend", unit=unit.pk, period=period.code),
        "bar_chart": bar_chart(shown.rows, first_count),
        "bar_indicator": first_count,
        "xlsx_url": report_url("reports:xlsx", unit=unit.pk, period=period.code, **kept),
        "pdf_url": report_url("reports:pdf", unit=unit.pk, period=period.code, **kept),
        "pdf_unavailable": pdf_unavailable(),
        "targets_url": report_url("reports:targets", unit=unit.pk),
        "can_set_targets": scope.can(Capability.SET_TARGETS),
    }
    return render(request, "reports/report.html", context)


@scoped(Capability.VIEW_REPORTS)
def report_trend(request: AppRequest) -> HttpResponse:
    """The report page's charts of the key indicators over its period and the five before it, loaded after the
    page: six periods cost six times one, and the figures of the period are on the page already."""
    unit = report_unit(request.user, request.GET.get("unit", ""))
    period = report_period(request.GET.get("period", ""))
    keys = [code for code, indicator in INDICATORS.items() if indicator.key]
    result = build_report(unit, period, today=timezone.localdate(), codes=keys, children=False)
    key_rows = [row for row in result.rows if row.indicator.key]
    context = {
        "trend_counts": trend_chart([row for row in key_rows if row.indicator.kind == Kind.COUNT]),
        "trend_shares": trend_chart([row for row in key_rows if row.indicator.is_share]),
    }
    return render(request, "reports/_trend.html", context)


@scoped(Capability.VIEW_REPORTS)
def people(request: AppRequest) -> HttpResponse:
    """The people behind one figure (`?indicator=`), or with `?rest=1` those of a share's denominator not (yet) in
    it; 404 when the user may not list the people of that indicator."""
    today = timezone.localdate()
    unit = report_unit(request.user, request.GET.get("unit", ""))
    period = report_period(request.GET.get("period", ""))
    ctx = context_for(period, today)
    indicator = indicator_for(ctx, request.GET.get("indicator", ""))
    scope = scope_for(request.user)
    if drill_url(scope, indicator, unit, period) is None:
        raise Http404
    rest = request.GET.get("rest") == "1" and indicator.is_share and indicator.denominator is not None
    frame = frame_for(unit, period)

    # What the report counts, to tell the user when they see fewer people than that.
    measured = [indicator]
    if indicator.denominator:
        measured.append(INDICATORS[indicator.denominator])
    figure = compute_totals(frame, ctx, measured)[indicator.code]
    counted: int | None = figure.numerator
    if rest:
        counted = (figure.denominator or 0) - figure.numerator
    if indicator.measure is not None:
        counted = None  # a sum (đồng), not a number of people

    page = Paginator(people_behind(request.user, frame, indicator, rest=rest), settings.LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    detail = SENSITIVE.get(indicator.capability)
    if detail and shown:
        access_log_record_many(
            actor=request.user,
            records=[(person, person.unit) for person in shown],
            detail=f"{detail} (report {indicator.code}, {unit.code}, {period.code})",
            request=request,
        )
    denominator = INDICATORS.get(indicator.denominator or "")
    context: dict[str, Any] = {
        "unit": unit,
        "period": period,
        "indicator": indicator,
        "denominator": denominator,
        "rest": rest,
        "page": page,
        "people": shown,
        "counted": counted,
        "fewer": counted is not None and page.paginator.count < counted,
        "sensitive": bool(detail),
        "report_url": report_url("reports:report", unit=unit.pk, period=period.code),
        "other_side_url": report_url(
            "reports:people", unit=unit.pk, period=period.code, indicator=indicator.code, rest=None if rest else "1"
        )
        if indicator.is_share and indicator.denominator
        else None,
    }
    return render(request, "reports/people.html", context)


# --- the officers' dashboard on the home page ------------------------------------------------------------------


@dataclass
class Tile:
    """A key indicator on the dashboard: its value now, its sparkline, its target."""

    line: Line
    chart_id: str
    chart: dict[str, Any]


@scoped(Capability.VIEW_REPORTS)
def dashboard_panel(request: AppRequest) -> HttpResponse:
    """The home page's dashboard, loaded after the page: for a province or the country its figures take longer
    than the rest of the page."""
    found = dashboard(request.user, timezone.localdate())
    if found is None:
        raise Http404
    return render(request, "reports/_dashboard.html", {"dashboard": found})


def dashboard(user: Any, today: datetime.date) -> dict[str, Any] | None:
    """The key indicators of the user's broadest unit for the current quarter, and the targets not met there; None
    for a user who reads no reports."""
    grants = report_grants(user)
    if not grants:
        return None
    unit = broadest_unit(grants)
    period = period_of(QUARTER, today)
    # The key indicators, and every indicator with a target for the unit this quarter (a year's target included).
    targeted = Target.objects.filter(
        unit__path__in=[*unit.ancestor_paths(), unit.path], period__in=[period.code, period.first.strftime("%Y")]
    ).values_list("indicator", flat=True)
    codes = sorted({code for code, indicator in INDICATORS.items() if indicator.key} | set(targeted))
    result = build_report(unit, period, today=today, codes=codes, children=False)
    scope = scope_for(user)
    lines = [_line(scope, result, row) for row in result.rows]
    tiles = [
        Tile(line, f"spark-{line.indicator.code.replace('.', '-')}", _spark(line.row))
        for line in lines
        if line.indicator.key
    ]
    return {
        "unit": unit,
        "period": period,
        "tiles": tiles,
        "at_risk": [line for line in lines if line.status and line.status["value"] != TargetStatus.MET],
        "targets": sum(1 for line in lines if line.row.target is not None),
        "report_url": report_url("reports:report", unit=unit.pk, period=period.code),
    }


def _spark(row: Row) -> dict[str, Any]:
    return {
        "labels": [period.label for period, _figure in row.trend],
        "series": [
            {
                "label": str(row.indicator.name),
                "values": [figure.value for _period, figure in row.trend],
                "share": row.indicator.is_share,
            }
        ],
    }
