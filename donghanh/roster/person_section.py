"""The person's place on the roster, on their page: periods with why they began and ended, death, moves."""

from __future__ import annotations

from donghanh.accounts.http import AppRequest
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person


def roster_section(request: AppRequest, person: Person) -> SectionContext | None:
    return None
