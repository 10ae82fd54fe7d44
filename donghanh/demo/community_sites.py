"""Where seed 004's early-intervention clubs are: Đà Nẵng's legacy wards, and the current wards they passed into."""

from __future__ import annotations

from dataclasses import dataclass

from donghanh.orgunits.models import OrgUnit

DA_NANG = "48"
LEGACY = OrgUnit.Era.LEGACY
PROVINCE, COMMUNE = OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE

# Seed 004's wards: its name, the name the legacy tree (as of 30/06/2025) knows it by, streets around it.
# Bình Hiên was merged into Phước Ninh before 2025, so the tree has it only under that name.
SEED_WARDS = (
    ("Nại Hiên Đông", "Nại Hiên Đông", ("Đường Ngô Quyền", "Đường Yết Kiêu", "Đường Lê Văn Duyệt")),
    ("Thọ Quang", "Thọ Quang", ("Đường Vân Đồn", "Đường Hoàng Sa", "Đường Khúc Hạo")),
    ("Hòa Minh", "Hòa Minh", ("Đường Tôn Đức Thắng", "Đường Nguyễn Sinh Sắc", "Đường Đồng Kè")),
    ("Hòa An", "Hòa An", ("Đường Trường Chinh", "Đường Tôn Đản", "Đường Phạm Như Xương")),
    ("Bình Hiên", "Phước Ninh", ("Đường Núi Thành", "Đường Trưng Nữ Vương", "Đường Lê Đình Thám")),
    ("Mỹ An", "Mỹ An", ("Đường Ngũ Hành Sơn", "Đường Lê Văn Hưu", "Đường Châu Thị Vĩnh Tế")),
)


@dataclass(frozen=True)
class Site:
    """Where one of seed 004's clubs was founded (a legacy ward) and the current ward it belongs to now."""

    founded_in: OrgUnit  # legacy
    ward: OrgUnit  # current
    streets: tuple[str, ...]
    officer: str  # the username of the ward's commune officer

    @property
    def founded_name(self) -> str:
        return SEED_WARD_NAMES.get(self.founded_in.name, self.founded_in.name)


SEED_WARD_NAMES = {f"Phường {tree}": f"Phường {seed}" for seed, tree, _streets in SEED_WARDS if seed != tree}


def da_nang_sites() -> list[Site]:
    """Seed 004's wards, each found in the legacy tree by name, with the current ward it passed into."""
    root = OrgUnit.objects.get(era=LEGACY, level=PROVINCE, code=DA_NANG)
    sites: list[Site] = []
    for _seed, tree_name, streets in SEED_WARDS:
        legacy = OrgUnit.objects.get(era=LEGACY, level=COMMUNE, path__startswith=root.path, name=f"Phường {tree_name}")
        ward = _successor(legacy)
        if any(s.ward == ward for s in sites):
            # Nại Hiên Đông and Thọ Quang both passed into Phường Sơn Trà. For six clubs in six distinct wards,
            # the second is set in the next current ward formed from the same legacy district (Phường An Hải),
            # founded in its legacy predecessor: a stand-in, not seed 004's history.
            taken = [s.ward for s in sites]
            legacy = (
                OrgUnit.objects.filter(era=LEGACY, parent=legacy.parent, successions__isnull=False)
                .exclude(successions__successor__in=taken)
                .order_by("code")
                .first()
            ) or legacy
            ward = _successor(legacy)
        slug = ward.search_name.removeprefix("phuong ").removeprefix("xa ").replace(" ", "")
        sites.append(Site(legacy, ward, streets, f"xa.{slug}"))
    return sites


def _successor(legacy: OrgUnit) -> OrgUnit:
    succession = legacy.successions.select_related("successor").order_by("partial", "successor__code").first()
    assert succession is not None, legacy
    return succession.successor
