"""Scope: which part of the organisation tree a user acts in, per capability.

Every read starts from `Model.objects.accessible_to(user)`. A user's scope is the set of
their role assignments (grants); a grant at a unit covers that unit's subtree. Each model
says how a grant filters it through the `scope_filter` hook, so a later model can narrow a
role (a volunteer to their own people, a board member to their own club) without any
caller changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from donghanh.accounts.permissions import Capability, role_has
from donghanh.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from donghanh.accounts.models import User

NATIONAL_ROOT_PATH = "VN/"


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


def people_narrowed_for(grant: Grant, user: Any) -> models.QuerySet[Any] | None:
    """The people a grant's role narrows it to (ids, as a subquery), or None when the role sees its whole unit.

    A volunteer sees only the people assigned to them, for as long as the assignment runs; a board
    member, the members of the models whose board they sit on.
    """
    if grant.role == Role.VOLUNTEER:
        # Imported here: case work builds on the people registry, which reads its scope from this module.
        from donghanh.casework.selectors import people_assigned_to

        return people_assigned_to(user)
    if grant.role == Role.BOARD_MEMBER:
        # A board member sees the members of the models whose board they sit on today.
        from donghanh.community.models import members_of_boards_of

        return members_of_boards_of(user)
    return None


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
