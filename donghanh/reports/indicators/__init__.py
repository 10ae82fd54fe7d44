"""The registry of indicators: every figure a report shows, with its definition, in one place.

Indicators come in families. A family is one kind of row the database counts (people managed on the period's
last day, volunteers, communes, community models, members, services, referrals) with the annotations its
indicators test; an indicator is a condition on those rows and what is counted of them. A family's
indicators are computed together, in one query for the whole unit and one for its breakdown by child units,
whatever the size of the subtree.

A share is a numerator indicator over a denominator indicator of the same family. Codes are stable: targets,
the API and exported files refer to them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.casework.models import (
    Contact,
    MonthlyAssessment,
    QuarterlyClassification,
    RatingLevel,
    VolunteerTeam,
)
from donghanh.casework.periods import month_end, quarter_of
from donghanh.casework.selectors import assignments_active_on, volunteers_active_on
from donghanh.community.choices import OPERATING_STATUSES, ModelStatus
from donghanh.community.models import Attendance, CommunityModel, Membership, ModelType, Session, StatusChange
from donghanh.core.periods import Period
from donghanh.core.text import in_language
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.selectors import episodes_active_on, periods_on
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.people.models import ManagementPeriod, WhereaboutsRecord
from donghanh.reports.frames import Frame
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Referral, ServiceRecord
from donghanh.support.selectors import stable_jobs_on


class Kind(StrEnum):
    COUNT = "count"  # a number of people, volunteers, models…
    SHARE = "share"  # a percentage: numerator over denominator
    AMOUNT = "amount"  # Vietnamese đồng


class Section(StrEnum):
    STATUS = "status"
    VOLUNTEERS = "volunteers"
    COMMUNITY = "community"
    SUPPORT = "support"
    CASEWORK = "casework"


SECTION_LABELS: dict[Section, Promise] = {
    Section.STATUS: _("Status at the end of the period"),
    Section.VOLUNTEERS: _("Volunteers"),
    Section.COMMUNITY: _("Community models"),
    Section.SUPPORT: _("Support and referrals"),
    Section.CASEWORK: _("Assessments and classification"),
}


@dataclass(frozen=True)
class Context:
    """What the families' rows depend on: the period, and the day it is measured on (its last day)."""

    period: Period
    today: datetime.date
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def remember(self, key: str, load: Callable[[], Any]) -> Any:
        """What `load` gives, read once per context (the configured lists a report's families share)."""
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]

    @property
    def day(self) -> datetime.date:
        return self.period.last

    @property
    def is_running(self) -> bool:
        return self.period.first <= self.today <= self.period.last

    def months(self) -> list[datetime.date]:
        """The period's months whose assessments are due by today (a month is due once its grace days pass)."""
        grace = datetime.timedelta(days=settings.CASEWORK_ASSESSMENT_GRACE_DAYS)
        month, months = self.period.first, []
        while month <= self.period.last:
            if month_end(month) + grace < self.today:
                months.append(month)
            month = month_end(month) + datetime.timedelta(days=1)
        return months

    def last_quarter(self) -> tuple[int, int] | None:
        """The last quarter that ends within the period (None for a month that does not end a quarter)."""
        year, quarter = quarter_of(self.period.last)
        ends = datetime.date(year, 3 * quarter, 1)
        if month_end(ends) != self.period.last:
            return None
        return year, quarter


Condition = Callable[[Context], Q]
Needs = frozenset[str] | None  # the annotations a family's indicators use (None: all)
PEOPLE = _("people")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise | str
    definition: Promise | str
    family: str
    section: Section
    kind: Kind = Kind.COUNT
    unit: Promise | str = PEOPLE
    where: Condition | None = None  # the rows counted; None: all the family's rows
    denominator: str | None = None  # for a share: the code of the indicator counted below the line
    measure: str | None = None  # what is summed instead of counting the family's subject (an annotation)
    stock: bool = False  # measured on the period's last day: a target for a year holds for its months too
    key: bool = False  # shown on the officers' dashboard
    drill: bool = True  # the people behind it can be listed
    capability: Capability = Capability.VIEW_PEOPLE  # needed to list them (sensitive data needs more)
    position: int = 0

    @property
    def is_share(self) -> bool:
        return self.kind == Kind.SHARE

    def condition(self, ctx: Context) -> Q:
        return self.where(ctx) if self.where is not None else Q()


