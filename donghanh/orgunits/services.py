"""Writes to the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from donghanh.core.text import fold
from donghanh.orgunits.models import LEGACY_END_DATE, REFORM_DATE, OrgUnit, OrgUnitSuccession

Kind = OrgUnit.Kind
Level = OrgUnit.Level
Era = OrgUnit.Era

ROOT_CODE = "VN"
ROOT_NAME = "Việt Nam"

# The package's division types, mapped to ours.
KIND_BY_DIVISION_TYPE = {
    "tỉnh": Kind.PROVINCE,
    "thành phố trung ương": Kind.CENTRAL_CITY,
    "quận": Kind.URBAN_DISTRICT,
    "huyện": Kind.RURAL_DISTRICT,
    "thị xã": Kind.TOWN,
    "thành phố": Kind.PROVINCIAL_CITY,
    "xã": Kind.COMMUNE,
    "phường": Kind.WARD,
    "thị trấn": Kind.TOWNSHIP,
    "đặc khu": Kind.SPECIAL_ZONE,
}
LEVEL_LETTER: dict[int, str] = {
    Level.NATION: "",
    Level.PROVINCE: "P",
    Level.DISTRICT: "D",
    Level.COMMUNE: "C",
}
ERA_LETTER: dict[str, str] = {Era.CURRENT: "N", Era.LEGACY: "O"}
CODE_WIDTH: dict[int, int] = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}

UnitKey = tuple[str, int, str]  # (era, level, code)
FIELDS = ("name", "search_name", "kind", "valid_from", "valid_to", "parent_id", "path")


@dataclass(frozen=True)
class UnitSpec:
    era: str
    level: int
    code: str
    name: str
    kind: str
    parent: UnitKey | None

    @property
    def key(self) -> UnitKey:
        return (self.era, self.level, self.code)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _code(level: int, value: int) -> str:
    return str(int(value)).zfill(CODE_WIDTH[level])


def _kind(division_type: Any) -> str:
    return KIND_BY_DIVISION_TYPE[str(division_type.value if hasattr(division_type, "value") else division_type)]


def package_units() -> Iterator[UnitSpec]:
    """Every unit of the `vietnam-provinces` package, parents before children."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces.legacy import District as LegacyDistrict
    from vietnam_provinces.legacy import Province as LegacyProvince
    from vietnam_provinces.legacy import Ward as LegacyWard

    root: UnitKey = (Era.CURRENT, Level.NATION, ROOT_CODE)
    yield UnitSpec(Era.CURRENT, Level.NATION, ROOT_CODE, ROOT_NAME, Kind.COUNTRY, None)
    for p in Province.iter_all():
        yield UnitSpec(Era.CURRENT, Level.PROVINCE, _code(Level.PROVINCE, p.code), p.name, _kind(p.division_type), root)
    for lp in LegacyProvince.iter_all():
        yield UnitSpec(
            Era.LEGACY, Level.PROVINCE, _code(Level.PROVINCE, lp.code), lp.name, _kind(lp.division_type), root
        )
    for ld in LegacyDistrict.iter_all():
        parent = (Era.LEGACY, Level.PROVINCE, _code(Level.PROVINCE, ld.province_code))
        yield UnitSpec(
            Era.LEGACY,
            Level.DISTRICT,
            _code(Level.DISTRICT, ld.code),
            ld.name,
            _kind(ld.division_type),
            parent,
        )
    for w in Ward.iter_all():
        parent = (Era.CURRENT, Level.PROVINCE, _code(Level.PROVINCE, w.province_code))
        yield UnitSpec(Era.CURRENT, Level.COMMUNE, _code(Level.COMMUNE, w.code), w.name, _kind(w.division_type), parent)
    for lw in LegacyWard.iter_all():
        parent = (Era.LEGACY, Level.DISTRICT, _code(Level.DISTRICT, lw.district_code))
        yield UnitSpec(
            Era.LEGACY, Level.COMMUNE, _code(Level.COMMUNE, lw.code), lw.name, _kind(lw.division_type), parent
        )


def package_successions() -> Iterator[tuple[UnitKey, UnitKey, bool]]:
    """(legacy unit, current unit, partial) for every province and commune in the conversion tables."""
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    for old_code, entry in PROVINCE_OLD_TO_NEW.items():
        partial = len(entry.new_provinces) > 1
        for new in entry.new_provinces:
            yield (
                (Era.LEGACY, Level.PROVINCE, _code(Level.PROVINCE, old_code)),
                (Era.CURRENT, Level.PROVINCE, _code(Level.PROVINCE, new.code)),
                partial,
            )
    for old_code, ward_entry in WARD_OLD_TO_NEW.items():
        partial = ward_entry.old_ward.is_partly_merged or len(ward_entry.new_wards) > 1
        for new_ward in ward_entry.new_wards:
            yield (
                (Era.LEGACY, Level.COMMUNE, _code(Level.COMMUNE, old_code)),
                (Era.CURRENT, Level.COMMUNE, _code(Level.COMMUNE, new_ward.code)),
                partial,
            )


