"""Targets: those that hold for a unit (its own and its province's), and setting or changing one.

Reading needs VIEW_REPORTS on the unit (404 outside the user's scope); setting needs SET_TARGETS at the target's
unit, which `targets.target_set` checks again with the rest of what is typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.periods import QUARTER, YEAR, Period, parse_period, period_of
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.engine import target_text
from donghanh.reports.forms import TargetForm
from donghanh.reports.indicators import Indicator, context_for, indicators_for
from donghanh.reports.models import Target
from donghanh.reports.selectors import report_unit
from donghanh.reports.targets import target_set
from donghanh.reports.views.report import report_url


def _indicators() -> list[Indicator]:
    """Every indicator a target may be set on: those of a quarter include the classification levels and model types."""
    return indicators_for(context_for(period_of(QUARTER, timezone.localdate())))


def _target_units(user: Any) -> QuerySet[OrgUnit]:
    """The current units where the user sets targets: the country, provinces and communes (no districts any more)."""
    return (
        OrgUnit.objects.accessible_to(user, Capability.SET_TARGETS)
        .filter(era=OrgUnit.Era.CURRENT)
        .filter(Q(level=OrgUnit.Level.NATION) | Q(level__in=[OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE]))
        .select_related("parent")
        .order_by("level", "search_name", "path")
    )


@dataclass
class TargetLine:
    target: Target
    indicator: Indicator | None
    name: str
    text: str
    period: Period | None
    inherited: bool  # set by a unit above
    replaced: bool  # a more specific unit's target on the same indicator and period holds instead
    edit_url: str | None
    report_url: str | None


@scoped(Capability.VIEW_REPORTS)
def target_list(request: AppRequest) -> HttpResponse:
    unit = report_unit(request.user, request.GET.get("unit", ""))
    scope = scope_for(request.user)
    known = {indicator.code: indicator for indicator in _indicators()}
    # The targets of the unit and of the units above it hold for it, whatever the scope of those units.
    targets = Target.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path]).select_related("unit", "set_by")
    deepest: dict[tuple[str, str], int] = {}
    for target in targets:
        key = (target.indicator, target.period)
        deepest[key] = max(deepest.get(key, 0), len(target.unit.path))
    lines = []
    for target in targets:
        indicator = known.get(target.indicator)
        period = parse_period(target.period)
        lines.append(
            TargetLine(
                target=target,
                indicator=indicator,
                name=str(indicator.name) if indicator else target.indicator,
                text=target_text(target, indicator)
                if indicator
                else f"{target.get_comparison_display()} {target.value}",
                period=period,
                inherited=target.unit_id != unit.pk,
                replaced=len(target.unit.path) < deepest[(target.indicator, target.period)],
                edit_url=reverse("reports:target_edit", args=[target.pk])
                if scope.can_at(Capability.SET_TARGETS, target.unit.path)
                else None,
                report_url=report_url("reports:report", unit=unit.pk, period=period.code) if period else None,
            )
        )
    lines.sort(
        key=lambda line: (-(line.period.last.toordinal() if line.period else 0), line.target.period, _position(line))
    )
    context = {
        "unit": unit,
        "lines": lines,
        "report_url": report_url("reports:report", unit=unit.pk),
        "create_url": report_url("reports:target_create", unit=unit.pk) if scope.can(Capability.SET_TARGETS) else None,
    }
    return render(request, "reports/target_list.html", context)


def _position(line: TargetLine) -> tuple[int, str]:
    return (line.indicator.position if line.indicator else 10_000, line.target.indicator)


@scoped(Capability.SET_TARGETS)
def target_create(request: AppRequest) -> HttpResponse:
    units = _target_units(request.user)
    offered = list(units[:2])
    asked = request.GET.get("unit", "")
    initial: dict[str, Any] = {"period": request.GET.get("period") or period_of(YEAR, timezone.localdate()).code}
    asked_id = as_id(asked)
    if asked_id is not None and units.filter(pk=asked_id).exists():
        initial["unit"] = asked_id
    elif len(offered) == 1:
        initial["unit"] = offered[0].pk
    if request.GET.get("indicator"):
        initial["indicator"] = request.GET["indicator"]
    form = TargetForm(request.POST or None, indicators=_indicators(), units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = target_set(
                actor=request.user,
                unit=data["unit"],
                indicator=data["indicator"],
                period=data["period"],
                comparison=data["comparison"],
                value=data["value"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The target is saved."))
            return redirect(report_url("reports:targets", unit=target.unit_id))
    context = {"form": form, "title": _("Set a target"), "no_unit": not offered, "cancel": _cancel(asked)}
    return render(request, "reports/target_form.html", context, status=400 if request.method == "POST" else 200)


def _cancel(unit: str) -> str:
    return report_url("reports:targets", unit=unit if as_id(unit) is not None else None)


@scoped(Capability.SET_TARGETS)
def target_edit(request: AppRequest, pk: int) -> HttpResponse:
    target: Target = get_object_or_404(
        Target.objects.accessible_to(request.user, Capability.SET_TARGETS).select_related("unit__parent"), pk=pk
    )
    indicator = {i.code: i for i in _indicators()}.get(target.indicator)
    form = with_version(TargetForm(request.POST or None, initial=TargetForm.initial_from(target)), target)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target_set(
                actor=request.user,
                expected_version=loaded_version(form),
                unit=target.unit,
                indicator=target.indicator,
                period=target.period,
                comparison=data["comparison"],
                value=data["value"],
                note=data["note"],
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            target.refresh_from_db()
        else:
            messages.success(request, _("The target is saved."))
            return redirect(report_url("reports:targets", unit=target.unit_id))
    period = parse_period(target.period)
    context = {
        "form": form,
        "target": target,
        "title": _("Change a target"),
        "indicator_name": indicator.name if indicator else target.indicator,
        "unit_label": unit_label(target.unit),
        "period_label": period.label if period else target.period,
        "cancel": report_url("reports:targets", unit=target.unit_id),
        "version_conflict": conflict,
    }
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(request, "reports/target_form.html", context, status=status)
