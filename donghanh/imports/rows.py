"""What every kind of import shares: the outcome of a row, errors placed on their column, communes and people."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.bulk import IN_CHUNK, chunks
from donghanh.core.crypto import lookup_hash_of
from donghanh.core.text import fold
from donghanh.imports.choices import RowAction
from donghanh.imports.columns import COLUMNS
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person


@dataclass
class Outcome:
    """What a row does, as the preview shows it."""

    row: int
    action: str = RowAction.UNCHANGED
    person: str = ""  # who the row is about, as the officer knows them
    changes: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # {"column": header, "message": text}
    candidates: list[dict[str, Any]] = field(default_factory=list)  # possible matches: {"id", "label"}
    same_as: int | None = None  # another row of the file about the same person

    def fail(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": message})
        self.action = RowAction.ERROR

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in ([], None, "")}


class Columns:
    """The headers of a kind's columns, to name where an error is."""

    def __init__(self, kind: str, fields: dict[str, str] | None = None, named: dict[str, str] | None = None) -> None:
        # The file's own header where it has the column, so that the officer finds it in their sheet.
        self.headers = {column.key: str(column.header) for column in COLUMNS[kind]} | (named or {})
        self.fields = fields or {}  # a service's field name -> the column key it comes from

    def __getitem__(self, key: str) -> str:
        return self.headers.get(self.fields.get(key, key), "")


def fail_with(outcome: Outcome, error: ValidationError | PermissionDenied, columns: Columns) -> None:
    """Put a service's refusal on the row, each message on the column its field comes from."""
    if isinstance(error, PermissionDenied):
        outcome.fail("", str(error) or _("Your role does not allow this."))
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                outcome.fail(columns[name] if name != "__all__" else "", message)
    else:
        for message in error.messages:
            outcome.fail("", message)


def day(values: dict[str, Any], key: str) -> datetime.date | None:
    value = values.get(key)
    return datetime.date.fromisoformat(value) if value else None


class Communes:
    """The current communes of the import's unit, found by code or by name, and whether the actor may write there."""

    def __init__(self, unit: OrgUnit, actor: User) -> None:
        self.unit = unit
        self.scope = scope_for(actor)
        communes = OrgUnit.objects.filter(
            path__startswith=unit.path, level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT
        ).only("pk", "code", "name", "path", "level", "era")
        self.by_code: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for commune in communes:
            self.by_code[commune.code] = commune
            self.by_code[commune.code.lstrip("0")] = commune
            for name in self._names(commune.name):
                self.by_name.setdefault(name, []).append(commune)

    @staticmethod
    def _names(name: str) -> set[str]:
        folded = fold(name)
        bare = folded
        for prefix in ("phuong ", "xa ", "thi tran ", "dac khu "):
            if folded.startswith(prefix):
                bare = folded[len(prefix) :]
        return {folded, bare}

    def find(self, typed: str) -> OrgUnit:
        """The commune a row names, or the import's own commune when it names none; ValueError with a message."""
        if not typed:
            if self.unit.level == OrgUnit.Level.COMMUNE:
                return self.unit
            raise ValueError(_("Write the commune's code or name: this import is for %(unit)s.") % {"unit": self.unit})
        found = self.by_code.get(typed.strip()) or self.by_code.get(typed.strip().lstrip("0"))
        if found is None:
            named = self.by_name.get(fold(typed), [])
            if len(named) > 1:
                raise ValueError(_("Several communes are called “%(name)s”: write the code.") % {"name": typed})
            found = named[0] if named else None
        if found is None:
            raise ValueError(
                _("“%(typed)s” is not a current commune of %(unit)s.") % {"typed": typed, "unit": self.unit}
            )
        return found

    def may(self, capability: Capability, commune: OrgUnit) -> bool:
        return self.scope.can_at(capability, commune.path)


def person_label(person: Person) -> str:
    year = person.birth_date.year if person.birth_date else person.birth_year
    return f"{person.full_name} ({year or '?'}, {person.code})"


class PeopleByRef:
    """People named by a citizen ID, an old ID card or their code, looked up at once for all rows."""

    def __init__(self, actor: User, refs: Iterable[str], capability: Capability) -> None:
        self.capability = capability
        self.scope = scope_for(actor)
        refs = {ref.strip() for ref in refs if ref and ref.strip()}
        codes = {ref.upper() for ref in refs if ref.upper().startswith("DH")}
        numbers = {ref: lookup_hash_of(ref, "digits") for ref in refs - codes if any(c.isdigit() for c in ref)}
        people = Person.objects.filter(merged_into__isnull=True).select_related("unit")
        found = [person for chunk in chunks(codes, IN_CHUNK) for person in people.filter(code__in=chunk)]
        found += [
            p for chunk in chunks(set(numbers.values()), IN_CHUNK) for p in people.filter(citizen_id_hash__in=chunk)
        ]
        by_code = {person.code: person for person in found}
        by_hash = {person.citizen_id_hash: person for person in found if person.citizen_id_hash}
        self.people: dict[str, Person | None] = {}
        for ref in refs:
            self.people[ref] = by_code.get(ref.upper()) or by_hash.get(numbers.get(ref, ""))

    def find(self, ref: str) -> Person:
        person = self.people.get(ref.strip())
        if person is None:
            raise ValueError(_("No one in the registry has the citizen ID or code “%(ref)s”.") % {"ref": ref})
        if not self.scope.can_at(self.capability, person.unit.path):
            raise ValueError(_("The person with “%(ref)s” is managed by another unit.") % {"ref": ref})
        return person
