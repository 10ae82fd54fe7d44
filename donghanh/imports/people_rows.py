"""People with their legal measures and whereabouts: which rows create, update or change nothing, and writing them.

The plan reads the registry a fixed number of times whatever the number of rows (every citizen ID, every name and
the matched people's measures at once) and checks each row with the registry's own checks
(`person_identity_check`, `episode_validate`), so a row gets the message the form would give. New people and their
measures are written in bulk (`people_register_many`, `episodes_open_many`); a change to someone already registered
goes through the page's services one by one (`person_update`, `episode_open`, `whereabouts_record`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.bulk import IN_CHUNK, chunks
from donghanh.core.crypto import lookup_hash_of
from donghanh.core.dates import check_not_too_early
from donghanh.core.text import fold
from donghanh.episodes.choices import FACILITY_TYPES, EpisodeType
from donghanh.episodes.models import Episode, EpisodeRule
from donghanh.episodes.rules import rules_read_once
from donghanh.episodes.services import episode_open, episode_validate, episodes_open_many
from donghanh.imports.choices import Decision, ImportKind, RowAction
from donghanh.imports.rows import Columns, Communes, Outcome, day, fail_with, person_label
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.people.selectors import birth_registration_province_codes
from donghanh.people.services import (
    Registration,
    people_register_many,
    person_identity_check,
    person_update,
    whereabouts_record,
)

# A service's field -> the column it comes from.
FIELDS = {"birth_date": "birth", "birth_year": "birth", "unit": "commune", "since": "registered_on"}
IDENTITY = ("full_name", "sex", "citizen_id", "phone", "current_hamlet", "current_street")
DECISION = ("decision_number", "decision_date", "issuing_body", "facility", "notes")


@dataclass
class Row:
    """One row of the file as the plan sees it."""

    outcome: Outcome
    values: dict[str, Any]
    draft: Person | None = None
    commune: OrgUnit | None = None
    key: tuple[Any, ...] = ()
    existing: Person | None = None
    episode: Episode | None = None  # a measure this row adds
    whereabouts: str = ""  # for someone registered: a change of whereabouts
    changes: dict[str, Any] = field(default_factory=dict)  # for someone registered: fields that differ
    first: Row | None = None  # the first row of the file about the same person
    tentative: bool = False  # matched by name alone: confirmed only if the row changes nothing of that person
    registered_on: datetime.date | None = None  # for someone new: the first day on the commune's roster


@dataclass
class Plan:
    rows: list[Row]
    columns: Columns | None = None

    def outcomes(self) -> list[Outcome]:
        return [row.outcome for row in self.rows]


def _draft(row: Row, communes: Communes, codes: frozenset[str], columns: Columns) -> None:
    values, outcome = row.values, row.outcome
    outcome.person = values.get("full_name") or ""
    try:
        row.commune = communes.find(values.get("commune") or "")
    except ValueError as error:
        outcome.fail(columns["commune"], str(error))
        return
    if not communes.may(Capability.MANAGE_PEOPLE, row.commune):
        outcome.fail(
            columns["commune"], _("Your role does not allow this for people of %(unit)s.") % {"unit": row.commune.name}
        )
        return
    birth_date, birth_year = values.get("birth") or (None, None)
    draft = Person(
        unit=row.commune,
        full_name=values.get("full_name") or "",
        sex=values.get("sex") or "",
        birth_date=datetime.date.fromisoformat(birth_date) if birth_date else None,
        citizen_id=values.get("citizen_id") or "",
        phone=values.get("phone") or "",
        current_hamlet=values.get("current_hamlet") or "",
        current_street=values.get("current_street") or "",
    )
    draft.birth_year = birth_year  # type: ignore[assignment]  # may come from the date of birth
    try:
        person_identity_check(draft, province_codes=codes, against_registry=False)
    except ValidationError as error:
        fail_with(outcome, error, columns)
        return
    row.draft = draft
    outcome.person = f"{draft.full_name} ({draft.birth_year})"
    if draft.citizen_id:
        row.key = ("id", lookup_hash_of(draft.citizen_id, "digits"))
    else:
        row.key = ("name", fold(draft.full_name), draft.birth_year, row.commune.pk)


def _registry(rows: list[Row]) -> tuple[dict[str, Person], dict[tuple[Any, ...], list[Person]]]:
    """The registered people the rows name: by citizen ID hash, and by folded name, year of birth and commune."""
    hashes = {row.key[1] for row in rows if row.key[:1] == ("id",)}
    people = Person.objects.filter(merged_into__isnull=True).select_related("unit")
    by_hash = {
        person.citizen_id_hash: person
        for chunk in chunks(hashes, IN_CHUNK)
        for person in people.filter(citizen_id_hash__in=chunk)
    }
    names = {
        (fold(row.draft.full_name), row.draft.birth_year, row.commune.pk) for row in rows if row.draft and row.commune
    }
    by_name: dict[tuple[Any, ...], list[Person]] = {}
    years, units = {year for _name, year, _unit in names}, {unit for _name, _year, unit in names}
    for chunk in chunks({name for name, _year, _unit in names}, IN_CHUNK):
        for person in people.filter(search_name__in=chunk, birth_year__in=years, unit_id__in=units):
            key = (person.search_name, person.birth_year, person.unit_id)
            if key in names:
                by_name.setdefault(key, []).append(person)
    return by_hash, by_name


def _match(
    row: Row,
    by_hash: dict[str, Person],
    by_name: dict[tuple[Any, ...], list[Person]],
    communes: Communes,
    decisions: dict[str, str],
    columns: Columns,
    alone: bool,
) -> None:
    """Find the registered person the row is about: by citizen ID; else by name, year of birth and commune, which
    the officer confirms, unless the row is the file's only one about them and changes nothing (a file imported
    again)."""
    assert row.draft is not None and row.commune is not None
    draft, outcome = row.draft, row.outcome
    if row.key[0] == "id" and (found := by_hash.get(row.key[1])) is not None:
        if not communes.may(Capability.MANAGE_PEOPLE, found.unit):
            outcome.fail(
                columns["citizen_id"],
                _("This citizen ID is registered in another unit, which manages the person; ask it to transfer them."),
            )
            return
        row.existing = found
        return
    name_key = (fold(draft.full_name), draft.birth_year, row.commune.pk)
    candidates = [p for p in by_name.get(name_key, []) if not (draft.citizen_id and p.citizen_id)]
    if not candidates:
        return
    decision = decisions.get(str(outcome.row))
    chosen = [p for p in candidates if decision == str(p.pk) or (decision == Decision.CONFIRM and len(candidates) == 1)]
    if chosen:
        row.existing = chosen[0]
    elif decision is None and len(candidates) == 1 and alone:
        row.existing, row.tentative = candidates[0], True
        outcome.candidates = [{"id": candidates[0].pk, "label": person_label(candidates[0])}]
    elif decision != Decision.REJECT:
        outcome.action = RowAction.MATCH
        outcome.candidates = [{"id": p.pk, "label": person_label(p)} for p in candidates]


def _measure(
    row: Row, person: Person, others: list[Episode], rule_lookup: Callable[..., EpisodeRule], columns: Columns
) -> None:
    values, outcome = row.values, row.outcome
    episode_type, start = values.get("episode_type"), day(values, "start_date")
    if not episode_type and not start:
        if any(values.get(name) for name in ("planned_end_date", *DECISION)):
            outcome.fail(columns["episode_type"], _("Name the measure these dates and decision belong to."))
        return
    if not episode_type:
        outcome.fail(columns["episode_type"], _("Name the measure that starts on this day."))
        return
    if start is None:
        outcome.fail(columns["start_date"], _("A measure needs its start date."))
        return
    if any(o.episode_type == episode_type and o.start_date == start for o in others):
        return  # already recorded: applying the file again changes nothing
    episode = Episode(
        person=person,
        episode_type=episode_type,
        start_date=start,
        planned_end_date=day(values, "planned_end_date"),
        decision_number=values.get("decision_number") or "",
        decision_date=day(values, "decision_date"),
        issuing_body=values.get("issuing_body") or "",
        facility=values.get("facility") or "",
        notes=values.get("notes") or "",
    )
    try:
        episode_validate(episode, rule_lookup=rule_lookup, others=others)
    except ValidationError as error:
        fail_with(outcome, error, columns)
        return
    row.episode = episode
    others.append(episode)


def _changes(row: Row, person: Person, current_whereabouts: dict[int, str]) -> None:
    assert row.draft is not None
    draft, labels = row.draft, Person._meta
    for name in IDENTITY:
        new, old = getattr(draft, name), getattr(person, name)
        if new and new != old:
            row.changes[name] = new
            shown = new if name not in ("citizen_id", "phone", "current_street") else "…"
            row.outcome.changes.append(f"{getattr(labels.get_field(name), 'verbose_name', name)}: {shown}")
    if draft.birth_date and draft.birth_date != person.birth_date:
        row.changes["birth_date"] = draft.birth_date
        row.outcome.changes.append(
            f"{getattr(labels.get_field('birth_date'), 'verbose_name', '')}: {draft.birth_date:%d/%m/%Y}"
        )
    wanted = row.values.get("whereabouts")
    if wanted and wanted != current_whereabouts.get(person.pk):
        row.whereabouts = wanted
        row.outcome.changes.append(f"{_('Whereabouts')}: {Whereabouts(wanted).label}")


def _registered_on(row: Row, columns: Columns) -> None:
    """The day someone new is on the roster from: as written, else the measure's start (today at the latest)."""
    today = timezone.localdate()
    written = day(row.values, "registered_on")
    if written is None:
        row.registered_on = min(row.episode.start_date, today) if row.episode else today
        return
    try:
        if written > today:
            raise ValidationError({"registered_on": _("The date is in the future.")})
        check_not_too_early(written, "registered_on")
    except ValidationError as error:
        fail_with(row.outcome, error, columns)
        return
    row.registered_on = written


