"""Reads of the people registry: finding a person by any spelling, scope, current whereabouts."""

from __future__ import annotations

import datetime

import pytest

from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.models import Person
from donghanh.people.selectors import (
    birth_registration_province_codes,
    filter_by_name,
    likely_duplicates,
    people_for_user,
    with_current_whereabouts,
)
from donghanh.people.services import person_merge, person_register, person_transfer, whereabouts_record

pytestmark = pytest.mark.django_db

D = datetime.date
PHU_THUONG, BA_DINH, HAI_CHAU = "00091", "00004", "20242"


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit(PHU_THUONG))


@pytest.fixture
def register(officer, unit):
    def make(full_name, birth_year=1990, *, actor=None, at=PHU_THUONG, sex=Sex.MALE, **fields):
        return person_register(
            actor=actor or officer,
            unit=unit(at),
            full_name=full_name,
            sex=sex,
            birth_year=birth_year,
            registered_on=D(2025, 9, 1),
            **fields,
        )

    return make


def names(people) -> list[str]:
    return [p.full_name for p in people]


# --- likely_duplicates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["nguyen van hung", "Nguyễn Văn Hùng", "NGUYEN VAN HUNG", "hung nguyen", "  hùng   NGUYỄN "],
)
def test_likely_duplicates_find_a_name_typed_without_diacritics_or_in_another_order(register, typed):
    hung = register("Nguyễn Văn Hùng")
    register("Nguyễn Văn Nam")
    register("Trần Văn Hùng")
    assert list(likely_duplicates(typed)) == [hung]


def test_d_with_stroke_is_found_by_a_plain_d(register):
    dang = register("Đặng Thị Đào", sex=Sex.FEMALE)
    register("Nguyễn Thị Đào", sex=Sex.FEMALE)
    assert list(likely_duplicates("dang")) == [dang]
    assert list(likely_duplicates("Đặng dao")) == [dang]
    assert list(likely_duplicates("DANG THI DAO")) == [dang]


def test_other_names_are_searched_too(register):
    hung = register("Nguyễn Văn Hùng", other_names="Hùng Còi, Tý")
    assert list(likely_duplicates("hung coi")) == [hung]


@pytest.mark.parametrize(
    ("typed_year", "found"),
    [(1987, False), (1988, True), (1989, True), (1990, True), (1991, True), (1992, True), (1993, False)],
)
def test_likely_duplicates_keep_people_born_within_two_years(register, typed_year, found):
    hung = register("Nguyễn Văn Hùng", 1990)
    assert list(likely_duplicates("nguyen van hung", birth_year=typed_year)) == ([hung] if found else [])


def test_likely_duplicates_search_the_whole_registry_not_only_the_users_communes(register, make_user, unit):
    da_nang_officer = make_user(Role.COMMUNE_OFFICER, unit(HAI_CHAU))
    elsewhere = register("Nguyễn Văn Hùng", actor=da_nang_officer, at=HAI_CHAU)
    assert list(likely_duplicates("nguyen van hung")) == [elsewhere]


def test_likely_duplicates_leave_out_merged_records(register, officer):
    keep = register("Nguyễn Văn Hùng")
    duplicate = register("Nguyễn Văn Hùng", 1991)
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    assert list(likely_duplicates("nguyen van hung")) == [keep]


def test_likely_duplicates_need_three_letters_and_return_at_most_ten(register):
    for n in range(12):
        register(f"Nguyễn Văn Hùng {chr(ord('A') + n)}")
    assert list(likely_duplicates("ng")) == []
    assert list(likely_duplicates("  ")) == []
    found = list(likely_duplicates("hung"))
    assert len(found) == 10
    assert names(found) == sorted(names(found))  # by folded name


# --- filter_by_name ----------------------------------------------------------------------------


def test_filter_by_name_needs_every_word_somewhere_in_the_names(register):
    hung = register("Nguyễn Văn Hùng", other_names="Tý")
    register("Nguyễn Văn Tý")
    assert list(filter_by_name(Person.objects.all(), "hung ty")) == [hung]
    assert list(filter_by_name(Person.objects.all(), "hung nam")) == []


def test_filter_by_name_with_nothing_typed_keeps_everyone(register):
    register("Nguyễn Văn Hùng")
    register("Trần Văn Nam")
    assert filter_by_name(Person.objects.all(), "   ").count() == 2


# --- people_for_user ---------------------------------------------------------------------------


def test_people_for_user_starts_from_the_users_scope_and_leaves_out_merged_records(register, officer, make_user, unit):
    hung = register("Nguyễn Văn Hùng")
    duplicate = register("Nguyen Van Hung")
    nam = register("Trần Văn Nam", actor=make_user(Role.COMMUNE_OFFICER, unit(BA_DINH)), at=BA_DINH)
    lan = register("Lê Thị Lan", actor=make_user(Role.COMMUNE_OFFICER, unit(HAI_CHAU)), at=HAI_CHAU, sex=Sex.FEMALE)
    person_merge(actor=officer, keep=hung, duplicate=duplicate)

    assert list(people_for_user(officer)) == [hung]
    hanoi = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    assert set(people_for_user(hanoi)) == {hung, nam}
    national = make_user(Role.NATIONAL_MANAGER, unit("VN", level=OrgUnit.Level.NATION))
    assert set(people_for_user(national)) == {hung, nam, lan}
    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=OrgUnit.Level.NATION))  # no VIEW_PEOPLE
    assert list(people_for_user(admin)) == []


def test_people_for_user_follows_a_transfer(register, officer, make_user, unit):
    hung = register("Nguyễn Văn Hùng")
    person_transfer(actor=officer, person=hung, to_unit=unit(BA_DINH), on=D(2026, 1, 5))
    assert list(people_for_user(officer)) == []
    assert list(people_for_user(make_user(Role.COMMUNE_POLICE, unit(BA_DINH)))) == [hung]


# --- with_current_whereabouts ------------------------------------------------------------------


def test_current_whereabouts_are_the_latest_record_and_the_later_one_on_the_same_day(register, officer):
    hung = register("Nguyễn Văn Hùng")
    nam = register("Trần Văn Nam")
    whereabouts_record(actor=officer, person=hung, status=Whereabouts.IN_FACILITY, since=D(2025, 12, 1))
    whereabouts_record(actor=officer, person=hung, status=Whereabouts.DETAINED, since=D(2025, 10, 1))  # older
    whereabouts_record(actor=officer, person=nam, status=Whereabouts.DETAINED, since=D(2026, 2, 1))
    whereabouts_record(actor=officer, person=nam, status=Whereabouts.UNKNOWN, since=D(2026, 2, 1))  # same day, later
    people = {p.pk: p for p in with_current_whereabouts(people_for_user(officer))}
    assert (people[hung.pk].whereabouts, people[hung.pk].whereabouts_since) == (Whereabouts.IN_FACILITY, D(2025, 12, 1))
    assert (people[nam.pk].whereabouts, people[nam.pk].whereabouts_since) == (Whereabouts.UNKNOWN, D(2026, 2, 1))


# --- province codes ----------------------------------------------------------------------------


def test_the_province_codes_of_birth_registration_are_three_digits_of_both_eras():
    codes = birth_registration_province_codes()
    legacy = OrgUnit.objects.filter(level=OrgUnit.Level.PROVINCE, era=OrgUnit.Era.LEGACY).count()
    assert legacy == 63
    assert len(codes) >= legacy
    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert {"001", "049", "096"} <= codes
    assert not {"003", "099", "01", "1"} & codes
