"""The case-work section of a person's page: volunteer, contacts, plan, assessments and instrument scores.

`person_casework_context` reads everything the section shows in a fixed number of queries and
says, in `seen`, which sensitive figures the viewer saw (for the page's one access-log entry):
monthly drug-use answers and ASSIST scores only reach roles that may see drug use, and the health text
of contacts (`casework.health_text`) only roles that may see health. `casework_file_part` is the same work in the
person's printed file: the volunteer, the active plan with its goals, the last ten contacts.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework import instruments
from donghanh.casework.choices import GoalStatus, Instrument, PlanStatus
from donghanh.casework.health_access import SEEN_HEALTH_TEXT, health_reveal
from donghanh.casework.models import (
    Assignment,
    Contact,
    InstrumentRecord,
    PlanGoal,
    QuarterlyClassification,
    ReintegrationPlan,
)
from donghanh.casework.selectors import assessments_for, assignments_active_on
from donghanh.core.dates import month_start, shift_month_start
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_MONTHLY_DRUG_USE = "monthly drug use"
SEEN_ASSIST = "ASSIST scores"

CONTACTS_SHOWN = 5
CONTACTS_PRINTED = 10  # in the person's printed file
ASSESSMENT_MONTHS_SHOWN = 12
QUARTERS_SHOWN = 8
OPEN_GOAL_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
# The high band starts at the same score for every substance.
ASSIST_HIGH_RISK_FROM = max(high for _moderate, high in instruments.ASSIST_RISK_CUTOFFS.values())


def review_due(status: str, review_date: datetime.date | None, today: datetime.date) -> bool:
    """A goal still open whose review date has come."""
    return status in OPEN_GOAL_STATUSES and review_date is not None and review_date <= today


def short_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@dataclass
class PlanSummary:
    plan: ReintegrationPlan
    goals: int
    by_status: list[tuple[str, str, int]]  # (status, label, count), in the vocabulary's order
    review_due: int


@dataclass
class AssistRow:
    record: InstrumentRecord
    # (substance, score or None when not used in life, risk, risk label), one per column
    cells: list[tuple[str, int | None, str, str]] = field(default_factory=list)


def _plan_summary(user: Any, person: Person, today: datetime.date) -> PlanSummary | None:
    plan = (
        ReintegrationPlan.objects.accessible_to(user)
        .filter(person=person, status=PlanStatus.ACTIVE)
        .order_by("-start_date", "-pk")
        .first()
    )
    if plan is None:
        return None
    goals = list(PlanGoal.objects.filter(plan=plan).values_list("status", "review_date"))
    counts = Counter(status for status, _review in goals)
    due = sum(1 for status, review in goals if review_due(status, review, today))
    by_status = [(value, str(text), counts[value]) for value, text in GoalStatus.choices if counts[value]]
    return PlanSummary(plan=plan, goals=len(goals), by_status=by_status, review_due=due)


def _barc10_chart(records: list[InstrumentRecord]) -> dict[str, Any]:
    return {
        "kind": "barc10",
        "labels": [short_date(r.date) for r in records],
        "values": [r.score for r in records],
        "label": _("BARC-10 total"),
        "threshold": instruments.BARC10_REMISSION_THRESHOLD,
        "thresholdLabel": _("Remission threshold (%(score)s)") % {"score": instruments.BARC10_REMISSION_THRESHOLD},
        "min": instruments.BARC10_MIN_TOTAL,
        "max": instruments.BARC10_MAX_TOTAL,
    }


def _assist_table(records: list[InstrumentRecord]) -> tuple[list[tuple[str, str]], list[AssistRow]]:
    """The substances ever scored (the columns) and one row per administration."""
    used = {substance for r in records for substance in r.scores}
    columns = [(value, str(text)) for value, text in instruments.ASSIST_SUBSTANCES if value in used]
    risks = dict(instruments.ASSIST_RISK_LEVELS)
    rows = []
    for record in records:
        row = AssistRow(record=record)
        for substance, _label in columns:
            entry = record.scores.get(substance)
            if entry is None:
                row.cells.append((substance, None, "", ""))
            else:
                risk = str(entry.get("risk", ""))
                row.cells.append((substance, int(entry["score"]), risk, str(risks.get(risk, risk))))
        rows.append(row)
    return columns, rows


def _assist_chart(columns: list[tuple[str, str]], rows: list[AssistRow]) -> dict[str, Any]:
    return {
        "kind": "assist",
        "labels": [short_date(row.record.date) for row in rows],
        "series": [
            {"key": substance, "label": label, "values": [row.cells[index][1] for row in rows]}
            for index, (substance, label) in enumerate(columns)
        ],
        "threshold": ASSIST_HIGH_RISK_FROM,
        "thresholdLabel": _("High risk from %(score)s") % {"score": ASSIST_HIGH_RISK_FROM},
        "min": 0,
        "max": max(instruments.ASSIST_MAX_SCORES.values()),
    }


def person_casework_context(request: AppRequest, person: Person) -> dict[str, Any]:
    """What the case-work section of `person`'s page shows to this user, and the sensitive words seen.

    The caller has checked that the user may see case work at the person's commune.
    """
    user = request.user
    scope = scope_for(user)
    path = person.unit.path
    today = timezone.localdate()
    show_drug_use = scope.can_at(Capability.VIEW_DRUG_USE, path)
    seen: list[str] = []

    current = assignments_active_on(today).filter(person=person).values("pk")
    assignment = Assignment.objects.accessible_to(user).filter(pk__in=current).select_related("volunteer").first()
    contacts = list(
        Contact.objects.accessible_to(user)
        .filter(person=person)
        .select_related("volunteer", "recorded_by")
        .order_by("-date", "-pk")[:CONTACTS_SHOWN]
    )
    first_month = shift_month_start(month_start(today), -(ASSESSMENT_MONTHS_SHOWN - 1))
    assessments = list(assessments_for(user, person).filter(month__gte=first_month))
    classifications = list(
        QuarterlyClassification.objects.accessible_to(user)
        .filter(person=person)
        .select_related("level", "derived")
        .order_by("-year", "-quarter")[:QUARTERS_SHOWN]
    )
    kinds = [Instrument.BARC10, Instrument.ASSIST] if show_drug_use else [Instrument.BARC10]
    records = list(
        InstrumentRecord.objects.accessible_to(user).filter(person=person, instrument__in=kinds).order_by("date", "pk")
    )
    barc10 = [r for r in records if r.instrument == Instrument.BARC10]
    assist = [r for r in records if r.instrument == Instrument.ASSIST]
    assist_columns, assist_rows = _assist_table(assist)

    if show_drug_use and assessments:
        seen.append(SEEN_MONTHLY_DRUG_USE)
    if show_drug_use and assist:
        seen.append(SEEN_ASSIST)
    if health_reveal(user, [(contact, person) for contact in contacts]):
        seen.append(SEEN_HEALTH_TEXT)
    return {
        "seen": seen,
        "today": today,
        "assignment": assignment,
        "contacts": contacts,
        "plan": _plan_summary(user, person, today),
        "assessments": assessments,
        "classifications": classifications,
        "barc10": [(r, r.score >= instruments.BARC10_REMISSION_THRESHOLD) for r in reversed(barc10)],
        "barc10_chart": _barc10_chart(barc10) if barc10 else None,
        "barc10_threshold": instruments.BARC10_REMISSION_THRESHOLD,
        "barc10_max": instruments.BARC10_MAX_TOTAL,
        "show_drug_use": show_drug_use,
        "assist_columns": assist_columns,
        "assist_rows": list(reversed(assist_rows)),
        "assist_chart": _assist_chart(assist_columns, assist_rows) if assist else None,
        "can_record": scope.can_at(Capability.RECORD_CASEWORK, path),
        "can_record_assist": scope.can_at(Capability.RECORD_DRUG_USE, path),
        "can_manage_volunteers": scope.can_at(Capability.MANAGE_VOLUNTEERS, path),
    }


def casework_section(request: AppRequest, person: Person) -> SectionContext | None:
    """The case-work section of the person page, for roles that may see case work at the person's commune."""
    if not scope_for(request.user).can_at(Capability.VIEW_CASEWORK, person.unit.path):
        return None
    context = person_casework_context(request, person)
    seen = context.pop("seen")
    return SectionContext({"casework": context}, seen)


