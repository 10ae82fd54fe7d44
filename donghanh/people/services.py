"""Writes to the people registry.

Each validates, saves and records history (with the actor) in one transaction.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.bulk import IN_CHUNK, chunks
from donghanh.core.crypto import lookup_hash_of
from donghanh.core.dates import FIRST_EVENT_DAY, check_not_too_early, too_early
from donghanh.core.history import recorded_bulk_create
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.core.text import clean_name, fold, has_letters
from donghanh.core.versions import version_claim
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Substance, TestResult, Whereabouts
from donghanh.people.extensions import drug_test_hooks, person_merge_steps, whereabouts_hooks
from donghanh.people.identity import check_citizen_id
from donghanh.people.models import (
    AddictionDetermination,
    DrugTest,
    DrugTestResult,
    DrugUseHistory,
    HealthStatus,
    ManagementPeriod,
    Person,
    WhereaboutsRecord,
)
from donghanh.people.selectors import birth_registration_province_codes

# fmt: off
FIRST_BIRTH_YEAR = 1900  # the register's people were born after it; an earlier year is a typing slip
IDENTITY_FIELDS = {
    "full_name", "other_names", "sex", "birth_date", "birth_year", "citizen_id", "ethnicity", "phone",
    "current_hamlet", "current_street", "permanent_unit", "permanent_hamlet", "permanent_street",
    "occupation", "education", "marital_status", "household_poverty", "dependants", "family_contacts",
    "needs",
}
# fmt: on


def require(actor: User, capability: Capability, unit: OrgUnit) -> None:
    if not scope_for(actor).can_at(capability, unit.path):
        raise PermissionDenied(_("Your role does not allow this for people of %(unit)s.") % {"unit": unit.name})


def _today() -> datetime.date:
    return timezone.localdate()


class DuplicateCitizenId(ValidationError):
    """The citizen ID belongs to a registered person; `existing` is that person."""

    def __init__(self, existing: Person) -> None:
        super().__init__(
            {"citizen_id": _("This citizen ID is already registered: %(person)s.") % {"person": existing}},
        )
        self.existing = existing


def _check_identity(person: Person) -> None:
    person_identity_check(person)


def person_identity_check(
    person: Person, *, province_codes: frozenset[str] | None = None, against_registry: bool = True
) -> None:
    """Names, birth data and the citizen ID must agree; raises ValidationError naming the fields.

    Cleans the names and sets the ID kind and the folded name. `against_registry=False` leaves out the search for a
    registered person with the same citizen ID, for a caller that looked them all up at once (an import).
    """
    errors: dict[str, list[str]] = {}
    person.full_name = clean_name(person.full_name)
    person.other_names = ", ".join(name for part in person.other_names.split(",") if (name := clean_name(part)))
    if not has_letters(person.full_name):
        errors["full_name"] = [_("A name is written with letters.")]
    if person.birth_date and person.birth_date.year < FIRST_BIRTH_YEAR:
        errors["birth_date"] = [_("The date of birth is before %(year)s.") % {"year": FIRST_BIRTH_YEAR}]
    elif person.birth_date:
        if person.birth_year and person.birth_year != person.birth_date.year:
            errors["birth_year"] = [_("The year of birth differs from the date of birth.")]
        person.birth_year = person.birth_date.year
        if person.birth_date > _today():
            errors["birth_date"] = [_("The date of birth is in the future.")]
    elif person.birth_year and person.birth_year > _today().year:
        errors["birth_year"] = [_("The year of birth is in the future.")]
    elif person.birth_year and person.birth_year < FIRST_BIRTH_YEAR:
        errors["birth_year"] = [_("The year of birth is before %(year)s.") % {"year": FIRST_BIRTH_YEAR}]
    if person.citizen_id:
        check = check_citizen_id(
            person.citizen_id,
            sex=person.sex,
            birth_year=person.birth_year,
            province_codes=province_codes or birth_registration_province_codes(),
        )
        person.id_kind = check.kind
        for field, messages in check.errors.items():
            errors.setdefault(field, []).extend(messages)
    else:
        person.id_kind = ""
    if errors:
        raise ValidationError(errors)
    if person.citizen_id and against_registry:
        same = Person.objects.filter(
            citizen_id_hash=lookup_hash_of(person.citizen_id, "digits"), merged_into__isnull=True
        ).exclude(pk=person.pk)
        existing = same.select_related("unit").first()
        if existing:
            raise DuplicateCitizenId(existing)
    person.search_name = fold(" ".join([person.full_name, person.other_names.replace(",", " ")]))


@transaction.atomic
def person_register(
    *,
    actor: User,
    unit: OrgUnit,
    full_name: str,
    sex: str,
    birth_year: int | None = None,
    registered_on: datetime.date | None = None,
    whereabouts: str = Whereabouts.AT_RESIDENCE,
    **fields: Any,
) -> Person:
    """Register a person in a current commune, with their first management period and whereabouts."""
    require(actor, Capability.MANAGE_PEOPLE, unit)
    check_fields(fields, IDENTITY_FIELDS)
    if unit.level != OrgUnit.Level.COMMUNE or unit.is_legacy:
        raise ValidationError({"unit": _("People are registered in a current commune.")})
    registered_on = registered_on or _today()
    if registered_on > _today():
        raise ValidationError({"registered_on": _("The date is in the future.")})
    check_not_too_early(registered_on, "registered_on")
    person = Person(unit=unit, full_name=full_name, sex=sex, **fields)
    person.birth_year = birth_year  # type: ignore[assignment]  # may come from the date of birth
    person.code = "pending"
    _check_identity(person)
    _save(person, actor)
    person.code = f"DH{person.pk:07d}"
    Person.objects.filter(pk=person.pk).update(code=person.code)
    person.history.filter(history_id=person.history.latest().history_id).update(code=person.code)
    _save(ManagementPeriod(person=person, unit=unit, start_date=registered_on, reason="registered"), actor)
    _save(WhereaboutsRecord(person=person, status=whereabouts, since=registered_on), actor)
    return person


@dataclass
class Registration:
    """One person to register among many: an unsaved `Person` (its unit set) checked by `person_identity_check`."""

    person: Person
    registered_on: datetime.date
    whereabouts: str = Whereabouts.AT_RESIDENCE


@transaction.atomic
def people_register_many(*, actor: User, registrations: list[Registration]) -> list[Person]:
    """Register many people at once, each as `person_register` does one: the same rights, rules, records and history.

    For an import of thousands of rows: the people, their first management period and whereabouts are inserted in a
    few statements. The caller has run `person_identity_check` on each (with the registry's citizen IDs looked up at
    once) and refused a duplicate; this checks the rights, the communes and the dates again.
    """
    today = _today()
    for unit in {r.person.unit for r in registrations}:
        require(actor, Capability.MANAGE_PEOPLE, unit)
        if unit.level != OrgUnit.Level.COMMUNE or unit.is_legacy:
            raise ValidationError({"unit": _("People are registered in a current commune.")})
    people = []
    for registration in registrations:
        if registration.registered_on > today:
            raise ValidationError({"registered_on": _("The date is in the future.")})
        check_not_too_early(registration.registered_on, "registered_on")
        person = registration.person
        person.code = f"~{secrets.token_hex(8)}"  # unique until the id is known
        people.append(person)
    recorded_bulk_create(people, actor)
    ids = [person.pk for person in people]
    code = Concat(Value("DH"), LPad(Cast("id", CharField()), 7, Value("0")))
    for chunk in chunks(ids, IN_CHUNK):
        Person.objects.filter(pk__in=chunk).update(code=code)
        Person.history.filter(id__in=chunk).update(code=code)
    for person in people:
        person.code = f"DH{person.pk:07d}"
    recorded_bulk_create(
        [ManagementPeriod(person=r.person, unit=r.person.unit, start_date=r.registered_on, reason="registered")
         for r in registrations],
        actor,
        person_ids=ids,
    )  # fmt: skip
    recorded_bulk_create(
        [WhereaboutsRecord(person=r.person, status=r.whereabouts, since=r.registered_on) for r in registrations],
        actor,
        person_ids=ids,
    )
    return people


@transaction.atomic
def person_update(*, actor: User, person: Person, expected_version: int | None, **fields: Any) -> Person:
    require(actor, Capability.MANAGE_PEOPLE, person.unit)
    version_claim(person, expected_version)
    check_fields(fields, IDENTITY_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    _check_identity(person)
    _save(person, actor)
    return person


@transaction.atomic
def whereabouts_record(
    *, actor: User, person: Person, status: str, since: datetime.date, place: str = "", note: str = ""
) -> WhereaboutsRecord:
    require(actor, Capability.MANAGE_PEOPLE, person.unit)
    if since > _today():
        raise ValidationError({"since": _("The date is in the future.")})
    check_not_too_early(since, "since")
    if person.died_on is not None and since > person.died_on:
        raise ValidationError({"since": _("The person died on %(day)s.") % {"day": f"{person.died_on:%d/%m/%Y}"}})
    record = WhereaboutsRecord(person=person, status=status, since=since, place=place, note=note)
    _save(record, actor)
    for hook in whereabouts_hooks():
        hook(actor, record)
    return record


@transaction.atomic
def person_transfer(*, actor: User, person: Person, to_unit: OrgUnit, on: datetime.date) -> ManagementPeriod:
    """The person moves to another commune on `on`: the new commune manages them from that day.

    The old period ends the day before, so reports of earlier dates still count the person
    where they were.
    """
    require(actor, Capability.MANAGE_PEOPLE, person.unit)
    return period_move(actor, person, to_unit, on)


def period_move(actor: User, person: Person, to_unit: OrgUnit, on: datetime.date) -> ManagementPeriod:
    """Move the person's roster period to `to_unit` from `on`; the caller has checked who may."""
    if to_unit.level != OrgUnit.Level.COMMUNE or to_unit.is_legacy:
        raise ValidationError({"to_unit": _("Choose a current commune.")})
    if to_unit.pk == person.unit_id:
        raise ValidationError({"to_unit": _("The person is already managed by this commune.")})
    if on > _today():
        raise ValidationError({"on": _("A move is recorded on or after the day it happens, not before.")})
    current = person.periods.select_for_update().filter(end_date__isnull=True).order_by("-start_date").first()
    if current is None:
        raise ValidationError({"on": _("The person is not on a roster: put them back on it before moving them.")})
    if on <= current.start_date:
        start = current.start_date.strftime("%d/%m/%Y")
        raise ValidationError(
            {"on": _("The move must come after the start of the current period (%(start)s).") % {"start": start}}
        )
    current.end_date = on - datetime.timedelta(days=1)
    current.end_reason = ManagementPeriod.EndReason.TRANSFERRED
    _save(current, actor)
    period = ManagementPeriod(
        person=person, unit=to_unit, start_date=on, reason="transferred", kept_on_reason=current.kept_on_reason
    )
    _save(period, actor)
    person.unit = to_unit
    _save(person, actor, reason="transferred")
    return period


