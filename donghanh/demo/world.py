"""Demo data: a province, a few communes, one account per role, and the people of two demo communes.

The people are made by `demo.people` (seed 002's figures for Phường Phú Thượng) and `demo.current` (the people of
today, with each path of the roster's lifecycle through `demo.lifecycle`), their case work by
`demo.casework`, the support they received and the partners who gave it by `demo.support`, the community
models (clubs, counselling point, activities, roadmaps) by `demo.community`, the targets by `demo.reports`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.services import orgunits_load

DEMO_PASSWORD = "DongHanh@2026"
CURRENT = OrgUnit.Era.CURRENT
PROVINCE, COMMUNE, NATION = OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE, OrgUnit.Level.NATION


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    level: int
    code: str


# Hà Nội with Phường Phú Thượng (seed 002), and Đà Nẵng's Phường Hải Châu (seed 004) to show scoping.
DEMO_ACCOUNTS = (
    DemoAccount("quantri", "Nguyễn Quản Trị", Role.SYSTEM_ADMIN, NATION, "VN"),
    DemoAccount("trunguong", "Trần Thị Quốc Gia", Role.NATIONAL_MANAGER, NATION, "VN"),
    DemoAccount("tinh.hanoi", "Lê Văn Tỉnh", Role.PROVINCE_OFFICER, PROVINCE, "01"),
    DemoAccount("xa.phuthuong", "Phạm Thị Thu Hà", Role.COMMUNE_OFFICER, COMMUNE, "00091"),
    DemoAccount("congan.phuthuong", "Hoàng Văn Công", Role.COMMUNE_POLICE, COMMUNE, "00091"),
    DemoAccount("yte.phuthuong", "Đỗ Thị Yến", Role.HEALTH_STAFF, COMMUNE, "00091"),
    DemoAccount("tnv.phuthuong", "Vũ Minh Tâm", Role.VOLUNTEER, COMMUNE, "00091"),
    DemoAccount("clb.phuthuong", "Bùi Thị Lan", Role.BOARD_MEMBER, COMMUNE, "00091"),
    DemoAccount("kiemtra.hanoi", "Ngô Văn Kiểm", Role.AUDITOR, PROVINCE, "01"),
    DemoAccount("xa.haichau", "Đặng Thị Hải", Role.COMMUNE_OFFICER, COMMUNE, "20242"),
)


@dataclass(frozen=True)
class DemoRow:
    username: str
    full_name: str
    role_label: str
    unit_name: str
    created: bool
    second_factor: bool  # the role must log in with a code after the password (DEMO_TOTP_KEY)


@transaction.atomic
def demo_data_create(*, people: bool = True, full: bool = True) -> list[DemoRow]:
    """Create what is missing; existing accounts keep their passwords and roles. Safe to run again.

    The demo people, their case work, support and community models come too (several seconds' work) unless
    `people` is false, or they exist already. Without `full`, a smaller demo for tests: the people and their case
    work, Phú Thượng's community models, and no support, no Đà Nẵng clubs, no activities, roadmaps nor targets.
    """
    if not OrgUnit.objects.filter(era=CURRENT, level=COMMUNE).exists():
        orgunits_load()
    rows = []
    for spec in DEMO_ACCOUNTS:
        unit = OrgUnit.objects.get(era=CURRENT, level=spec.level, code=spec.code)
        user, created = User.objects.get_or_create(username=spec.username, defaults={"full_name": spec.full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=spec.role, unit=unit)
        needs_code = spec.role in settings.MFA_REQUIRED_ROLES
        rows.append(DemoRow(user.username, user.full_name, str(Role(spec.role).label), unit.name, created, needs_code))
    # The parts of the demo import these accounts: they are imported here, when needed, not at the top.
    from donghanh.demo.casework import demo_casework_create, demo_casework_exist
    from donghanh.demo.community import demo_community_accounts, demo_community_create, demo_community_exist
    from donghanh.demo.lifecycle import relapses_settle
    from donghanh.demo.people import demo_people_create, demo_people_exist
    from donghanh.demo.reports import demo_reports_create, demo_reports_exist
    from donghanh.demo.second_factor import demo_second_factors_create
    from donghanh.demo.support import demo_support_create, demo_support_exist

    if people and not demo_people_exist():
        demo_people_create()
    if people and not demo_casework_exist():
        demo_casework_create()
        relapses_settle(timezone.localdate())  # the possible relapses case work raised in the past year
    if people and full and not demo_support_exist():
        demo_support_create()
    if people and not demo_community_exist():
        demo_community_create(da_nang=full)
    if people and full and not demo_reports_exist():
        demo_reports_create()
    # The accounts whose role must log in with a second factor get the published demo key.
    demo_second_factors_create(
        [spec.username for spec in DEMO_ACCOUNTS] + [a.username for a in demo_community_accounts()]
    )
    return rows