@dataclass(frozen=True)
class Family:
    """One kind of row counted for a frame and a period, with what its indicators test."""

    code: str
    rows: Callable[[Frame, Context, Needs], QuerySet[Any]]
    path: str  # lookup from a row to its unit's path (an annotation or a relation)
    subject: str  # what a count counts once: "person_id" or "pk"
    person: str | None = "person_id"  # lookup from a row to the person behind it, for the drill-down
    expand: Callable[[Context], list[Indicator]] | None = None  # indicators that depend on data (types, levels)
    indicators: list[Indicator] = field(default_factory=list)

    def all_indicators(self, ctx: Context) -> list[Indicator]:
        extra = self.expand(ctx) if self.expand is not None else []
        return [*self.indicators, *extra]


FAMILIES: dict[str, Family] = {}
INDICATORS: dict[str, Indicator] = {}


def _register(family: Family, *indicators: Indicator) -> None:
    FAMILIES[family.code] = family
    for indicator in indicators:
        if indicator.code in INDICATORS:
            raise ValueError(f"indicator {indicator.code} registered twice")
        family.indicators.append(indicator)
        INDICATORS[indicator.code] = indicator


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _episode_on(day: datetime.date, *types: str) -> Exists:
    return Exists(episodes_active_on(day).filter(person=OuterRef("person_id"), episode_type__in=types))


def _assigned_on(day: datetime.date) -> Exists:
    return Exists(assignments_active_on(day).filter(person=OuterRef("person_id")))


def _unit_path_on(day_ref: Any) -> Subquery:
    """The path of the commune that managed the row's person on the row's date (an outer reference)."""
    managing = (
        ManagementPeriod.objects.filter(person=OuterRef("person_id"), start_date__lte=day_ref)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day_ref))
        .order_by("-start_date", "-pk")
        .values("unit__path")[:1]
    )
    return Subquery(managing)


# --- people managed on the period's last day -----------------------------------------------------------

SANCTIONED_TYPES = (EpisodeType.DRUG_USER_MANAGEMENT, EpisodeType.ADMINISTRATIVE_EDUCATION)
JOB_SUPPORT = (ServiceCategory.TRAINING, ServiceCategory.JOB_REFERRAL, ServiceCategory.JOB_PLACEMENT)
STATUS_EPISODES = {
    "post_rehab": EpisodeType.POST_REHAB_MANAGEMENT,
    "education": EpisodeType.ADMINISTRATIVE_EDUCATION,
    "user_management": EpisodeType.DRUG_USER_MANAGEMENT,
    "community_rehab": EpisodeType.VOLUNTARY_COMMUNITY_REHAB,
    "methadone": EpisodeType.METHADONE,
}


def _people_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    day, period = ctx.day, ctx.period
    where = WhereaboutsRecord.objects.filter(person=OuterRef("person_id"), since__lte=day).order_by("-since", "-pk")
    in_period = Q(start_date__lte=period.last) & (
        Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=period.first)
    )
    annotations: dict[str, Any] = {
        "where_at": Subquery(where.values("status")[:1]),
        "followed": _episode_on(day, *settings.CASEWORK_ASSESSED_EPISODE_TYPES),
        "assigned": _assigned_on(day),
        "stable_job": Exists(stable_jobs_on(day).filter(person=OuterRef("person_id"))),
        "sanctioned": Exists(
            Episode.objects.filter(in_period, person=OuterRef("person_id"), episode_type__in=SANCTIONED_TYPES)
        ),
        "job_support": Exists(
            ServiceRecord.objects.filter(
                person=OuterRef("person_id"),
                service_type__category__in=JOB_SUPPORT,
                start_date__range=(period.first, period.last),
            )
        ),
        "relapsed": Exists(
            Episode.objects.filter(
                person=OuterRef("person_id"),
                episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
                end_reason=EndReason.RELAPSE,
                actual_end_date__range=(period.first, period.last),
            )
        ),
    }
    for name, episode_type in STATUS_EPISODES.items():
        annotations[f"ep_{name}"] = _episode_on(day, episode_type)
    # Only what the indicators asked for: every annotation is a subquery per row, used or not.
    annotations = {name: value for name, value in annotations.items() if needs is None or name in needs}
    months = ctx.months() if needs is None or {"months_due", "months_done"} & needs else []
    # Monthly assessments: each month of the period is due for a person followed by case work at its end.
    due, done = Value(0), Value(0)
    for i, month in enumerate(months):
        annotations[f"due_{i}"] = _episode_on(month_end(month), *settings.CASEWORK_ASSESSED_EPISODE_TYPES)
        annotations[f"with_{i}"] = _assigned_on(month_end(month))
        annotations[f"done_{i}"] = Exists(MonthlyAssessment.objects.filter(person=OuterRef("person_id"), month=month))
    rows: QuerySet[Any] = periods_on(day).filter(person__merged_into__isnull=True).annotate(**annotations)
    for i, _month in enumerate(months):
        is_due = Q(**{f"due_{i}": True}) | Q(**{f"with_{i}": True})
        due = due + Case(When(is_due, then=Value(1)), default=Value(0))  # type: ignore[assignment]
        done = done + Case(When(is_due & Q(**{f"done_{i}": True}), then=Value(1)), default=Value(0))  # type: ignore[assignment]
    if needs is None or {"months_due", "months_done"} & needs:
        rows = rows.annotate(months_due=due, months_done=done)
    # A period that does not end a quarter has no classification: the levels count nobody.
    quarter = ctx.last_quarter()
    for code in _level_codes(ctx):
        if needs is not None and f"level_{code}" not in needs:
            continue
        classified = (
            Exists(
                QuarterlyClassification.objects.filter(
                    person=OuterRef("person_id"), year=quarter[0], quarter=quarter[1], level__code=code
                )
            )
            if quarter is not None
            else Value(False)
        )
        rows = rows.annotate(**{f"level_{code}": classified})
    return rows