@transaction.atomic
def person_merge(*, actor: User, keep: Person, duplicate: Person) -> Person:
    """Merge `duplicate` into `keep`: everything attached to it follows, and it is marked merged.

    Works for every model that points at Person, including those of later modules. Where both
    have a one-to-one record (drug-use history, health status), `keep`'s is kept and the
    duplicate's is deleted (its content stays in the change history).
    """
    require(actor, Capability.MANAGE_PEOPLE, keep.unit)
    require(actor, Capability.MANAGE_PEOPLE, duplicate.unit)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("A record that was already merged cannot be merged again."))
    steps = person_merge_steps()  # what the apps above do with their rows (legal measures on both records)
    for step in steps:
        if step.before is not None:
            step.before(actor, keep, duplicate)
    # Every visible relation to Person (history tables relate with related_name="+", hidden).
    for relation in Person._meta.related_objects:
        model = relation.related_model
        field = relation.field.name
        if model in (Person, ManagementPeriod):
            continue
        rows = model._default_manager.filter(**{field: duplicate})
        if relation.one_to_one and model._default_manager.filter(**{field: keep}).exists():
            for row in rows:
                row._history_user = actor  # type: ignore[attr-defined]
                row.delete()
            continue
        for row in rows:
            setattr(row, field, keep)
            _save(row, actor, reason=f"merged from {duplicate.code}")
    _merge_periods(actor, keep, duplicate)
    duplicate.merged_into = keep
    _save(duplicate, actor, reason=f"merged into {keep.code}")
    if not keep.citizen_id and duplicate.citizen_id:
        keep.citizen_id = duplicate.citizen_id
        keep.id_kind = duplicate.id_kind
    for step in steps:
        if step.after is not None:
            step.after(actor, keep, duplicate)
    names = [n.strip() for n in keep.other_names.split(",") if n.strip()]
    for name in [duplicate.full_name, *(n.strip() for n in duplicate.other_names.split(","))]:
        if name and name != keep.full_name and name not in names:
            names.append(name)
    keep.other_names = ", ".join(names)
    _check_identity(keep)  # a citizen ID taken from the duplicate must fit the kept identity
    _save(keep, actor, reason=f"merged {duplicate.code}")
    return keep


