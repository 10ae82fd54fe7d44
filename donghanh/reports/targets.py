"""Which target holds for a report, whether it is met, and setting one."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.history import recorded_save
from donghanh.core.periods import MONTH, QUARTER, YEAR, Period, parse_period, period_of
from donghanh.core.versions import version_claim
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.models import Comparison, Target


class TargetStatus(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    MISSED = "missed"


STATUS_LABELS: dict[TargetStatus, Promise] = {
    TargetStatus.MET: _("Met"),
    TargetStatus.AT_RISK: _("At risk"),
    TargetStatus.MISSED: _("Missed"),
}


def judge(target: Target, value: float | int | None, period: Period, today: datetime.date) -> TargetStatus | None:
    """Met when the value meets the target; otherwise at risk while the period runs, missed once it is over.

    None when there is nothing to judge (a share of nobody).
    """
    if value is None:
        return None
    if target.is_met_by(value):
        return TargetStatus.MET
    return TargetStatus.AT_RISK if today <= period.last else TargetStatus.MISSED


def _covering_codes(period: Period) -> list[str]:
    """The period's own code, then those of the quarter and the year it lies in (most specific first)."""
    codes = [period.code]
    if period.kind == MONTH:
        codes.append(period_of(QUARTER, period.first).code)
    if period.kind in (MONTH, QUARTER):
        codes.append(period_of(YEAR, period.first).code)
    return codes


def applicable_targets(unit: OrgUnit, period: Period, indicators: list[Any]) -> dict[str, Target]:
    """For each indicator, the target that holds for `unit` in `period` (one query).

    The unit's own target wins over its province's, and a target for the period itself over one for the
    quarter or year around it. A count of what happened in a period (people supported in a quarter) only
    compares with a target for that very period; shares and stocks take a year's target for its months too.
    """
    codes = _covering_codes(period)
    paths = [*unit.ancestor_paths(), unit.path]
    candidates = Target.objects.filter(
        indicator__in=[i.code for i in indicators], unit__path__in=paths, period__in=codes
    ).select_related("unit")
    by_code = {indicator.code: indicator for indicator in indicators}
    chosen: dict[str, Target] = {}
    for target in candidates:
        indicator = by_code[target.indicator]
        if target.period != period.code and not (indicator.is_share or indicator.stock):
            continue
        rank = (-len(target.unit.path), codes.index(target.period))
        current = chosen.get(target.indicator)
        if current is None or rank < (-len(current.unit.path), codes.index(current.period)):
            chosen[target.indicator] = target
    return chosen


def _configured_indicator(code: str) -> bool:
    """A model type's indicator (`models.type.<code>`) or a level's (`classification.<code>`) that exists."""
    from donghanh.casework.models import RatingLevel
    from donghanh.community.models import ModelType

    kind, _sep, item = code.rpartition(".")
    if kind == "models.type":
        return ModelType.objects.filter(code=item).exists()
    if kind == "classification":
        return RatingLevel.objects.filter(code=item).exists()
    return False


@transaction.atomic
def target_set(
    *,
    actor: Any,
    unit: OrgUnit,
    indicator: str,
    period: str,
    comparison: str,
    value: Any,
    note: str = "",
    expected_version: int | None = None,
) -> Target:
    """Set (or change) a unit's target on an indicator for a period; errors name the field at fault.

    `expected_version` is the version of the target the edit page read: a target changed since is not overwritten.
    """
    from donghanh.reports.indicators import INDICATORS

    errors: dict[str, str] = {}
    known = INDICATORS.get(indicator)
    if known is None and not _configured_indicator(indicator):
        errors["indicator"] = str(_("Choose an indicator from the list."))
    parsed = parse_period(period)
    if parsed is None:
        errors["period"] = str(_("Give a year (2025), a quarter (2025Q2) or a month (2025-04)."))
    if comparison not in Comparison.values:
        errors["comparison"] = str(_("Choose how the value is compared."))
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        number = None
        errors["value"] = str(_("Give a number, e.g. 70 or 12,5."))
    if number is not None:
        if number < 0:
            errors["value"] = str(_("A target cannot be negative."))
        elif known is not None and known.is_share and number > 100:
            errors["value"] = str(_("A share is at most 100 %."))
    if unit.is_legacy or unit.level == OrgUnit.Level.DISTRICT:
        errors["unit"] = str(_("Targets are set for current units only."))
    elif not scope_for(actor).can_at(Capability.SET_TARGETS, unit.path):
        errors["unit"] = str(_("You cannot set targets for this unit."))
    if errors:
        raise ValidationError(errors)
    assert parsed is not None and number is not None
    target = Target.objects.filter(indicator=indicator, unit=unit, period=parsed.code).first() or Target(
        indicator=indicator, unit=unit, period=parsed.code
    )
    if target.pk is not None:
        version_claim(target, expected_version)
    target.comparison, target.value, target.note, target.set_by = comparison, number, note.strip(), actor
    recorded_save(target, actor)
    return target
