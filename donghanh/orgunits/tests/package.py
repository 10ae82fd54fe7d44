"""What the `vietnam-provinces` package says, computed independently of the loader under test.

Codes are formatted the official way (2 digits for a province, 3 for a district, 5 for a commune).
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from vietnam_provinces import Province, Ward
from vietnam_provinces.legacy import District as LegacyDistrict
from vietnam_provinces.legacy import Province as LegacyProvince
from vietnam_provinces.legacy import Ward as LegacyWard


def province_code(value: int) -> str:
    return f"{int(value):02d}"


def district_code(value: int) -> str:
    return f"{int(value):03d}"


def commune_code(value: int) -> str:
    return f"{int(value):05d}"


@cache
def current_provinces() -> tuple[Province, ...]:
    return tuple(Province.iter_all())


@cache
def current_wards() -> tuple[Ward, ...]:
    return tuple(Ward.iter_all())


@cache
def legacy_provinces() -> tuple[LegacyProvince, ...]:
    return tuple(LegacyProvince.iter_all())


@cache
def legacy_districts() -> tuple[LegacyDistrict, ...]:
    return tuple(LegacyDistrict.iter_all())


@cache
def legacy_wards() -> tuple[LegacyWard, ...]:
    return tuple(LegacyWard.iter_all())


def division_type(item: object) -> str:
    value = item.division_type  # type: ignore[attr-defined]
    return str(getattr(value, "value", value))


@cache
def wards_per_current_province() -> dict[str, int]:
    """Current province code → number of communes (xã, phường, đặc khu) in it."""
    counts = Counter(province_code(w.province_code) for w in current_wards())
    return {province_code(p.code): counts[province_code(p.code)] for p in current_provinces()}


@cache
def legacy_district_province() -> dict[str, str]:
    """Legacy district code → legacy province code."""
    return {district_code(d.code): province_code(d.province_code) for d in legacy_districts()}


@cache
def legacy_wards_per_province() -> dict[str, int]:
    province_of = legacy_district_province()
    counts = Counter(province_of[district_code(w.district_code)] for w in legacy_wards())
    return {province_code(p.code): counts[province_code(p.code)] for p in legacy_provinces()}


def province_unit_count(code: str) -> int:
    """How many units a load limited to province `code` covers: the root and that province in both eras."""
    current = 1 + wards_per_current_province()[code]
    legacy_districts_in = sum(1 for d in legacy_districts() if province_code(d.province_code) == code)
    legacy = 1 + legacy_districts_in + legacy_wards_per_province()[code]
    return 1 + current + legacy


@cache
def legacy_ward_codes() -> frozenset[str]:
    return frozenset(commune_code(w.code) for w in legacy_wards())


@cache
def legacy_ward_district() -> dict[str, str]:
    """Legacy commune code → its legacy district code."""
    return {commune_code(w.code): district_code(w.district_code) for w in legacy_wards()}


def predecessors_of(current_commune_codes: set[str] | frozenset[str]) -> set[str]:
    """Legacy commune codes (of the package's legacy list) whose territory passed into these communes."""
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

    return {
        commune_code(old)
        for old, entry in OLD_TO_NEW.items()
        if commune_code(old) in legacy_ward_codes()
        and any(commune_code(new.code) in current_commune_codes for new in entry.new_wards)
    }


def current_communes_of(province: str) -> set[str]:
    return {commune_code(w.code) for w in current_wards() if province_code(w.province_code) == province}
