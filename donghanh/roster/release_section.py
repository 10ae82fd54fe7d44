"""Release notices and possible relapses on the person's page."""

from __future__ import annotations

from donghanh.accounts.http import AppRequest
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person


def release_section(request: AppRequest, person: Person) -> SectionContext | None:
    return None
