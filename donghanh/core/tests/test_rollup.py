"""Roll-up counts over the tree: one query, whatever the number of units."""

import pytest

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.core.rollup import with_subtree_count
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.tests import package

pytestmark = pytest.mark.django_db

CURRENT = OrgUnit.Era.CURRENT
Level = OrgUnit.Level


def test_communes_per_current_province_in_one_query(django_assert_num_queries):
    provinces = OrgUnit.objects.filter(era=CURRENT, level=Level.PROVINCE)
    communes = OrgUnit.objects.filter(level=Level.COMMUNE)
    rolled = with_subtree_count(provinces, communes, unit_path="path", name="communes")

    with django_assert_num_queries(1):
        counts = {p.code: p.communes for p in rolled}

    assert counts == package.wards_per_current_province()
    assert len(counts) == 34
    assert sum(counts.values()) == 3321


def test_legacy_communes_per_legacy_province():
    provinces = OrgUnit.objects.filter(era=OrgUnit.Era.LEGACY, level=Level.PROVINCE)
    communes = OrgUnit.objects.filter(level=Level.COMMUNE)
    counts = dict(with_subtree_count(provinces, communes, unit_path="path").values_list("code", "subtree_count"))
    assert counts == package.legacy_wards_per_province()


def test_role_assignments_per_province_and_at_the_root(make_user, unit, django_assert_num_queries):
    # Hà Nội: two commune roles and one province role; Đà Nẵng: one; elsewhere: none.
    make_user(Role.COMMUNE_OFFICER, unit("00091"))
    make_user(Role.VOLUNTEER, unit("00091"))
    make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE))
    make_user(Role.COMMUNE_OFFICER, unit("20242"))
    make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION))
    assignments = RoleAssignment.objects.all()

    provinces = with_subtree_count(OrgUnit.objects.filter(era=CURRENT, level=Level.PROVINCE), assignments)
    with django_assert_num_queries(1):
        per_province = {p.code: p.subtree_count for p in provinces}
    assert per_province["01"] == 3
    assert per_province["48"] == 1
    assert sum(per_province.values()) == 4
    assert {code for code, n in per_province.items() if n} == {"01", "48"}

    root = with_subtree_count(OrgUnit.objects.filter(level=Level.NATION), assignments).get()
    assert root.subtree_count == 5

    # The rows may be filtered first: only commune officers.
    officers = with_subtree_count(
        OrgUnit.objects.filter(era=CURRENT, level=Level.PROVINCE, code__in=["01", "48"]),
        assignments.filter(role=Role.COMMUNE_OFFICER),
    )
    assert dict(officers.values_list("code", "subtree_count")) == {"01": 1, "48": 1}
