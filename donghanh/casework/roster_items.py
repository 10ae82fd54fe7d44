"""What the roster's lifecycle puts on the work list: post-rehab decisions due after a release, possible
relapses to decide, and moves between communes waiting for an answer.

Each source reads its items in a fixed number of queries whatever the number of people, and leaves
out people who died. Registered from `CaseworkConfig.ready()`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.choices import NotificationKind
from donghanh.casework.worklist import WorkItem
from donghanh.people.choices import TransferStatus
from donghanh.roster.choices import NoticeState, RelapseFollowUp, RelapseState
from donghanh.roster.dues import decision_dues, decision_start_expression
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest
from donghanh.roster.selectors import notice_state


def release_decision_items(user: Any, today: datetime.date) -> list[WorkItem]:
    """From the notice on, the post-rehab decision it calls for, due `decision_due` (late after it)."""
    notices = list(
        ReleaseNotice.objects.accessible_to(user, Capability.MANAGE_EPISODES)
        .filter(decision_episode__isnull=True, closed_on__isnull=True)
        .filter(person__died_on__isnull=True, person__merged_into__isnull=True)
        .select_related("person")
        .order_by(decision_start_expression().asc(), "pk")
    )
    dues = decision_dues(notices)
    items = []
    for notice in notices:
        due = dues.get(notice.pk)
        state = NoticeState(notice_state(notice))
        items.append(
            WorkItem(
                kind=NotificationKind.RELEASE_DECISION,
                subject=notice.person.full_name,
                url=reverse("roster:release_detail", args=[notice.pk]),
                due_date=due,
                key=f"release_decision:{notice.pk}:{due or ''}",
                person_id=notice.person_id,
                detail=f"{state.label} — {notice.facility}",
                late=due is not None and due < today,
            )
        )
    return items


def relapse_items(user: Any, today: datetime.date) -> list[WorkItem]:
    """Open possible relapses, for those who may decide them (and see drug use), with the choices a click away."""
    visible = RelapseSignal.objects.accessible_to(user, Capability.VIEW_DRUG_USE).values("pk")
    signals = (
        RelapseSignal.objects.accessible_to(user, Capability.MANAGE_EPISODES)
        .filter(state=RelapseState.OPEN, pk__in=visible)
        .filter(person__died_on__isnull=True, person__merged_into__isnull=True)
        .select_related("person")
        .order_by("date", "pk")
    )
    items = []
    for signal in signals:
        url = reverse("roster:relapse_resolve", args=[signal.pk])
        actions = tuple(
            (str(label), f"{url}?state={RelapseState.CONFIRMED}&follow_up={value}")
            for value, label in RelapseFollowUp.choices
        )
        items.append(
            WorkItem(
                kind=NotificationKind.POSSIBLE_RELAPSE,
                subject=signal.person.full_name,
                url=url,
                due_date=None,
                key=f"relapse:{signal.pk}",
                person_id=signal.person_id,
                detail=f"{signal.get_source_display()} — {signal.date:%d/%m/%Y}",
                actions=(*actions, (_("Not a relapse"), f"{url}?state={RelapseState.DISMISSED}")),
            )
        )
    return items


def _transfer_url(transfer: TransferRequest) -> str:
    """The move's own page where the roster pages give one; else the person's page (the side that manages them)."""
    try:
        return reverse("roster:transfer_detail", args=[transfer.pk])
    except NoReverseMatch:
        return reverse("people:detail", args=[transfer.person_id])


def transfer_items(user: Any, today: datetime.date) -> list[WorkItem]:
    """Pending moves on the lists of both communes: to answer for one, waiting for the other."""
    scope = scope_for(user)
    transfers = (
        TransferRequest.objects.accessible_to(user, Capability.MANAGE_PEOPLE)
        .filter(status=TransferStatus.PENDING, person__died_on__isnull=True)
        .select_related("person", "from_unit", "to_unit")
        .order_by("proposed_at", "pk")
    )
    answer_days = datetime.timedelta(days=settings.ROSTER_TRANSFER_ANSWER_DAYS)
    items = []
    for transfer in transfers:
        answering = scope.can_at(Capability.MANAGE_PEOPLE, transfer.answering_unit.path)
        due = timezone.localdate(transfer.proposed_at) + answer_days
        items.append(
            WorkItem(
                kind=NotificationKind.TRANSFER_TO_ANSWER if answering else NotificationKind.TRANSFER_WAITING,
                subject=transfer.person.full_name,
                url=_transfer_url(transfer),
                due_date=due,
                key=f"transfer:{transfer.pk}:{'answer' if answering else 'wait'}",
                person_id=transfer.person_id,
                detail=_("%(from)s → %(to)s, moving on %(day)s")
                % {
                    "from": transfer.from_unit.name,
                    "to": transfer.to_unit.name,
                    "day": f"{transfer.move_date:%d/%m/%Y}",
                },
                late=answering and due < today,
            )
        )
    return items
