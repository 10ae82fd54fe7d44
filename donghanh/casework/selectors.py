"""Reads of case work; every one starts from the user's scope."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import Grant, scope_for
from donghanh.casework.models import (
    Assignment,
    MonthlyAssessment,
    QuarterlyClassification,
    RatingLevel,
    RatingScale,
    Volunteer,
    VolunteerTeam,
)
from donghanh.core.dates import month_end, quarter_months
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person


def assignments_active_on(day: datetime.date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def people_assigned_to(user: Any, day: datetime.date | None = None) -> QuerySet[Any]:
    """Ids of the people assigned to the user's volunteer record on `day` (today by default), as a subquery."""
    day = day or timezone.localdate()
    return assignments_active_on(day).filter(volunteer__user_id=user.pk).values("person_id")


def volunteer_of(user: Any) -> Volunteer | None:
    """The volunteer record the user logs in as, if any."""
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).select_related("team__unit").first()


def volunteers_active_on(day: datetime.date) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def in_casework(people: QuerySet[Person], day: datetime.date) -> QuerySet[Person]:
    """Of `people`, those case work follows on `day`: under a measure it follows (a setting) or with a volunteer.

    The episode is read only to decide who is followed; nothing about it is shown to the viewer.
    """
    from donghanh.episodes.selectors import episodes_active_on

    followed = episodes_active_on(day).filter(
        person=OuterRef("pk"), episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES
    )
    assigned = assignments_active_on(day).filter(person=OuterRef("pk"))
    return people.filter(merged_into__isnull=True).filter(Exists(followed) | Exists(assigned))


def rating_scale_for(unit: OrgUnit) -> RatingScale:
    """The scale of the province the unit lies in, or the default scale."""
    province_code = unit.path.split("/")[1] if unit.path.count("/") > 1 else ""
    scale = RatingScale.objects.filter(unit__path=f"VN/{province_code}/").first() if province_code else None
    return scale or RatingScale.objects.get(unit__isnull=True)


def rating_levels_for(unit: OrgUnit) -> QuerySet[RatingLevel]:
    return rating_scale_for(unit).levels.order_by("rank")


# --- coverage -----------------------------------------------------------------------------------


@dataclass
class Coverage:
    """Both sides of the movement's rule: every volunteer helps someone, everyone followed has a volunteer.

    The figures are counted by the database; the two lists are querysets, read only as far as shown.
    """

    volunteers: int
    volunteers_helping: int
    idle_volunteers: QuerySet[Volunteer]
    people: int
    people_with_volunteer: int
    people_without_volunteer: QuerySet[Person]

    @property
    def idle_count(self) -> int:
        return self.volunteers - self.volunteers_helping

    @property
    def unassigned_count(self) -> int:
        return self.people - self.people_with_volunteer

    @property
    def volunteers_helping_share(self) -> float | None:
        return self.volunteers_helping / self.volunteers if self.volunteers else None

    @property
    def people_covered_share(self) -> float | None:
        return self.people_with_volunteer / self.people if self.people else None


def coverage(user: Any, unit: OrgUnit, day: datetime.date) -> Coverage:
    """Coverage in `unit`'s subtree on `day`, within the user's scope (three counts, whatever the size).

    Someone followed has a volunteer, or else is under a measure case work follows (`in_casework`): the two
    groups are counted apart, each a plain join the database plans from the larger side, rather than testing
    "a measure or a volunteer" person by person across a whole country.
    """
    from donghanh.episodes.selectors import episodes_active_on
    from donghanh.people.selectors import people_for_user

    assigned_on_day = assignments_active_on(day)
    whole_tree = unit.parent_id is None  # the root: no path to compare
    volunteers = (
        volunteers_active_on(day)
        .filter(pk__in=Volunteer.objects.accessible_to(user).values("pk"))
        .filter(Q() if whole_tree else Q(team__unit__path__startswith=unit.path))
        .annotate(helping=Exists(assigned_on_day.filter(volunteer=OuterRef("pk"))))
    )
    volunteer_counts = volunteers.aggregate(
        all=Count("pk"), helping=Count("pk", filter=Exists(assigned_on_day.filter(volunteer=OuterRef("pk"))))
    )
    people = people_for_user(user).filter(Q() if whole_tree else Q(unit__path__startswith=unit.path))
    with_volunteer = people.filter(Exists(assigned_on_day.filter(person=OuterRef("pk"))))
    measured = episodes_active_on(day).filter(
        person=OuterRef("pk"), episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES
    )
    without_volunteer = people.filter(Exists(measured)).exclude(Exists(assigned_on_day.filter(person=OuterRef("pk"))))
    covered, uncovered = with_volunteer.count(), without_volunteer.count()
    return Coverage(
        volunteers=volunteer_counts["all"],
        volunteers_helping=volunteer_counts["helping"],
        idle_volunteers=volunteers.filter(helping=False)
        .select_related("team__unit")
        .order_by("team__unit__path", "full_name", "pk"),
        people=covered + uncovered,
        people_with_volunteer=covered,
        people_without_volunteer=without_volunteer.order_by("search_name", "pk"),
    )


def teams_for_user(user: Any) -> QuerySet[VolunteerTeam]:
    return VolunteerTeam.objects.accessible_to(user).select_related("unit__parent")


def assessments_for(user: Any, person: Person) -> QuerySet[MonthlyAssessment]:
    return (
        MonthlyAssessment.objects.accessible_to(user)
        .filter(person=person)
        .select_related("rating", "volunteer", "assessed_by")
        .order_by("-month")
    )


# --- the officers' pages ------------------------------------------------------------------------


