"""Filters of the case-work lists, one definition for the pages and any API that lists the same rows."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.casework.models import VolunteerTeam
from donghanh.core.text import fold


class VolunteerTeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Commune"))

    class Meta:
        model = VolunteerTeam
        fields = ["q"]

    def filter_name(self, queryset: QuerySet[VolunteerTeam], name: str, value: Any) -> QuerySet[VolunteerTeam]:
        """Teams of communes whose name holds every word typed, with or without diacritics."""
        for word in fold(value).split():
            queryset = queryset.filter(unit__search_name__contains=word)
        return queryset
