"""What the privacy test modules share: a commune officer of Phú Thượng and a man registered there in 2024."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from donghanh.accounts.roles import Role
from donghanh.people.choices import Sex
from donghanh.people.services import person_register


@pytest.fixture
def officer(make_user: Callable[..., Any], phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def person(officer: Any, phu_thuong: Any) -> Any:
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=datetime.date(2024, 1, 2),
    )
