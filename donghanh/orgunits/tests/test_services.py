"""The loader: idempotent, records history, and the legacy → current successions it writes."""

import pytest
from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

from donghanh.orgunits.models import OrgUnit, OrgUnitSuccession
from donghanh.orgunits.services import UnitSpec, orgunits_load, package_units
from donghanh.orgunits.tests import package

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level = OrgUnit.Level

pytestmark = pytest.mark.django_db


# --- loader ------------------------------------------------------------------------------------


def test_reloading_the_full_tree_changes_nothing():
    units_before = OrgUnit.objects.count()
    history_before = OrgUnit.history.count()
    successions_before = OrgUnitSuccession.objects.count()

    result = orgunits_load()

    assert (result.created, result.updated, result.successions_created) == (0, 0, 0)
    assert result.unchanged == units_before
    assert OrgUnit.objects.count() == units_before
    assert OrgUnit.history.count() == history_before
    assert OrgUnitSuccession.objects.count() == successions_before


def test_first_load_wrote_one_history_row_per_unit():
    assert OrgUnit.history.filter(history_type="+").count() == OrgUnit.objects.count()


def test_a_changed_name_is_restored_by_a_reload_with_one_history_record(unit):
    commune = unit("00091")
    official_name = commune.name
    OrgUnit.objects.filter(pk=commune.pk).update(name="Phường Tên Sai")  # behind the loader's back
    history_before = OrgUnit.history.count()

    result = orgunits_load()

    assert (result.created, result.updated) == (0, 1)
    commune.refresh_from_db()
    assert commune.name == official_name
    assert OrgUnit.history.count() == history_before + 1
    record = commune.history.latest("history_date")
    assert record.history_type == "~"
    assert record.name == official_name


def test_a_limited_load_on_top_of_the_full_tree_changes_nothing():
    units_before = OrgUnit.objects.count()
    history_before = OrgUnit.history.count()

    result = orgunits_load(province_codes={"01"})

    assert (result.created, result.updated, result.successions_created) == (0, 0, 0)
    assert OrgUnit.objects.count() == units_before
    assert OrgUnit.history.count() == history_before


def test_a_limited_load_covers_only_the_named_province():
    """`--province 01` loads the root and Hà Nội in both eras, not the whole country."""
    result = orgunits_load(province_codes={"01"})

    assert result.unchanged == package.province_unit_count("01")
    assert result.unchanged < OrgUnit.objects.count()


def test_a_new_unit_in_the_specs_is_created_with_history(unit):
    hanoi = unit("01", level=Level.PROVINCE)
    extra = UnitSpec(
        CURRENT,
        Level.COMMUNE,
        "99999",
        "Phường Thử Nghiệm",
        OrgUnit.Kind.WARD,
        (CURRENT, Level.PROVINCE, "01"),
    )

    result = orgunits_load(units=[*package_units(), extra])

    assert (result.created, result.updated) == (1, 0)
    created = unit("99999")
    assert created.parent == hanoi
    assert created.path == f"{hanoi.path}NC99999/"
    assert created.search_name == "phuong thu nghiem"
    assert created.history.get().history_type == "+"


# --- successions -------------------------------------------------------------------------------


def successor_codes(legacy_commune: OrgUnit) -> dict[str, bool]:
    return {s.successor.code: s.partial for s in legacy_commune.successions.select_related("successor")}


def test_a_split_legacy_commune_has_each_successor_flagged_partial(unit):
    old_code, entry = next((code, e) for code, e in WARD_OLD_TO_NEW.items() if len(e.new_wards) >= 2)
    legacy = unit(package.commune_code(old_code), era=LEGACY)

    successors = successor_codes(legacy)

    assert set(successors) == {package.commune_code(w.code) for w in entry.new_wards}
    assert all(successors.values())
    assert set(legacy.successions.values_list("successor__era", "successor__level")) == {(CURRENT, Level.COMMUNE)}
    assert {str(d) for d in legacy.successions.values_list("effective_date", flat=True)} == {"2025-07-01"}


def test_a_wholly_merged_legacy_commune_has_one_successor_not_partial(unit):
    old_code, entry = next(
        (code, e) for code, e in WARD_OLD_TO_NEW.items() if len(e.new_wards) == 1 and not e.old_ward.is_partly_merged
    )
    legacy = unit(package.commune_code(old_code), era=LEGACY)

    assert successor_codes(legacy) == {package.commune_code(entry.new_wards[0].code): False}


def test_a_partly_merged_commune_with_one_successor_is_partial(unit):
    old_code, entry = next(
        (code, e) for code, e in WARD_OLD_TO_NEW.items() if len(e.new_wards) == 1 and e.old_ward.is_partly_merged
    )
    legacy = unit(package.commune_code(old_code), era=LEGACY)

    assert successor_codes(legacy) == {package.commune_code(entry.new_wards[0].code): True}


def test_every_commune_succession_of_the_package_is_loaded():
    """Every pair of the conversion table whose legacy commune is in the package's legacy list.

    (The table names ten legacy codes that the package's own legacy list lacks; those cannot be loaded.)
    """
    legacy_codes = {package.commune_code(w.code) for w in package.legacy_wards()}
    loaded = set(
        OrgUnitSuccession.objects.filter(predecessor__level=Level.COMMUNE).values_list(
            "predecessor__code", "successor__code", "partial"
        )
    )
    expected = {
        (
            package.commune_code(old),
            package.commune_code(new.code),
            entry.old_ward.is_partly_merged or len(entry.new_wards) > 1,
        )
        for old, entry in WARD_OLD_TO_NEW.items()
        for new in entry.new_wards
        if package.commune_code(old) in legacy_codes
    }
    assert loaded == expected


def test_every_legacy_province_maps_to_current_provinces():
    legacy_provinces = OrgUnit.objects.filter(era=LEGACY, level=Level.PROVINCE)
    assert legacy_provinces.count() == 63
    mapped = set(
        OrgUnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
            "predecessor__code", "successor__code"
        )
    )
    assert {old for old, _ in mapped} == set(legacy_provinces.values_list("code", flat=True))
    assert mapped == {
        (package.province_code(old), package.province_code(new.code))
        for old, entry in PROVINCE_OLD_TO_NEW.items()
        for new in entry.new_provinces
    }
    successor_eras = OrgUnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
        "predecessor__era", "successor__era", "successor__level"
    )
    assert set(successor_eras) == {(LEGACY, CURRENT, Level.PROVINCE)}


def test_no_succession_points_backwards_or_across_levels():
    bad = OrgUnitSuccession.objects.exclude(predecessor__era=LEGACY, successor__era=CURRENT)
    assert not bad.exists()
    rows = OrgUnitSuccession.objects.values_list("predecessor__level", "successor__level")
    assert all(old == new for old, new in rows)
