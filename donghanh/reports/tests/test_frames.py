"""What a report covers (`frame_for`): the paths whose records count and the units it breaks down by, for the
nation, a province and a commune, in a period of the current two-tier structure and in one before 01/07/2025."""

from __future__ import annotations

import pytest

from donghanh.orgunits.models import OrgUnit, OrgUnitSuccession
from donghanh.reports.frames import frame_for
from donghanh.reports.tests.conftest import period

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
NATION, PROVINCE, DISTRICT, COMMUNE = (
    OrgUnit.Level.NATION,
    OrgUnit.Level.PROVINCE,
    OrgUnit.Level.DISTRICT,
    OrgUnit.Level.COMMUNE,
)


@pytest.fixture
def nation():
    return OrgUnit.objects.get(level=NATION)


def units(**filters) -> set[OrgUnit]:
    return set(OrgUnit.objects.filter(**filters))


def test_the_nation_in_a_current_period_breaks_down_by_the_34_current_provinces(nation):
    frame = frame_for(nation, period("2025Q3"))
    assert frame.prefixes == ("VN/",)
    assert frame.own_bucket is None and not frame.is_legacy_structure
    assert set(frame.children) == units(era=CURRENT, level=PROVINCE) and len(frame.children) == 34
    assert frame.child_length == len("VN/NP01/")


def test_the_nation_before_the_reform_breaks_down_by_the_63_legacy_provinces(nation):
    frame = frame_for(nation, period("2025Q2"))
    assert frame.prefixes == ("VN/",)
    assert frame.is_legacy_structure
    assert set(frame.children) == units(era=LEGACY, level=PROVINCE) and len(frame.children) == 63
    assert frame.child_length == len("VN/OP01/")


def test_a_year_ending_after_the_reform_has_the_current_structure(nation, unit):
    assert not frame_for(nation, period("2025")).is_legacy_structure
    assert frame_for(nation, period("2024")).is_legacy_structure
    ha_noi = unit("01", level=PROVINCE)
    assert len(frame_for(ha_noi, period("2025")).children) == 126  # the current communes
    assert frame_for(ha_noi, period("2025-06")).is_legacy_structure
    assert not frame_for(ha_noi, period("2025-07")).is_legacy_structure


def test_a_current_province_in_a_current_period_breaks_down_by_its_communes(unit):
    ha_noi = unit("01", level=PROVINCE)
    frame = frame_for(ha_noi, period("2025Q4"))
    assert frame.prefixes == ("VN/NP01/",) and frame.own_bucket is None
    assert set(frame.children) == units(era=CURRENT, level=COMMUNE, parent=ha_noi) and len(frame.children) == 126
    assert frame.child_length == len("VN/NP01/NC00091/")
    names = [child.search_name for child in frame.children]
    assert names == sorted(names)  # in the order of names without diacritics


def test_a_current_province_before_the_reform_rolls_up_through_its_legacy_districts(unit):
    """Hà Nội was one legacy province: its 30 legacy districts are the breakdown; its current path counts too,
    and what is recorded under the current units is a row of its own."""
    ha_noi = unit("01", level=PROVINCE)
    legacy_ha_noi = OrgUnit.objects.get(era=LEGACY, level=PROVINCE, code="01")
    frame = frame_for(ha_noi, period("2025Q2"))
    assert frame.prefixes == ("VN/NP01/", "VN/OP01/")
    assert frame.own_bucket == "VN/NP01/"
    assert set(frame.children) == units(era=LEGACY, level=DISTRICT, parent=legacy_ha_noi)
    assert len(frame.children) == 30
    assert all(child.is_legacy for child in frame.children)
    assert frame.child_length == len("VN/OP01/OD003/")


