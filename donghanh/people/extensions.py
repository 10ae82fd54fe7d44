"""What the apps above the registry add to a person, registered from their `AppConfig.ready()`.

Every domain builds on the people registry, so `people` imports none of them. Where the
registry's own pages need what an app above knows, that app registers it here:

- **measures** (`roster_measures_register`): the legal-measures app tells the roster who is
  managed on a day, under which measures (`status_as_of`), the measure types a list filters by,
  and the serializer of a running measure in the API;
- **sections** of the person page (`person_section_register`): legal measures, case work,
  community models each add their part, in a fixed order, with the sensitive words it showed;
- **parts of the printed file** (`person_file_part_register`): what each app prints in the person's file ("In hồ
  sơ"), under the same right as its section of the page;
- **merge steps** (`person_merge_step_register`): what an app does when two records of one
  person are merged, before and after the rows that point at the person move;
- **roster holders** (`roster_holder_register`): what else keeps a person on a commune's roster
  (an open measure, waiting for a post-rehab decision), read by `people.roster`;
- **drug-test hooks** (`drug_test_hook_register`): what an app does when a test is recorded (a
  positive one during management is a possible relapse);
- **whereabouts hooks** (`whereabouts_hook_register`): what an app does when the whereabouts change
  (back at residence with every measure completed: the person leaves the roster);
- **death steps** (`death_step_register`): what an app closes when a death is recorded, and
  reopens when it is corrected.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, overload

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

if TYPE_CHECKING:
    from rest_framework.serializers import Serializer

    from donghanh.accounts.http import AppRequest
    from donghanh.accounts.models import User
    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import DrugTest, Person, WhereaboutsRecord


class StatusAsOf(Protocol):
    """People managed on `day` by a commune in the user's scope, each with their status then."""

    def __call__(
        self,
        user: Any,
        day: datetime.date,
        *,
        unit: OrgUnit | None = None,
        person: Person | None = None,
        episode_types: list[str] | None = None,
        whereabouts: list[str] | None = None,
    ) -> QuerySet[Person]: ...


@dataclass(frozen=True)
class RosterMeasures:
    """What the legal-measures app tells the roster."""

    status_as_of: StatusAsOf
    choices: Callable[[], list[tuple[str, Any]]]
    serializer: type[Serializer[Any]]


_measures: list[RosterMeasures] = []


def roster_measures_register(measures: RosterMeasures) -> None:
    if _measures and _measures[0] != measures:
        raise ImproperlyConfigured("The roster's measures are already registered.")
    _measures[:] = [measures]


def roster_measures() -> RosterMeasures:
    if not _measures:
        raise ImproperlyConfigured("No app registered the roster's measures (is donghanh.episodes installed?).")
    return _measures[0]


class MeasureChoices(Sequence[tuple[str, Any]]):
    """The measure types a people list filters by, read only when a form or the API schema goes through them
    (after the apps are ready), so a filter can name them where its class is defined."""

    @overload
    def __getitem__(self, index: int) -> tuple[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, Any] | Sequence[tuple[str, Any]]:
        return roster_measures().choices()[index]

    def __len__(self) -> int:
        return len(roster_measures().choices())


@dataclass
class SectionContext:
    """What a section adds to the person page's context, and the sensitive words it showed (for the access log)."""

    values: dict[str, Any]
    seen: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PersonSection:
    """A part of the person page, shown in `order` (the registry's own sensitive sections are at 50).

    `context(request, person)` gives the section's context, or None when the viewer may not see it.
    """

    name: str
    order: int
    template: str
    context: Callable[[AppRequest, Person], SectionContext | None]


_sections: dict[str, PersonSection] = {}


def person_section_register(section: PersonSection) -> None:
    registered = _sections.get(section.name)
    if registered is not None and registered != section:
        raise ImproperlyConfigured(f"A person-page section named {section.name!r} is already registered.")
    _sections[section.name] = section


