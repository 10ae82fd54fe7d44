"""Which unit and period a user may report on, and the people behind a figure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Grant, scope_for
from donghanh.core.filters import as_id
from donghanh.core.periods import QUARTER, Period, parse_period, period_of
from donghanh.orgunits.models import OrgUnit, OrgUnitSuccession
from donghanh.orgunits.selectors import broadest_unit
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user
from donghanh.reports.frames import Frame
from donghanh.reports.indicators import FAMILIES, INDICATORS, Context, Indicator, context_for, indicators_for
from donghanh.reports.indicators.base import needs_of


def report_grants(user: Any) -> list[Grant]:
    return scope_for(user).grants_for(Capability.VIEW_REPORTS)


def report_unit(user: Any, raw: str) -> OrgUnit:
    """The unit of `?unit=<id>` if the user may report on it (404 otherwise), else the user's broadest unit.

    Legacy units whose territory passed into the user's units may be asked for too (a past period's breakdown).
    """
    grants = report_grants(user)
    if not grants:
        raise Http404
    raw = raw.strip()
    if not raw:
        return broadest_unit(grants)
    pk = as_id(raw)
    unit = _reportable(user).filter(pk=pk).first() if pk is not None else None
    if unit is None:
        raise Http404
    return unit


def report_unit_by_code(user: Any, code: str) -> OrgUnit | None:
    """The unit with official code `code` the user may report on (a current unit before a legacy one with the
    same code, the highest level first); the user's broadest unit when no code is given."""
    code = code.strip()
    if not code:
        grants = report_grants(user)
        return broadest_unit(grants) if grants else None
    return _reportable(user).filter(code=code).order_by("era", "level", "path").first()


def _reportable(user: Any) -> QuerySet[OrgUnit]:
    """The units the user may report on: those under their grants, and the legacy units under a predecessor of
    a grant's unit (a province officer's old province and its districts; a commune officer's old communes, not
    the old districts those lie in, which went mostly to other communes)."""
    paths = [grant.unit_path for grant in report_grants(user)]
    predecessors = OrgUnitSuccession.objects.filter(successor__path__in=paths).values_list(
        "predecessor__path", flat=True
    )
    covered = Q(pk__in=[])
    for path in [*paths, *predecessors]:
        covered |= Q(path__startswith=path)
    return OrgUnit.objects.filter(covered).select_related("parent")


def report_period(raw: str) -> Period:
    """The period of `?period=` (2025, 2025Q2, 2025-04); the current quarter when none or a wrong one is given."""
    return parse_period(raw) or period_of(QUARTER, timezone.localdate())


def indicator_for(ctx: Context, code: str) -> Indicator:
    """The indicator with `code` for the period (those that depend on data included); 404 for an unknown one."""
    for indicator in indicators_for(ctx):
        if indicator.code == code:
            return indicator
    raise Http404


def people_behind(user: Any, frame: Frame, indicator: Indicator, *, rest: bool = False) -> QuerySet[Person]:
    """The people counted in `indicator`'s figure for `frame` that the user may see (the numerator of a share;
    with `rest`, those of its denominator that are not in the numerator). Needs the indicator's capability."""
    family = FAMILIES[indicator.family]
    if not indicator.drill or family.person is None or not scope_for(user).can(indicator.capability):
        return Person.objects.none()
    ctx = context_for(frame.period)
    below = INDICATORS[indicator.denominator] if rest and indicator.denominator else None
    read = [indicator] if below is None else [indicator, below]
    rows = family.rows(frame, ctx, needs_of(read, ctx)).filter(frame.within(family.path))
    if below is not None:
        rows = rows.filter(below.condition(ctx)).exclude(indicator.condition(ctx))
    else:
        rows = rows.filter(indicator.condition(ctx))
    allowed = Person.objects.accessible_to(user, indicator.capability).values("pk")
    people: QuerySet[Person] = people_for_user(user).filter(pk__in=allowed).filter(pk__in=rows.values(family.person))
    return people.order_by("search_name", "pk")