def _whereabouts(status: str) -> Condition:
    return lambda ctx: Q(where_at=status)


def _under(name: str) -> Condition:
    return lambda ctx: Q(**{f"ep_{name}": True})


def _in_casework(ctx: Context) -> Q:
    return Q(followed=True) | Q(assigned=True)


def _level_codes(ctx: Context) -> list[str]:
    return list(_levels(ctx))


def _levels(ctx: Context) -> dict[str, RatingLevel]:
    """The classification levels in use, by code (the best-ranked label for a code used by several scales)."""

    def load() -> dict[str, RatingLevel]:
        levels: dict[str, RatingLevel] = {}
        for level in RatingLevel.objects.order_by("rank", "scale_id", "pk"):
            levels.setdefault(level.code, level)
        return levels

    levels: dict[str, RatingLevel] = ctx.remember("levels", load)
    return levels


def _classified(code: str) -> Condition:
    return lambda ctx: Q(**{f"level_{code}": True})


def _classification_levels(ctx: Context) -> list[Indicator]:
    """One indicator per classification level in use (the scales are configured per province)."""
    if ctx.last_quarter() is None:
        return []
    return [
        Indicator(
            f"classification.{code}",
            in_language(level.label_vi, level.label_en),
            _("People classified at this level for the last quarter of the period."),
            "people",
            Section.CASEWORK,
            where=_classified(code),
            capability=Capability.VIEW_CASEWORK,
            position=900 + level.rank,
        )
        for code, level in _levels(ctx).items()
    ]


