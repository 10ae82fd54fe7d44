"""Reads of support; every one starts from the user's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from donghanh.episodes.rules import add_months
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Partner, Referral, ServiceRecord


def partners_for_user(user: Any) -> QuerySet[Partner]:
    return Partner.objects.accessible_to(user).select_related("unit")


def stable_jobs_on(day: datetime.date) -> QuerySet[ServiceRecord]:
    """Jobs held on `day` for at least `SUPPORT_STABLE_JOB_MONTHS` months: the definition of a stable job.

    Computed from the dates, so a job becomes stable on the day it reaches the threshold and stops
    counting the day after it ends.
    """
    started_by = add_months(day, -settings.SUPPORT_STABLE_JOB_MONTHS)
    return ServiceRecord.objects.filter(
        service_type__category=ServiceCategory.JOB_PLACEMENT, start_date__lte=started_by
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def is_stable_job(record: ServiceRecord, day: datetime.date) -> bool:
    """The same rule for one record in hand."""
    if record.service_type.category != ServiceCategory.JOB_PLACEMENT:
        return False
    held = record.start_date <= add_months(day, -settings.SUPPORT_STABLE_JOB_MONTHS)
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
