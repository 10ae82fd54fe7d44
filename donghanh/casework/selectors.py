"""Reads of case work; every one starts from the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from donghanh.casework.models import (
    Assignment,
    MonthlyAssessment,
    RatingLevel,
    RatingScale,
    Volunteer,
    VolunteerTeam,
)
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
    """Both sides of the movement's rule: every volunteer helps someone, everyone followed has a volunteer."""

    volunteers: int
    volunteers_helping: int
    idle_volunteers: list[Volunteer]
    people: int
    people_with_volunteer: int
    people_without_volunteer: list[Person]

    @property
    def volunteers_helping_share(self) -> float | None:
        return self.volunteers_helping / self.volunteers if self.volunteers else None

    @property
    def people_covered_share(self) -> float | None:
        return self.people_with_volunteer / self.people if self.people else None


def coverage(user: Any, unit: OrgUnit, day: datetime.date) -> Coverage:
    """Coverage in `unit`'s subtree on `day`, within the user's scope."""
    from donghanh.people.selectors import people_for_user

    assigned_on_day = assignments_active_on(day)
    volunteers = (
        volunteers_active_on(day)
        .filter(pk__in=Volunteer.objects.accessible_to(user).values("pk"), team__unit__path__startswith=unit.path)
        .annotate(helping=Exists(assigned_on_day.filter(volunteer=OuterRef("pk"))))
        .select_related("team__unit")
        .order_by("team__unit__path", "full_name")
    )
    people = (
        in_casework(people_for_user(user), day)
        .filter(unit__path__startswith=unit.path)
        .annotate(has_volunteer=Exists(assigned_on_day.filter(person=OuterRef("pk"))))
        .order_by("search_name", "pk")
    )
    volunteer_rows = list(volunteers)
    people_rows = list(people)
    return Coverage(
        volunteers=len(volunteer_rows),
        volunteers_helping=sum(1 for v in volunteer_rows if v.helping),
        idle_volunteers=[v for v in volunteer_rows if not v.helping],
        people=len(people_rows),
        people_with_volunteer=sum(1 for p in people_rows if p.has_volunteer),
        people_without_volunteer=[p for p in people_rows if not p.has_volunteer],
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
