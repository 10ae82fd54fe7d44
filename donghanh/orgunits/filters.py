"""One filter definition for the unit list and the API."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.core.filters import IdFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import filter_by_name


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Name (with or without diacritics)"))
    era = django_filters.ChoiceFilter(choices=OrgUnit.Era.choices, label=_("Administrative system"))
    level = django_filters.ChoiceFilter(choices=OrgUnit.Level.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices, label=_("Type"))
    parent = IdFilter(field_name="parent_id", label=_("Parent unit"))
    code = django_filters.CharFilter(field_name="code", label=_("Official code"))

    class Meta:
        model = OrgUnit
        fields = ["q", "era", "level", "kind", "parent", "code"]

    def filter_name(self, queryset: QuerySet[OrgUnit], name: str, value: Any) -> QuerySet[OrgUnit]:
        return filter_by_name(queryset, value)
