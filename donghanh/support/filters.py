"""Filters of support, shared by the pages and the API: partners, services given, referrals, follow-ups."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.casework.api.base import MonthFilter
from donghanh.core.filters import IdFilter
from donghanh.orgunits.selectors import filter_by_name
from donghanh.people.filters import QUERY_MAX_LENGTH
from donghanh.support.choices import REFERRAL_TRANSITIONS, PartnerKind, ReferralKind, ReferralStatus, ServiceCategory
from donghanh.support.models import AdherenceFollowUp, Partner, Referral, ServiceRecord


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="by_name", max_length=QUERY_MAX_LENGTH)
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
    active = django_filters.BooleanFilter(label=pgettext_lazy("partner", "Active"), field_name="is_active")

    class Meta:
        model = Partner
        fields = ["q", "kind", "offers", "active"]

    def by_name(self, queryset: QuerySet[Partner], name: str, value: Any) -> QuerySet[Partner]:
        return filter_by_name(queryset, value)  # "doan thanh nien" finds "Đoàn Thanh niên"

    def by_offer(self, queryset: QuerySet[Partner], name: str, value: Any) -> QuerySet[Partner]:
        return queryset.filter(**{f"offers_{value}": True})


class ServiceRecordFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("Person"))
    service_type = django_filters.CharFilter(field_name="service_type__code", label=_("Service type (code)"))
    category = django_filters.ChoiceFilter(
        field_name="service_type__category", label=_("Category"), choices=ServiceCategory.choices
    )
    started_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte", label=_("Started from"))
    started_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label=_("Started until"))
    provider = IdFilter(field_name="provider_id", label=_("Provider"))

    class Meta:
        model = ServiceRecord
        fields = ["person", "service_type", "category", "started_from", "started_to", "provider"]


OPEN_REFERRAL_STATUSES = [status for status, onward in REFERRAL_TRANSITIONS.items() if onward]


class ReferralFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("Person"))
    partner = IdFilter(field_name="partner_id", label=_("Partner"))
    kind = django_filters.ChoiceFilter(label=_("For"), choices=ReferralKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices)
    open = django_filters.BooleanFilter(label=_("Still open"), method="by_open")
    sent_from = django_filters.DateFilter(field_name="sent_on", lookup_expr="gte", label=_("Sent from"))
    sent_to = django_filters.DateFilter(field_name="sent_on", lookup_expr="lte", label=_("Sent until"))

    class Meta:
        model = Referral
        fields = ["person", "partner", "kind", "status", "open", "sent_from", "sent_to"]

    def by_open(self, queryset: QuerySet[Referral], name: str, value: Any) -> QuerySet[Referral]:
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_REFERRAL_STATUSES)
            if value
            else queryset.exclude(status__in=OPEN_REFERRAL_STATUSES)
        )


class FollowUpFilter(django_filters.FilterSet):
    referral = IdFilter(field_name="referral_id", label=_("Referral"))
    person = IdFilter(field_name="referral__person_id", label=_("Person"))
    month_from = MonthFilter(field_name="month", lookup_expr="gte", label=_("From month (YYYY-MM)"))
    month_to = MonthFilter(field_name="month", lookup_expr="lte", label=_("Until month (YYYY-MM)"))

    class Meta:
        model = AdherenceFollowUp
        fields = ["referral", "person", "month_from", "month_to"]
