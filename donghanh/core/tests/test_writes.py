"""`writes_collected`: what a piece of work wrote, as an import records it to be able to undo it."""

from __future__ import annotations

import datetime

import pytest

from donghanh.accounts.roles import Role
from donghanh.core.history import writes_collected
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register, person_update

pytestmark = pytest.mark.django_db


def test_the_work_s_own_saves_are_collected_and_nothing_before_or_after(make_user, phu_thuong):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    before = person_register(actor=officer, unit=phu_thuong, full_name="Trước Văn A", sex=Sex.MALE, birth_year=1990)
    with writes_collected() as writes:
        made = person_register(actor=officer, unit=phu_thuong, full_name="Trong Văn B", sex=Sex.MALE, birth_year=1991,
                               registered_on=datetime.date(2026, 1, 5))  # fmt: skip
        made = person_update(actor=officer, person=made, expected_version=made.version, phone="0912000333")
        before = person_update(actor=officer, person=before, expected_version=before.version, phone="0912000444")
    after = person_register(actor=officer, unit=phu_thuong, full_name="Sau Văn C", sex=Sex.MALE, birth_year=1992)
    person_update(actor=officer, person=made, expected_version=made.version, phone="0912000555")
    assert writes.created["people.Person"] == {made.pk}  # changed within the same work: still new
    assert writes.updated == {"people.Person": {before.pk}}
    assert set(writes.created) == {"people.Person", "people.ManagementPeriod", "people.WhereaboutsRecord"}
    assert after.pk not in writes.created["people.Person"] and not writes.deleted
    assert Person.objects.count() == 3
