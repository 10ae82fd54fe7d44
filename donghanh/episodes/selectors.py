"""Status as of a date: the one function through which lists and reports learn who was under what, and where."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import people_narrowed_for, scope_for
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.selectors import whereabouts_on


def episodes_active_on(day: datetime.date) -> QuerySet[Episode]:
    """Episodes running on `day`: started by then and not closed before it (an open one runs until closed)."""
    return Episode.objects.filter(start_date__lte=day).filter(
        Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=day)
    )


def periods_on(day: datetime.date) -> QuerySet[ManagementPeriod]:
    return ManagementPeriod.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def status_as_of(
    user: Any,
    day: datetime.date,
    *,
    unit: OrgUnit | None = None,
    person: Person | None = None,
    episode_types: list[str] | None = None,
    whereabouts: list[str] | None = None,
) -> QuerySet[Person]:
    """People managed on `day` by a commune in the user's scope (and in `unit`'s subtree, if given).

    Each person carries, as of `day`: `unit_at` (id of the managing commune), `whereabouts_at`
    and `whereabouts_since`, and — for roles that may see legal history — `active_episodes`.
    A person who moved away later is still counted where they were on `day`; a record merged
    into another is counted once, as the record it was merged into.
    `episode_types` keeps people under at least one of those measures on `day`; it needs the
    right to see legal history, without which it matches no one.
    """
    scope = scope_for(user)
    grants = scope.grants_for(Capability.VIEW_PEOPLE)
    in_scope = Q(pk__in=[])
    for grant in grants:
        in_grant = Q(unit__path__startswith=grant.unit_path)
        narrowed = people_narrowed_for(grant, user)
        if narrowed is not None:
            in_grant &= Q(person_id__in=narrowed)
        in_scope |= in_grant
    periods = periods_on(day).filter(in_scope)
    if unit is not None:
        periods = periods.filter(unit__path__startswith=unit.path)
    people = Person.objects.filter(merged_into__isnull=True, pk__in=periods.values("person_id"))
    if person is not None:
        people = people.filter(pk=person.pk)

    where = WhereaboutsRecord.objects.filter(person=OuterRef("pk"), since__lte=day).order_by("-since", "-pk")
    people = people.annotate(
        unit_at=Subquery(periods.filter(person=OuterRef("pk")).order_by("-start_date").values("unit_id")[:1]),
        whereabouts_at=Subquery(where.values("status")[:1]),
        whereabouts_since=Subquery(where.values("since")[:1]),
    )
    if whereabouts:
        people = people.filter(whereabouts_on(day, whereabouts))

    # Legal history is shown only for people managed on `day` where the user may see it.
    episode_grants = scope.grants_for(Capability.VIEW_EPISODES)
    may_see_episodes = bool(episode_grants)
    in_episode_scope = Q(pk__in=[])
    for grant in episode_grants:
        in_episode_scope |= Q(unit__path__startswith=grant.unit_path)
    # Correlated on the person (both sides indexed): an uncorrelated IN here made SQLite scan per row.
    visible_episodes = episodes_active_on(day).filter(
        Exists(periods_on(day).filter(in_episode_scope, person=OuterRef("person_id")))
    )
    if episode_types:
        if not may_see_episodes:
            return cast(QuerySet[Person], people.none())
        active = episodes_active_on(day).filter(person=OuterRef("pk"), episode_type__in=episode_types)
        managed_where_visible = periods_on(day).filter(in_episode_scope, person=OuterRef("pk"))
        people = people.filter(Exists(active), Exists(managed_where_visible))
    if may_see_episodes:
        people = people.prefetch_related(
            Prefetch("episodes", queryset=visible_episodes.order_by("start_date"), to_attr="active_episodes")
        )
    return cast(QuerySet[Person], people.select_related("unit").order_by("search_name", "pk"))


def measures_hold(person: Person, day: datetime.date) -> str:
    """The measures that keep the person on the roster after `day` (open, or closing later), in words."""
    running = Episode.objects.filter(person=person).filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gt=day))
    return ", ".join(str(e.get_episode_type_display()) for e in running.order_by("start_date"))
