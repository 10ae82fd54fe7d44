"""Filters of community models, shared by the pages and the API: models, board, members, sessions, activities
and roadmap targets.

A unit is named by its official code (current units) and covers its subtree: "01" is the whole of
Hà Nội, "00091" Phường Phú Thượng alone.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.community.choices import ActivityKind, ModelStatus, SessionKind
from donghanh.community.models import Activity, BoardMember, CommunityModel, Membership, RoadmapTarget, Session
from donghanh.core.filters import DayFilter, IdFilter, YearFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import filter_by_name


def in_unit_subtree(queryset: QuerySet[Any], code: str, path_field: str = "unit__path") -> QuerySet[Any]:
    """The rows of the current unit with that official code and of the units under it (none for an unknown code)."""
    unit = OrgUnit.objects.filter(code=code.strip(), era=OrgUnit.Era.CURRENT).order_by("level").first()
    if unit is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": unit.path})


def _rename(filterset: type[django_filters.FilterSet], renamed: dict[str, str]) -> None:
    """Give filters names Python cannot spell as attributes ("from")."""
    for old, new in renamed.items():
        filterset.base_filters[new] = filterset.base_filters.pop(old)


class UnitCodeFilter(django_filters.CharFilter):
    """A unit's official code; the rows of its subtree."""

    def __init__(self, path_field: str = "unit__path", **kwargs: Any) -> None:
        self.path_field = path_field
        kwargs.setdefault("label", _("Unit (official code), with the units under it"))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return in_unit_subtree(qs, value, self.path_field) if value and value.strip() else qs


class CommunityModelFilter(django_filters.FilterSet):
    type = django_filters.CharFilter(field_name="model_type__code", label=_("Type (code)"))
    status = django_filters.ChoiceFilter(choices=ModelStatus.choices, label=_("Status"))
    unit = UnitCodeFilter()
    q = django_filters.CharFilter(method="by_name", label=_("Name contains"))

    class Meta:
        model = CommunityModel
        fields = ["type", "status", "unit", "q"]

    def by_name(self, queryset: QuerySet[CommunityModel], name: str, value: Any) -> QuerySet[CommunityModel]:
        return filter_by_name(queryset, value)  # without case or diacritics


class BoardMemberFilter(django_filters.FilterSet):
    model = IdFilter(field_name="model_id", label=_("Model"))

    class Meta:
        model = BoardMember
        fields = ["model"]


class MembershipFilter(django_filters.FilterSet):
    model = IdFilter(field_name="model_id", label=_("Model"))
    person = IdFilter(field_name="person_id", label=_("Person"))
    active_on = DayFilter(method="by_active_on", label=_("Members on (date)"))

    class Meta:
        model = Membership
        fields = ["model", "person", "active_on"]

    def by_active_on(self, queryset: QuerySet[Membership], name: str, value: Any) -> QuerySet[Membership]:
        return queryset.filter(joined_on__lte=value).filter(Q(left_on__isnull=True) | Q(left_on__gte=value))


class SessionFilter(django_filters.FilterSet):
    model = IdFilter(field_name="model_id", label=_("Model"))
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Session
        fields = ["model", "kind", "date_from", "date_to"]


_rename(SessionFilter, {"date_from": "from", "date_to": "to"})


class ActivityFilter(django_filters.FilterSet):
    unit = UnitCodeFilter()
    model = IdFilter(field_name="model_id", label=_("Model"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    year = YearFilter(field_name="date__year", label=_("Year"))

    class Meta:
        model = Activity
        fields = ["unit", "model", "kind", "year"]


class RoadmapTargetFilter(django_filters.FilterSet):
    unit = UnitCodeFilter()
    year = YearFilter(field_name="year", label=_("Year"))
    type = django_filters.CharFilter(field_name="model_type__code", label=_("Type (code)"))

    class Meta:
        model = RoadmapTarget
        fields = ["unit", "year", "type"]
