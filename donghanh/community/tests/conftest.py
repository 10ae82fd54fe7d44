"""What the community test modules share.

- The model pages (`test_views_models`, `test_views_model_forms`): a commune officer of Phú Thượng and a province
  officer of Hà Nội, Phú Thượng's club with its board member and members, and a `world` of models in and out of
  the officers' scope, set up with `set_up`. The other modules define their own officer, club and members.
- The API (`test_api`, `test_api_records`): `as_user`, a client of its own for a user. Those modules have their
  own `world`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import ModelType
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

D = datetime.date


def kind(code: str) -> ModelType:
    return ModelType.objects.get(code=code)


def register(officer, unit, name: str) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=1995, registered_on=D(2024, 1, 2)
    )


JANUARY_15 = D(2024, 1, 15)


def set_up(officer, unit, name: str, code: str = "post_rehab_club", on: datetime.date = JANUARY_15, **kw):
    return services.model_create(
        actor=officer, unit=unit, model_type=kind(code), name=name, decision_number="45/QĐ-UBND",
        decision_date=on, established_on=on, **kw,
    )  # fmt: skip


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def province_officer(make_user, phu_thuong):
    return make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)


@pytest.fixture
def club(officer, phu_thuong):
    return set_up(
        officer, phu_thuong, "CLB Vững bước", meeting_place="Nhà văn hóa tổ 5", schedule="monthly",
        decision_body="UBND phường Phú Thượng",
    )  # fmt: skip


@pytest.fixture
def world(officer, province_officer, make_user, phu_thuong, hai_chau, unit, club):
    """Phú Thượng's club and counselling point, a club of another Hà Nội commune, and one in Đà Nẵng."""
    point = set_up(officer, phu_thuong, "Điểm tư vấn Phú Thượng", code="counselling_point", status="stable")
    neighbour = set_up(province_officer, unit("00004"), "CLB Ba Đình", code="post_rehab_club")
    far = set_up(make_user(Role.COMMUNE_OFFICER, hai_chau), hai_chau, "CLB Hải Châu", code="early_intervention_club")
    return {"club": club, "point": point, "neighbour": neighbour, "far": far}


@pytest.fixture
def board_member(make_user, officer, phu_thuong, club):
    user = make_user(Role.BOARD_MEMBER, phu_thuong, full_name="Trần Thị Lan")
    services.board_add(
        actor=officer, model=club, role="chair", full_name="Trần Thị Lan", start_date=D(2024, 2, 1), user=user
    )
    return user


@pytest.fixture
def members(officer, phu_thuong, club):
    """An (member in the first half of 2024), Bình and Cường (members since March 2024)."""
    people = {n: register(officer, phu_thuong, n) for n in ("An", "Bình", "Cường")}
    an = services.member_join(actor=officer, model=club, person=people["An"], joined_on=D(2024, 2, 1))
    binh = services.member_join(actor=officer, model=club, person=people["Bình"], joined_on=D(2024, 3, 1))
    cuong = services.member_join(actor=officer, model=club, person=people["Cường"], joined_on=D(2024, 3, 1))
    services.member_leave(actor=officer, membership=an, left_on=D(2024, 6, 30), reason="moved")
    return {"an": an, "binh": binh, "cuong": cuong}


@pytest.fixture
def as_user() -> Callable[[Any], Client]:
    """as_user(user) → a client of its own logged in as that user, asking for English."""

    def login(user: Any) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return login
