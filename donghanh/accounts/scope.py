"""Scope: which part of the organisation tree a user acts in, per capability.

Every read starts from `Model.objects.accessible_to(user)`. A user's scope is the set of
their role assignments (grants); a grant at a unit covers that unit's subtree. Each model
says how a grant filters it through the `scope_filter` hook. Records about a person also
follow the narrowing of a role to some of the people of its units, which the apps above
register (`people_narrowing_register`): a volunteer sees their own people, a board member
their club's members, and no caller changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from donghanh.accounts.permissions import Capability, role_has
from donghanh.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from donghanh.accounts.models import User

NATIONAL_ROOT_PATH = "VN/"


class Unit(Protocol):
    """What accounts reads of a unit of the tree (`orgunits.OrgUnit`, an app above this one)."""

    pk: Any
    name: str
    path: str
    level: int

    @property
    def is_legacy(self) -> bool: ...


@dataclass(frozen=True)
class Grant:
    """One role held at one unit, covering the unit's subtree."""

    role: str
    unit_id: int | None
    unit_path: str

    def covers_path(self, path: str) -> bool:
        return path.startswith(self.unit_path)


class Scope:
    """The grants of one user; computed once per request and cached on the user object."""

    def __init__(self, user_id: int | None, grants: list[Grant]) -> None:
        self.user_id = user_id
        self.grants = tuple(grants)

    @classmethod
    def for_user(cls, user: User | AnonymousUser) -> Scope:
        cached: Scope | None = getattr(user, "_donghanh_scope", None)
        if cached is not None:
            return cached
        if not user.is_authenticated or not user.is_active:
            scope = cls(None, [])
        else:
            grants = [
                Grant(role=a.role, unit_id=a.unit_id, unit_path=a.unit.path)
                for a in user.role_assignments.select_related("unit").order_by("unit__path")
            ]
            if user.is_superuser:
                grants.append(Grant(role=Role.SYSTEM_ADMIN, unit_id=None, unit_path=NATIONAL_ROOT_PATH))
            scope = cls(user.pk, grants)
        user._donghanh_scope = scope  # type: ignore[union-attr]
        return scope

    def grants_for(self, capability: Capability | str) -> list[Grant]:
        """Grants whose role carries the capability; grants inside another grant of the same role drop out."""
        grants = sorted((g for g in self.grants if role_has(g.role, capability)), key=lambda g: (g.role, g.unit_path))
        kept: list[Grant] = []
        for grant in grants:
            if not any(k.role == grant.role and grant.unit_path.startswith(k.unit_path) for k in kept):
                kept.append(grant)
        return kept

    def can(self, capability: Capability | str) -> bool:
        return bool(self.grants_for(capability))

    def can_at(self, capability: Capability | str, unit_path: str) -> bool:
        return any(g.covers_path(unit_path) for g in self.grants_for(capability))

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}


def scope_for(user: Any) -> Scope:
    return Scope.for_user(user)


class PeopleNarrowing(Protocol):
    """The people a role's grant is narrowed to, for one user: person ids, as a subquery."""

    def __call__(self, user: Any) -> models.QuerySet[Any]: ...


_people_narrowings: dict[str, PeopleNarrowing] = {}


def people_narrowing_register(role: str, narrowing: PeopleNarrowing) -> None:
    """Narrow a role to some of the people of its units.

    The app that defines whom a role follows registers it from its `AppConfig.ready()`: case work
    narrows a volunteer to the people assigned to them, community models a board member to their
    models' members. A role registered by nobody sees the people of its whole unit.
    """
    registered = _people_narrowings.get(role)
    if registered is not None and registered is not narrowing:
        raise ImproperlyConfigured(f"The people of role {role!r} are already narrowed by {registered!r}.")
    _people_narrowings[role] = narrowing


def narrowed_roles() -> frozenset[str]:
    """The roles some app narrows to some of the people of their units."""
    return frozenset(_people_narrowings)


def people_narrowed_for(grant: Grant, user: Any) -> models.QuerySet[Any] | None:
    """The people a grant's role narrows it to (ids, as a subquery), or None when the role sees its whole unit."""
    narrowing = _people_narrowings.get(grant.role)
    return None if narrowing is None else narrowing(user)


class ScopedQuerySet(models.QuerySet[Any]):
    """A queryset that knows how to restrict itself to what a user may see."""

    def accessible_to(self, user: Any, capability: Capability | str | None = None) -> Self:
        capability = capability or self.model.scope_capability
        grants = scope_for(user).grants_for(capability)
        if not grants:
            return self.none()
        condition = Q(pk__in=[])
        for grant in grants:
            condition |= self.model.scope_filter(grant, user)
        return self.filter(condition)


class ScopedModel(models.Model):
    """Base of every model whose rows belong to a unit of the tree.

    `scope_unit_path` names the path of the owning unit (e.g. "unit__path"). Records about a
    person name the person in `scope_person_field` ("pk" on the person itself), so that roles
    narrowed to some people (`people_narrowed_for`) see only theirs. Override `scope_filter` to
    narrow a role in another way.
    """

    scope_capability: Capability | str = Capability.VIEW_ORG_TREE
    scope_unit_path: str = "unit__path"
    scope_person_field: str | None = None

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        if grant.unit_path == NATIONAL_ROOT_PATH:
            condition = Q(pk__isnull=False)  # the whole country, rows without a unit included
        else:
            condition = Q(**{f"{cls.scope_unit_path}__startswith": grant.unit_path})
        if cls.scope_person_field is not None:
            people = people_narrowed_for(grant, user)
            if people is not None:
                condition &= Q(**{f"{cls.scope_person_field}__in": people})
        return condition
