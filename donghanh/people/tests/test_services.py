"""Writes to the people registry: registration, update, whereabouts and transfer (merge is in
test_services_merge, which imports the helpers here).

State is built through the services only; each write is checked for what it refuses, what it
stores and the change history it leaves (with the actor).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.core.crypto import lookup_hash
from donghanh.episodes.selectors import status_as_of
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.selectors import filter_by_name, people_for_user
from donghanh.people.services import (
    DuplicateCitizenId,
    person_merge,
    person_register,
    person_transfer,
    person_update,
    whereabouts_record,
)

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTERED = D(2025, 9, 1)
ONE_DAY = datetime.timedelta(days=1)
PHU_THUONG, BA_DINH, HAI_CHAU = "00091", "00004", "20242"
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value


def register(actor, at, full_name="Nguyễn Văn Hùng", *, on=REGISTERED, **fields):
    fields.setdefault("sex", MALE)
    if "birth_date" not in fields:
        fields.setdefault("birth_year", 1990)
    return person_register(actor=actor, unit=at, full_name=full_name, registered_on=on, **fields)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- registration ------------------------------------------------------------------------------


def test_registration_gives_a_unique_code_dh_and_seven_digits(officer, phu_thuong):
    first = register(officer, phu_thuong)
    second = register(officer, phu_thuong, "Trần Thị Lan", sex=FEMALE)
    codes = list(Person.objects.filter(pk__in=[first.pk, second.pk]).values_list("code", flat=True))
    assert all(re.fullmatch(r"DH\d{7}", code) for code in codes), codes
    assert len(set(codes)) == 2
    first.refresh_from_db()
    assert first.code == f"DH{first.pk:07d}"
    # The history row of the registration carries the final code, not a placeholder.
    assert first.history.order_by("history_id").first().code == first.code


def test_registration_tidies_the_name_and_folds_every_name_for_search(officer, phu_thuong):
    person = register(officer, phu_thuong, "  Nguyễn   Văn  Hùng ", other_names="Hùng Còi, Tý Đặng")
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn Hùng"
    for folded in ("nguyen van hung", "hung coi", "ty dang"):
        assert folded in person.search_name
    assert "," not in person.search_name
    assert list(filter_by_name(Person.objects.all(), "ty dang")) == [person]


def test_the_date_of_birth_sets_the_year_of_birth(officer, phu_thuong):
    person = register(officer, phu_thuong, birth_date=D(1992, 2, 29))
    person.refresh_from_db()
    assert (person.birth_date, person.birth_year) == (D(1992, 2, 29), 1992)


def test_a_year_of_birth_disagreeing_with_the_date_is_refused(officer, phu_thuong):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(officer, phu_thuong, birth_date=D(1992, 2, 29), birth_year=1993)
    assert set(errors_of(error)) == {"birth_year"}
    assert not Person.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(officer, phu_thuong):
    with pytest.raises(ValidationError) as error:
        register(officer, phu_thuong, birth_date=timezone.localdate() + ONE_DAY)
    assert "birth_date" in errors_of(error)


def test_a_registration_without_any_birth_data_is_refused(officer, phu_thuong):
    with pytest.raises(ValidationError) as error:
        person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=MALE)
    assert "birth_year" in errors_of(error)
    assert not Person.objects.exists()


def test_a_registered_citizen_id_raises_duplicate_citizen_id_naming_the_person(officer, phu_thuong):
    first = register(officer, phu_thuong, citizen_id="001090012345")
    with translation.override("en"), pytest.raises(DuplicateCitizenId) as error:
        register(officer, phu_thuong, "Nguyen Van Hung", citizen_id="001090012345")
    assert error.value.existing == first
    assert isinstance(error.value, ValidationError)
    assert str(first) in errors_of(error)["citizen_id"][0]
    assert Person.objects.count() == 1


def test_a_citizen_id_registered_in_another_province_is_a_duplicate_too(officer, phu_thuong, make_user, unit):
    elsewhere = register(make_user(Role.COMMUNE_OFFICER, unit(HAI_CHAU)), unit(HAI_CHAU), citizen_id="001090012345")
    with pytest.raises(DuplicateCitizenId) as error:
        register(officer, phu_thuong, citizen_id="001090012345")
    assert error.value.existing == elsewhere


def test_a_merged_records_citizen_id_no_longer_blocks(officer, phu_thuong):
    keep = register(officer, phu_thuong, citizen_id="001090000001")
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", citizen_id="001090012345")
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    again = register(officer, phu_thuong, "Nguyễn Văn Hùng", citizen_id="001090012345")
    assert Person.objects.filter(citizen_id_hash=lookup_hash("001090012345")).count() == 2
    assert again.merged_into is None


def test_the_database_refuses_two_unmerged_records_with_one_citizen_id(officer, phu_thuong):
    # The constraint under the service's check: conditional on the record not being merged.
    first = register(officer, phu_thuong, citizen_id="001090012345")
    second = register(officer, phu_thuong, "Trần Văn Nam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=second.pk).update(citizen_id_hash=first.citizen_id_hash)
    Person.objects.filter(pk=second.pk).update(merged_into=first)
    Person.objects.filter(pk=second.pk).update(citizen_id_hash=first.citizen_id_hash)  # merged: allowed
    # Two records without a number are not duplicates.
    third = register(officer, phu_thuong, "Lê Văn Tám")
    fourth = register(officer, phu_thuong, "Lê Văn Chín")
    assert third.citizen_id == fourth.citizen_id == ""


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.HEALTH_STAFF, Role.BOARD_MEMBER, Role.AUDITOR])
def test_a_role_without_manage_people_cannot_register(make_user, phu_thuong, role):
    with pytest.raises(PermissionDenied):
        register(make_user(role, phu_thuong), phu_thuong)
    assert not Person.objects.exists()


def test_commune_police_can_register(make_user, phu_thuong):
    person = register(make_user(Role.COMMUNE_POLICE, phu_thuong), phu_thuong)
    assert person.unit == phu_thuong


def test_an_officer_cannot_register_in_another_commune(officer, unit):
    with pytest.raises(PermissionDenied):
        register(officer, unit(BA_DINH))
    assert not Person.objects.exists()


def test_registration_in_a_legacy_commune_is_refused(officer, make_user, unit):
    legacy = unit(PHU_THUONG, era=OrgUnit.Era.LEGACY)
    with pytest.raises(PermissionDenied):  # outside every commune officer's scope
        register(officer, legacy)
    # Even for someone whose scope covers it, a legacy commune is no place to register.
    covering = make_user(Role.COMMUNE_OFFICER, legacy)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(covering, legacy)
    assert set(errors_of(error)) == {"unit"}
    assert not Person.objects.exists()


def test_registration_in_a_province_is_refused(make_user, unit):
    hanoi = unit("01", level=OrgUnit.Level.PROVINCE)
    with pytest.raises(PermissionDenied):  # a province officer manages no people
        register(make_user(Role.PROVINCE_OFFICER, hanoi), hanoi)
    covering = make_user(Role.COMMUNE_OFFICER, hanoi)
    with pytest.raises(ValidationError) as error:
        register(covering, hanoi)
    assert set(errors_of(error)) == {"unit"}
    assert not Person.objects.exists()


def test_registration_opens_the_first_period_and_whereabouts_on_the_registration_date(officer, phu_thuong):
    person = register(officer, phu_thuong, on=D(2025, 10, 6), whereabouts=Whereabouts.IN_FACILITY)
    [period] = ManagementPeriod.objects.filter(person=person)
    assert (period.unit, period.start_date, period.end_date, period.reason) == (
        phu_thuong,
        D(2025, 10, 6),
        None,
        ManagementPeriod.Reason.REGISTERED,
    )
    [where] = WhereaboutsRecord.objects.filter(person=person)
    assert (where.status, where.since) == (Whereabouts.IN_FACILITY, D(2025, 10, 6))


def test_registration_defaults_to_today_and_at_residence(officer, phu_thuong):
    person = person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=MALE, birth_year=1990)
    today = timezone.localdate()
    assert person.periods.get().start_date == today
    assert (person.whereabouts_records.get().status, person.whereabouts_records.get().since) == (
        Whereabouts.AT_RESIDENCE,
        today,
    )


def test_a_registration_dated_in_the_future_is_refused(officer, phu_thuong):
    # Whereabouts, transfers, tests and determinations all refuse a future date; so must this.
    with pytest.raises(ValidationError) as error:
        register(officer, phu_thuong, on=timezone.localdate() + ONE_DAY)
    assert set(errors_of(error)) == {"registered_on"}
    assert not Person.objects.exists()


def test_registration_history_names_the_actor(officer, phu_thuong):
    person = register(officer, phu_thuong)
    rows = [
        *person.history.all(),
        *ManagementPeriod.history.filter(person_id=person.pk),
        *WhereaboutsRecord.history.filter(person_id=person.pk),
    ]
    assert len(rows) == 3
    assert {(row.history_type, row.history_user) for row in rows} == {("+", officer)}


def test_registration_refuses_unknown_fields(officer, phu_thuong):
    with pytest.raises(ValueError, match="merged_into"):
        register(officer, phu_thuong, merged_into=None)


# --- update ------------------------------------------------------------------------------------


def test_an_update_folds_the_new_names_again(officer, phu_thuong):
    person = register(officer, phu_thuong)
    person_update(
        expected_version=person.version,
        actor=officer,
        person=person,
        full_name="Đặng  Văn Hùng",
        other_names="Hùng Đen",
    )
    person.refresh_from_db()
    assert person.full_name == "Đặng Văn Hùng"
    assert "dang van hung" in person.search_name and "hung den" in person.search_name
    assert person.history.latest().history_user == officer


def test_an_update_checks_the_citizen_id_again_but_not_against_the_person_itself(officer, phu_thuong):
    person = register(officer, phu_thuong, citizen_id="001090012345")
    person_update(
        expected_version=person.version, actor=officer, person=person, phone="0912345678"
    )  # its own number is no duplicate
    with pytest.raises(ValidationError) as error:
        person_update(expected_version=person.version, actor=officer, person=person, sex=FEMALE)
    assert set(errors_of(error)) == {"sex"}
    person.refresh_from_db()
    assert person.sex == MALE


def test_another_communes_officer_cannot_update(officer, phu_thuong, make_user, unit):
    person = register(officer, phu_thuong)
    with pytest.raises(PermissionDenied):
        person_update(
            expected_version=person.version,
            actor=make_user(Role.COMMUNE_OFFICER, unit(BA_DINH)),
            person=person,
            phone="0900000000",
        )


# --- whereabouts -------------------------------------------------------------------------------


def test_whereabouts_in_the_future_are_refused(officer, phu_thuong):
    person = register(officer, phu_thuong)
    with pytest.raises(ValidationError) as error:
        whereabouts_record(
            actor=officer, person=person, status=Whereabouts.DETAINED, since=timezone.localdate() + ONE_DAY
        )
    assert set(errors_of(error)) == {"since"}
    assert person.whereabouts_records.count() == 1


# --- transfer ----------------------------------------------------------------------------------


@pytest.fixture
def moved(officer, phu_thuong, make_user, unit):
    """A person registered in Phú Thượng on 01/09/2025 who moves to Ba Đình on 15/03/2026."""
    person = register(officer, phu_thuong, on=D(2025, 9, 1))
    period = person_transfer(actor=officer, person=person, to_unit=unit(BA_DINH), on=D(2026, 3, 15))
    return person, period


def test_a_transfer_ends_the_old_period_the_day_before_and_starts_the_new_one_that_day(moved, officer, unit):
    person, new_period = moved
    old, new = ManagementPeriod.objects.filter(person=person).order_by("start_date")
    assert (old.unit.code, old.start_date, old.end_date) == (PHU_THUONG, D(2025, 9, 1), D(2026, 3, 14))
    assert (new.pk, new.unit.code, new.start_date, new.end_date) == (new_period.pk, BA_DINH, D(2026, 3, 15), None)
    assert new.reason == ManagementPeriod.Reason.TRANSFERRED
    person.refresh_from_db()
    assert person.unit == unit(BA_DINH)
    assert person.history.latest().history_change_reason == "transferred"
    assert {row.history_user for row in ManagementPeriod.history.filter(person_id=person.pk)} == {officer}


def test_after_a_transfer_the_old_commune_sees_the_person_until_the_day_before(moved, officer):
    person, _period = moved
    assert person in status_as_of(officer, D(2026, 3, 14))
    assert person not in status_as_of(officer, D(2026, 3, 15))
    assert person not in people_for_user(officer)


def test_after_a_transfer_the_new_commune_sees_the_person_from_the_day_of_the_move(moved, make_user, unit):
    person, _period = moved
    ba_dinh_officer = make_user(Role.COMMUNE_OFFICER, unit(BA_DINH))
    assert person not in status_as_of(ba_dinh_officer, D(2026, 3, 14))
    [seen] = status_as_of(ba_dinh_officer, D(2026, 3, 15))
    assert seen == person and seen.unit_at == unit(BA_DINH).pk
    assert person in people_for_user(ba_dinh_officer)


def test_a_province_officer_sees_the_person_on_both_sides_of_the_move_in_the_right_commune(moved, make_user, unit):
    person, _period = moved
    hanoi_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    [before] = status_as_of(hanoi_officer, D(2026, 3, 14), person=person)
    [after] = status_as_of(hanoi_officer, D(2026, 3, 15), person=person)
    assert (before.unit_at, after.unit_at) == (unit(PHU_THUONG).pk, unit(BA_DINH).pk)


def test_after_a_transfer_the_old_commune_can_no_longer_edit(moved, officer, unit):
    person, _period = moved
    with pytest.raises(PermissionDenied):
        person_update(expected_version=person.version, actor=officer, person=person, phone="0900000000")
    with pytest.raises(PermissionDenied):
        whereabouts_record(actor=officer, person=person, status=Whereabouts.UNKNOWN, since=D(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        person_transfer(actor=officer, person=person, to_unit=unit(PHU_THUONG), on=D(2026, 5, 1))


@pytest.mark.parametrize("on", [D(2025, 8, 31), D(2025, 9, 1)])
def test_a_move_on_or_before_the_start_of_the_current_period_is_refused(officer, phu_thuong, unit, on):
    person = register(officer, phu_thuong, on=D(2025, 9, 1))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        person_transfer(actor=officer, person=person, to_unit=unit(BA_DINH), on=on)
    assert "01/09/2025" in errors_of(error)["on"][0]
    assert person.periods.get().end_date is None
    person.refresh_from_db()
    assert person.unit == phu_thuong


def test_a_move_in_the_future_is_refused(officer, phu_thuong, unit):
    person = register(officer, phu_thuong, on=D(2025, 9, 1))
    with pytest.raises(ValidationError) as error:
        person_transfer(actor=officer, person=person, to_unit=unit(BA_DINH), on=timezone.localdate() + ONE_DAY)
    assert set(errors_of(error)) == {"on"}
    assert person.periods.count() == 1


def test_a_move_today_is_accepted(officer, phu_thuong, unit):
    person = register(officer, phu_thuong, on=D(2025, 9, 1))
    today = timezone.localdate()
    person_transfer(actor=officer, person=person, to_unit=unit(HAI_CHAU), on=today)
    assert person.periods.get(end_date__isnull=True).start_date == today


def test_a_move_to_a_legacy_unit_a_province_or_the_same_commune_is_refused(officer, phu_thuong, unit):
    person = register(officer, phu_thuong, on=D(2025, 9, 1))
    for target in (
        unit(BA_DINH, era=OrgUnit.Era.LEGACY),
        unit("01", level=OrgUnit.Level.PROVINCE),
        phu_thuong,
    ):
        with pytest.raises(ValidationError) as error:
            person_transfer(actor=officer, person=person, to_unit=target, on=D(2026, 1, 1))
        assert set(errors_of(error)) == {"to_unit"}, target
    assert person.periods.count() == 1


# --- what a name and a birth may be ------------------------------------------------------------------------------


def test_invisible_characters_are_removed_from_names_and_the_name_is_composed(officer, phu_thuong):
    # A right-to-left override would show "Hùng" reversed; zero-width spaces would hide a duplicate from search.
    typed = "Nguye\u0302\u0303n\u200b Va\u0306n \u202eHùng\u202c\ufeff"
    person = register(officer, phu_thuong, typed, other_names="Tí\u200d, \u2066Tèo\u2069,  ")
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn Hùng"
    assert person.other_names == "Tí, Tèo"
    assert person.search_name == "nguyen van hung ti teo"
    assert (
        person_update(
            expected_version=person.version, actor=officer, person=person, full_name="Trần\u200bVăn  Nam"
        ).full_name
        == "TrầnVăn Nam"
    )


@pytest.mark.parametrize("name", ["12345", "  ", "\u200b\u200b", "- . ,"])
def test_a_name_without_letters_is_refused(officer, phu_thuong, name):
    with pytest.raises(ValidationError) as refused:
        register(officer, phu_thuong, name)
    assert list(errors_of(refused)) == ["full_name"]


def test_a_year_of_birth_in_the_future_or_before_1900_is_refused(officer, phu_thuong):
    this_year = timezone.localdate().year
    for year in (this_year + 1, 2090, 1899):
        with pytest.raises(ValidationError) as refused:
            register(officer, phu_thuong, birth_year=year)
        assert list(errors_of(refused)) == ["birth_year"], year
    with pytest.raises(ValidationError) as refused:
        register(officer, phu_thuong, birth_date=D(1899, 12, 31))
    assert list(errors_of(refused)) == ["birth_date"]
    assert register(officer, phu_thuong, birth_year=1900).birth_year == 1900
    assert register(officer, phu_thuong, birth_year=this_year).birth_year == this_year


def test_a_day_before_1950_is_refused_on_its_field(officer, phu_thuong, make_user):
    early = D(1, 1, 1)
    with pytest.raises(ValidationError) as refused:
        register(officer, phu_thuong, on=early)
    assert list(errors_of(refused)) == ["registered_on"] and "01/01/1950" in errors_of(refused)["registered_on"][0]
    person = register(officer, phu_thuong)
    with pytest.raises(ValidationError) as refused:
        whereabouts_record(actor=officer, person=person, status=Whereabouts.IN_FACILITY, since=D(1949, 12, 31))
    assert list(errors_of(refused)) == ["since"]
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    from donghanh.people.services import health_record

    with pytest.raises(ValidationError) as refused:
        health_record(actor=health_staff, person=person, hiv_test_date=early)
    assert list(errors_of(refused)) == ["hiv_test_date"]
