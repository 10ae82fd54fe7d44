"""Reads of the roster's lifecycle: what keeps a person waiting, and the pending items of a user's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from donghanh.accounts.permissions import Capability
from donghanh.people.models import Person
from donghanh.roster.choices import DeadlineKind, NoticeState, RelapseState
from donghanh.roster.dues import decision_start
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest
from donghanh.roster.workdays import deadline


def awaiting_decision_holds(person: Person, day: datetime.date) -> str:
    """Released from a facility by `day` and still without the post-rehab decision: the person stays on the roster."""
    waiting = ReleaseNotice.objects.filter(
        person=person, released_on__lte=day, decision_episode__isnull=True, closed_on__isnull=True
    )
    return _("awaiting the post-rehab management decision") if waiting.exists() else ""


def notice_state(notice: ReleaseNotice) -> str:
    if notice.decision_episode_id is not None:
        return NoticeState.DECIDED
    if notice.closed_on is not None:
        return NoticeState.CLOSED
    return NoticeState.AWAITING_DECISION if notice.released_on else NoticeState.NOTIFIED


def decision_due(notice: ReleaseNotice) -> datetime.date:
    """The last day for the post-rehab decision: working days from the completion certificate's receipt
    (before the release, from the expected release date)."""
    return deadline(DeadlineKind.POST_REHAB_DECISION, decision_start(notice))


def pending_notices(user: Any) -> QuerySet[ReleaseNotice]:
    """Notices still waiting for a decision, in the user's scope, people alive."""
    return (
        ReleaseNotice.objects.accessible_to(user, Capability.VIEW_EPISODES)
        .filter(decision_episode__isnull=True, closed_on__isnull=True, person__died_on__isnull=True)
        .select_related("person", "person__unit")
        .order_by("expected_release_date", "pk")
    )


def pending_transfers(user: Any) -> QuerySet[TransferRequest]:
    return (
        TransferRequest.objects.accessible_to(user, Capability.VIEW_PEOPLE)
        .filter(status="pending")
        .select_related("person", "from_unit", "to_unit")
        .order_by("move_date", "pk")
    )


def open_relapse_signals(user: Any) -> QuerySet[RelapseSignal]:
    return (
        RelapseSignal.objects.accessible_to(user, Capability.VIEW_DRUG_USE)
        .filter(state=RelapseState.OPEN, person__died_on__isnull=True)
        .select_related("person")
        .order_by("date", "pk")
    )
