"""Community models (their status read from their history) and their members (attendance, assessment,
counselling).

Both count on their model's unit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.casework.models import Contact, MonthlyAssessment
from donghanh.community.choices import OPERATING_STATUSES, ModelStatus
from donghanh.community.models import Attendance, CommunityModel, Membership, ModelType, Session, StatusChange
from donghanh.core.text import in_language
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Kind, Needs, Section


def _model_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    latest = StatusChange.objects.filter(model_id=OuterRef("pk"), on__lte=ctx.day).order_by("-on", "-pk")
    rows: QuerySet[Any] = CommunityModel.objects.filter(established_on__lte=ctx.day).annotate(
        status_at=Subquery(latest.values("status")[:1])
    )
    return rows


def _operating(ctx: Context) -> Q:
    return Q(status_at__in=sorted(OPERATING_STATUSES))


def _operating_of_type(pk: int) -> Condition:
    return lambda ctx: _operating(ctx) & Q(model_type_id=pk)


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
    return lambda ctx: Q(status_at=status)


MODELS = Family(
    "models", _model_rows, path="unit__path", subject="pk", person=None, expand=_model_types,
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


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many `rows` there are, as a correlated subquery (0 for none)."""
    counted = rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _member_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    day, first, last = ctx.day, ctx.period.first, ctx.period.last
    held = Session.objects.filter(
        model_id=OuterRef("model_id"), date__range=(first, last), date__gte=OuterRef("joined_on")
    )
    attended = Attendance.objects.filter(membership_id=OuterRef("pk"), session__date__range=(first, last))
    assessed = MonthlyAssessment.objects.filter(person=OuterRef("person_id"), month__range=(first, last))
    latest = assessed.order_by("-month", "-pk").values("rating__counts_as_progress")[:1]
    pct = settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT
    rows: QuerySet[Any] = (
        Membership.objects.filter(joined_on__lte=day, person__merged_into__isnull=True)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .annotate(
            held=_count(held),
            attended=_count(attended),
            progressing=Subquery(latest),
            counselled=Exists(Contact.objects.filter(person=OuterRef("person_id"), date__range=(first, last))),
            assessed=Exists(assessed),
            used=Exists(assessed.exclude(drug_use="none")),
        )
        .annotate(regular_gap=F("attended") * 100 - F("held") * pct)
    )
    return rows


MEMBERS = Family(
    "members", _member_rows, path="model__unit__path", subject="person_id",
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
            "members", Section.COMMUNITY, Kind.SHARE, where=lambda ctx: Q(held__gt=0, regular_gap__gte=0),
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
