"""Case work's lists as Excel files: the work list, a team's volunteers, and coverage in a unit.

Each file holds what its page shows, from the same selectors, without the page's cut-offs: the work list's texts
masked as the page masks them (`casework.health_access`: a next step about health reads "health content — not
shown" to a role that may not see health), a team's volunteers past and present, and every volunteer helping nobody
and every person without a volunteer in the unit, not only the first ones the coverage page lists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.models import VolunteerTeam
from donghanh.casework.selectors import coverage, team_volunteers
from donghanh.casework.worklist import WorkItem, health_text_people, work_list
from donghanh.core.xlsx import Column, Kind, ListFile, ListSheet, list_filename, list_workbook
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.models import OrgUnit
from donghanh.people.exports import units_of
from donghanh.people.models import Person

CHUNK = 2000

# What the access log says was exported: stable English words, whatever the viewer's language.
EXPORTED_WORK_LIST = "work list"
EXPORTED_TEAM = "volunteers of a team"
EXPORTED_COVERAGE = "volunteer coverage"


# --- the work list ------------------------------------------------------------------------------


def _in_page_order(items: list[WorkItem]) -> list[tuple[str, WorkItem]]:
    """Each item with its group, in the page's order: overdue, then due on a date, then one group per kind."""
    overdue, due = _("Overdue"), _("Due")
    others: dict[str, int] = {}
    for item in items:
        if not item.overdue and item.due_date is None:
            others.setdefault(item.kind, len(others))

    def place(item: WorkItem) -> int:
        if item.overdue:
            return 0
        return 1 if item.due_date is not None else 2 + others[item.kind]

    ordered = sorted(items, key=place)  # stable: the list's own order within a group
    return [(overdue if item.overdue else due if item.due_date else item.kind_label, item) for item in ordered]


def work_list_file(user: Any, today: datetime.date) -> tuple[ListFile, list[Person]]:
    """The user's work list on `today`, every item; and the people whose health text it shows (to log per person)."""
    items = work_list(user, today)
    columns = [
        Column(_("Group"), width=18),
        Column(_("Task"), width=28),
        Column(_("Name"), width=26),
        Column(_("Due by"), Kind.DATE),
        Column(_("Details"), width=40, wrap=True),
    ]
    rows = ([group, item.kind_label, item.subject, item.due_date, item.detail] for group, item in _in_page_order(items))
    sheet = ListSheet(_("Work list"), columns, rows)
    unit, names = units_of(scope_for(user).grants_for(Capability.VIEW_CASEWORK))
    content = list_workbook(unit=names, filters=[], sheets=[sheet], printed_on=today)
    made = ListFile(
        content=content,
        filename=list_filename("viec can lam", unit.name, today),
        rows=sheet.written,
        about=unit,
        unit=unit,
    )
    return made, health_text_people(items)


# --- a team's volunteers ------------------------------------------------------------------------


def team_file(user: Any, team: VolunteerTeam, today: datetime.date) -> ListFile:
    """The team's volunteers, past ones too, with the people assigned to each on `today`, as the team's page."""
    columns = [
        Column(_("Full name"), width=26),
        Column(_("Affiliation"), width=22),
        Column(_("Phone"), width=14),
        Column(_("Hamlet"), width=18),
        Column(_("Active from"), Kind.DATE),
        Column(_("Active until"), Kind.DATE),
        Column(_("Logs in"), width=12),
        Column(_("People assigned now"), Kind.INTEGER, width=14),
    ]
    yes, no = _("Yes"), _("No")
    rows = (
        [
            v.full_name,
            v.get_affiliation_display(),
            v.phone,
            v.hamlet,
            v.start_date,
            v.end_date,
            yes if v.user_id else no,
            v.helping_now,  # type: ignore[attr-defined]
        ]
        for v in team_volunteers(user, team, today).iterator(chunk_size=CHUNK)
    )
    sheet = ListSheet(_("Volunteers of %(team)s") % {"team": team.name}, columns, rows, tab=_("Volunteers"))
    content = list_workbook(unit=unit_label(team.unit), filters=[], sheets=[sheet], printed_on=today)
    return ListFile(
        content=content,
        filename=list_filename("tinh nguyen vien", team.unit.name, today),
        rows=sheet.written,
        about=team,
        unit=team.unit,
    )


# --- coverage -----------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def coverage_file(user: Any, unit: OrgUnit, today: datetime.date) -> ListFile:
    """Coverage in `unit` on `today`: the figures, every volunteer helping nobody, every person without a volunteer."""
    figures = coverage(user, unit, today)
    volunteers, helping, people = figures.volunteers, figures.volunteers_helping, figures.people
    summary = ListSheet(
        _("Volunteers and case work"),
        [Column(_("Figure"), width=36), Column(_("Number"), Kind.INTEGER), Column(_("Share"), Kind.PERCENT)],
        [
            [_("Active volunteers"), volunteers, None],
            [_("Helping at least one person"), helping, _share(helping, volunteers)],
            [_("Volunteers helping nobody"), figures.idle_count, _share(figures.idle_count, volunteers)],
            [_("People followed"), people, None],
            [_("With a volunteer"), figures.people_with_volunteer, _share(figures.people_with_volunteer, people)],
            [_("People without a volunteer"), figures.unassigned_count, _share(figures.unassigned_count, people)],
        ],
        tab=_("Coverage"),
    )
    idle = ListSheet(
        _("Volunteers helping nobody"),
        [Column(_("Full name"), width=26), Column(_("Affiliation"), width=22), Column(_("Commune"), width=24)],
        (
            [v.full_name, v.get_affiliation_display(), v.team.unit.name]
            for v in figures.idle_volunteers.iterator(chunk_size=CHUNK)
        ),
    )
    unassigned = ListSheet(
        _("People without a volunteer"),
        [Column(_("Code"), width=12), Column(_("Full name"), width=26), Column(_("Commune"), width=24)],
        _people_rows(figures.people_without_volunteer.select_related("unit")),
    )
    content = list_workbook(unit=unit_label(unit), filters=[], sheets=[summary, idle, unassigned], printed_on=today)
    return ListFile(
        content=content,
        filename=list_filename("bao phu tinh nguyen vien", unit.name, today),
        rows=idle.written + unassigned.written,
        about=unit,
        unit=unit,
    )


def _people_rows(people: Any) -> Iterator[list[Any]]:
    for person in people.iterator(chunk_size=CHUNK):
        yield [person.code, person.full_name, person.unit.name]