def _merge_periods(actor: User, keep: Person, duplicate: Person) -> None:
    """The kept record's periods stand; the duplicate's follow only where they do not overlap them.

    A person is managed by one commune at a time, so an overlapping period of the duplicate is
    dropped (it stays in the change history).
    """
    kept = list(keep.periods.all())
    for period in duplicate.periods.all():
        overlaps = any(
            (period.end_date is None or k.start_date <= period.end_date)
            and (k.end_date is None or period.start_date <= k.end_date)
            for k in kept
        )
        period._history_user = actor
        if overlaps:
            period.delete()
        else:
            period.person = keep
            _save(period, actor, reason=f"merged from {duplicate.code}")


# Sensitive records ---------------------------------------------------------------------------


@transaction.atomic
def drug_use_record(
    *,
    actor: User,
    person: Person,
    substances: Iterable[str],
    expected_version: int | None = None,
    **fields: Any,
) -> DrugUseHistory:
    """Record or change the person's drug-use history; `expected_version` is the version the page read (0: none)."""
    require(actor, Capability.RECORD_DRUG_USE, person.unit)
    history = DrugUseHistory.objects.filter(person=person).first() or DrugUseHistory(person=person)
    if history.pk is not None:
        version_claim(history, expected_version)
    substances = list(dict.fromkeys(substances))
    unknown = [s for s in substances if s not in Substance.values]
    if unknown:
        raise ValidationError({"substances": _("Unknown substance: %(codes)s.") % {"codes": ", ".join(unknown)}})
    primary = fields.get("primary_substance", "")
    if primary and primary not in substances:
        raise ValidationError({"primary_substance": _("The primary substance must be one of the substances used.")})
    history.substances = substances
    for name, value in fields.items():
        setattr(history, name, value)
    _save(history, actor)
    return history


