"""Services started in the period and referrals closed in it.

A service counts on the commune that managed the person on the day it started; a referral, on the commune that
managed the person on the day it closed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.people.models import ManagementPeriod
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Kind, Needs, Section
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Referral, ServiceRecord

CLOSED_REFERRALS = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST)


def _unit_path_on(day_ref: Any) -> Subquery:
    """The path of the commune that managed the row's person on the row's date (an outer reference)."""
    managing = (
        ManagementPeriod.objects.filter(person=OuterRef("person_id"), start_date__lte=day_ref)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day_ref))
        .order_by("-start_date", "-pk")
        .values("unit__path")[:1]
    )
    return Subquery(managing)


def _service_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    rows: QuerySet[Any] = ServiceRecord.objects.filter(start_date__range=(ctx.period.first, ctx.period.last)).annotate(
        unit_path_at=_unit_path_on(OuterRef("start_date")), category=F("service_type__category")
    )
    return rows


def _category(*categories: str) -> Condition:
    return lambda ctx: Q(category__in=categories)


SERVICES = Family(
    "services", _service_rows, path="unit_path_at", subject="person_id",
    indicators=(
        Indicator(
            "support.vocational_or_school", _("People given vocational or school support"),
            _("People who started vocational training or general education in the period, counted once."),
            "services", Section.SUPPORT, where=_category(ServiceCategory.TRAINING, ServiceCategory.EDUCATION),
            key=True, capability=Capability.VIEW_SUPPORT, position=510,
        ),
        Indicator(
            "support.emergency_aid", _("People given emergency aid"),
            _("People given emergency hardship aid in the period, counted once."),
            "services", Section.SUPPORT, where=_category(ServiceCategory.EMERGENCY_AID), key=True,
            capability=Capability.VIEW_SUPPORT, position=520,
        ),
        Indicator(
            "support.loan_people", _("People given a preferential loan"),
            _("People whose preferential loan started in the period, counted once."),
            "services", Section.SUPPORT, where=_category(ServiceCategory.LOAN), capability=Capability.VIEW_SUPPORT,
            position=530,
        ),
        Indicator(
            "support.loan_amount", _("Preferential loans (VND)"),
            _("The amounts of the preferential loans that started in the period."),
            "services", Section.SUPPORT, Kind.AMOUNT, unit="₫", where=_category(ServiceCategory.LOAN),
            measure="amount", capability=Capability.VIEW_SUPPORT, position=540,
        ),
        Indicator(
            "support.job_placement", _("People placed in a job"),
            _("People whose job placement started in the period, counted once."),
            "services", Section.SUPPORT, where=_category(ServiceCategory.JOB_PLACEMENT),
            capability=Capability.VIEW_SUPPORT, position=550,
        ),
    ),
)  # fmt: skip


def _referral_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    rows: QuerySet[Any] = Referral.objects.filter(
        status__in=CLOSED_REFERRALS, status_on__range=(ctx.period.first, ctx.period.last)
    ).annotate(unit_path_at=_unit_path_on(OuterRef("status_on")))
    return rows


REFERRALS = Family(
    "referrals", _referral_rows, path="unit_path_at", subject="pk", person=None,
    indicators=(
        Indicator(
            "referrals.closed", _("Referrals closed"),
            _("Referrals that were completed, declined or lost in the period."),
            "referrals", Section.SUPPORT, unit=_("referrals"), drill=False, position=590,
        ),
        Indicator(
            "referrals.completed", _("Referrals completed"),
            _("Of the referrals closed in the period, those completed."),
            "referrals", Section.SUPPORT, Kind.SHARE, unit=_("referrals"),
            where=lambda ctx: Q(status=ReferralStatus.COMPLETED), denominator="referrals.closed", drill=False,
            position=600,
        ),
    ),
)  # fmt: skip