def _settle_tentative(row: Row, others: list[Episode]) -> None:
    """A match by name alone stands when the row changes nothing; otherwise the officer decides."""
    outcome = row.outcome
    if not (row.changes or row.whereabouts or row.episode or outcome.errors):
        outcome.action, outcome.candidates = RowAction.UNCHANGED, []
        return
    if row.episode is not None:
        others.remove(row.episode)
    assert row.draft is not None
    row.existing, row.episode, row.changes, row.whereabouts = None, None, {}, ""
    outcome.action, outcome.changes, outcome.errors = RowAction.MATCH, [], []
    outcome.person = f"{row.draft.full_name} ({row.draft.birth_year})"


def plan_people(
    actor: User,
    unit: OrgUnit,
    rows: list[dict[str, Any]],
    decisions: dict[str, str],
    headers: dict[str, str] | None = None,
) -> Plan:
    """What each row would do today, with every error; reads the registry, writes nothing."""
    columns = Columns(ImportKind.PEOPLE, FIELDS, headers)
    communes = Communes(unit, actor)
    codes = birth_registration_province_codes()
    rule_lookup = rules_read_once()
    plan = Plan([Row(Outcome(row["row"]), row["values"]) for row in rows])
    for read, row in zip(rows, plan.rows, strict=True):
        for error in read["errors"]:
            row.outcome.fail(error["column"], error["message"])
            row.outcome.person = row.values.get("full_name") or ""
        if row.outcome.action != RowAction.ERROR:
            _draft(row, communes, codes, columns)
    ready = [row for row in plan.rows if row.draft is not None]
    by_hash, by_name = _registry(ready)
    firsts: dict[tuple[Any, ...], Row] = {}
    sizes = Counter(row.key for row in ready)
    for row in ready:
        first = firsts.setdefault(row.key, row)
        if first is not row:
            row.first = first
            row.outcome.same_as = first.outcome.row
            assert first.draft is not None and row.draft is not None
            if (fold(first.draft.full_name), first.draft.sex, first.draft.birth_year) != (
                fold(row.draft.full_name),
                row.draft.sex,
                row.draft.birth_year,
            ):
                row.outcome.fail(
                    columns["full_name"],
                    _("Row %(row)s is about the same person with another name, sex or year of birth.")
                    % {"row": first.outcome.row},
                )
            continue
        _match(row, by_hash, by_name, communes, decisions, columns, sizes[row.key] == 1)
    existing_ids = {row.existing.pk for row in ready if row.existing is not None}
    measures: dict[int, list[Episode]] = {}
    whereabouts: dict[int, str] = {}
    for chunk in chunks(existing_ids, IN_CHUNK):
        for episode in Episode.objects.filter(person_id__in=chunk).select_related("rule"):
            measures.setdefault(episode.person_id, []).append(episode)
        whereabouts.update(
            WhereaboutsRecord.objects.filter(person_id__in=chunk)
            .order_by("person_id", "since", "pk")
            .values_list("person_id", "status")
        )  # the last of each person's records wins
    for row in ready:
        first = row.first or row
        if row.outcome.action == RowAction.ERROR or first.outcome.action in (RowAction.ERROR, RowAction.MATCH):
            if first.outcome.action == RowAction.MATCH and row is not first:
                row.outcome.action = RowAction.MATCH
            continue
        person = first.existing or first.draft
        assert person is not None
        if first.existing is not None and row is first:
            row.outcome.person = person_label(first.existing)
            _changes(row, first.existing, whereabouts)
        if (
            person.pk is not None
            and not communes.may(Capability.MANAGE_EPISODES, person.unit)
            and row.values.get("episode_type")
        ):
            row.outcome.fail(columns["episode_type"], _("Your role does not allow recording measures."))
            continue
        others = measures.setdefault(id(first) if person.pk is None else person.pk, [])
        _measure(row, person, others, rule_lookup, columns)
        if row.tentative:
            _settle_tentative(row, others)
            continue
        if row.outcome.action == RowAction.ERROR:
            continue
        if first.existing is None:
            if row is first:
                _registered_on(row, columns)
                if row.outcome.action == RowAction.ERROR:
                    continue
            row.outcome.action = RowAction.CREATE if row is first or row.episode else RowAction.UNCHANGED
        elif row.changes or row.whereabouts or row.episode:
            row.outcome.action = RowAction.UPDATE
            if row.episode:
                row.outcome.changes.append(f"{_('New measure')}: {EpisodeType(row.episode.episode_type).label}")
    plan.columns = columns
    return plan


