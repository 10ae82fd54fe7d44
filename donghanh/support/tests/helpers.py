"""Small builders the support tests share."""

from __future__ import annotations

import datetime
from typing import Any

from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record
from donghanh.support.models import ServiceType

REGISTERED_ON = datetime.date(2024, 1, 2)


def register(officer: Any, unit: Any, name: str = "Nguyễn Văn Hùng", birth_year: int = 1990) -> Person:
    """A person registered by the officer, who consented on the day to being referred to partners."""
    person = person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=birth_year, registered_on=REGISTERED_ON
    )
    consent_to_referrals(officer, person)
    return person


def consent_to_referrals(officer: Any, person: Person, on: datetime.date = REGISTERED_ON) -> None:
    """The person's signed consent to sharing their data with partners: referrals need it (privacy.consent)."""
    consent_record(
        actor=officer, person=person, purpose=Purpose.REFERRAL_SHARING, given_on=on, method="signed_form",
        form_number="01/ĐY-2024", given_by="person",
    )  # fmt: skip


def kind(code: str) -> ServiceType:
    """A default service type by its code."""
    return ServiceType.objects.get(code=code)
