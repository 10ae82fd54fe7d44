"""What the people test modules share: a commune officer of Phú Thượng (the other modules define their own
officer), and for the pages (`test_views`, `test_views_person`) an officer of Hải Châu and Hùng, registered in
Phú Thượng with `register`."""

from __future__ import annotations

import datetime

import pytest

from donghanh.accounts.roles import Role
from donghanh.people import services
from donghanh.people.choices import Sex

D = datetime.date
REGISTERED = D(2025, 9, 1)


def register(actor, at, full_name="Nguyễn Văn Hùng", *, on=REGISTERED, **fields):
    fields.setdefault("sex", Sex.MALE)
    if "birth_date" not in fields:
        fields.setdefault("birth_year", 1990)
    return services.person_register(actor=actor, unit=at, full_name=full_name, registered_on=on, **fields)


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def da_nang_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau, full_name="Cán bộ Hải Châu")


@pytest.fixture
def hung(officer, phu_thuong):
    return register(officer, phu_thuong, citizen_id="001090012345")
