"""Small builders the support tests share."""

from __future__ import annotations

import datetime
from typing import Any

from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register
from donghanh.support.models import ServiceType

REGISTERED_ON = datetime.date(2024, 1, 2)


def register(officer: Any, unit: Any, name: str = "Nguyễn Văn Hùng", birth_year: int = 1990) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=birth_year, registered_on=REGISTERED_ON
    )


def kind(code: str) -> ServiceType:
    """A default service type by its code."""
    return ServiceType.objects.get(code=code)
