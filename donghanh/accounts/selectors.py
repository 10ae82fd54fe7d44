"""Reads of user accounts; every one starts from the user's scope."""

from typing import Any, cast

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.models import ApiToken, RoleAssignment, User


def users_for_user(user: Any) -> QuerySet[User]:
    assignments = RoleAssignment.objects.select_related("unit").order_by("role", "unit__path")
    users = cast(QuerySet[User], User.objects.accessible_to(user))
    return users.prefetch_related(Prefetch("role_assignments", queryset=assignments))


def units_to_assign(user: Any) -> QuerySet[Any]:
    """The units of the tree the user may see, to pick the unit of a role from.

    The tree (`orgunits`) is built on the scope defined here, so accounts reaches its units
    through its own relation, `RoleAssignment.unit`, rather than by importing the app above it.
    """
    units: Any = RoleAssignment._meta.get_field("unit").related_model
    return cast(QuerySet[Any], units.objects.accessible_to(user))


def user_search(user: Any, query: str = "", role: str = "") -> QuerySet[User]:
    users = users_for_user(user)
    if role:
        users = users.filter(pk__in=RoleAssignment.objects.filter(role=role).values("user_id"))
    for word in query.split():
        users = users.filter(Q(username__icontains=word) | Q(full_name__icontains=word) | Q(email__icontains=word))
    return users.order_by("username")


HISTORY_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HISTORY_REASONS = {
    "password changed": _("Password changed"),
    "password reset by e-mail": _("Password reset through the e-mailed link"),
    "second factor turned on": _("Two-factor authentication turned on"),
    "second factor turned off": _("Two-factor authentication turned off"),
    "second factor reset": _("Second factor reset by an administrator"),
}


def history_of_user(user: User) -> list[dict[str, Any]]:
    """Changes to the account and its role assignments, newest first, each with what changed."""
    entries: list[dict[str, Any]] = []
    records = list(user.history.select_related("history_user").order_by("history_date"))
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        entries.append({"record": record, "what": str(user), "changes": changes, "action": _action(record)})
    for record in RoleAssignment.history.filter(user_id=user.pk).select_related("history_user", "unit"):
        entries.append(
            {
                "record": record,
                "what": f"{record.get_role_display()} — {record.unit}",
                "changes": [],
                "action": _action(record),
            }
        )
    for record in ApiToken.history.filter(user_id=user.pk).select_related("history_user"):
        entries.append(
            {
                "record": record,
                "what": _("API token “%(name)s”") % {"name": record.name},
                "changes": [],
                "action": _action(record),
            }
        )
    entries.sort(key=lambda e: e["record"].history_date, reverse=True)
    return entries


def _action(record: Any) -> str:
    reason = record.history_change_reason
    return str(HISTORY_REASONS.get(reason, reason) if reason else HISTORY_ACTIONS[record.history_type])


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return cast(QuerySet[ApiToken], ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created"))