def office_grants(user: Any) -> list[Grant]:
    """The user's grants to see case work other than as a volunteer: what the officers' pages work from."""
    return [g for g in scope_for(user).grants_for(Capability.VIEW_CASEWORK) if g.role != Role.VOLUNTEER]


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` (a correlated queryset) as a subquery, 0 when none."""
    counted = rows.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def teams_with_figures(user: Any, day: datetime.date) -> QuerySet[VolunteerTeam]:
    """The user's teams, each with its coverage on `day` counted by the database (one query for the page)."""
    from donghanh.people.selectors import people_for_user

    assigned = assignments_active_on(day)
    active = volunteers_active_on(day).filter(team=OuterRef("pk"))
    followed = in_casework(people_for_user(user), day).filter(unit=OuterRef("unit"))
    return teams_for_user(user).annotate(
        volunteers_active=_count(active),
        volunteers_helping=_count(active.filter(Exists(assigned.filter(volunteer=OuterRef("pk"))))),
        people_followed=_count(followed),
        people_covered=_count(followed.filter(Exists(assigned.filter(person=OuterRef("pk"))))),
    )


def team_volunteers(user: Any, team: VolunteerTeam, day: datetime.date) -> QuerySet[Volunteer]:
    """The team's volunteers (past ones too), each with the number of people assigned to them on `day`."""
    volunteers: QuerySet[Volunteer] = (
        Volunteer.objects.accessible_to(user)
        .filter(team=team)
        .annotate(helping_now=_count(assignments_active_on(day).filter(volunteer=OuterRef("pk"))))
        .select_related("user")
        .order_by("full_name", "pk")
    )
    return volunteers


def rating_levels_by_province(units: Iterable[OrgUnit]) -> dict[str, list[RatingLevel]]:
    """The levels each unit's province rates with ({province path: levels best first}), in two queries."""
    provinces = {_province_path(u) for u in units}
    scales = {
        s.unit.path if s.unit else "": s
        for s in RatingScale.objects.filter(Q(unit__path__in=provinces) | Q(unit__isnull=True))
        .select_related("unit")
        .prefetch_related(Prefetch("levels", queryset=RatingLevel.objects.order_by("rank")))
    }
    return {path: list((scales.get(path) or scales[""]).levels.all()) for path in provinces}


def _province_path(unit: OrgUnit) -> str:
    parts = unit.path.split("/")
    return f"{parts[0]}/{parts[1]}/" if len(parts) > 2 else ""


# --- the quarterly classification ---------------------------------------------------------------


def derived_level(ratings: Sequence[RatingLevel | None]) -> RatingLevel | None:
    """The classification a quarter's three monthly ratings give: their median rank.

    Two months agreeing decide it; three different ratings give the middle one. With a month
    missing nothing is derived, and the officer classifies with a reason.
    """
    if len(ratings) != 3 or any(r is None for r in ratings):
        return None
    ranked = sorted((r for r in ratings if r is not None), key=lambda level: level.rank)
    return ranked[1]


def quarter_people(user: Any, year: int, quarter: int) -> QuerySet[Person]:
    """People in the user's case-work scope followed during the quarter, or assessed in one of its months."""
    from donghanh.episodes.models import Episode

    months = quarter_months(year, quarter)
    first, last = months[0], month_end(months[-1])
    measures = Episode.objects.filter(
        person=OuterRef("pk"), episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES, start_date__lte=last
    ).filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=first))
    assignments = Assignment.objects.filter(person=OuterRef("pk"), start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    assessed = MonthlyAssessment.objects.filter(person=OuterRef("pk"), month__in=months)
    return (
        Person.objects.accessible_to(user, Capability.VIEW_CASEWORK)
        .filter(merged_into__isnull=True)
        .filter(Exists(measures) | Exists(assignments) | Exists(assessed))
        .select_related("unit")
        .order_by("unit__path", "search_name", "pk")
    )


@dataclass
class QuarterRow:
    """One person's quarter: the three monthly ratings, what they give, and what was confirmed."""

    person: Person
    ratings: list[RatingLevel | None]
    derived: RatingLevel | None
    classification: QuarterlyClassification | None
    levels: list[RatingLevel]


def quarter_rows(user: Any, year: int, quarter: int, people: Iterable[Person] | None = None) -> list[QuarterRow]:
    """The rows of the quarter's sign-off for `people` (all of `quarter_people` by default), in four queries."""
    months = quarter_months(year, quarter)
    people = list(quarter_people(user, year, quarter) if people is None else people)
    ids = [p.pk for p in people]
    ratings = {
        (a.person_id, a.month): a.rating
        for a in MonthlyAssessment.objects.accessible_to(user)
        .filter(person__in=ids, month__in=months)
        .select_related("rating")
    }
    confirmed = {
        c.person_id: c
        for c in QuarterlyClassification.objects.accessible_to(user)
        .filter(person__in=ids, year=year, quarter=quarter)
        .select_related("level", "derived", "confirmed_by")
    }
    levels = rating_levels_by_province(p.unit for p in people)
    rows = []
    for person in people:
        monthly = [ratings.get((person.pk, month)) for month in months]
        rows.append(
            QuarterRow(
                person=person,
                ratings=monthly,
                derived=derived_level(monthly),
                classification=confirmed.get(person.pk),
                levels=levels[_province_path(person.unit)],
            )
        )
    return rows


def classification_summary(
    user: Any, people: QuerySet[Person], year: int, quarter: int
) -> list[tuple[RatingLevel, int]]:
    """How many of `people` were classified at each level in the quarter, best level first."""
    counts = dict(
        QuarterlyClassification.objects.accessible_to(user)
        .filter(person__in=people.values("pk"), year=year, quarter=quarter)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    levels = RatingLevel.objects.filter(pk__in=counts).select_related("scale").order_by("scale__unit__path", "rank")
    return [(level, counts[level.pk]) for level in levels]
