"""Volunteers with their assignments, and services given: each row through the page's services.

A commune's list of volunteers or of services given is tens of rows, so each row calls the services the pages call
(`volunteer_add`, `assignment_make`, `service_record`…) inside a savepoint: a refused row is rolled back alone, its
message kept, and the next row goes on. The check runs exactly this and rolls everything back, so the preview shows
what applying will do, with the services' own messages.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.casework.models import Assignment, Volunteer, VolunteerTeam
from donghanh.casework.services import assignment_make, team_create, volunteer_add, volunteer_update
from donghanh.core.bulk import IN_CHUNK, chunks
from donghanh.core.text import fold
from donghanh.imports.choices import ImportKind, RowAction
from donghanh.imports.rows import Columns, Communes, Outcome, PeopleByRef, day, fail_with, person_label
from donghanh.orgunits.models import OrgUnit
from donghanh.support.models import ServiceRecord, ServiceType
from donghanh.support.services import service_record


class RowWriter(Protocol):
    columns: Columns

    def __call__(self, values: dict[str, Any], outcome: Outcome) -> None: ...


def run_each(rows: list[dict[str, Any]], write: RowWriter) -> list[Outcome]:
    """Each row in its own savepoint; the caller's transaction decides whether any of it stays."""
    outcomes = []
    for read in rows:
        outcome = Outcome(read["row"])
        for error in read["errors"]:
            outcome.fail(error["column"], error["message"])
        if outcome.action != RowAction.ERROR:
            try:
                with transaction.atomic():  # a savepoint: a refused row is rolled back alone
                    write(read["values"], outcome)
            except (ValidationError, PermissionDenied) as error:
                fail_with(outcome, error, write.columns)
            except ValueError as error:  # a commune or a person the row names was not found
                outcome.fail(write.columns[getattr(error, "column", "")], str(error))
        outcomes.append(outcome)
    return outcomes


class NamedError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


class VolunteerRows:
    """Writes a volunteer row: the commune's team (made if it has none), the volunteer, and an assignment."""

    fields = {"volunteer": "full_name", "user": "full_name", "unit": "commune", "end_date": "start_date"}

    def __init__(
        self, actor: User, unit: OrgUnit, rows: list[dict[str, Any]], headers: dict[str, str] | None = None
    ) -> None:
        self.columns = Columns(ImportKind.VOLUNTEERS, self.fields, headers)
        self.actor = actor
        self.communes = Communes(unit, actor)
        self.people = PeopleByRef(
            actor, (row["values"].get("person") or "" for row in rows), Capability.MANAGE_VOLUNTEERS
        )

    def _team(self, commune: OrgUnit) -> VolunteerTeam:
        # Read for each row: a team made in a row that was then refused went with that row's savepoint.
        team = VolunteerTeam.objects.filter(unit=commune).first()
        if team is None:
            team = team_create(
                actor=self.actor, unit=commune, name=_("Volunteer team of %(unit)s") % {"unit": commune.name}
            )
        return team

    def __call__(self, values: dict[str, Any], outcome: Outcome) -> None:
        try:
            commune = self.communes.find(values.get("commune") or "")
        except ValueError as error:
            raise NamedError("commune", str(error)) from None
        team = self._team(commune)
        name = values.get("full_name") or ""
        outcome.person = name
        fields = {
            "sex": values.get("sex") or "",
            "affiliation": values.get("affiliation") or "",
            "birth_year": values.get("birth_year"),
            "phone": values.get("phone") or "",
            "hamlet": values.get("hamlet") or "",
        }
        assigned_on = day(values, "assigned_on")
        # Active from the day written, else from the assignment if it is earlier than today.
        start = day(values, "start_date") or min(assigned_on or timezone.localdate(), timezone.localdate())
        same = [v for v in team.volunteers.all() if fold(v.full_name) == fold(name)]
        volunteer = same[0] if len(same) == 1 else None
        if volunteer is None:
            volunteer = volunteer_add(actor=self.actor, team=team, full_name=name, start_date=start, **fields)
            outcome.action = RowAction.CREATE
        else:
            changed = {key: value for key, value in fields.items() if value and getattr(volunteer, key) != value}
            if changed:
                volunteer = volunteer_update(
                    actor=self.actor, volunteer=volunteer, expected_version=volunteer.version, **changed
                )
                outcome.action = RowAction.UPDATE
                outcome.changes += [
                    str(getattr(Volunteer._meta.get_field(key), "verbose_name", key)) for key in changed
                ]
        ref = values.get("person") or ""
        if not ref:
            return
        try:
            person = self.people.find(ref)
        except ValueError as error:
            raise NamedError("person", str(error)) from None
        current = Assignment.objects.filter(person=person, end_date__isnull=True).first()
        if current is not None and current.volunteer_id == volunteer.pk:
            return
        assigned_on = assigned_on or max(volunteer.start_date, timezone.localdate())
        assignment_make(actor=self.actor, person=person, volunteer=volunteer, start_date=assigned_on)
        outcome.changes.append(_("Assigned to %(person)s") % {"person": person_label(person)})
        if outcome.action == RowAction.UNCHANGED:
            outcome.action = RowAction.UPDATE


class ServiceRows:
    """Writes a service given to a person found by their citizen ID or code; the same service twice is kept once."""

    fields = {"provider": "provider_name", "person": "person"}

    def __init__(
        self, actor: User, unit: OrgUnit, rows: list[dict[str, Any]], headers: dict[str, str] | None = None
    ) -> None:
        self.columns = Columns(ImportKind.SERVICES, self.fields, headers)
        self.actor = actor
        self.unit = unit
        self.people = PeopleByRef(actor, (row["values"].get("person") or "" for row in rows), Capability.RECORD_SUPPORT)
        self.types = {str(t.pk): t for t in ServiceType.objects.all()}
        refs = [p.pk for p in self.people.people.values() if p is not None]
        self.existing = {
            found
            for chunk in chunks(refs, IN_CHUNK)
            for found in ServiceRecord.objects.filter(person_id__in=chunk).values_list(
                "person_id", "service_type_id", "start_date"
            )
        }

    def __call__(self, values: dict[str, Any], outcome: Outcome) -> None:
        try:
            person = self.people.find(values.get("person") or "")
        except ValueError as error:
            raise NamedError("person", str(error)) from None
        if not person.unit.path.startswith(self.unit.path):
            raise NamedError(
                "person",
                _("%(person)s is managed outside %(unit)s.") % {"person": person_label(person), "unit": self.unit},
            )
        outcome.person = person_label(person)
        service_type = self.types[values["service_type"]]
        start = day(values, "start_date")
        assert start is not None  # required: a row without it has an error already
        if (person.pk, service_type.pk, start) in self.existing:
            return
        service_record(
            actor=self.actor,
            person=person,
            service_type=service_type,
            start_date=start,
            end_date=day(values, "end_date"),
            amount=values.get("amount"),
            provider_name=values.get("provider_name") or "",
            position=values.get("position") or "",
            notes=values.get("notes") or "",
        )
        self.existing.add((person.pk, service_type.pk, start))
        outcome.action = RowAction.CREATE
        outcome.changes.append(str(service_type))


WRITERS: dict[str, type[VolunteerRows] | type[ServiceRows]] = {
    ImportKind.VOLUNTEERS: VolunteerRows,
    ImportKind.SERVICES: ServiceRows,
}
