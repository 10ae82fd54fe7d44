"""User accounts and the roles they hold at units of the tree."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import NATIONAL_ROOT_PATH, Grant, ScopedModel, ScopedQuerySet
from donghanh.core.history import History
from donghanh.core.versions import Versioned


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser, Versioned):  # type: ignore[django-manager-missing]  # ApiToken, on knox's untyped base
    """A person who logs in: an officer, a volunteer, a police officer, a health worker, an administrator.

    The account's reach comes only from its role assignments; `is_staff` is unused.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Set when an administrator gives the account a password, cleared when its user changes it (or resets it by
    # e-mail): until then every page sends the user to change it (`accounts.middleware.PasswordChangeMiddleware`).
    password_change_required = models.BooleanField(_("must change password"), default=False)

    scope_capability = Capability.VIEW_USERS
    objects: ClassVar[ScopedUserManager] = ScopedUserManager()
    history = History(excluded_fields=["password", "last_login"], quiet_fields=("last_login",))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        if grant.unit_path == NATIONAL_ROOT_PATH:
            return Q(pk__isnull=False)  # every account, those without a role included
        # A user is in scope when one of their roles is held inside the grant's subtree.
        in_subtree = RoleAssignment.objects.filter(unit__path__startswith=grant.unit_path).values("user_id")
        return Q(pk__in=in_subtree) | Q(pk=user.pk)


class RoleAssignment(ScopedModel):
    """One role held by one user at one unit; it covers the unit's whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    scope_capability = Capability.VIEW_USERS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user__username", "role", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="roleassignment_unique_user_role_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.unit}"


# The lives, in days, a user may give a token; the setting API_TOKEN_DAYS is the default and is always offered.
API_TOKEN_LIFETIMES = (7, 30, 90, 180, 365)


class ApiToken(AbstractAuthToken):
    """A key a program sends to read the API as its user (django-rest-knox).

    Only the key's SHA-512 digest is stored; the key itself is shown once, when it is made. A token has a name
    its owner gives it, an expiry, and the time it was last used (written at most once a minute).
    """

    # As knox declares it (its expiry check reads `user.auth_token_set`), declared here so that the type is known.
    user = models.ForeignKey(User, related_name="auth_token_set", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key[:8]}…)"
