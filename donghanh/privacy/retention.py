"""Retention and anonymisation: each kind of a person's records is kept for `settings.RETENTION_YEARS[kind]` years
after the person left the roster, then anonymised once, unless a legal hold stands.

**When a person left.** The latest of the end of their last roster period (`ManagementPeriod`, when none is open)
and their death; a person never on a roster, the day they were registered (`created_at`). A person on a roster
today is never anonymised, nor a record merged into another (it follows the record kept: anonymising the kept
record's identity anonymises the identities merged into it). All of it is worked out in the database, for a page
of people or the whole country alike (`people_retention`).

**What anonymising a kind does.** For every model whose kind (`kinds.kind_of`) is the kind being done and that
holds a person's rows — `people.Person` itself, a model with a `person` key to it, or a model one key further
(`DrugTestResult` → `DrugTest`, `PlanGoal` → `ReintegrationPlan`, `ReferralEvent` → `Referral`, `Attendance` →
`Membership`) — and for the change history of each (simple-history's historical model), these fields are set to ""
with `QuerySet.update()`:

- every encrypted field (`core.crypto.EncryptedMixin`): identifiers and free text by construction;
- every lookup hash (`core.crypto.LookupHashField`), whose source is emptied;
- every other `TextField`: free text by nature;
- every other `CharField` without choices whose name is one of `FREE_TEXT_NAMES` or ends in one of
  `FREE_TEXT_SUFFIXES` (note, notes, reason, next step, goal, place, outcome, position, loan purpose, a guardian's
  relation; `…_note`, `…_notes`, `…_reason`);
- on `Person`, the identity (`IDENTITY_FIELDS`): the full name becomes the person's code, the names without
  diacritics the code folded (lower case: codes are ASCII, "DH0001234"), the date of birth is removed, and other
  names, identifiers, phone, hamlets and streets, occupation, family contacts, needs and the note on a death are
  emptied.

Nothing else changes and nothing is deleted: dates, choices, numbers, keys (units, partners, facilities'
names, decision and form numbers, codes) stay, so every report of a past period gives the same figures.
`update()` writes no history row and no mark for the reports' status rows, which hold none of these fields. A
versioned record's version goes up, so an edit page loaded before cannot save the old text back. A field a
constraint requires to be filled where a condition holds (`KEPT_FILLED`) gets `REMOVED_MARK` there instead.

Done once per person and kind: an `Anonymisation` row with the number of rows changed (records and history
rows). The daily task (`tasks.anonymise_due_task`) works through the due people kind by kind, `BATCH` at a time,
each batch in one transaction that locks its people and checks again that no hold was placed meanwhile.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Lower, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.crypto import EncryptedMixin, LookupHashField, encrypt
from donghanh.core.dates import add_months_civil
from donghanh.core.versions import Versioned
from donghanh.people.models import ManagementPeriod, Person
from donghanh.privacy import kinds
from donghanh.privacy.models import Anonymisation, LegalHold

BATCH = 500  # people per transaction of the daily task
LOOKAHEAD_MONTHS = 1  # the dry-run page: who is due within a month from today

FREE_TEXT_NAMES = frozenset(
    {
        "note",
        "notes",
        "reason",
        "next_step",
        "goal",
        "place",
        "outcome",
        "position",
        "loan_purpose",
        "guardian_relation",
    }
)
FREE_TEXT_SUFFIXES = ("_note", "_notes", "_reason")
# The person's identity beyond what the rules above find (names that do not exist on the model are skipped, so the
# list holds whether or not a field is encrypted yet).
IDENTITY_FIELDS = (
    "other_names",
    "citizen_id",
    "phone",
    "current_hamlet",
    "current_street",
    "permanent_hamlet",
    "permanent_street",
    "occupation",
    "family_contacts",
    "needs",
    "death_note",
)
REMOVED_MARK = "—"
# model label → field → the rows on which a constraint wants it filled (they get REMOVED_MARK).
KEPT_FILLED: dict[str, dict[str, Q]] = {"privacy.consent": {"guardian_name": Q(given_by="guardian")}}


# --- what a kind covers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One model's rows of a kind: how they reach the person, and the fields emptied."""

    model: type[models.Model]
    fields: tuple[str, ...]
    link: str  # "pk" (the person), "person", or the key to a model that has a `person` key
    parent: type[models.Model] | None = None  # the model `link` points to, when one step further

    @property
    def history(self) -> type[models.Model] | None:
        manager = getattr(self.model, "history", None)
        return getattr(manager, "model", None)


