"""What each role finds first on the home page: its own work, not a description of its rights.

A volunteer: what is due and overdue today, inline, and their people. A club's board member: their models, with
today's session a tap away. A commune's office (officer, police, health station): a summary of the work list and
the decisions waiting for them, beside the dashboard. A province or the nation: the dashboard. A user holding
several roles sees each part. The work list is read once, and only for the commune roles: at a province or the
nation it is a country's list, which the work list page pages through.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse

from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import Scope
from donghanh.casework.choices import NotificationKind
from donghanh.casework.health_access import health_log
from donghanh.casework.models import Contact
from donghanh.casework.selectors import in_casework
from donghanh.casework.worklist import WorkItem, health_text_people, work_list
from donghanh.community.models import CommunityModel, Session, board_models_of
from donghanh.community.selectors import with_members_today
from donghanh.imports.choices import ImportStatus
from donghanh.imports.models import ImportBatch
from donghanh.people.models import Person

OFFICE_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_POLICE, Role.HEALTH_STAFF})
# Work-list items that wait for someone's decision rather than for a visit.
DECISION_KINDS = frozenset(
    {
        NotificationKind.QUARTER_TO_CONFIRM,
        NotificationKind.RELEASE_DECISION,
        NotificationKind.POSSIBLE_RELAPSE,
        NotificationKind.TRANSFER_TO_ANSWER,
        NotificationKind.DATA_REQUEST_ACKNOWLEDGE,
        NotificationKind.DATA_REQUEST_ANSWER,
    }
)
SHOWN_ITEMS = 8  # items shown inline; the work list has the rest
SHOWN_PEOPLE = 10


@dataclass
class WorkSummary:
    """The work list in figures, and the items shown inline on the home page."""

    total: int = 0
    overdue: int = 0
    due: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    urgent: list[WorkItem] = field(default_factory=list)  # overdue, then due: the volunteer's day
    decisions: list[WorkItem] = field(default_factory=list)
    decisions_total: int = 0


def work_summary(items: list[WorkItem]) -> WorkSummary:
    summary = WorkSummary(total=len(items))
    overdue = [item for item in items if item.overdue]
    due = [item for item in items if not item.overdue and item.due_date is not None]
    summary.overdue, summary.due = len(overdue), len(due)
    summary.urgent = (overdue + due)[:SHOWN_ITEMS]
    kinds = Counter(item.kind for item in items)
    summary.by_kind = [(str(NotificationKind(kind).label), count) for kind, count in kinds.most_common()]
    decisions = [item for item in items if item.kind in DECISION_KINDS]
    summary.decisions, summary.decisions_total = decisions[:SHOWN_ITEMS], len(decisions)
    return summary


def volunteer_people(user: Any, today: datetime.date) -> list[Person]:
    """The people assigned to the volunteer now, with the day of their last contact."""
    last_contact = Contact.objects.filter(person=OuterRef("pk")).order_by("-date", "-pk").values("date")[:1]
    people = Person.objects.accessible_to(user, Capability.VIEW_CASEWORK).filter(merged_into__isnull=True)
    return list(
        in_casework(people, today)
        .annotate(last_contact=Subquery(last_contact))
        .order_by("current_hamlet", "search_name", "pk")[:SHOWN_PEOPLE]
    )


def board_models(user: Any, today: datetime.date) -> list[CommunityModel]:
    """The models whose board the user sits on today, with their members today and their last session."""
    last_session = (
        Session.objects.filter(model_id=OuterRef("pk"))
        .order_by()
        .values("model_id")
        .annotate(d=Max("date"))
        .values("d")
    )
    return list(
        with_members_today(CommunityModel.objects.filter(pk__in=board_models_of(user, today)), today)
        .select_related("unit", "model_type")
        .annotate(last_session=Subquery(last_session))
        .order_by("search_name", "pk")
    )


def imports_waiting(user: Any) -> list[ImportBatch]:
    """The user's imports checked and waiting for their confirmation."""
    return list(ImportBatch.objects.filter(requested_by=user, status=ImportStatus.CHECKED).order_by("-pk")[:5])


def home_parts(request: HttpRequest, scope: Scope, today: datetime.date) -> dict[str, Any]:
    """The parts of the home page the user's roles call for."""
    user = request.user
    roles = scope.roles
    parts: dict[str, Any] = {
        "is_volunteer": Role.VOLUNTEER in roles,
        "is_board": Role.BOARD_MEMBER in roles,
        "is_office": bool(roles & OFFICE_ROLES),
        "is_admin": user.is_superuser or Role.SYSTEM_ADMIN in roles,
    }
    if parts["is_volunteer"] or parts["is_office"]:
        items = work_list(user, today)
        summary = work_summary(items)
        shown = summary.urgent + [item for item in summary.decisions if item not in summary.urgent]
        health_log(request, health_text_people(shown))  # the page shows what the work list page shows
        parts["work"] = summary
        # (item, link): an assessment or a contact done from here comes back here.
        parts["today"] = [(item, item.link(reverse("home"))) for item in summary.urgent]
        parts["worklist_url"] = reverse("casework:worklist")
    if parts["is_volunteer"]:
        parts["my_people"] = volunteer_people(user, today)
    if parts["is_board"]:
        parts["board_models"] = board_models(user, today)
    if parts["is_office"] and scope.can(Capability.IMPORT_RECORDS):
        parts["imports_waiting"] = imports_waiting(user)
    return parts