@transaction.atomic
def determination_add(
    *, actor: User, person: Person, date: datetime.date, facility: str, criteria_met: int
) -> AddictionDetermination:
    """Record an addiction determination; the result follows from the criteria (at least 3 of 6)."""
    require(actor, Capability.RECORD_DRUG_USE, person.unit)
    if date > _today():
        raise ValidationError({"date": _("The date is in the future.")})
    check_not_too_early(date, "date")
    if not 0 <= criteria_met <= 6:
        raise ValidationError({"criteria_met": _("Between 0 and 6 criteria can be met.")})
    addicted = criteria_met >= AddictionDetermination.ADDICTION_THRESHOLD
    determination = AddictionDetermination(
        person=person,
        date=date,
        facility=facility,
        criteria_met=criteria_met,
        result="addicted" if addicted else "not_addicted",
        recorded_by=actor,
    )
    _save(determination, actor)
    return determination


@transaction.atomic
def drug_test_add(
    *,
    actor: User,
    person: Person,
    date: datetime.date,
    sample: str,
    tested_by: str,
    results: dict[str, str],
    note: str = "",
) -> DrugTest:
    """Record a test with one result per substance tested."""
    require(actor, Capability.RECORD_DRUG_USE, person.unit)
    errors: dict[str, list[str]] = {}
    if date > _today():
        errors["date"] = [_("The date is in the future.")]
    elif date < FIRST_EVENT_DAY:
        errors["date"] = [too_early()]
    if not results:
        errors["results"] = [_("Give the result of at least one substance.")]
    bad = [f"{k}={v}" for k, v in results.items() if k not in Substance.values or v not in TestResult.values]
    if bad:
        message = _("Unknown substance or result: %(items)s.") % {"items": ", ".join(bad)}
        errors.setdefault("results", []).append(message)
    if errors:
        raise ValidationError(errors)
    test = DrugTest(person=person, date=date, sample=sample, tested_by=tested_by, note=note, recorded_by=actor)
    _save(test, actor)
    for substance, result in results.items():
        _save(DrugTestResult(test=test, substance=substance, result=result), actor)
    for hook in drug_test_hooks():
        hook(actor, test)
    return test


@transaction.atomic
def health_record(*, actor: User, person: Person, expected_version: int | None = None, **fields: Any) -> HealthStatus:
    """Record or change the person's health status; `expected_version` is the version the page read (0: none)."""
    require(actor, Capability.RECORD_HEALTH, person.unit)
    status = HealthStatus.objects.filter(person=person).first() or HealthStatus(person=person)
    if status.pk is not None:
        version_claim(status, expected_version)
    for name, value in fields.items():
        setattr(status, name, value)
    if status.hiv_test_date and status.hiv_test_date > _today():
        raise ValidationError({"hiv_test_date": _("The date is in the future.")})
    if status.hiv_test_date:
        check_not_too_early(status.hiv_test_date, "hiv_test_date")
    _save(status, actor)
    return status
