"""Scope: a user's grants per capability, and the rows they make visible."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import (
    Grant,
    Scope,
    narrowed_roles,
    people_narrowed_for,
    people_narrowing_register,
    scope_for,
)
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

Level = OrgUnit.Level

HANOI = "VN/NP01/"
PHU_THUONG = "VN/NP01/NC00091/"
HAI_CHAU = "VN/NP48/NC20242/"


def test_grants_for_drops_a_grant_nested_in_a_grant_of_the_same_role():
    scope = Scope(1, [Grant(Role.AUDITOR, 2, PHU_THUONG), Grant(Role.AUDITOR, 1, HANOI)])
    assert scope.grants_for(Capability.VIEW_USERS) == [Grant(Role.AUDITOR, 1, HANOI)]


def test_grants_for_keeps_nested_grants_of_different_roles():
    scope = Scope(1, [Grant(Role.PROVINCE_OFFICER, 1, HANOI), Grant(Role.COMMUNE_OFFICER, 2, PHU_THUONG)])
    assert set(scope.grants_for(Capability.VIEW_USERS)) == set(scope.grants)


def test_grants_for_keeps_sibling_grants_of_the_same_role():
    grants = [Grant(Role.COMMUNE_OFFICER, 2, PHU_THUONG), Grant(Role.COMMUNE_OFFICER, 3, HAI_CHAU)]
    assert set(Scope(1, grants).grants_for(Capability.VIEW_USERS)) == set(grants)


def test_a_path_prefix_that_is_not_an_ancestor_is_not_nesting():
    # "VN/NP01/" must not swallow a unit whose code merely starts with 01.
    grants = [Grant(Role.AUDITOR, 1, "VN/NP01/"), Grant(Role.AUDITOR, 2, "VN/NP010/")]
    assert len(Scope(1, grants).grants_for(Capability.VIEW_ACCESS_LOG)) == 2


def test_grants_for_drops_roles_without_the_capability():
    scope = Scope(1, [Grant(Role.VOLUNTEER, 2, PHU_THUONG), Grant(Role.AUDITOR, 3, HAI_CHAU)])
    assert scope.grants_for(Capability.VIEW_USERS) == [Grant(Role.AUDITOR, 3, HAI_CHAU)]
    assert scope.can(Capability.VIEW_ORG_TREE)
    assert not scope.can(Capability.MANAGE_USERS)
    assert scope.can_at(Capability.VIEW_USERS, HAI_CHAU)
    assert not scope.can_at(Capability.VIEW_USERS, PHU_THUONG)
    assert scope.roles == {Role.VOLUNTEER, Role.AUDITOR}


@pytest.mark.django_db
def test_scope_for_reads_the_role_assignments_once_and_caches(make_user, unit, django_assert_num_queries):
    user = make_user(Role.AUDITOR, unit("01", level=Level.PROVINCE))
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR, unit=unit("00091"))
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        scope = scope_for(user)
        assert scope_for(user) is scope
    assert scope.grants_for(Capability.VIEW_ACCESS_LOG) == [
        Grant(Role.AUDITOR, unit("01", level=Level.PROVINCE).pk, HANOI)
    ]


@pytest.mark.django_db
def test_superuser_is_a_national_system_admin(make_user):
    user = make_user(is_superuser=True)
    scope = scope_for(user)
    assert scope.can_at(Capability.MANAGE_USERS, HAI_CHAU)


@pytest.mark.django_db
def test_inactive_or_anonymous_users_have_no_grant(make_user, unit):
    inactive = make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION), is_active=False)
    assert scope_for(inactive).grants == ()
    assert scope_for(AnonymousUser()).grants == ()
    assert not OrgUnit.objects.accessible_to(inactive).exists()


def test_the_apps_above_register_the_narrowed_roles():
    # Case work narrows volunteers, community models their board members; no other role is narrowed.
    assert narrowed_roles() == {Role.VOLUNTEER, Role.BOARD_MEMBER}


def test_a_role_is_narrowed_by_one_app_only():
    def anyone(user: object) -> QuerySet[Person]:
        return Person.objects.none()

    with pytest.raises(ImproperlyConfigured, match="already narrowed"):
        people_narrowing_register(Role.VOLUNTEER, anyone)


def test_an_unnarrowed_role_sees_its_whole_unit():
    grant = Grant(role=Role.COMMUNE_OFFICER, unit_id=None, unit_path="VN/")
    assert people_narrowed_for(grant, object()) is None
