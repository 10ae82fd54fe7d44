"""Reads of support; every one starts from the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from donghanh.core.dates import add_months_civil
from donghanh.orgunits.models import OrgUnit
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Partner, Referral, ServiceRecord, ServiceType


def partners_for_user(user: Any) -> QuerySet[Partner]:
    return Partner.objects.accessible_to(user).select_related("unit")


def stable_jobs_on(day: datetime.date) -> QuerySet[ServiceRecord]:
    """Jobs held on `day` for at least `SUPPORT_STABLE_JOB_MONTHS` months: the definition of a stable job.

    Computed from the dates, so a job becomes stable on the day it reaches the threshold and stops
    counting the day after it ends.
    """
    started_by = add_months_civil(day, -settings.SUPPORT_STABLE_JOB_MONTHS)
    return ServiceRecord.objects.filter(
        service_type__category=ServiceCategory.JOB_PLACEMENT, start_date__lte=started_by
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def is_stable_job(record: ServiceRecord, day: datetime.date) -> bool:
    """The same rule for one record in hand."""
    if record.service_type.category != ServiceCategory.JOB_PLACEMENT:
        return False
    held = record.start_date <= add_months_civil(day, -settings.SUPPORT_STABLE_JOB_MONTHS)
    return held and (record.end_date is None or record.end_date >= day)


def referrals_overdue(user: Any, today: datetime.date) -> QuerySet[Referral]:
    """Referrals the user sent that have had no answer for more than `SUPPORT_REFERRAL_ANSWER_DAYS` days."""
    limit = today - datetime.timedelta(days=settings.SUPPORT_REFERRAL_ANSWER_DAYS)
    return (
        Referral.objects.accessible_to(user)
        .filter(referred_by=user, status=ReferralStatus.SENT, sent_on__lt=limit)
        .select_related("person", "partner")
        .order_by("sent_on", "pk")
    )


@dataclass(frozen=True)
class SupportTotal:
    """Support of one type given in a period: how many people, how many times, how much money."""

    service_type: ServiceType
    people: int
    records: int
    amount: int


def of_people_in(unit: OrgUnit) -> Q:
    """Records of the people managed in `unit`'s subtree: every record for the root, without reading a path."""
    return Q() if unit.parent_id is None else Q(person__unit__path__startswith=unit.path)


def services_given(user: Any, unit: OrgUnit, first: datetime.date, last: datetime.date) -> QuerySet[ServiceRecord]:
    """Support that started between `first` and `last` for people of `unit`'s subtree in the user's scope: the rows
    `support_totals` counts, oldest first, with what a list of them shows."""
    return (
        ServiceRecord.objects.accessible_to(user)
        .filter(of_people_in(unit), start_date__range=(first, last))
        .select_related("person__unit", "service_type", "provider")
        .order_by("start_date", "person__search_name", "pk")
    )


def support_totals(user: Any, unit: OrgUnit, first: datetime.date, last: datetime.date) -> list[SupportTotal]:
    """Support that started between `first` and `last` for people of `unit`'s subtree in the user's scope, by type.

    One grouped query; a person helped twice with one type counts once in `people`.
    """
    rows = (
        ServiceRecord.objects.accessible_to(user)
        .filter(of_people_in(unit), start_date__range=(first, last))
        .values("service_type")
        .annotate(people=Count("person", distinct=True), records=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    by_type = {row["service_type"]: row for row in rows}
    types = ServiceType.objects.filter(pk__in=list(by_type)).order_by("position", "code")
    return [
        SupportTotal(t, by_type[t.pk]["people"], by_type[t.pk]["records"], by_type[t.pk]["amount"] or 0) for t in types
    ]
