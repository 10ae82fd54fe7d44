"""Writes to user accounts and role assignments.

Each validates, saves and records history (with the actor) in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import ROLE_LEVELS, Role
from donghanh.accounts.scope import Unit, scope_for
from donghanh.core.levels import UnitLevel

# Stored as the history record's change reason; shown translated by the history page.
PASSWORD_CHANGED = "password changed"


def _require_manager(actor: User, unit: Unit | None = None) -> None:
    scope = scope_for(actor)
    allowed = scope.can_at(Capability.MANAGE_USERS, unit.path) if unit else scope.can(Capability.MANAGE_USERS)
    if not allowed:
        raise PermissionDenied(_("You may not manage user accounts here."))


def _forget_scope(user: User) -> None:
    if hasattr(user, "_donghanh_scope"):
        del user._donghanh_scope


def _end_sessions(user: User) -> int:
    """End the user's sessions and API token wherever they are open (a password set by an administrator, an account
    deactivated): the browsers holding them are logged out at their next request. Sessions live in the database
    (Django's default engine); each one not yet expired is read to find the user's. Returns how many were ended."""
    Token.objects.filter(user=user).delete()
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)


@transaction.atomic
def user_create(*, actor: User, username: str, full_name: str, password: str, email: str = "", phone: str = "") -> User:
    _require_manager(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor  # type: ignore[attr-defined]
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Any) -> User:
    _require_manager(actor)
    editable = {"full_name", "email", "phone", "is_active"}
    unknown = set(fields) - editable
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    deactivated = user.is_active and fields.get("is_active") is False
    for name, value in fields.items():
        setattr(user, name, value)
    user._history_user = actor  # type: ignore[attr-defined]
    user.full_clean()
    user.save()
    if deactivated:
        _end_sessions(user)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    _require_manager(actor)
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor  # type: ignore[attr-defined]
    user._change_reason = PASSWORD_CHANGED  # type: ignore[attr-defined]
    user.save(update_fields=["password"])
    _end_sessions(user)
    return user


@transaction.atomic
def role_assignment_add(*, actor: User, user: User, role: str, unit: Any) -> RoleAssignment:
    """Give `user` the role at `unit`; the role must fit the unit's level and the unit must be current."""
    _require_manager(actor, unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if unit.level not in ROLE_LEVELS[role]:
        levels = ", ".join(str(UnitLevel(level).label).lower() for level in sorted(ROLE_LEVELS[role]))
        message = _("The role “%(role)s” is given only at %(levels)s; “%(unit)s” is at %(level)s.") % {
            "role": Role(role).label,
            "levels": levels,
            "unit": unit.name,
            "level": str(UnitLevel(unit.level).label).lower(),
        }
        raise ValidationError({"unit": message})
    if unit.is_legacy:
        raise ValidationError({"unit": _("“%(unit)s” existed only until 30/06/2025.") % {"unit": unit.name}})
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError({"role": _("This user already holds this role at this unit.")})
    assignment = RoleAssignment(user=user, role=role, unit=unit)
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    _forget_scope(user)
    return assignment


@transaction.atomic
def role_assignment_remove(*, actor: User, assignment: RoleAssignment) -> None:
    _require_manager(actor, assignment.unit)
    if assignment.user_id == actor.pk and assignment.role == Role.SYSTEM_ADMIN:
        remaining = RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).exclude(pk=assignment.pk)
        if not remaining.exists() and not actor.is_superuser:
            raise ValidationError(_("The last system administrator cannot remove their own role."))
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.delete()
    _forget_scope(assignment.user)


@transaction.atomic
def api_token_issue(*, actor: User) -> Token:
    """A new API token for the actor; any earlier one stops working."""
    Token.objects.filter(user=actor).delete()
    return Token.objects.create(user=actor)


@transaction.atomic
def api_token_revoke(*, actor: User) -> None:
    Token.objects.filter(user=actor).delete()