_register(
    Family("people", _people_rows, path="unit__path", subject="person_id", expand=_classification_levels),
    Indicator(
        "people.registered", _("People registered"),
        _("People managed by a commune of the unit on the period's last day."),
        "people", Section.STATUS, stock=True, key=True, position=10,
    ),
    Indicator(
        "people.in_facility", _("In a rehab facility"),
        _("People whose whereabouts on the period's last day is a rehab facility."),
        "people", Section.STATUS, where=_whereabouts(Whereabouts.IN_FACILITY), stock=True, key=True, position=20,
    ),
    Indicator(
        "people.at_residence", _("At residence"),
        _("People living at their residence on the period's last day."),
        "people", Section.STATUS, where=_whereabouts(Whereabouts.AT_RESIDENCE), stock=True, key=True, position=30,
    ),
    Indicator(
        "people.post_rehab", _("Under post-rehab management"),
        _("People under post-rehab management (Decree 116/2021) on the period's last day."),
        "people", Section.STATUS, where=_under("post_rehab"), stock=True, key=True,
        capability=Capability.VIEW_EPISODES, position=40,
    ),
    Indicator(
        "people.education", _("Under education at commune level"),
        _("People under education at commune level (Decree 120/2021) on the period's last day."),
        "people", Section.STATUS, where=_under("education"), stock=True, capability=Capability.VIEW_EPISODES,
        position=50,
    ),
    Indicator(
        "people.user_management", _("Under drug-user management"),
        _("People under management as illegal drug users (Decree 105/2021) on the period's last day."),
        "people", Section.STATUS, where=_under("user_management"), stock=True, capability=Capability.VIEW_EPISODES,
        position=60,
    ),
    Indicator(
        "people.community_rehab", _("In rehab at home or in the community"),
        _("People in voluntary rehab at home or in the community on the period's last day."),
        "people", Section.STATUS, where=_under("community_rehab"), stock=True,
        capability=Capability.VIEW_EPISODES, position=70,
    ),
    Indicator(
        "people.methadone", _("On methadone"),
        _("People in methadone treatment on the period's last day."),
        "people", Section.STATUS, where=_under("methadone"), stock=True, capability=Capability.VIEW_EPISODES,
        position=80,
    ),
    Indicator(
        "people.whereabouts_unknown", _("Whereabouts unknown"),
        _("People whose whereabouts on the period's last day is unknown."),
        "people", Section.STATUS, where=_whereabouts(Whereabouts.UNKNOWN), stock=True, key=True, position=90,
    ),
    Indicator(
        "people.in_casework", _("People followed by case work"),
        _("People under a measure that case work follows, or with a volunteer, on the period's last day."),
        "people", Section.VOLUNTEERS, where=_in_casework, stock=True, capability=Capability.VIEW_CASEWORK,
        position=230,
    ),
    Indicator(
        "people.with_volunteer", _("People followed with a volunteer"),
        _("Of the people followed by case work on the period's last day, those assigned a volunteer that day."),
        "people", Section.VOLUNTEERS, Kind.SHARE, where=lambda ctx: _in_casework(ctx) & Q(assigned=True),
        denominator="people.in_casework", stock=True, key=True, capability=Capability.VIEW_CASEWORK, position=240,
    ),
    Indicator(
        "support.stable_job", _("People with a stable job"),
        _("People holding, on the period's last day, a job placement held for the months a stable job needs."),
        "people", Section.SUPPORT, where=lambda ctx: Q(stable_job=True), stock=True, key=True,
        capability=Capability.VIEW_SUPPORT, position=560,
    ),
    Indicator(
        "people.sanctioned", _("Sanctioned drug users"),
        _("People under drug-user management or education at commune level at some time in the period."),
        "people", Section.SUPPORT, where=lambda ctx: Q(sanctioned=True), capability=Capability.VIEW_EPISODES,
        position=570,
    ),
    Indicator(
        "support.sanctioned_supported", _("Sanctioned drug users given vocational or job support"),
        _("Of the sanctioned drug users, those who started vocational training, a job referral or a job "
          "placement in the period."),
        "people", Section.SUPPORT, Kind.SHARE, where=lambda ctx: Q(sanctioned=True, job_support=True),
        denominator="people.sanctioned", key=True, capability=Capability.VIEW_EPISODES, position=580,
    ),
    Indicator(
        "casework.assessments_due", _("Monthly assessments due"),
        _("Months of the period (those past their grace days) times the people followed by case work at each "
          "month's end."),
        "people", Section.CASEWORK, unit=_("assessments"), measure="months_due", drill=False,
        capability=Capability.VIEW_CASEWORK, position=810,
    ),
    Indicator(
        "casework.assessments_done", _("Monthly assessments done of those due"),
        _("Of the monthly assessments due, those recorded."),
        "people", Section.CASEWORK, Kind.SHARE, unit=_("assessments"), measure="months_done",
        denominator="casework.assessments_due", key=True, drill=False, capability=Capability.VIEW_CASEWORK,
        position=820,
    ),
    Indicator(
        "casework.relapses", _("Relapses during post-rehab management"),
        _("People whose post-rehab management ended in the period because they relapsed."),
        "people", Section.CASEWORK, where=lambda ctx: Q(relapsed=True), capability=Capability.VIEW_EPISODES,
        position=990,
    ),
)  # fmt: skip


# --- volunteers and teams --------------------------------------------------------------------------------


def _volunteer_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    helping = assignments_active_on(ctx.day).filter(volunteer=OuterRef("pk"))
    rows: QuerySet[Any] = volunteers_active_on(ctx.day).annotate(helping=Exists(helping))
    return rows


