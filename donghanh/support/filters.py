"""The partner directory's filters, shared by the page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.support.choices import PartnerKind
from donghanh.support.models import Partner


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="by_name")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartnerKind.choices)
    offers = django_filters.ChoiceFilter(
        label=_("Offers"),
        method="by_offer",
        choices=[
            ("jobs", _("Jobs")),
            ("training", _("Training places")),
            ("loans", _("Loans")),
            ("treatment", _("Treatment")),
        ],
    )
    active = django_filters.BooleanFilter(label=_("Active"), field_name="is_active")

    class Meta:
        model = Partner
        fields = ["q", "kind", "offers", "active"]

    def by_name(self, queryset: QuerySet[Partner], name: str, value: Any) -> QuerySet[Partner]:
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset

    def by_offer(self, queryset: QuerySet[Partner], name: str, value: Any) -> QuerySet[Partner]:
        return queryset.filter(**{f"offers_{value}": True})