def casework_file_part(request: AppRequest, person: Person) -> SectionContext | None:
    """The case work in the person's printed file (`people.person_file`): the volunteer, the active plan with its goals
    and the latest contacts, under the right of the page's section; health text only for roles that may read it."""
    user = request.user
    if not scope_for(user).can_at(Capability.VIEW_CASEWORK, person.unit.path):
        return None
    current = assignments_active_on(timezone.localdate()).filter(person=person).values("pk")
    assignment = Assignment.objects.accessible_to(user).filter(pk__in=current).select_related("volunteer").first()
    plan = (
        ReintegrationPlan.objects.accessible_to(user)
        .filter(person=person, status=PlanStatus.ACTIVE)
        .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.order_by("domain", "pk")))
        .order_by("-start_date", "-pk")
        .first()
    )
    goals = list(plan.goals.all()) if plan is not None else []
    contacts = list(
        Contact.objects.accessible_to(user)
        .filter(person=person)
        .select_related("volunteer", "recorded_by")
        .order_by("-date", "-pk")[:CONTACTS_PRINTED]
    )
    records = [*contacts, *goals, *([plan] if plan is not None else [])]
    seen = [SEEN_HEALTH_TEXT] if health_reveal(user, [(record, person) for record in records]) else []
    values = {"assignment": assignment, "plan": plan, "goals": goals, "contacts": contacts}
    return SectionContext({"casework_file": values}, seen)
