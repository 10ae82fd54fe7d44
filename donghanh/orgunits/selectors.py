"""Reads of the organisation tree; every one starts from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from donghanh.accounts.scope import scope_for
from donghanh.core.rollup import with_subtree_count
from donghanh.core.text import fold
from donghanh.orgunits.models import OrgUnit


def units_for_user(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.accessible_to(user)


def filter_by_name(units: QuerySet[OrgUnit], query: str) -> QuerySet[OrgUnit]:
    """Keep units whose name contains every word of `query`, typed with or without diacritics."""
    for word in fold(query).split():
        units = units.filter(search_name__contains=word)
    return units


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
