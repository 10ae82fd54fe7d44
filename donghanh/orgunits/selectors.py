"""Reads of the organisation tree; every one starts from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Grant, scope_for
from donghanh.core.filters import as_id
from donghanh.core.rollup import with_subtree_count
from donghanh.core.text import fold
from donghanh.orgunits.models import OrgUnit


def units_for_user(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.accessible_to(user)


def filter_by_name[M: Model](rows: QuerySet[M], query: str) -> QuerySet[M]:
    """Keep the rows (units, partners, models: anything with a folded `search_name`) whose name contains every
    word of `query`, typed with or without diacritics."""
    for word in fold(query).split():
        rows = rows.filter(search_name__contains=word)
    return rows


def acting_units(user: Any, capability: Capability) -> QuerySet[OrgUnit]:
    """The current provinces and communes where the user holds `capability`: what a form offers as the unit of a
    new record (a partner, a model, an activity); provinces first."""
    return (
        OrgUnit.objects.accessible_to(user, capability)
        .filter(era=OrgUnit.Era.CURRENT, level__in=[OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE])
        .select_related("parent")
        .order_by("level", "search_name", "path")
    )


def units_to_pick_from(grants: list[Grant]) -> QuerySet[OrgUnit]:
    """The units of `grants` and the current units directly under them (a province's communes, the country's
    provinces): the short list a page's unit filter offers, whatever the user's level."""
    paths = [g.unit_path for g in grants]
    return (
        OrgUnit.objects.filter(Q(path__in=paths) | Q(parent__path__in=paths, era=OrgUnit.Era.CURRENT))
        .select_related("parent")
        .order_by("level", "search_name", "path")
    )


def broadest_unit(grants: list[Grant]) -> OrgUnit:
    """The unit of the highest of `grants`: what a page shows when no unit is asked for."""
    first = min(grants, key=lambda g: (g.unit_path.count("/"), g.unit_path))
    unit: OrgUnit = OrgUnit.objects.select_related("parent").get(path=first.unit_path)
    return unit


def unit_asked_within(raw: str, grants: list[Grant]) -> OrgUnit | None:
    """The unit of a `?unit=<id>` value if one of `grants` covers it (404 otherwise); None when none is asked."""
    raw = raw.strip()
    if not raw:
        return None
    unit: OrgUnit | None = (
        OrgUnit.objects.select_related("parent").filter(pk=pk).first() if (pk := as_id(raw)) else None
    )
    if unit is None or not any(g.covers_path(unit.path) for g in grants):
        raise Http404
    return unit


def unit_search(
    user: Any, query: str, *, era: str | None = OrgUnit.Era.CURRENT, level: int | None = None
) -> QuerySet[OrgUnit]:
    """Units whose name contains every word of `query`, typed with or without diacritics."""
    units = units_for_user(user).select_related("parent")
    if era:
        units = units.filter(era=era)
    if level is not None:
        units = units.filter(level=level)
    return filter_by_name(units, query).order_by("level", "search_name", "path")


def top_units_for_user(user: Any) -> list[OrgUnit]:
    """The highest units the user acts in: the roots of their scope."""
    paths = sorted({grant.unit_path for grant in scope_for(user).grants})
    roots = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    return list(OrgUnit.objects.filter(path__in=roots).order_by("path"))


def children_with_commune_counts(user: Any, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Children of `unit` in scope, each with the number of communes in its subtree."""
    children = units_for_user(user).filter(parent=unit).order_by("era", "path")
    communes = OrgUnit.objects.filter(level=OrgUnit.Level.COMMUNE)
    return with_subtree_count(children, communes, unit_path="path", name="commune_count")