def person_sections() -> list[PersonSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


@dataclass(frozen=True)
class PersonFilePart:
    """A part of the person's printed file, in `order` like the sections of the page (the registry's own at 50).

    `context(request, person)` gives what the part prints, or None when the viewer may not see it: a part asks the
    right its section of the page asks, so the file never holds more than the page shows. Its `seen` words go into
    the download's access-log entry.
    """

    name: str
    order: int
    template: str
    context: Callable[[AppRequest, Person], SectionContext | None]


_file_parts: dict[str, PersonFilePart] = {}


def person_file_part_register(part: PersonFilePart) -> None:
    registered = _file_parts.get(part.name)
    if registered is not None and registered != part:
        raise ImproperlyConfigured(f"A part of the person's file named {part.name!r} is already registered.")
    _file_parts[part.name] = part


def person_file_parts() -> list[PersonFilePart]:
    return sorted(_file_parts.values(), key=lambda p: (p.order, p.name))


MergeStep = Callable[["User", "Person", "Person"], None]


@dataclass(frozen=True)
class PersonMergeStep:
    """What an app does when `duplicate` is merged into `keep`, called with (actor, keep, duplicate)."""

    name: str
    before: MergeStep | None = None  # before the rows pointing at the duplicate move to keep
    after: MergeStep | None = None  # once they have moved, within the same transaction


_merge_steps: dict[str, PersonMergeStep] = {}


def person_merge_step_register(step: PersonMergeStep) -> None:
    registered = _merge_steps.get(step.name)
    if registered is not None and registered != step:
        raise ImproperlyConfigured(f"A merge step named {step.name!r} is already registered.")
    _merge_steps[step.name] = step


def person_merge_steps() -> list[PersonMergeStep]:
    return list(_merge_steps.values())


# (person, day) -> what keeps the person on the roster after `day`, in words, or "" when nothing.
Holder = Callable[["Person", datetime.date], str]


_holders: dict[str, Holder] = {}


def roster_holder_register(name: str, holds: Holder) -> None:
    """Tell the roster of one more thing that keeps a person on it; once per name."""
    registered = _holders.get(name)
    if registered is not None and registered is not holds:
        raise ImproperlyConfigured(f"A roster holder named {name!r} is already registered.")
    _holders[name] = holds


def roster_holders() -> list[Holder]:
    return list(_holders.values())


# What apps above do when something is recorded that they follow (a drug test), and at a death.
DrugTestHook = Callable[["User", "DrugTest"], None]
_test_hooks: list[DrugTestHook] = []


def drug_test_hook_register(hook: DrugTestHook) -> None:
    """`hook(actor, test)` runs in the transaction that records a drug test, after its results."""
    if hook not in _test_hooks:
        _test_hooks.append(hook)


def drug_test_hooks() -> list[DrugTestHook]:
    return list(_test_hooks)


WhereaboutsHook = Callable[["User", "WhereaboutsRecord"], None]
_whereabouts_hooks: list[WhereaboutsHook] = []


def whereabouts_hook_register(hook: WhereaboutsHook) -> None:
    """`hook(actor, record)` runs in the transaction that records a change of whereabouts."""
    if hook not in _whereabouts_hooks:
        _whereabouts_hooks.append(hook)


def whereabouts_hooks() -> list[WhereaboutsHook]:
    return list(_whereabouts_hooks)


DeathAction = Callable[["User", "Person", datetime.date], None]


@dataclass(frozen=True)
class DeathStep:
    """What an app closes for a person who died on a day, and how it reopens it when the death was a mistake."""

    name: str
    close: DeathAction
    undo: DeathAction


_death_steps: dict[str, DeathStep] = {}


def death_step_register(step: DeathStep) -> None:
    registered = _death_steps.get(step.name)
    if registered is not None and registered != step:
        raise ImproperlyConfigured(f"A death step named {step.name!r} is already registered.")
    _death_steps[step.name] = step


def death_steps() -> list[DeathStep]:
    return list(_death_steps.values())
