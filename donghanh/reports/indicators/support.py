"""Services started in the period and referrals closed in it.

A service counts on the commune that managed the person on the day it started; a referral, on the commune that
managed the person on the day it closed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.people.models import ManagementPeriod
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Kind, Needs, Section
from donghanh.reports.status.rows import units_ready
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Referral, ServiceRecord

CLOSED_REFERRALS = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST)


def _managed_on(rows: QuerySet[Any], day: str, ctx: Context) -> QuerySet[Any]:
    """`rows` with `unit_path_at`, the path of the commune that managed the row's person on its date `day` (the
    period on the roster covering that day that began last), or None when no period covers it.

    A join to the periods covering the day, without those that another covering period follows, rather than a
    lookup per record: a frame's units then lead to their periods, and these to their people's records.
    """
    # Periods that cover the day cover part of the report's period: said outright, so that the units' periods
    # are narrowed to those before their people's records are read.
    first, last = ctx.period.first, ctx.period.last
    covering = (
        Q(person__periods__start_date__lte=last)
        & Q(person__periods__start_date__lte=F(day))
        & (Q(person__periods__end_date__isnull=True) | Q(person__periods__end_date__gte=first))
        & (Q(person__periods__end_date__isnull=True) | Q(person__periods__end_date__gte=F(day)))
    )
    followed = (
        ManagementPeriod.objects.filter(person=OuterRef("person_id"), start_date__lte=OuterRef(day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(day)))
        .filter(
            Q(start_date__gt=OuterRef("managing__start_date"))
            | Q(start_date=OuterRef("managing__start_date"), pk__gt=OuterRef("managing__pk"))
        )
    )
    managed: QuerySet[Any] = (
        rows.annotate(managing=FilteredRelation("person__periods", condition=covering))
        .filter(~Exists(followed))
        .annotate(unit_path_at=F("managing__unit__path"))
    )
    return managed


def _on_unit(rows: QuerySet[Any], day: str, ctx: Context) -> QuerySet[Any]:
    """`rows` with `unit_path_at`: read from the units kept with the monthly status rows (`reports.ServiceUnit`,
    `reports.ReferralUnit`, the same choice made record by record) when they are built, else found by `_managed_on`."""
    if units_ready(ctx):
        # The period said of the unit rows too: a unit's records of the period are then found by their index.
        joined: QuerySet[Any] = rows.filter(managed__day__range=(ctx.period.first, ctx.period.last)).annotate(
            unit_path_at=F("managed__unit__path")
        )
        return joined
    return _managed_on(rows, day, ctx)


def _service_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    started = ServiceRecord.objects.filter(start_date__range=(ctx.period.first, ctx.period.last))
    rows: QuerySet[Any] = _on_unit(started, "start_date", ctx).annotate(category=F("service_type__category"))
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
    closed = Referral.objects.filter(status__in=CLOSED_REFERRALS, status_on__range=(ctx.period.first, ctx.period.last))
    rows: QuerySet[Any] = _on_unit(closed, "status_on", ctx)
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
