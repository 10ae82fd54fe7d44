"""Community models (their status read from their history) and their members (attendance, assessment,
counselling).

Both count on their model's unit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.casework.models import Contact, MonthlyAssessment
from donghanh.community.choices import OPERATING_STATUSES, ModelStatus
from donghanh.community.models import Attendance, Membership, ModelType, Session, StatusChange
from donghanh.core.dates import month_start
from donghanh.core.text import in_language
from donghanh.people.models import Person
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Kind, Needs, Section
from donghanh.reports.models import MemberMonth
from donghanh.reports.status.rows import status_ready


def _model_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """Each model's status on the day, as the row of its latest change by then (a model with none has no status
    and counts in no figure). A row, not a subquery per model: the indicators test the status many times over."""
    day = ctx.day
    later = StatusChange.objects.filter(model_id=OuterRef("model_id"), on__lte=day).filter(
        Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk"))
    )
    rows: QuerySet[Any] = StatusChange.objects.filter(on__lte=day, model__established_on__lte=day).filter(
        ~Exists(later)
    )
    return rows


def _operating(ctx: Context) -> Q:
    return Q(status__in=sorted(OPERATING_STATUSES))


def _operating_of_type(pk: int) -> Condition:
    return lambda ctx: _operating(ctx) & Q(model__model_type_id=pk)


def _model_types(ctx: Context) -> list[Indicator]:
    return [
        Indicator(
            f"models.type.{model_type.code}",
            in_language(model_type.label_vi, model_type.label_en),
            _("Models of this type operating (pilot, active or stable) on the period's last day."),
            "models",
            Section.COMMUNITY,
            unit=_("models"),
            where=_operating_of_type(model_type.pk),
            stock=True,
            drill=False,
            position=320 + model_type.position,
        )
        for model_type in ctx.remember("model_types", lambda: list(ModelType.objects.order_by("position", "code")))
    ]


def _model_status(status: str) -> Condition:
    return lambda ctx: Q(status=status)


MODELS = Family(
    "models", _model_rows, path="model__unit__path", subject="model_id", person=None, expand=_model_types,
    indicators=(
        Indicator(
            "models.operating", _("Community models operating"),
            _("Clubs, counselling points and groups operating (pilot, active or stable) on the period's last day."),
            "models", Section.COMMUNITY, unit=_("models"), where=_operating, stock=True, key=True, drill=False,
            position=310,
        ),
        *(
            Indicator(
                f"models.status.{status.value}", status.label,
                _("Models with this status on the period's last day."),
                "models", Section.COMMUNITY, unit=_("models"), where=_model_status(status.value), stock=True,
                drill=False, position=400 + i,
            )
            for i, status in enumerate(ModelStatus)
        ),
    ),
)  # fmt: skip


def _regular_gap(ctx: Context) -> Subquery:
    """For a membership (the outer row): the sessions of its model it attended in the period × 100, less the
    regular-attendance share of those held in the period since it joined; None when none was held.

    One pass over the model's sessions in the period, each looked up in the member's attendance, rather than a
    count of each: a member is only ever marked present at their own model's sessions.
    """
    first, last = ctx.period.first, ctx.period.last
    pct = settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT
    present = Attendance.objects.filter(session_id=OuterRef("pk"), membership_id=OuterRef(OuterRef("pk")))
    held = Count("pk", filter=Q(date__gte=OuterRef("joined_on")))
    gap = (
        Session.objects.filter(model_id=OuterRef("model_id"), date__range=(first, last))
        .order_by()
        .values("model_id")
        .annotate(gap=Sum(Case(When(Exists(present), then=100), default=0)) - NullIf(held, 0) * pct)
        .values("gap")
    )
    return Subquery(gap, output_field=IntegerField())


def _member_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """The memberships running on the day, with their attendance, assessments and contacts in the period: read
    from their rows of the month (`reports.MemberMonth`) when the status rows reach it, else looked up."""
    if status_ready(ctx):
        return _member_month_rows(ctx)
    return live_member_rows(ctx)


def live_member_rows(ctx: Context) -> QuerySet[Any]:
    """The members family's rows looked up membership by membership: the reference the month rows are tested
    against, and the path for a day they do not reach."""
    day, first, last = ctx.day, ctx.period.first, ctx.period.last
    assessed = MonthlyAssessment.objects.filter(person=OuterRef("person_id"), month__range=(first, last))
    latest = assessed.order_by("-month", "-pk").values("rating__counts_as_progress")[:1]
    # Merged records are few: left out by looking them up (an index), not by joining every member to their person.
    merged = Person.objects.filter(pk=OuterRef("person_id"), merged_into__isnull=False)
    rows: QuerySet[Any] = (
        Membership.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .filter(~Exists(merged))
        .annotate(
            unit_path_at=F("model__unit__path"),
            regular_gap=_regular_gap(ctx),
            progressing=Subquery(latest),
            counselled=Exists(Contact.objects.filter(person=OuterRef("person_id"), date__range=(first, last))),
            assessed=Exists(assessed),
            used=Exists(assessed.exclude(drug_use="none")),
        )
    )
    return rows


def _since(first: datetime.date, day: str) -> Case:
    """Whether the day named is on or after `first`: false, not unknown, when there is none."""
    return Case(When(**{f"{day}__gte": first}, then=True), default=False, output_field=BooleanField())


def _member_month_rows(ctx: Context) -> QuerySet[Any]:
    """The rows of the period's last month; the period's attendance is the running totals less those of the month
    before it (no row there: none)."""
    first = ctx.period.first
    before = month_start(first - datetime.timedelta(days=1))
    pct = settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT
    earlier = FilteredRelation("membership__months", condition=Q(membership__months__month=before))
    attended = F("attended") - Coalesce(F("earlier__attended"), 0)
    held = F("held") - Coalesce(F("earlier__held"), 0)
    rows: QuerySet[Any] = (
        MemberMonth.objects.filter(month=month_start(ctx.day), active=True)
        .annotate(earlier=earlier)
        .annotate(
            unit_path_at=F("membership__model__unit__path"),
            regular_gap=ExpressionWrapper(attended * 100 - NullIf(held, 0) * pct, output_field=IntegerField()),
            progressing=Case(
                When(last_assessed__gte=first, then=F("progress")), default=None, output_field=BooleanField()
            ),
            counselled=_since(first, "last_contact"),
            assessed=_since(first, "last_assessed"),
            used=_since(first, "last_used"),
        )
    )
    return rows


MEMBERS = Family(
    "members", _member_rows, path="unit_path_at", subject="person_id",
    indicators=(
        Indicator(
            "members.total", _("Members"),
            _("People who are members of a model on the period's last day."),
            "members", Section.COMMUNITY, stock=True, key=True, capability=Capability.VIEW_COMMUNITY, position=340,
        ),
        Indicator(
            "members.regular", _("Members attending regularly"),
            _("Of the members, those present at the regular-attendance share of their model's sessions held in the "
              "period while they were members."),
            "members", Section.COMMUNITY, Kind.SHARE, where=lambda ctx: Q(regular_gap__gte=0),
            denominator="members.total", key=True, capability=Capability.VIEW_COMMUNITY, position=350,
        ),
        Indicator(
            "members.progressing", _("Members rated progressing"),
            _("Of the members, those whose last monthly assessment in the period rates them as progressing."),
            "members", Section.COMMUNITY, Kind.SHARE, where=lambda ctx: Q(progressing=True),
            denominator="members.total", capability=Capability.VIEW_CASEWORK, position=360,
        ),
        Indicator(
            "members.counselled", _("Members counselled"),
            _("Of the members, those with at least one counselling contact (visit, call, session) in the period."),
            "members", Section.COMMUNITY, Kind.SHARE, where=lambda ctx: Q(counselled=True),
            denominator="members.total", key=True, capability=Capability.VIEW_CASEWORK, position=370,
        ),
        Indicator(
            "members.drug_free", _("Members not using drugs in the period"),
            _("Of the members, those assessed in the period whose every assessment records no drug use."),
            "members", Section.COMMUNITY, Kind.SHARE, where=lambda ctx: Q(assessed=True, used=False),
            denominator="members.total", key=True, capability=Capability.VIEW_DRUG_USE, position=380,
        ),
    ),
)  # fmt: skip
