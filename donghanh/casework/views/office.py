"""What the officer's case-work pages share: who may open them, the unit they show, and small helpers.

Officers, police, health staff and the province, national and auditor roles use these pages; a
user who sees case work only as a volunteer gets 403 (their pages are the work list and "my people").
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Scope, scope_for
from donghanh.casework.selectors import office_grants
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import broadest_unit, unit_asked_within


def office_scope(request: AppRequest) -> Scope:
    """These pages are not for a user who sees case work only as a volunteer."""
    if not office_grants(request.user):
        raise PermissionDenied(_("These pages are for the officers who run the volunteer teams."))
    return scope_for(request.user)


def require_at(request: AppRequest, capability: Capability, unit: OrgUnit) -> None:
    if not scope_for(request.user).can_at(capability, unit.path):
        raise PermissionDenied(_("Your role does not allow this for %(unit)s.") % {"unit": unit.name})


def form_status(request: AppRequest) -> int:
    """A refused form comes back with 400; a page asked for, 200."""
    return 400 if request.method == "POST" else 200


def current_day() -> datetime.date:
    return timezone.localdate()


def unit_asked(request: AppRequest, *, default_first_grant: bool) -> OrgUnit | None:
    """The unit of `?unit=` if the user sees case work there (404 otherwise).

    Without it: the unit of the user's first grant (the broadest), or None for the whole scope.
    """
    grants = office_grants(request.user)
    unit = unit_asked_within(request.GET.get("unit", ""), grants)
    if unit is not None or not default_first_grant:
        return unit
    return broadest_unit(grants)


def unit_choices(request: AppRequest, unit: OrgUnit | None) -> dict[str, Any]:
    """What a page needs to move through the tree: the unit's current sub-units, and its parent if in scope."""
    if unit is None:
        return {"unit": None, "sub_units": [], "parent_unit": None}
    grants = office_grants(request.user)
    parent = unit.parent if unit.parent and any(g.covers_path(unit.parent.path) for g in grants) else None
    children = OrgUnit.objects.filter(parent=unit, era=OrgUnit.Era.CURRENT).order_by("search_name", "path")
    return {"unit": unit, "sub_units": list(children), "parent_unit": parent}