def _segment(spec: UnitSpec) -> str:
    if spec.level == Level.NATION:
        return spec.code
    return f"{ERA_LETTER[Era(spec.era)]}{LEVEL_LETTER[Level(spec.level)]}{spec.code}"


def _validity(spec: UnitSpec) -> tuple[Any, Any]:
    if spec.level == Level.NATION:
        return None, None
    if spec.era == Era.LEGACY:
        return None, LEGACY_END_DATE
    return REFORM_DATE, None


@transaction.atomic
def orgunits_load(
    *,
    units: Iterable[UnitSpec] | None = None,
    successions: Iterable[tuple[UnitKey, UnitKey, bool]] | None = None,
    province_codes: set[str] | None = None,
) -> LoadResult:
    """Create or update the tree from the package (or the given specs); idempotent, bulk, in one transaction.

    `province_codes` limits the load to some provinces (both eras), which tests use for speed.
    """
    specs = list(package_units() if units is None else units)
    pairs = list(package_successions() if successions is None else successions)
    if province_codes is not None:
        specs, pairs = _limit_to_provinces(specs, pairs, province_codes)

    result = LoadResult()
    existing: dict[UnitKey, OrgUnit] = {(u.era, u.level, u.code): u for u in OrgUnit.objects.all()}
    paths: dict[UnitKey, str] = {}
    ids: dict[UnitKey, int] = {k: u.pk for k, u in existing.items()}

    # Parents come before children in `specs`, and a level's rows are written before the next level's.
    for level in Level:
        to_create: list[OrgUnit] = []
        to_update: list[OrgUnit] = []
        for spec in (s for s in specs if s.level == level):
            parent_path = paths[spec.parent] if spec.parent else ""
            paths[spec.key] = f"{parent_path}{_segment(spec)}/"
            valid_from, valid_to = _validity(spec)
            values = {
                "name": spec.name,
                "search_name": fold(spec.name),
                "kind": spec.kind,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "parent_id": ids[spec.parent] if spec.parent else None,
                "path": paths[spec.key],
            }
            unit = existing.get(spec.key)
            if unit is None:
                to_create.append(OrgUnit(era=spec.era, level=spec.level, code=spec.code, **values))
            elif any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                to_update.append(unit)
            else:
                result.unchanged += 1
        if to_create:
            bulk_create_with_history(to_create, OrgUnit, batch_size=1000)
            result.created += len(to_create)
            for unit in OrgUnit.objects.filter(level=level).only("pk", "era", "level", "code"):
                ids[(unit.era, unit.level, unit.code)] = unit.pk
        if to_update:
            bulk_update_with_history(to_update, OrgUnit, list(FIELDS), batch_size=1000)
            result.updated += len(to_update)

    known = set(OrgUnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    new_successions = []
    for old, new, partial in pairs:
        if old not in ids or new not in ids or (ids[old], ids[new]) in known:
            continue
        known.add((ids[old], ids[new]))
        new_successions.append(
            OrgUnitSuccession(
                predecessor_id=ids[old], successor_id=ids[new], effective_date=REFORM_DATE, partial=partial
            )
        )
    if new_successions:
        bulk_create_with_history(new_successions, OrgUnitSuccession, batch_size=1000)
    result.successions_created = len(new_successions)
    result.counts = {f"{era}:{level}": count for era, level, count in _counts()}
    if result.created or result.updated:
        _analyze_tree()
    return result


def _analyze_tree() -> None:
    """Refresh PostgreSQL's statistics of the tree at once, rather than when autovacuum comes by: every list of a
    unit's subtree is planned on how many paths start with its path (migration orgunits.0002)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orgunits_orgunit, orgunits_orgunitsuccession")


def _counts() -> list[tuple[str, int, int]]:
    from django.db.models import Count

    rows = OrgUnit.objects.order_by().values("era", "level").annotate(n=Count("pk"))
    return [(r["era"], r["level"], r["n"]) for r in rows]


def _limit_to_provinces(
    specs: list[UnitSpec], pairs: list[tuple[UnitKey, UnitKey, bool]], province_codes: set[str]
) -> tuple[list[UnitSpec], list[tuple[UnitKey, UnitKey, bool]]]:
    kept: set[UnitKey] = set()
    limited = []
    for spec in specs:
        keep = (
            spec.level == Level.NATION
            or (spec.level == Level.PROVINCE and spec.code in province_codes)
            or (spec.level > Level.PROVINCE and spec.parent in kept)
        )
        if keep:
            kept.add(spec.key)
            limited.append(spec)
    return limited, [p for p in pairs if p[0] in kept and p[1] in kept]
