"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries the user may follow; computed lazily from the cached scope."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    from donghanh.casework.selectors import office_grants

    scope = scope_for(user)
    nav = {c.name: scope.can(c) for c in Capability}
    nav["CASEWORK_OFFICE"] = bool(office_grants(user))  # the officers' case-work pages, not for volunteers only
    return {"nav": nav}
