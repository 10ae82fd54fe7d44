"""What the support tests share: a commune officer of Phú Thượng, a person there, and a few partners."""

from __future__ import annotations

import pytest

from donghanh.accounts.roles import Role
from donghanh.support import services
from donghanh.support.tests.helpers import register


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def person(officer, phu_thuong):
    return register(officer, phu_thuong)


@pytest.fixture
def clinic(officer, phu_thuong):
    return services.partner_add(
        actor=officer, unit=phu_thuong, name="Cơ sở Methadone Tây Hồ", kind="methadone_clinic", offers_treatment=True
    )


@pytest.fixture
def employer(officer, phu_thuong):
    return services.partner_add(
        actor=officer, unit=phu_thuong, name="Công ty May Tây Hồ", kind="business", offers_jobs=True
    )


@pytest.fixture
def bank(officer, phu_thuong):
    return services.partner_add(
        actor=officer, unit=phu_thuong, name="NHCSXH Tây Hồ", kind="bank_branch", offers_loans=True
    )
