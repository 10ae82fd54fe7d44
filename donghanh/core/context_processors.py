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
    scope = scope_for(user)
    return {"nav": {c.name: scope.can(c) for c in Capability}}
