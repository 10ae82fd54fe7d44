"""Writes to user accounts and role assignments.

Each validates, saves and records history (with the actor) in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from donghanh.accounts.models import API_TOKEN_LIFETIMES, ApiToken, RoleAssignment, User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import ROLE_LEVELS, Role
from donghanh.accounts.scope import Unit, scope_for
from donghanh.accounts.second_factor import (
    RECOVERY_CODE_COUNT,
    TOTP_CODE,
    WRONG_CODE,
    code_normalise,
    device_for_code,
    has_second_factor,
    second_factor_required,
    totp_device_of,
)
from donghanh.accounts.selectors import users_for_user
from donghanh.core.levels import UnitLevel
from donghanh.core.versions import version_claim, version_next

# Stored as the history record's change reason; shown translated by the history page.
PASSWORD_CHANGED = "password changed"
PASSWORD_RESET = "password reset by e-mail"
SECOND_FACTOR_ON = "second factor turned on"
SECOND_FACTOR_OFF = "second factor turned off"
SECOND_FACTOR_RESET = "second factor reset"

logger = logging.getLogger(__name__)


def _require_manager(actor: User, unit: Unit | None = None) -> None:
    scope = scope_for(actor)
    allowed = scope.can_at(Capability.MANAGE_USERS, unit.path) if unit else scope.can(Capability.MANAGE_USERS)
    if not allowed:
        raise PermissionDenied(_("You may not manage user accounts here."))


def _forget_scope(user: User) -> None:
    if hasattr(user, "_donghanh_scope"):
        del user._donghanh_scope


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    """End the user's sessions and API tokens wherever they are open (a password set by an administrator, an account
    deactivated): the browsers holding them are logged out at their next request, the programs at theirs. Sessions
    live in the database (Django's default engine); each one not yet expired is read to find the user's. Returns how
    many sessions were ended."""
    for token in ApiToken.objects.filter(user=user):
        token.delete()  # one by one, so that each leaves its line in the history
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == str(user.pk) and session.pk != keep
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)


@transaction.atomic
def user_create(*, actor: User, username: str, full_name: str, password: str, email: str = "", phone: str = "") -> User:
    _require_manager(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    # The administrator knows this password: the user changes it at their first login.
    user = User(username=username, full_name=full_name, email=email, phone=phone, password_change_required=True)
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor  # type: ignore[attr-defined]
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, expected_version: int | None, **fields: Any) -> User:
    _require_manager(actor)
    version_claim(user, expected_version)
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
    version_next(user)
    user.save()
    if deactivated:
        _end_sessions(user)
    return user


def _password_write(
    user: User, password: str, *, by: User, reason: str, must_change: bool, keep_session: str | None = None
) -> None:
    """Check `password` against the rules, store it with the reason in the account's history, mark whether it must be
    changed at the next login, and end the user's sessions (but `keep_session`) and API tokens."""
    validate_password(password, user)
    user.set_password(password)
    user.password_change_required = must_change
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = reason  # type: ignore[attr-defined]
    user.save(update_fields=["password", "password_change_required"])
    _end_sessions(user, keep=keep_session)


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """An administrator sets a user's password: the user's sessions and API tokens end, and at their next login they
    must change it before anything else (the administrator knows it)."""
    _require_manager(actor)
    _password_write(user, password, by=actor, reason=PASSWORD_CHANGED, must_change=True)
    return user


@transaction.atomic
def user_change_own_password(*, user: User, current: str, new: str, session_key: str | None = None) -> User:
    """The user changes their own password, giving the current one. Their other sessions and their API tokens end
    (a password is changed when it may be known to someone else); the session `session_key` goes on. A change asked
    for after an administrator set the password is done with this."""
    if not user.check_password(current):
        raise ValidationError({"old_password": _("The current password is not right.")})
    if new == current:
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    _password_write(user, new, by=user, reason=PASSWORD_CHANGED, must_change=False, keep_session=session_key)
    return user


@transaction.atomic
def user_reset_password(*, user: User, new: str) -> User:
    """The user sets a new password through the link mailed to them (`accounts.password_reset`): every session and
    API token of theirs ends, a change an administrator asked for is done, and the login lockouts of their user name
    are lifted. Logging in afterwards still asks for the second factor."""
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    _password_write(user, new, by=user, reason=PASSWORD_RESET, must_change=False)
    axes_reset(username=user.username)
    logger.info("password reset by e-mail link for user %s", user.pk)
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


@dataclass(frozen=True)
class IssuedToken:
    """A token just made and its key, which exists only here: the database keeps its digest."""

    token: ApiToken
    key: str


@transaction.atomic
def api_token_issue(*, actor: User, name: str, days: int | None = None) -> IssuedToken:
    """A new API token for the actor, living `days` days (the setting API_TOKEN_DAYS by default)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the program that will use it.")})
    days = days or settings.API_TOKEN_DAYS
    if days not in {*API_TOKEN_LIFETIMES, settings.API_TOKEN_DAYS}:
        raise ValidationError({"days": _("Choose one of the lifetimes offered.")})
    held = ApiToken.objects.filter(user=actor, expiry__gt=timezone.now())
    if held.count() >= settings.API_TOKENS_PER_USER:
        raise ValidationError(
            _("You already hold %(count)d API tokens; revoke one you no longer use first.")
            % {"count": settings.API_TOKENS_PER_USER}
        )
    if held.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    ApiToken.objects.filter(user=actor, expiry__lte=timezone.now()).delete()
    digest, key = get_digest_token()
    token = ApiToken(
        user=actor,
        name=name,
        digest=digest,
        token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        expiry=timezone.now() + timedelta(days=days),
    )
    token._history_user = actor
    token.full_clean()
    token.save(force_insert=True)
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token: its owner may, and so may an administrator of users in whose scope the owner is."""
    if token.user_id != actor.pk:
        if not users_for_user(actor).filter(pk=token.user_id).exists():
            raise PermissionDenied(_("You may not revoke this token."))
        _require_manager(actor)
    token._history_user = actor
    token.delete()


# Two-factor authentication (see accounts.second_factor). Each change to a user's factor leaves a line in the
# account's change history, as a password set by an administrator does.
def _record_on_user(actor: User, user: User, reason: str) -> None:
    account = User.objects.select_for_update().get(pk=user.pk)
    account._history_user = actor
    account._change_reason = reason
    account.save()


def _second_factor_delete(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_device_start(*, actor: User, key: bytes | None = None, confirmed: bool = False) -> TOTPDevice:
    """The authenticator device the actor is enrolling: the one started earlier and not yet confirmed, or a new one
    with a random key. `key` and `confirmed` are for the demo accounts, enrolled at once with a published key."""
    if has_second_factor(actor):
        raise ValidationError(_("Two-factor authentication is already on for this account."))
    device = None if key else totp_device_of(actor, confirmed=False)
    if device is None:
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        device = TOTPDevice(user=actor, name="app", confirmed=confirmed)
        if key:
            device.key = key.hex()
        device.full_clean()
        device.save()
        if confirmed:
            _record_on_user(actor, actor, SECOND_FACTOR_ON)
    return device


def totp_device_confirm(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the actor's new device with a code it shows; returns the recovery codes, to be shown once.

    The code is checked in a transaction of its own: a wrong one counts towards the device's throttling even though
    the confirmation fails."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    code = code_normalise(code)
    if not TOTP_CODE.fullmatch(code) or verify_token(actor, device.persistent_id, code) is None:
        logger.warning("second factor: a wrong code confirming the device of user %s", actor.pk)
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(actor)
        _record_on_user(actor, actor, SECOND_FACTOR_ON)
    return codes


def second_factor_verify(*, actor: User, code: str) -> Device | None:
    """The actor's device that accepts `code` (from the app, or a recovery code, which is then used up), or None.

    A wrong code counts against the device (django-otp's throttling: after n failures in a row the device refuses
    every code for 2^(n-1) seconds), and the answer is the same None whether the code was wrong or refused."""
    code = code_normalise(code)
    device = device_for_code(actor, code)
    verified = verify_token(actor, device.persistent_id, code) if device is not None else None
    if verified is None:
        logger.warning("second factor: a code refused for user %s", actor.pk)
    return verified


def _code_check(actor: User, code: str) -> None:
    """A change to the second factor asks for a current code first (its own transaction: a wrong code counts)."""
    if second_factor_verify(actor=actor, code=code) is None:
        raise ValidationError({"code": WRONG_CODE})


def recovery_codes_regenerate(*, actor: User, code: str) -> list[str]:
    """New recovery codes for the actor, who gives a current code first; the old ones stop working."""
    if not has_second_factor(actor):
        raise ValidationError(_("Turn on two-factor authentication first."))
    _code_check(actor, code)
    with transaction.atomic():
        return _recovery_codes_replace(actor)


def second_factor_turn_off(*, actor: User, code: str) -> None:
    """The actor, whose role does not require it, removes their second factor, giving a current code first."""
    if second_factor_required(actor):
        raise ValidationError(_("Your role requires two-factor authentication: it cannot be turned off."))
    _code_check(actor, code)
    with transaction.atomic():
        _second_factor_delete(actor)
        _record_on_user(actor, actor, SECOND_FACTOR_OFF)


@transaction.atomic
def user_second_factor_reset(*, actor: User, user: User) -> int:
    """An administrator removes a user's second factor (a lost phone): the devices and recovery codes go, the user's
    sessions end, and the account's history says who did it. At the next login the user enrols again (or, when
    their role does not require it, logs in with the password alone). Returns the number of sessions ended."""
    _require_manager(actor)
    if not User.objects.accessible_to(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may not manage user accounts here."))
    _second_factor_delete(user)
    _record_on_user(actor, user, SECOND_FACTOR_RESET)
    return _end_sessions(user)
