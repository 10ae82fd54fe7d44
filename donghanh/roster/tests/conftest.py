"""People of Phú Thượng with the officers who act on them, for the roster's service tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from donghanh.accounts.roles import Role
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

D = datetime.date
PHU_THUONG = "00091"


@pytest.fixture
def officer(make_user: Callable[..., Any], phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def register(officer: Any, phu_thuong: Any) -> Callable[..., Any]:
    def make(
        full_name: str = "Nguyễn Văn Hùng", birth_year: int = 1990, on: datetime.date | None = None, **fields: Any
    ) -> Any:
        return person_register(
            actor=officer,
            unit=phu_thuong,
            full_name=full_name,
            sex=Sex.MALE,
            birth_year=birth_year,
            registered_on=on or D(2024, 1, 2),
            **fields,
        )

    return make


@pytest.fixture
def measure(officer: Any) -> Callable[..., Any]:
    """measure(person, type, start, **fields) → an episode recorded by the officer."""

    def make(person: Any, episode_type: str, start: datetime.date, **fields: Any) -> Any:
        return episode_open(actor=officer, person=person, episode_type=episode_type, start_date=start, **fields)

    return make