def apply_people(actor: User, plan: Plan) -> list[Outcome]:
    """Write the plan (the caller holds the transaction); answers the rows a service refused, with why."""
    columns = plan.columns or Columns(ImportKind.PEOPLE, FIELDS)
    today = timezone.localdate()
    new = [row for row in plan.rows if row.outcome.action == RowAction.CREATE and row.first is None]
    registrations = []
    for row in new:
        assert row.draft is not None
        assert row.registered_on is not None  # set by the plan
        facility = row.episode is not None and row.episode.episode_type in FACILITY_TYPES
        default = Whereabouts.IN_FACILITY if facility else Whereabouts.AT_RESIDENCE
        registrations.append(Registration(row.draft, row.registered_on, row.values.get("whereabouts") or default))
    refused: list[Outcome] = []
    try:
        people_register_many(actor=actor, registrations=registrations)
        episodes = [
            row.episode
            for row in plan.rows
            if row.episode is not None
            and (row.first or row).existing is None
            and row.outcome.action == RowAction.CREATE
        ]
        episodes_open_many(actor=actor, episodes=episodes)
    except (ValidationError, PermissionDenied) as error:
        outcome = Outcome(new[0].outcome.row if new else 0)
        fail_with(outcome, error, columns)
        return [outcome]
    for row in plan.rows:
        if row.outcome.action != RowAction.UPDATE:
            continue
        person = (row.first or row).existing
        assert person is not None
        try:
            if row.changes:
                person_update(actor=actor, person=person, expected_version=person.version, **row.changes)
            if row.whereabouts:
                whereabouts_record(actor=actor, person=person, status=row.whereabouts, since=today)
            if row.episode is not None:
                fields = {name: getattr(row.episode, name) for name in DECISION}
                episode_open(
                    actor=actor,
                    person=person,
                    episode_type=row.episode.episode_type,
                    start_date=row.episode.start_date,
                    planned_end_date=row.episode.planned_end_date,
                    **fields,
                )
        except (ValidationError, PermissionDenied) as error:
            outcome = Outcome(row.outcome.row)
            fail_with(outcome, error, columns)
            refused.append(outcome)
    return refused
