"""People on the roster on the period's last day: status, measures, case-work coverage, stable jobs, sanctioned
users supported, monthly assessments done of those due, classifications.

A person counts on the commune whose roster they were on on the period's last day (a period on the roster ends on
the day the person leaves it, and that day still counts). Someone who left the roster by then counts in none of
these figures: they are in the roster family's (`roster.py`) flows of the period they left in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.casework.models import MonthlyAssessment, QuarterlyClassification, RatingLevel
from donghanh.casework.selectors import assignments_active_on
from donghanh.core.dates import month_end
from donghanh.core.text import in_language
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.selectors import episodes_active_on, periods_on
from donghanh.people.choices import Whereabouts
from donghanh.people.models import WhereaboutsRecord
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Condition, Context, Family, Indicator, Kind, Needs, Section
from donghanh.reports.status.rows import count_people, status_ready, status_rows
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import ServiceRecord
from donghanh.support.selectors import stable_jobs_on

SANCTIONED_TYPES = (EpisodeType.DRUG_USER_MANAGEMENT, EpisodeType.ADMINISTRATIVE_EDUCATION)
JOB_SUPPORT = (ServiceCategory.TRAINING, ServiceCategory.JOB_REFERRAL, ServiceCategory.JOB_PLACEMENT)
STATUS_EPISODES = {
    "post_rehab": EpisodeType.POST_REHAB_MANAGEMENT,
    "education": EpisodeType.ADMINISTRATIVE_EDUCATION,
    "user_management": EpisodeType.DRUG_USER_MANAGEMENT,
    "community_rehab": EpisodeType.VOLUNTARY_COMMUNITY_REHAB,
    "methadone": EpisodeType.METHADONE,
}


def _episode_on(day: datetime.date, *types: str) -> Exists:
    return Exists(episodes_active_on(day).filter(person=OuterRef("person_id"), episode_type__in=types))


def _assigned_on(day: datetime.date) -> Exists:
    return Exists(assignments_active_on(day).filter(person=OuterRef("person_id")))


def _people_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """The monthly status rows of the period's last day when they reach it, else the records themselves."""
    if status_ready(ctx):
        return status_rows(ctx, needs, _level_ids(ctx))
    return live_people_rows(frame, ctx, needs)


def live_people_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """The people on a roster on the period's last day, each with what the indicators test, looked up person by
    person in the records (the reference the monthly status rows are checked against)."""
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

    return _rating_levels(ctx)[0]


def _level_ids(ctx: Context) -> dict[str, list[int]]:
    """The rating levels of each classification code, of every province's scale."""
    return _rating_levels(ctx)[1]


def _rating_levels(ctx: Context) -> tuple[dict[str, RatingLevel], dict[str, list[int]]]:
    def load() -> tuple[dict[str, RatingLevel], dict[str, list[int]]]:
        levels: dict[str, RatingLevel] = {}
        ids: dict[str, list[int]] = {}
        for level in RatingLevel.objects.order_by("rank", "scale_id", "pk"):
            levels.setdefault(level.code, level)
            ids.setdefault(level.code, []).append(level.pk)
        return levels, ids

    found: tuple[dict[str, RatingLevel], dict[str, list[int]]] = ctx.remember("levels", load)
    return found


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


PEOPLE = Family(
    "people", _people_rows, path="unit__path", subject="person_id", expand=_classification_levels, count=count_people,
    indicators=(
        Indicator(
            "people.registered", _("People registered"),
            _("People on the roster of a commune of the unit on the period's last day."),
            "people", Section.STATUS, stock=True, key=True, position=10,
        ),
        Indicator(
            "people.in_facility", _("In a rehab facility"),
            _("Of the people registered, those whose whereabouts on the period's last day is a rehab facility."),
            "people", Section.STATUS, where=_whereabouts(Whereabouts.IN_FACILITY), stock=True, key=True, position=20,
        ),
        Indicator(
            "people.at_residence", _("At residence"),
            _("Of the people registered, those living at their residence on the period's last day."),
            "people", Section.STATUS, where=_whereabouts(Whereabouts.AT_RESIDENCE), stock=True, key=True, position=30,
        ),
        Indicator(
            "people.post_rehab", _("Under post-rehab management"),
            _("Of the people registered, those under post-rehab management (Decree 116/2021) on the period's last "
              "day."),
            "people", Section.STATUS, where=_under("post_rehab"), stock=True, key=True,
            capability=Capability.VIEW_EPISODES, position=40,
        ),
        Indicator(
            "people.education", _("Under education at commune level"),
            _("Of the people registered, those under education at commune level (Decree 120/2021) on the period's last "
              "day."),
            "people", Section.STATUS, where=_under("education"), stock=True, capability=Capability.VIEW_EPISODES,
            position=50,
        ),
        Indicator(
            "people.user_management", _("Under drug-user management"),
            _("Of the people registered, those under management as illegal drug users (Decree 105/2021) on the "
              "period's last day."),
            "people", Section.STATUS, where=_under("user_management"), stock=True, capability=Capability.VIEW_EPISODES,
            position=60,
        ),
        Indicator(
            "people.community_rehab", _("In rehab at home or in the community"),
            _("Of the people registered, those in voluntary rehab at home or in the community on the period's last "
              "day."),
            "people", Section.STATUS, where=_under("community_rehab"), stock=True,
            capability=Capability.VIEW_EPISODES, position=70,
        ),
        Indicator(
            "people.methadone", _("On methadone"),
            _("Of the people registered, those in methadone treatment on the period's last day."),
            "people", Section.STATUS, where=_under("methadone"), stock=True, capability=Capability.VIEW_EPISODES,
            position=80,
        ),
        Indicator(
            "people.whereabouts_unknown", _("Whereabouts unknown"),
            _("Of the people registered, those whose whereabouts on the period's last day is unknown."),
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
    ),
)  # fmt: skip