def test_a_current_province_formed_from_several_provinces_breaks_down_by_them(unit):
    """Đà Nẵng took in Quảng Nam; Phú Thọ took in Vĩnh Phúc and Hòa Bình: before the reform the breakdown is by
    the legacy provinces."""
    da_nang = unit("48", level=PROVINCE)
    frame = frame_for(da_nang, period("2024"))
    assert [c.code for c in frame.children] == ["48", "49"]  # Thành phố Đà Nẵng, Tỉnh Quảng Nam
    assert all(c.level == PROVINCE and c.is_legacy for c in frame.children)
    assert frame.prefixes == ("VN/NP48/", "VN/OP48/", "VN/OP49/")
    phu_tho = unit("25", level=PROVINCE)
    frame = frame_for(phu_tho, period("2016"))
    assert sorted(c.code for c in frame.children) == ["17", "25", "26"]
    assert set(frame.prefixes) == {"VN/NP25/", "VN/OP17/", "VN/OP25/", "VN/OP26/"}
    assert frame.own_bucket == "VN/NP25/"


def test_a_current_commune_in_a_current_period_has_no_breakdown(phu_thuong):
    frame = frame_for(phu_thuong, period("2025-08"))
    assert frame.prefixes == (phu_thuong.path,)
    assert frame.children == () and frame.child_length == 0 and frame.own_bucket is None


def test_a_current_commune_before_the_reform_breaks_down_by_the_legacy_communes_it_was_formed_from(phu_thuong):
    """Phú Thượng took in (parts of) five legacy wards of Tây Hồ and Bắc Từ Liêm."""
    frame = frame_for(phu_thuong, period("2025Q1"))
    predecessors = units(pk__in=OrgUnitSuccession.objects.filter(successor=phu_thuong).values("predecessor_id"))
    assert len(predecessors) == 5
    assert set(frame.children) == predecessors
    assert all(child.level == COMMUNE and child.is_legacy for child in frame.children)
    assert frame.prefixes[0] == phu_thuong.path
    assert set(frame.prefixes[1:]) == {p.path for p in predecessors}
    assert frame.own_bucket == phu_thuong.path
    assert "VN/OP01/OD003/OC00091/" in frame.prefixes  # the legacy Phường Phú Thượng, quận Tây Hồ


def test_a_legacy_unit_keeps_its_own_tree(unit):
    legacy_ha_noi = OrgUnit.objects.get(era=LEGACY, level=PROVINCE, code="01")
    frame = frame_for(legacy_ha_noi, period("2024Q4"))
    assert frame.prefixes == ("VN/OP01/",) and frame.own_bucket is None
    assert len(frame.children) == 30
    # After the reform its districts no longer exist: nothing to break down by.
    assert frame_for(legacy_ha_noi, period("2025Q3")).children == ()
    tay_ho = OrgUnit.objects.get(era=LEGACY, level=DISTRICT, code="003")
    frame = frame_for(tay_ho, period("2024"))
    assert frame.prefixes == (tay_ho.path,)
    assert {c.level for c in frame.children} == {COMMUNE} and all(c.parent_id == tay_ho.pk for c in frame.children)


def test_within_selects_the_frames_paths(phu_thuong, unit):
    frame = frame_for(unit("01", level=PROVINCE), period("2025Q2"))
    inside = OrgUnit.objects.filter(frame.within("path"))
    assert inside.filter(pk=phu_thuong.pk).exists()
    assert inside.filter(era=LEGACY, code="00091", level=COMMUNE).exists()
    assert not inside.filter(pk=unit("20242").pk).exists()  # Hải Châu, Đà Nẵng


@pytest.mark.parametrize("code", ["2025Q2", "2025Q3"])
def test_a_frame_takes_three_queries_at_most(unit, code, django_assert_max_num_queries):
    ha_noi, phu_thuong = unit("01", level=PROVINCE), unit("00091")
    nation = OrgUnit.objects.get(level=NATION)
    for target in (nation, ha_noi, phu_thuong):
        with django_assert_max_num_queries(3):
            frame_for(target, period(code))
