"""Who reads the health text of case work (`casework.health_text`), and what a page or the API logs of it.

A role with `Capability.VIEW_HEALTH` at the person's commune reads a health-related record's texts;
everyone else sees `HEALTH_MASK`. Pages mark the records they show with `health_reveal`, which returns
the people whose health text the reader now sees, for one access-log entry each (`health_log`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record_many
from donghanh.casework.models import HealthText
from donghanh.people.models import Person

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_HEALTH_TEXT = "health text of case work"
SEEN_API_HEALTH_TEXT = "API: health text of case work"


def may_read_health(user: Any, person: Person) -> bool:
    return scope_for(user).can_at(Capability.VIEW_HEALTH, person.unit.path)


def health_reveal(user: Any, records: Iterable[tuple[HealthText, Person]]) -> list[Person]:
    """Mark readable the health-related records whose person's health the user may see; the people they concern.

    Each person comes once, in the order first met.
    """
    seen: dict[int, Person] = {}
    for record, person in records:
        if record.health_related and may_read_health(user, person):
            record.health_readable = True
            seen.setdefault(person.pk, person)
    return list(seen.values())


def health_log(
    request: HttpRequest,
    people: Iterable[Person],
    detail: str = SEEN_HEALTH_TEXT,
    action: str = AccessLogEntry.Action.VIEW,
) -> None:
    """One access-log entry per person whose health text the page showed (or the file holds), in one query."""
    rows = [(person, person.unit) for person in people]
    if rows:
        access_log_record_many(actor=request.user, records=rows, action=action, detail=detail, request=request)
