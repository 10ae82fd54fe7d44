"""The loaded organisation tree matches the `vietnam-provinces` package and the official figures."""

import datetime
from collections import Counter

import pytest

from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.tests import package

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level, Kind = OrgUnit.Level, OrgUnit.Kind

pytestmark = pytest.mark.django_db


def units(era: str, level: int):
    return OrgUnit.objects.filter(era=era, level=level)


# --- counts ------------------------------------------------------------------------------------


def test_one_national_root():
    roots = OrgUnit.objects.filter(parent__isnull=True)
    assert roots.count() == 1
    root = roots.get()
    assert (root.level, root.kind, root.path) == (Level.NATION, Kind.COUNTRY, "VN/")
    assert OrgUnit.objects.filter(level=Level.NATION).count() == 1


def test_current_provinces_34_of_which_25_provinces_and_9_central_cities():
    provinces = units(CURRENT, Level.PROVINCE)
    assert provinces.count() == len(package.current_provinces()) == 34
    kinds = Counter(provinces.values_list("kind", flat=True))
    assert kinds == {Kind.PROVINCE: 25, Kind.CENTRAL_CITY: 9}
    by_type = Counter(package.division_type(p) for p in package.current_provinces())
    assert kinds == {Kind.PROVINCE: by_type["tỉnh"], Kind.CENTRAL_CITY: by_type["thành phố trung ương"]}
    assert set(provinces.values_list("code", flat=True)) == {
        package.province_code(p.code) for p in package.current_provinces()
    }


def test_current_communes_3321_xa_phuong_dac_khu():
    communes = units(CURRENT, Level.COMMUNE)
    assert communes.count() == len(package.current_wards()) == 3321
    kinds = Counter(communes.values_list("kind", flat=True))
    assert kinds == {Kind.COMMUNE: 2621, Kind.WARD: 687, Kind.SPECIAL_ZONE: 13}
    by_type = Counter(package.division_type(w) for w in package.current_wards())
    assert kinds == {
        Kind.COMMUNE: by_type["xã"],
        Kind.WARD: by_type["phường"],
        Kind.SPECIAL_ZONE: by_type["đặc khu"],
    }


def test_current_tree_has_no_districts():
    assert not units(CURRENT, Level.DISTRICT).exists()


def test_legacy_tree_63_provinces_696_districts_10051_communes():
    assert units(LEGACY, Level.PROVINCE).count() == len(package.legacy_provinces()) == 63
    assert units(LEGACY, Level.DISTRICT).count() == len(package.legacy_districts()) == 696
    assert units(LEGACY, Level.COMMUNE).count() == len(package.legacy_wards()) == 10051


def test_names_and_codes_match_the_package():
    current = dict(units(CURRENT, Level.COMMUNE).values_list("code", "name"))
    assert current == {package.commune_code(w.code): w.name for w in package.current_wards()}
    legacy = dict(units(LEGACY, Level.COMMUNE).values_list("code", "name"))
    assert legacy == {package.commune_code(w.code): w.name for w in package.legacy_wards()}
    districts = dict(units(LEGACY, Level.DISTRICT).values_list("code", "name"))
    assert districts == {package.district_code(d.code): d.name for d in package.legacy_districts()}


def test_validity_dates_by_era(unit):
    current = unit("00091")
    legacy = unit("00091", era=LEGACY)
    assert str(current.valid_from) == "2025-07-01" and current.valid_to is None
    assert legacy.valid_from is None and str(legacy.valid_to) == "2025-06-30"
    assert current.is_valid_on(datetime.date(2025, 7, 1)) and not current.is_valid_on(datetime.date(2025, 6, 30))
    assert legacy.is_valid_on(datetime.date(2025, 6, 30)) and not legacy.is_valid_on(datetime.date(2025, 7, 1))
    assert legacy.is_legacy and not current.is_legacy


# --- paths -------------------------------------------------------------------------------------


def test_every_path_extends_its_parents_path_by_one_segment():
    rows = OrgUnit.objects.exclude(parent=None).values_list("path", "parent__path", "level", "parent__level")
    bad = [
        path
        for path, parent_path, level, parent_level in rows
        if not (path.startswith(parent_path) and path.count("/") == parent_path.count("/") + 1) or level <= parent_level
    ]
    assert bad == []
    assert len(rows) == OrgUnit.objects.count() - 1


def test_every_unit_lies_under_the_national_root():
    assert OrgUnit.objects.exclude(path__startswith="VN/").count() == 0


def test_current_commune_parent_is_its_current_province():
    parents = dict(units(CURRENT, Level.COMMUNE).values_list("code", "parent__code"))
    assert parents == {
        package.commune_code(w.code): package.province_code(w.province_code) for w in package.current_wards()
    }
    assert set(units(CURRENT, Level.COMMUNE).values_list("parent__era", "parent__level")) == {(CURRENT, Level.PROVINCE)}


def test_hanoi_subtree_by_path_is_exactly_its_communes(unit):
    hanoi = unit("01", level=Level.PROVINCE)
    subtree = OrgUnit.objects.filter(path__startswith=hanoi.path)
    expected = {package.commune_code(w.code) for w in package.current_wards() if int(w.province_code) == 1}
    assert set(subtree.filter(level=Level.COMMUNE).values_list("code", flat=True)) == expected
    assert subtree.count() == len(expected) + 1  # the province itself
    assert set(subtree.values_list("era", flat=True)) == {CURRENT}


@pytest.mark.parametrize("code", ["00091", "20242", "00001"])
def test_legacy_commune_ancestors_are_legacy_district_then_legacy_province(unit, code):
    commune = unit(code, era=LEGACY)
    ward = next(w for w in package.legacy_wards() if package.commune_code(w.code) == code)
    district_code = package.district_code(ward.district_code)
    ancestors = list(OrgUnit.objects.filter(path__in=commune.ancestor_paths()).order_by("path"))
    assert [(a.level, a.era) for a in ancestors] == [
        (Level.NATION, CURRENT),
        (Level.PROVINCE, LEGACY),
        (Level.DISTRICT, LEGACY),
    ]
    assert ancestors[2].code == district_code
    assert ancestors[1].code == package.legacy_district_province()[district_code]
    assert commune.parent == ancestors[2] and commune.parent.parent == ancestors[1]
    assert commune.depth == 3


def test_str_is_the_name(unit):
    assert str(unit("00091")) == "Phường Phú Thượng"
