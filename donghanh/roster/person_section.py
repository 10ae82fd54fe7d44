"""The person's place on the roster, on their page: periods with why they began and ended, death, moves.

Shown to every role that sees the person. What keeps them on the roster names their measures and
stays in a facility, so it is shown only to roles that may see legal measures at the person's commune
(the measures section, shown to the same roles, writes the access log). A fixed number of queries:
the periods, what holds the person (one per holder), and the latest move.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.people.choices import TransferStatus
from donghanh.people.extensions import SectionContext
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.roster import roster_holds
from donghanh.roster.models import TransferRequest

# A move answered less than this long ago is still shown on the person's page.
RECENT_MOVE = datetime.timedelta(days=30)


def _state(latest: ManagementPeriod | None, today: datetime.date) -> str:
    if latest is None:
        return "none"
    if latest.end_date is None:
        return "on"
    return "leaving" if latest.end_date > today else "left"


def _latest_move(request: AppRequest, person: Person, today: datetime.date) -> TransferRequest | None:
    move = (
        TransferRequest.objects.accessible_to(request.user, Capability.VIEW_PEOPLE)
        .filter(person=person)
        .select_related("from_unit", "to_unit")
        .order_by("-proposed_at", "-pk")
        .first()
    )
    if move is None or move.status == TransferStatus.PENDING:
        return move
    return move if move.answered_on and today - move.answered_on <= RECENT_MOVE else None


def roster_section(request: AppRequest, person: Person) -> SectionContext | None:
    scope = scope_for(request.user)
    path = person.unit.path
    today = timezone.localdate()
    periods = list(person.periods.select_related("unit__parent").order_by("-start_date", "-pk"))
    latest = periods[0] if periods else None
    state = _state(latest, today)
    alive = person.died_on is None
    may_see_holds = scope.can_at(Capability.VIEW_EPISODES, path)
    holds: list[str] = []
    kept_on = ""
    if state == "on" and may_see_holds and latest is not None:
        kept_on = latest.kept_on_reason
        keep_words = _("kept on by an officer: %(reason)s") % {"reason": kept_on}
        holds = [hold for hold in roster_holds(person, today) if not (kept_on and hold == keep_words)]
    move = _latest_move(request, person, today)
    manage = alive and scope.can_at(Capability.MANAGE_PEOPLE, path)
    values: dict[str, Any] = {
        "roster_periods": periods,
        "roster_latest": latest,
        "roster_state": state,
        "roster_may_see_holds": may_see_holds and state == "on",
        "roster_holds": holds,
        "roster_kept_on": kept_on,
        "roster_move": move,
        "roster_can_leave": manage and state == "on",
        "roster_can_rejoin": manage and state in ("left", "none"),
        "roster_can_propose": manage and state == "on" and not (move and move.status == TransferStatus.PENDING),
        "roster_can_record_death": manage,
        "roster_can_correct_death": not alive and scope.can_at(Capability.CORRECT_DEATH, path),
    }
    return SectionContext(values)
