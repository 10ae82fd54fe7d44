"""The permission matrix: which role may do what. This is the only place it is written.

`manage.py permission_matrix` renders it into docs/permissions.md; a test keeps the two equal.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.roles import Role


class Capability(StrEnum):
    VIEW_ORG_TREE = "orgunits.view"
    VIEW_USERS = "accounts.view_users"
    MANAGE_USERS = "accounts.manage_users"
    VIEW_CHANGE_HISTORY = "audit.view_history"
    VIEW_ACCESS_LOG = "audit.view_access_log"


CAPABILITY_LABELS: dict[Capability, Promise] = {
    Capability.VIEW_ORG_TREE: _("Browse and search the organisation tree"),
    Capability.VIEW_USERS: _("See user accounts and their roles"),
    Capability.MANAGE_USERS: _("Create users, assign and remove roles"),
    Capability.VIEW_CHANGE_HISTORY: _("Read the change history of records"),
    Capability.VIEW_ACCESS_LOG: _("Read the log of who viewed or exported sensitive records"),
}

ALL_ROLES = frozenset(Role)

MATRIX: dict[Capability, frozenset[str]] = {
    Capability.VIEW_ORG_TREE: ALL_ROLES,
    Capability.VIEW_USERS: frozenset(
        {Role.SYSTEM_ADMIN, Role.NATIONAL_MANAGER, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.AUDITOR}
    ),
    Capability.MANAGE_USERS: frozenset({Role.SYSTEM_ADMIN}),
    Capability.VIEW_CHANGE_HISTORY: frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR}),
    Capability.VIEW_ACCESS_LOG: frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR}),
}


def role_has(role: str, capability: Capability | str) -> bool:
    return role in MATRIX[Capability(capability)]
