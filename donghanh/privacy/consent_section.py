"""The person's consents and legal bases, on their page: one row per purpose, the withdrawn consents below.

Shown to every role that sees the person (a volunteer learns whether they may write to them by SMS or Zalo);
the buttons to record and withdraw to the roles that manage consent at the person's commune. One query: the
person's consents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person
from donghanh.privacy.choices import PURPOSE_BASIS, Basis, Purpose
from donghanh.privacy.consent import ADULT_AGE, consents_for_person
from donghanh.privacy.models import Consent


@dataclass(frozen=True)
class PurposeRow:
    purpose: str
    label: Any
    basis: Any
    needs_consent: bool
    standing: Consent | None


def consent_section(request: AppRequest, person: Person) -> SectionContext | None:
    consents = list(consents_for_person(request.user, person))
    standing = {consent.purpose: consent for consent in consents if consent.withdrawn_on is None}
    rows = [
        PurposeRow(
            purpose=purpose.value,
            label=purpose.label,
            basis=Basis(PURPOSE_BASIS[purpose]).label,
            needs_consent=PURPOSE_BASIS[purpose] == Basis.CONSENT,
            standing=standing.get(purpose.value),
        )
        for purpose in Purpose
    ]
    values: dict[str, Any] = {
        "consent_rows": rows,
        "consent_withdrawn": sorted(
            (c for c in consents if c.withdrawn_on is not None), key=lambda c: (c.withdrawn_on, c.pk), reverse=True
        ),
        "consent_minor": person.age_on(timezone.localdate()) < ADULT_AGE,
        "consent_can_manage": person.died_on is None
        and scope_for(request.user).can_at(Capability.MANAGE_CONSENT, person.unit.path),
    }
    return SectionContext(values)
