"""A volunteer's scope: the people assigned to them, for as long as the assignment runs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.models import Assignment, Contact, Volunteer
from donghanh.episodes.selectors import status_as_of
from donghanh.people.choices import Sex
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def people(officer, phu_thuong):
    return [
        person_register(
            actor=officer, unit=phu_thuong, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=D(2025, 1, 2)
        )
        for name in ("Nguyễn Văn Hùng", "Trần Văn Nam", "Lê Văn Bình")
    ]


@pytest.fixture
def volunteer(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong)


def test_a_volunteer_sees_only_the_people_assigned_to_them(volunteer, people, assign_volunteer):
    hung, nam, _binh = people
    assign_volunteer(volunteer, hung)
    assign_volunteer(volunteer, nam)
    assert set(Person.objects.accessible_to(volunteer)) == {hung, nam}
    assert {w.person for w in WhereaboutsRecord.objects.accessible_to(volunteer)} == {hung, nam}
    assert set(status_as_of(volunteer, timezone.localdate())) == {hung, nam}


def test_access_ends_with_the_assignment(volunteer, people, officer, assign_volunteer):
    hung = people[0]
    assignment = assign_volunteer(volunteer, hung)
    services.contact_record(actor=volunteer, person=hung, date=timezone.localdate(), mode="home_visit")
    assert Contact.objects.accessible_to(volunteer).count() == 1
    services.assignment_end(
        actor=officer, assignment=assignment, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert list(Person.objects.accessible_to(volunteer)) == []
    assert list(Contact.objects.accessible_to(volunteer)) == []
    assert list(status_as_of(volunteer, timezone.localdate())) == []
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=volunteer, person=hung, date=timezone.localdate(), mode="phone")


def test_an_assignment_starting_later_gives_no_access_yet(volunteer, people, assign_volunteer):
    assign_volunteer(volunteer, people[0], start=timezone.localdate() + datetime.timedelta(days=3))
    assert list(Person.objects.accessible_to(volunteer)) == []


def test_a_volunteer_writes_only_for_their_people(volunteer, people, assign_volunteer):
    hung, nam, _binh = people
    assign_volunteer(volunteer, hung)
    services.contact_record(actor=volunteer, person=hung, date=timezone.localdate(), mode="phone")
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=volunteer, person=nam, date=timezone.localdate(), mode="phone")


def test_a_volunteer_sees_their_own_volunteer_record_only(volunteer, make_user, people, assign_volunteer, phu_thuong):
    other = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, people[0])
    assign_volunteer(other, people[1])
    assert list(Volunteer.objects.accessible_to(volunteer)) == [Volunteer.objects.get(user=volunteer)]
    assert [a.person for a in Assignment.objects.accessible_to(volunteer)] == [people[0]]


def test_a_second_role_elsewhere_keeps_its_whole_unit(volunteer, people, hai_chau, officer, assign_volunteer):
    # A Hải Châu officer who also volunteers in Phú Thượng: all of Hải Châu, one person of Phú Thượng.
    RoleAssignment.objects.create(user=volunteer, role=Role.COMMUNE_OFFICER, unit=hai_chau)
    there = person_register(actor=volunteer, unit=hai_chau, full_name="Phan Văn Hải", sex=Sex.MALE, birth_year=1988)
    assign_volunteer(volunteer, people[2])
    assert set(Person.objects.accessible_to(volunteer)) == {there, people[2]}


def test_the_officer_sees_the_whole_commune(officer, people, volunteer, assign_volunteer):
    assign_volunteer(volunteer, people[0])
    assert set(Person.objects.accessible_to(officer)) == set(people)
