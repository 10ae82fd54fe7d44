"""Reads of the tree: search without diacritics, scoped to the user; children with commune counts."""

import pytest

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import (
    children_with_commune_counts,
    top_units_for_user,
    unit_search,
    units_for_user,
)
from donghanh.orgunits.tests import package

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level = OrgUnit.Level


@pytest.fixture
def national(make_user, unit):
    return make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION))


@pytest.fixture
def phu_thuong_officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"))


def codes(units):
    return [(u.code, u.level, u.era) for u in units]


@pytest.mark.parametrize("query", ["phu thuong", "Phú Thượng", "PHU THUONG", "thuong phu", "  phú   thuong "])
def test_phu_thuong_found_with_or_without_diacritics_in_any_word_order(national, unit, query):
    results = list(unit_search(national, query))
    assert unit("00091") in results
    assert all(u.era == CURRENT for u in results)
    assert all("phu" in u.search_name and "thuong" in u.search_name for u in results)


@pytest.mark.parametrize("query", ["đà nẵng", "da nang", "Đà Nẵng", "DA NANG", "Nẵng Đà"])
def test_da_nang_city_found_however_typed(national, unit, query):
    city = unit("48", level=Level.PROVINCE)
    assert city.name == "Thành phố Đà Nẵng"
    results = list(unit_search(national, query))
    assert city in results
    # Provinces sort before communes.
    assert results[0] == city


def test_d_stroke_is_folded_to_d(national, unit):
    """ "đ" is not d + a combining mark; typing "d" must still find names with "Đ"."""
    results = list(unit_search(national, "dong da"))
    assert results, "no unit matched “dong da”"
    assert all("đ" in u.name.lower() or "d" in u.name.lower() for u in results)
    assert any("Đống Đa" in u.name for u in results)


def test_search_limited_to_an_era_and_a_level(national):
    legacy = list(unit_search(national, "phu thuong", era=LEGACY))
    assert legacy and all(u.era == LEGACY for u in legacy)
    both = unit_search(national, "phu thuong", era=None)
    assert {u.era for u in both} == {CURRENT, LEGACY}
    provinces = list(unit_search(national, "ha", level=Level.PROVINCE))
    assert provinces and all(u.level == Level.PROVINCE and u.era == CURRENT for u in provinces)


def test_a_query_matching_nothing_finds_nothing(national):
    assert not unit_search(national, "khong co ten nay zzz").exists()


def test_a_commune_officer_only_ever_finds_their_commune(phu_thuong_officer, unit):
    commune = unit("00091")
    assert list(unit_search(phu_thuong_officer, "phu thuong")) == [commune]
    assert list(unit_search(phu_thuong_officer, "phuong")) == [commune]
    assert not unit_search(phu_thuong_officer, "hai chau").exists()
    assert not unit_search(phu_thuong_officer, "ha noi").exists()
    # Both systems: besides their commune, only the legacy communes that became it (and their districts).
    found = unit_search(phu_thuong_officer, "phuong", era=None)
    assert {u.code for u in found if u.era == CURRENT} == {"00091"}
    legacy = {u.code for u in found if u.era == LEGACY and u.level == Level.COMMUNE}
    assert legacy and legacy <= package.predecessors_of({"00091"})
    assert not unit_search(phu_thuong_officer, "hai chau", era=None).exists()


def test_units_for_user_is_the_subtree_of_each_grant(make_user, unit):
    officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE))
    visible = units_for_user(officer)
    current = visible.filter(era=CURRENT)
    assert set(current.filter(level=Level.COMMUNE).values_list("code", flat=True)) == package.current_communes_of("01")
    assert list(current.exclude(level=Level.COMMUNE)) == [unit("01", level=Level.PROVINCE)]
    assert not visible.filter(pk=unit("20242").pk).exists()
    assert set(visible.filter(era=LEGACY, level=Level.COMMUNE).values_list("code", flat=True)) == (
        package.predecessors_of(package.current_communes_of("01"))
    )


def test_a_user_without_roles_sees_no_unit(make_user):
    nobody = make_user()
    assert not units_for_user(nobody).exists()
    assert top_units_for_user(nobody) == []
    assert not unit_search(nobody, "ha noi").exists()


def test_top_units_are_the_roots_of_the_scope(make_user, unit):
    hanoi = unit("01", level=Level.PROVINCE)
    user = make_user(Role.PROVINCE_OFFICER, hanoi)
    # A role inside Hà Nội adds no top unit; one in Đà Nẵng does.
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR, unit=unit("00091"))
    RoleAssignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit("20242"))
    user = type(user).objects.get(pk=user.pk)
    assert top_units_for_user(user) == [hanoi, unit("20242")]


def test_children_with_commune_counts_at_the_root(national, unit, django_assert_num_queries):
    root = unit("VN", level=Level.NATION)
    with django_assert_num_queries(2):  # the user's grants, then the children with their counts
        children = {(c.era, c.code): c.commune_count for c in children_with_commune_counts(national, root)}
    current = {(CURRENT, code): n for code, n in package.wards_per_current_province().items()}
    legacy = {(LEGACY, code): n for code, n in package.legacy_wards_per_province().items()}
    assert children == current | legacy


def test_children_are_limited_to_the_scope(phu_thuong_officer, unit):
    hanoi = unit("01", level=Level.PROVINCE)
    assert [c.code for c in children_with_commune_counts(phu_thuong_officer, hanoi)] == ["00091"]
