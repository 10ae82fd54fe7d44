"""The people list as an Excel file: everyone the list shows with the filters on screen, every page of them.

The rows come from `PersonFilter`, as the page's do, read a chunk at a time: the legal measures running on the day
(attached by `status_as_of` for the roles that may see them) and the communes' names are read once per chunk, so the
number of queries does not grow with the number of people. The measures column is there only for roles that may
see legal measures, and filled only for the people of the communes where they may.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Grant, Scope, scope_for
from donghanh.core.xlsx import Column, Kind, ListFile, ListSheet, filters_in_words, list_filename, list_workbook
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import broadest_unit
from donghanh.people.choices import RosterExit, Whereabouts
from donghanh.people.filters import ON_ROSTER, ROSTER_CHOICES, PersonFilter
from donghanh.people.models import Person

CHUNK = 2000  # people read at once; their measures and communes are read once per chunk

# What the access log says was exported: stable English words, whatever the viewer's language.
EXPORTED = "people list"


def units_of(grants: Sequence[Grant]) -> tuple[OrgUnit, str]:
    """The broadest unit of `grants` (what the access log names) and every one of them in words, in one query more."""
    paths = list(dict.fromkeys(g.unit_path for g in grants))
    units = OrgUnit.objects.filter(path__in=paths).select_related("parent").order_by("path")
    names = "; ".join(unit_label(u) for u in units)
    return broadest_unit(list(grants)), names


def _columns(show_left: bool, show_measures: bool) -> list[Column]:
    columns = [
        Column(_("Code"), width=12),
        Column(_("Full name"), width=26),
        Column(_("Year of birth"), Kind.INTEGER, width=8),
        Column(_("Sex"), width=8),
        Column(_("Hamlet"), width=18),
        Column(_("Managing commune"), width=22),
        Column(_("Whereabouts"), width=22),
        Column(_("Since"), Kind.DATE),
    ]
    if show_left:
        columns += [Column(_("Left the roster"), Kind.DATE), Column(_("Reason for leaving"), width=20)]
    if show_measures:
        columns.append(Column(_("Measures"), width=30, wrap=True))
    return columns


def _rows(
    people: QuerySet[Person], scope: Scope, day: datetime.date, *, show_left: bool, show_measures: bool
) -> Iterator[list[Any]]:
    wheres, exits = dict(Whereabouts.choices), dict(RosterExit.choices)
    for chunk in itertools.batched(people.iterator(chunk_size=CHUNK), CHUNK):
        units = {p.unit_at for p in chunk}  # type: ignore[attr-defined]
        communes = dict(OrgUnit.objects.filter(pk__in=units).values_list("pk", "name"))
        for p in chunk:
            row: list[Any] = [
                p.code,
                p.full_name,
                p.birth_year,
                p.get_sex_display(),
                p.current_hamlet,
                communes.get(p.unit_at, ""),  # type: ignore[attr-defined]
                str(wheres.get(p.whereabouts_at, "")),  # type: ignore[attr-defined]
                p.whereabouts_since,  # type: ignore[attr-defined]
            ]
            if show_left:
                end = getattr(p, "roster_end", None)  # annotated when the list includes people who left the roster
                left_on = end if end is not None and end <= day else None
                reason = str(exits.get(getattr(p, "roster_end_reason", ""), "")) if left_on else ""
                row += [left_on, reason]
            if show_measures:
                measures = (
                    getattr(p, "active_episodes", []) if scope.can_at(Capability.VIEW_EPISODES, p.unit.path) else []
                )
                row.append(", ".join(str(e.get_episode_type_display()) for e in measures))
            yield row


def person_list_file(request: Any) -> ListFile:
    """The people list with the filters of `request`'s query string, as the page reads them, not paginated."""
    scope = scope_for(request.user)
    may_see_episodes = scope.can(Capability.VIEW_EPISODES)
    filterset = PersonFilter(request.GET, request=request)
    valid = filterset.is_valid()
    day = filterset.day if valid else timezone.localdate()
    roster = filterset.roster_choice if valid else ON_ROSTER
    show_left = roster != ON_ROSTER

    filters = [f"{_('Status as of')}: {day:%d/%m/%Y}", f"{_('Roster')}: {dict(ROSTER_CHOICES)[roster]}"]
    hidden = ["as_of", "roster"] + ([] if may_see_episodes else ["episode_type"])
    filters += filters_in_words(filterset.form, leave_out=hidden)
    sheet = ListSheet(
        _("List of people"),
        _columns(show_left, may_see_episodes),
        _rows(filterset.qs, scope, day, show_left=show_left, show_measures=may_see_episodes),
    )
    unit, names = units_of(scope.grants_for(Capability.VIEW_PEOPLE))
    content = list_workbook(unit=names, filters=filters, sheets=[sheet])
    return ListFile(
        content=content,
        filename=list_filename("danh sach nguoi", unit.name),
        rows=sheet.written,
        about=unit,
        unit=unit,
        filters="; ".join(filters),
    )
