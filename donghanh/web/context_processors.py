"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Scope, narrowed_roles, scope_for
from donghanh.accounts.second_factor import pending_step

# Depths of a current unit's path ("VN/NP01/" a province, "VN/NP01/NC00091/" a commune): roles are held at current
# units only, so the grant's path says its level without a query. Moves between communes are a commune's office
# work, and a province's over its communes.
MOVES_DEPTHS = frozenset({2, 3})


def _follows_moves(scope: Scope) -> bool:
    """Sees people at a commune or a province, for the whole unit (not a volunteer's or a board's few people)."""
    narrowed = narrowed_roles()
    return any(
        grant.role not in narrowed and grant.unit_path.count("/") in MOVES_DEPTHS
        for grant in scope.grants_for(Capability.VIEW_PEOPLE)
    )


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries the user may follow; computed lazily from the cached scope."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    if pending_step(request):  # logged in with the password only: the second step's page shows no menu
        return {"nav": {}, "second_factor_pending": True}
    from donghanh.casework.selectors import office_grants
    from donghanh.search.selectors import search_targets

    scope = scope_for(user)
    nav = {c.name: scope.can(c) for c in Capability}
    nav["CASEWORK_OFFICE"] = bool(office_grants(user))  # the officers' case-work pages, not for volunteers only
    nav["ROSTER_MOVES"] = _follows_moves(scope)
    nav["SEARCH"] = bool(search_targets(user))  # the menu's search box: for those who may see what it finds
    # The organisation tree is office work: a volunteer or a board member has no use for it in the menu.
    nav["ORG_TREE"] = user.is_superuser or bool(scope.roles - narrowed_roles())
    nav["MORE"] = any(
        nav[name]
        for name in (
            "ROSTER_MOVES",
            "HANDLE_DATA_REQUESTS",
            "MANAGE_RETENTION",
            "VIEW_USERS",
            "VIEW_ACCESS_LOG",
            "ORG_TREE",
        )
    )
    return {"nav": nav}