def _commune_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    day = ctx.day
    teams = VolunteerTeam.objects.filter(unit=OuterRef("pk")).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=day)
    )
    rows: QuerySet[Any] = (
        OrgUnit.objects.filter(level=OrgUnit.Level.COMMUNE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .annotate(has_team=Exists(teams))
    )
    return rows


_register(
    Family("volunteers", _volunteer_rows, path="team__unit__path", subject="pk", person=None),
    Indicator(
        "volunteers.active", _("Volunteers active"),
        _("Volunteers of the units' teams active on the period's last day."),
        "volunteers", Section.VOLUNTEERS, unit=_("volunteers"), stock=True, key=True, drill=False, position=210,
    ),
    Indicator(
        "volunteers.helping", _("Volunteers helping at least one person"),
        _("Of the volunteers active on the period's last day, those assigned at least one person that day."),
        "volunteers", Section.VOLUNTEERS, Kind.SHARE, unit=_("volunteers"), where=lambda ctx: Q(helping=True),
        denominator="volunteers.active", stock=True, key=True, drill=False, position=220,
    ),
)  # fmt: skip
_register(
    Family("communes", _commune_rows, path="path", subject="pk", person=None),
    Indicator(
        "communes.total", _("Communes"),
        _("Commune-level units existing on the period's last day."),
        "communes", Section.VOLUNTEERS, unit=_("communes"), stock=True, drill=False, position=250,
    ),
    Indicator(
        "communes.with_team", _("Communes with a volunteer team"),
        _("Of the communes, those with a volunteer team established by the period's last day."),
        "communes", Section.VOLUNTEERS, Kind.SHARE, unit=_("communes"), where=lambda ctx: Q(has_team=True),
        denominator="communes.total", stock=True, drill=False, position=260,
    ),
)  # fmt: skip


# --- community models and their members ------------------------------------------------------------------


def _model_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    latest = StatusChange.objects.filter(model_id=OuterRef("pk"), on__lte=ctx.day).order_by("-on", "-pk")
    rows: QuerySet[Any] = CommunityModel.objects.filter(established_on__lte=ctx.day).annotate(
        status_at=Subquery(latest.values("status")[:1])
    )
    return rows


def _operating(ctx: Context) -> Q:
    return Q(status_at__in=list(OPERATING_STATUSES))


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


_register(
    Family("models", _model_rows, path="unit__path", subject="pk", person=None, expand=_model_types),
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
)  # fmt: skip


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


_register(
    Family("members", _member_rows, path="model__unit__path", subject="person_id"),
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
)  # fmt: skip


# --- support and referrals ---------------------------------------------------------------------------------


def _service_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    rows: QuerySet[Any] = ServiceRecord.objects.filter(start_date__range=(ctx.period.first, ctx.period.last)).annotate(
        unit_path_at=_unit_path_on(OuterRef("start_date")), category=F("service_type__category")
    )
    return rows


def _category(*categories: str) -> Condition:
    return lambda ctx: Q(category__in=categories)


_register(
    Family("services", _service_rows, path="unit_path_at", subject="person_id"),
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
)  # fmt: skip

CLOSED_REFERRALS = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST)


def _referral_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    rows: QuerySet[Any] = Referral.objects.filter(
        status__in=CLOSED_REFERRALS, status_on__range=(ctx.period.first, ctx.period.last)
    ).annotate(unit_path_at=_unit_path_on(OuterRef("status_on")))
    return rows


_register(
    Family("referrals", _referral_rows, path="unit_path_at", subject="pk", person=None),
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
)  # fmt: skip


def indicators_for(ctx: Context) -> list[Indicator]:
    """Every indicator for the period (the registry's and those that depend on data), in report order."""
    found = [indicator for family in FAMILIES.values() for indicator in family.all_indicators(ctx)]
    return sorted(found, key=lambda indicator: (indicator.position, indicator.code))


def context_for(period: Period, today: datetime.date | None = None) -> Context:
    return Context(period, today or timezone.localdate())


def needs_of(indicators: list[Indicator], ctx: Context) -> frozenset[str]:
    """The annotations `indicators` read: the fields their conditions name, and what they sum."""

    def fields(condition: Q) -> set[str]:
        names: set[str] = set()
        for child in condition.children:
            if isinstance(child, Q):
                names |= fields(child)
            elif isinstance(child, tuple):
                names.add(str(child[0]).split("__")[0])
        return names

    needed: set[str] = set()
    for indicator in indicators:
        needed |= fields(indicator.condition(ctx))
        if indicator.measure is not None:
            needed.add(indicator.measure)
    return frozenset(needed)


def aggregate_for(indicator: Indicator, family: Family, ctx: Context) -> Any:
    """What the database computes for an indicator over its family's rows."""
    condition = indicator.condition(ctx)
    if indicator.measure is not None:
        return Coalesce(Sum(indicator.measure, filter=condition or None), 0)
    return Count(family.subject, distinct=True, filter=condition or None)