def _person_key(model: type[models.Model]) -> bool:
    try:
        key = model._meta.get_field("person")
    except FieldDoesNotExist:
        return False
    return bool(key.is_relation and key.related_model is Person)


def _is_free_text(model_field: models.Field[Any, Any]) -> bool:
    if isinstance(model_field, EncryptedMixin | LookupHashField | models.TextField):
        return True
    if isinstance(model_field, models.CharField) and not model_field.choices:
        name = model_field.name
        return name in FREE_TEXT_NAMES or name.endswith(FREE_TEXT_SUFFIXES)
    return False


def blanked_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields anonymising a model empties (see the module's rule)."""
    names = [f.name for f in model._meta.concrete_fields if _is_free_text(f)]
    if model is Person:
        concrete = {f.name for f in Person._meta.concrete_fields}
        names += [name for name in ("full_name", "search_name", "birth_date", *IDENTITY_FIELDS) if name in concrete]
    return tuple(dict.fromkeys(names))


def _historical_models() -> set[type[models.Model]]:
    found = set()
    for model in apps.get_models():
        history = getattr(getattr(model, "history", None), "model", None)
        if history is not None:
            found.add(history)
    return found


@functools.cache
def targets(kind: str) -> tuple[Target, ...]:
    """The models of `kind` holding a person's rows, with the fields anonymising empties (none: left out)."""
    historical = _historical_models()
    found = []
    for model in apps.get_models():
        if model in historical or kinds.kind_of(model._meta.label_lower) != kind:
            continue
        fields = blanked_fields(model)
        if not fields:
            continue
        if model is Person:
            found.append(Target(model, fields, "pk"))
        elif _person_key(model):
            found.append(Target(model, fields, "person"))
        else:
            for key in model._meta.concrete_fields:
                if key.many_to_one and key.related_model is not None and _person_key(key.related_model):
                    found.append(Target(model, fields, key.name, parent=key.related_model))
                    break
    return tuple(found)


# --- who is due -----------------------------------------------------------------------------------------------------


def people_retention(people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People (not merged into another record) with `on_roster`, `left_on` and `held` (a standing legal hold)."""
    people = Person.objects.all() if people is None else people
    periods = ManagementPeriod.objects.filter(person=OuterRef("pk"))
    last_end = Subquery(
        periods.filter(end_date__isnull=False).order_by("-end_date").values("end_date")[:1],
        output_field=models.DateField(),
    )
    # The later of the two where both are known (said with CASE, so that most people, alive, read the periods once).
    ended = Case(
        When(died_on__isnull=True, then=last_end),
        default=Greatest(Coalesce(last_end, F("died_on")), F("died_on")),
        output_field=models.DateField(),
    )
    return people.filter(merged_into__isnull=True).annotate(
        on_roster=Exists(periods.filter(end_date__isnull=True)),
        left_on=Coalesce(ended, TruncDate("created_at"), output_field=models.DateField()),
        held=Exists(LegalHold.objects.filter(person=OuterRef("pk"), lifted_at__isnull=True)),
    )


def left_by(on: datetime.date, years: int) -> datetime.date:
    """The last day a person may have left to be due for a kind kept `years` years, on `on`."""
    cutoff = add_months_civil(on, -12 * years)
    if (on.month, on.day) == (2, 28) and not calendar.isleap(on.year) and calendar.isleap(cutoff.year):
        cutoff = cutoff.replace(day=29)  # left on 29/02: due on 28/02 of a common year
    return cutoff


def due_on(left_on: datetime.date, kind: str) -> datetime.date:
    return add_months_civil(left_on, 12 * kinds.retention_years(kind))


def done(kind: str) -> Exists:
    return Exists(Anonymisation.objects.filter(person=OuterRef("pk"), kind=kind))


def people_due(kind: str, on: datetime.date, *, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People whose records of `kind` are due for anonymisation on `on`: off the roster long enough, no standing
    hold, not done yet."""
    return (
        people_retention(people)
        .filter(on_roster=False, held=False, left_on__lte=left_by(on, kinds.retention_years(kind)))  # type: ignore[misc]
        .exclude(done(kind))
    )


def people_due_by(until: datetime.date, people: QuerySet[Person]) -> QuerySet[Person]:
    """People with at least one kind due by `until` and not done (held ones included), with `due_<kind>` flags."""
    flags = {
        f"due_{kind}": Case(
            When(Q(left_on__lte=left_by(until, kinds.retention_years(kind))) & ~done(kind), then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        )
        for kind in kinds.KIND_LABELS
    }
    # Leaving before the shortest retention's day is needed for any kind: tested first, it spares the kinds' tests
    # (each reads the periods again) for everyone else, most of the registry.
    soonest = left_by(until, min(kinds.retention_years(kind) for kind in kinds.KIND_LABELS))
    rows = people_retention(people).filter(on_roster=False, left_on__lte=soonest)  # type: ignore[misc]  # annotation
    rows = rows.annotate(**flags)
    return rows.filter(Q.create([(name, True) for name in flags], connector=Q.OR))


# --- anonymising ----------------------------------------------------------------------------------------------------


def _values(model: type[models.Model], fields: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        model_field = model._meta.get_field(name)
        if name == "full_name":
            values[name] = F("code")
        elif name == "search_name":
            values[name] = Lower("code")
        elif model_field.null and not isinstance(model_field, models.CharField | models.TextField):
            values[name] = None
        else:
            values[name] = ""
    return values


@dataclass
class _Rows:
    """Rows changed per person, for the `Anonymisation` records."""

    counts: Counter[int] = field(default_factory=Counter)

    def add(self, owners: Iterable[tuple[int | None, int]], owner_of: dict[int, int] | None = None) -> None:
        for owner, count in owners:
            if owner is None:
                continue
            person = owner_of.get(owner) if owner_of is not None else owner
            if person is not None:
                self.counts[person] += count


def _update(model: type[models.Model], rows: QuerySet[Any], fields: tuple[str, ...]) -> None:
    values = _values(model, fields)
    name_field = model._meta.get_field("full_name") if "full_name" in values else None
    if isinstance(name_field, EncryptedMixin):  # an encrypted name cannot be copied from the code in SQL
        values.pop("full_name")
        for pk, code in rows.values_list("pk", "code"):
            model._default_manager.filter(pk=pk).update(full_name=encrypt(code))
    for name, condition in KEPT_FILLED.get(model._meta.label_lower, {}).items():
        if name in values:
            rows.filter(condition).update(**{name: REMOVED_MARK})
            rows.exclude(condition).update(**{name: values.pop(name)})
    if issubclass(model, Versioned):
        values["version"] = F("version") + 1
    rows.update(**values)


def _merged_into(ids: Iterable[int]) -> dict[int, int]:
    """Records merged into these people (through any chain of merges) → the person they now belong to."""
    owner: dict[int, int] = {}
    frontier = {pk: pk for pk in ids}
    while frontier:
        found = dict(Person.objects.filter(merged_into__in=frontier).values_list("pk", "merged_into"))
        frontier = {pk: frontier[into] for pk, into in found.items() if pk not in owner}
        owner.update(frontier)
    return owner


def _anonymise_target(target: Target, ids: list[int], rows: _Rows) -> None:
    model, history = target.model, target.history
    if target.link == "pk":
        owner_of = {pk: pk for pk in ids} | _merged_into(ids)
        current = model._default_manager.filter(pk__in=owner_of)
        rows.add(current.values_list("pk").annotate(n=Count("pk")), owner_of)
        _update(model, current, target.fields)
        if history is not None:
            past = history._default_manager.filter(id__in=owner_of)
            rows.add(past.values_list("id").annotate(n=Count("pk")), owner_of)
            _update(history, past, target.fields)
        return
    if target.parent is None:
        current = model._default_manager.filter(person_id__in=ids)
        rows.add(current.values_list("person_id").annotate(n=Count("pk")))
        _update(model, current, target.fields)
        if history is not None:
            past = history._default_manager.filter(person_id__in=ids)
            rows.add(past.values_list("person_id").annotate(n=Count("pk")))
            _update(history, past, target.fields)
        return
    # One key further: the parent rows of these people, current or only in the parent's history.
    parent_of = dict(target.parent._default_manager.filter(person_id__in=ids).values_list("pk", "person_id"))
    parent_history = getattr(getattr(target.parent, "history", None), "model", None)
    if parent_history is not None:
        parent_of |= dict(
            parent_history._default_manager.filter(person_id__in=ids).values_list("id", "person_id").distinct()
        )
    key = f"{target.link}_id"
    current = model._default_manager.filter(**{f"{key}__in": parent_of})
    rows.add(current.values_list(key).annotate(n=Count("pk")), parent_of)
    _update(model, current, target.fields)
    if history is not None:
        past = history._default_manager.filter(**{f"{key}__in": parent_of})
        rows.add(past.values_list(key).annotate(n=Count("pk")), parent_of)
        _update(history, past, target.fields)


@transaction.atomic
def people_anonymise(*, kind: str, person_ids: Iterable[int], on: datetime.date | None = None) -> int:
    """Anonymise the records of `kind` of those of these people who are due on `on` (today); returns how many.

    The people are locked first, so a hold placed meanwhile (`legal_hold_place` locks the person too) is seen.
    """
    if kind not in kinds.KIND_LABELS:
        raise ValueError(f"Unknown kind of record: {kind!r}")
    on = on or timezone.localdate()
    wanted = list(person_ids)
    list(Person.objects.select_for_update().filter(pk__in=wanted).values_list("pk", flat=True))
    ids = list(people_due(kind, on).filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    rows = _Rows()
    for target in targets(kind):
        _anonymise_target(target, ids, rows)
    Anonymisation.objects.bulk_create([Anonymisation(person_id=pk, kind=kind, rows=rows.counts[pk]) for pk in ids])
    return len(ids)


def anonymisation_run(*, on: datetime.date | None = None, dry_run: bool = False, batch: int = BATCH) -> dict[str, int]:
    """Anonymise every kind of record due on `on` (today), `batch` people per transaction; returns the people
    anonymised per kind (with `dry_run`, those who would be, and nothing is written)."""
    on = on or timezone.localdate()
    counts: dict[str, int] = {}
    for kind in kinds.KIND_LABELS:
        if dry_run:
            counts[kind] = people_due(kind, on).count()
            continue
        done_count, after = 0, 0
        while True:
            chunk = list(people_due(kind, on).filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
            if not chunk:
                break
            done_count += people_anonymise(kind=kind, person_ids=chunk, on=on)
            after = chunk[-1]
        counts[kind] = done_count
    return counts


# --- legal holds ----------------------------------------------------------------------------------------------------


def _require(actor: User, person: Person) -> None:
    if not scope_for(actor).can_at(Capability.MANAGE_RETENTION, person.unit.path):
        raise PermissionDenied(
            _("Your role does not allow legal holds for people of %(unit)s.") % {"unit": person.unit.name}
        )


def _reason(reason: str, field_name: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({field_name: _("Say why.")})
    if len(reason) > LegalHold._meta.get_field("reason").max_length:  # type: ignore[operator]
        raise ValidationError({field_name: _("At most 300 characters.")})
    return reason


@transaction.atomic
def legal_hold_place(*, actor: User, person: Person, reason: str) -> LegalHold:
    """Stop the anonymisation of every kind of the person's records until the hold is lifted."""
    _require(actor, person)
    reason = _reason(reason, "reason")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
        raise ValidationError(_("A legal hold already stands for this person."))
    hold = LegalHold(person=person, reason=reason, placed_by=actor)
    hold._history_user = actor  # type: ignore[attr-defined]
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a standing hold: the person's records are anonymised again when due (at once if already past)."""
    _require(actor, hold.person)
    reason = _reason(reason, "lift_reason")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(_("This legal hold was already lifted."))
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold._history_user = actor  # type: ignore[attr-defined]
    hold.save()
    return hold


# --- reads for the pages --------------------------------------------------------------------------------------------


def retention_due_for(user: User, *, until: datetime.date, kind: str | None = None) -> QuerySet[Person]:
    """The people of the user's units off the roster with a kind of record due by `until` and not done (a standing
    hold included: the page marks it), those who left first first; `kind` keeps those due for that kind."""
    people = Person.objects.accessible_to(user, Capability.MANAGE_RETENTION)
    rows = people_due_by(until, people)
    if kind is not None:
        rows = rows.filter(**{f"due_{kind}": True})
    return rows.order_by("left_on", "pk")  # type: ignore[misc]  # an annotation


def retention_counts(rows: QuerySet[Person]) -> dict[str, int]:
    """How many of these people (from `retention_due_for`) are due per kind, in one query."""
    counted = rows.order_by().aggregate(
        **{kind: Count("pk", filter=Q(**{f"due_{kind}": True})) for kind in kinds.KIND_LABELS}
    )
    return {kind: int(counted[kind] or 0) for kind in kinds.KIND_LABELS}


@dataclass
class DueKind:
    kind: str
    label: str
    due_on: datetime.date
    overdue: bool  # due before today: the daily run has not reached it, or a hold stops it


@dataclass
class DueRow:
    person: Person
    left_on: datetime.date
    held: bool
    kinds: list[DueKind]


def due_rows(people: Iterable[Person], today: datetime.date) -> list[DueRow]:
    """The page's people (from `retention_due_for`) with the kinds due and their due days."""
    rows = []
    for person in people:
        left_on: datetime.date = person.left_on  # type: ignore[attr-defined]
        due = [
            DueKind(kind, str(label), day, day < today)
            for kind, label in kinds.KIND_LABELS.items()
            if getattr(person, f"due_{kind}") and (day := due_on(left_on, kind))
        ]
        rows.append(DueRow(person, left_on, bool(person.held), due))  # type: ignore[attr-defined]
    return rows


def legal_holds_for(user: User) -> QuerySet[LegalHold]:
    """The standing holds on people of the user's units, the newest first."""
    return (
        LegalHold.objects.accessible_to(user, Capability.MANAGE_RETENTION)
        .filter(lifted_at__isnull=True)
        .select_related("person__unit", "placed_by")
        .order_by("-placed_at", "-pk")
    )


@dataclass
class KindSchedule:
    kind: str
    label: str
    years: int
    due_on: datetime.date | None  # None while the person is on the roster
    done: Anonymisation | None


@dataclass
class PersonRetention:
    on_roster: bool
    left_on: datetime.date | None
    hold: LegalHold | None
    schedule: list[KindSchedule]
    lifted: int  # holds placed and lifted before


def person_retention(person: Person) -> PersonRetention:
    """Where the person stands: when they left, each kind's due day or when it was done, and the standing hold."""
    state = people_retention(Person.objects.filter(pk=person.pk)).values("on_roster", "left_on").first()  # type: ignore[misc]
    on_roster = bool(state and state["on_roster"])
    left_on = None if state is None or on_roster else state["left_on"]
    done_by_kind = {a.kind: a for a in Anonymisation.objects.filter(person=person)}
    holds = list(LegalHold.objects.filter(person=person).select_related("placed_by").order_by("-placed_at", "-pk"))
    hold = next((h for h in holds if h.lifted_at is None), None)
    schedule = [
        KindSchedule(
            kind=kind,
            label=str(label),
            years=kinds.retention_years(kind),
            due_on=due_on(left_on, kind) if left_on is not None else None,
            done=done_by_kind.get(kind),
        )
        for kind, label in kinds.KIND_LABELS.items()
    ]
    return PersonRetention(on_roster, left_on, hold, schedule, sum(1 for h in holds if h.lifted_at is not None))
