"""Reads of community models; every one starts from the user's scope (or is given rows that did).

Attendance rates and roadmap progress are counted by the database in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from donghanh.community.choices import ModelStatus
from donghanh.community.models import (
    Attendance,
    CommunityModel,
    Membership,
    ModelType,
    RoadmapTarget,
    Session,
    StatusChange,
)
from donghanh.orgunits.models import OrgUnit


def models_for_user(user: Any) -> QuerySet[CommunityModel]:
    return CommunityModel.objects.accessible_to(user).select_related("unit__parent", "model_type")


def with_members_today(models: QuerySet[CommunityModel], day: datetime.date | None = None) -> QuerySet[CommunityModel]:
    """`models` annotated with `members_today` (members on `day`, today by default), counted in the same query."""
    today = day or timezone.localdate()
    members = (
        Membership.objects.filter(model_id=OuterRef("pk"), joined_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .order_by()
        .values("model_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return models.annotate(members_today=Coalesce(Subquery(members, output_field=IntegerField()), 0))


def members_on(model: CommunityModel, day: datetime.date) -> QuerySet[Membership]:
    """The model's members on `day`: joined by then and not left before it."""
    return (
        model.memberships.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("person")
        .order_by("person__search_name", "pk")
    )


def is_regular(attended: int, held: int) -> bool:
    """Attending regularly: present at `COMMUNITY_REGULAR_ATTENDANCE_PERCENT` % of the sessions held or more."""
    return held > 0 and attended * 100 >= held * settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT


@dataclass(frozen=True)
class MemberRate:
    membership: Membership
    held: int  # sessions of the model in the period while a member
    attended: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.held if self.held else None

    @property
    def regular(self) -> bool:
        return is_regular(self.attended, self.held)


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def attendance_rates(memberships: QuerySet[Membership], first: datetime.date, last: datetime.date) -> list[MemberRate]:
    """For each membership overlapping [first, last]: the sessions held while a member, and those attended.

    One query whatever the number of members; a member who joined mid-period is measured from joining.
    """
    # Sessions from joining on; up to leaving for those who left (a NULL `left_on` compares as unknown, so
    # both counts are made and the right one taken per row).
    held = Session.objects.filter(
        model_id=OuterRef("model_id"), date__range=(first, last), date__gte=OuterRef("joined_on")
    )
    held_until_left = held.filter(date__lte=OuterRef("left_on"))
    attended = Attendance.objects.filter(membership_id=OuterRef("pk"), session__date__range=(first, last))
    rows = (
        memberships.filter(joined_on__lte=last)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .annotate(held_open=_count(held), held_closed=_count(held_until_left), attended_count=_count(attended))
        .select_related("person")
        .order_by("person__search_name", "pk")
    )
    return [
        MemberRate(
            m,
            m.held_open if m.left_on is None else m.held_closed,
            m.attended_count,
        )
        for m in rows
    ]


def status_on(models: QuerySet[CommunityModel], day: datetime.date) -> QuerySet[CommunityModel]:
    """`models` annotated with `status_then`: their status on `day` (None before they were established)."""
    latest = (
        StatusChange.objects.filter(model_id=OuterRef("pk"), on__lte=day).order_by("-on", "-pk").values("status")[:1]
    )
    return models.annotate(status_then=Subquery(latest))


@dataclass(frozen=True)
class RoadmapProgress:
    target: RoadmapTarget
    models: int  # models of the target's type in the unit's subtree operating on the day measured
    stable: int  # of which operating stably
    measured_on: datetime.date

    @property
    def stable_share(self) -> float | None:
        return self.stable / self.models if self.models else None

    @property
    def models_met(self) -> bool | None:
        return None if self.target.models_target is None else self.models >= self.target.models_target

    @property
    def stable_met(self) -> bool | None:
        if self.target.stable_share_target is None:
            return None
        return self.models > 0 and self.stable * 100 >= self.models * self.target.stable_share_target


def roadmap_progress(user: Any, unit: OrgUnit, today: datetime.date) -> list[RoadmapProgress]:
    """The targets set for `unit` (every year), each against the models of its subtree on the year's last day
    (today for the current year); a model counts while it operates (pilot, active or stable) on that day."""
    targets = list(
        RoadmapTarget.objects.accessible_to(user).filter(unit=unit).select_related("model_type").order_by("year")
    )
    if not targets:
        return []
    days = {t.year: min(datetime.date(t.year, 12, 31), today) for t in targets}
    counts: dict[tuple[int, int | None], tuple[int, int]] = {}
    in_unit = CommunityModel.objects.accessible_to(user).filter(unit__path__startswith=unit.path)
    operating = [ModelStatus.PILOT, ModelStatus.ACTIVE, ModelStatus.STABLE]
    for year, day in days.items():  # one grouped query per year with a target, a handful at most
        rows = (
            status_on(in_unit, day)
            .filter(status_then__in=operating)  # type: ignore[misc]  # an annotation
            .values("model_type_id")
            .annotate(n=Count("pk"), stable=Count("pk", filter=Q(status_then=ModelStatus.STABLE)))
            .order_by()
        )
        total, total_stable = 0, 0
        for row in rows:
            counts[(year, row["model_type_id"])] = (row["n"], row["stable"])
            total += row["n"]
            total_stable += row["stable"]
        counts[(year, None)] = (total, total_stable)
    return [
        RoadmapProgress(t, *counts.get((t.year, t.model_type_id), (0, 0)), measured_on=days[t.year]) for t in targets
    ]


def model_types() -> QuerySet[ModelType]:
    return ModelType.objects.filter(is_active=True).order_by("position", "code")
