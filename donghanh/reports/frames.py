"""What a report covers: the units whose records count, and the units it breaks down by, for the structure of
the period (a period before 01/07/2025 rolls up through the three-tier tree it was reported in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Substr

from donghanh.core.periods import Period
from donghanh.orgunits.models import REFORM_DATE, OrgUnit, OrgUnitSuccession


@dataclass(frozen=True)
class Frame:
    """A unit and a period, with the tree paths whose records count and the child units to break down by.

    `prefixes` are materialised paths: a record counts when its unit's path starts with one of them. For a
    current unit and a period before the reform they are the unit's own path and the legacy units that passed
    into it; the breakdown is then by the legacy units (a province's districts), and what was recorded under
    the current units already is shown on a row of its own (`own_bucket`).
    """

    unit: OrgUnit
    period: Period
    prefixes: tuple[str, ...]
    children: tuple[OrgUnit, ...]
    child_length: int
    own_bucket: str | None = None

    @property
    def is_legacy_structure(self) -> bool:
        return self.period.last < REFORM_DATE

    def within(self, path_lookup: str) -> Q:
        """Rows whose unit (reached by `path_lookup`) lies in the frame."""
        condition = Q(pk__in=[])
        for prefix in self.prefixes:
            condition |= Q(**{f"{path_lookup}__startswith": prefix})
        return condition

    def bucket(self, path_lookup: str) -> Any:
        """The child a row falls under, as its path prefix: an expression the database groups by."""
        child = Substr(path_lookup, 1, self.child_length)
        if self.own_bucket is None:
            return child
        return Case(
            When(**{f"{path_lookup}__startswith": self.own_bucket}, then=Value(self.own_bucket)),
            default=child,
            output_field=CharField(),
        )


def _valid_children(parents: list[OrgUnit], period: Period, era: str) -> list[OrgUnit]:
    rows = (
        OrgUnit.objects.filter(parent__in=parents, era=era)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.last))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.first))
        .order_by("search_name", "path")
    )
    return list(rows)


def frame_for(unit: OrgUnit, period: Period) -> Frame:
    """The frame of a report on `unit` for `period` (three queries at most, whatever the tree's size)."""
    legacy_period = period.last < REFORM_DATE
    era = OrgUnit.Era.LEGACY if legacy_period else OrgUnit.Era.CURRENT
    if unit.level == OrgUnit.Level.NATION:
        # Before the reform the country breaks down by the old provinces; what was recorded under the current
        # units for that time (every current path starts "VN/N") is shown on a row of its own.
        children = _valid_children([unit], period, era)
        own = f"{unit.path}N" if legacy_period else None
        return Frame(unit, period, (unit.path,), tuple(children), _length(children), own_bucket=own)
    if unit.is_legacy or not legacy_period:
        children = _valid_children([unit], period, unit.era)
        return Frame(unit, period, (unit.path,), tuple(children), _length(children))

    # A current unit, a period before the reform: the legacy units whose territory passed into it.
    predecessors = list(
        OrgUnit.objects.filter(
            pk__in=OrgUnitSuccession.objects.filter(successor=unit).values("predecessor_id"), level=unit.level
        ).order_by("search_name", "path")
    )
    if len(predecessors) == 1 and unit.level != OrgUnit.Level.COMMUNE:
        children = _valid_children(predecessors, period, OrgUnit.Era.LEGACY)
    else:
        children = predecessors
    prefixes = (unit.path, *(p.path for p in predecessors))
    return Frame(unit, period, prefixes, tuple(children), _length(children), own_bucket=unit.path)


def _length(children: list[OrgUnit]) -> int:
    """Children of one parent share a path length (codes of a level have one width); 0 when there are none."""
    lengths = {len(child.path) for child in children}
    return max(lengths) if lengths else 0
