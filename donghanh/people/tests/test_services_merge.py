"""Writes to the people registry: merging a duplicate record into the one kept.

State is built through the services only; each write is checked for what it refuses, what it
stores and the change history it leaves (with the actor).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.selectors import status_as_of
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.people.models import (
    AddictionDetermination,
    DrugTest,
    DrugUseHistory,
    HealthStatus,
    ManagementPeriod,
    Person,
    WhereaboutsRecord,
)
from donghanh.people.selectors import filter_by_name, people_for_user
from donghanh.people.services import (
    determination_add,
    drug_test_add,
    drug_use_record,
    health_record,
    person_merge,
    person_transfer,
    whereabouts_record,
)
from donghanh.people.tests.test_services import BA_DINH, HAI_CHAU, PHU_THUONG, D, errors_of, register

pytestmark = pytest.mark.django_db


def grant(user, role, at) -> None:
    """Give an existing user one more role (the scope is cached on the user object)."""
    RoleAssignment.objects.create(user=user, role=role, unit=at)
    user.__dict__.pop("_donghanh_scope", None)


# --- merge -------------------------------------------------------------------------------------


@pytest.fixture
def nurse(make_user, phu_thuong):
    return make_user(Role.HEALTH_STAFF, phu_thuong)


def test_everything_attached_to_the_duplicate_follows_the_kept_record(officer, nurse, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2025, 9, 10))
    episode = episode_open(
        actor=officer, person=duplicate, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2025, 9, 10)
    )
    test = drug_test_add(
        actor=officer,
        person=duplicate,
        date=D(2025, 10, 1),
        sample="urine",
        tested_by="Trạm y tế Phú Thượng",
        results={"heroin": "negative", "methamphetamine": "positive"},
    )
    determination = determination_add(
        actor=officer, person=duplicate, date=D(2025, 10, 2), facility="Trạm y tế", criteria_met=4
    )
    where = whereabouts_record(actor=officer, person=duplicate, status=Whereabouts.IN_FACILITY, since=D(2025, 11, 1))
    drug_use = drug_use_record(actor=officer, person=duplicate, substances=["heroin"], injecting=True)
    health = health_record(actor=nurse, person=duplicate, hiv_status="positive", hiv_test_date=D(2025, 10, 3))

    person_merge(actor=officer, keep=keep, duplicate=duplicate)

    assert Episode.objects.get(pk=episode.pk).person == keep
    moved_test = DrugTest.objects.get(pk=test.pk)
    assert moved_test.person == keep
    assert {(r.substance, r.result) for r in moved_test.results.all()} == {
        ("heroin", "negative"),
        ("methamphetamine", "positive"),
    }
    assert AddictionDetermination.objects.get(pk=determination.pk).person == keep
    assert WhereaboutsRecord.objects.get(pk=where.pk).person == keep
    assert keep.whereabouts_records.count() == 3  # both registrations' records and the facility
    assert DrugUseHistory.objects.get(pk=drug_use.pk).person == keep
    assert DrugUseHistory.objects.get(person=keep).injecting is True
    assert HealthStatus.objects.get(pk=health.pk).person == keep
    # Nothing points at the duplicate any more, through any relation of Person.
    for relation in Person._meta.related_objects:
        if relation.related_model is Person:
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: duplicate})
        assert not rows.exists(), relation.related_model._meta.label


def test_where_both_have_a_one_to_one_record_the_kept_records_is_kept(officer, nurse, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2025, 9, 10))
    kept_use = drug_use_record(actor=officer, person=keep, substances=["methamphetamine"])
    dropped_use = drug_use_record(actor=officer, person=duplicate, substances=["heroin", "cannabis"])
    kept_health = health_record(actor=nurse, person=keep, hiv_status="negative")
    dropped_health = health_record(actor=nurse, person=duplicate, hiv_status="positive")

    person_merge(actor=officer, keep=keep, duplicate=duplicate)

    assert DrugUseHistory.objects.get(person=keep).pk == kept_use.pk
    assert DrugUseHistory.objects.get(person=keep).substances == ["methamphetamine"]
    assert not DrugUseHistory.objects.filter(pk=dropped_use.pk).exists()
    assert HealthStatus.objects.get(person=keep).pk == kept_health.pk
    assert HealthStatus.objects.get(person=keep).hiv_status == "negative"
    assert not HealthStatus.objects.filter(pk=dropped_health.pk).exists()
    # The dropped records stay in the change history, deleted by the actor.
    deleted = DrugUseHistory.history.filter(id=dropped_use.pk, history_type="-").get()
    assert (deleted.substances, deleted.history_user) == (["heroin", "cannabis"], officer)


def test_the_duplicate_is_marked_and_its_name_becomes_another_name(officer, phu_thuong):
    keep = register(officer, phu_thuong, other_names="Hùng Còi", on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyễn Văn Hưng", on=D(2025, 9, 10))
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep
    assert [n.strip() for n in keep.other_names.split(",")] == ["Hùng Còi", "Nguyễn Văn Hưng"]
    assert "nguyen van hung" in keep.search_name and "hung coi" in keep.search_name


def test_the_duplicates_name_is_added_even_when_it_is_part_of_another_name(officer, phu_thuong):
    # "Văn Hùng" is a name of its own, not already recorded because "Hoàng Văn Hùng" contains it.
    keep = register(officer, phu_thuong, other_names="Hoàng Văn Hùng", on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Văn Hùng", on=D(2025, 9, 10))
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert [n.strip() for n in keep.other_names.split(",")] == ["Hoàng Văn Hùng", "Văn Hùng"]


def test_the_duplicates_other_names_follow_too(officer, phu_thuong):
    keep = register(officer, phu_thuong, other_names="Hùng Còi", on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyễn Văn Hưng", other_names="Tý, Hùng Còi", on=D(2025, 9, 10))
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert [n.strip() for n in keep.other_names.split(",")] == ["Hùng Còi", "Nguyễn Văn Hưng", "Tý"]
    assert list(filter_by_name(people_for_user(officer), "ty")) == [keep]


def test_the_same_name_is_not_added_twice(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyễn Văn Hùng", on=D(2025, 9, 10))
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.other_names == ""


def test_the_kept_record_takes_the_duplicates_citizen_id_when_it_has_none(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", citizen_id="001090012345", on=D(2025, 9, 10))
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert (keep.citizen_id, keep.id_kind) == ("001090012345", "cccd")


def test_merge_history_gives_the_reasons_and_the_actor(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2025, 9, 10))
    determination = determination_add(
        actor=officer, person=duplicate, date=D(2025, 10, 2), facility="Trạm y tế", criteria_met=1
    )
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    latest_keep, latest_duplicate = keep.history.latest(), duplicate.history.latest()
    assert latest_keep.history_change_reason == f"merged {duplicate.code}"
    assert latest_duplicate.history_change_reason == f"merged into {keep.code}"
    moved = AddictionDetermination.history.filter(id=determination.pk).latest()
    assert moved.history_change_reason == f"merged from {duplicate.code}"
    assert {latest_keep.history_user, latest_duplicate.history_user, moved.history_user} == {officer}


def test_periods_of_the_duplicate_follow_where_they_do_not_overlap_and_are_dropped_where_they_do(
    officer, phu_thuong, make_user, unit
):
    ba_dinh = unit(BA_DINH)
    ba_dinh_officer = make_user(Role.COMMUNE_OFFICER, ba_dinh)
    # The duplicate: Ba Đình 01/08–30/09/2025, then Phú Thượng from 01/10/2025.
    duplicate = register(ba_dinh_officer, ba_dinh, "Nguyen Van Hung", on=D(2025, 8, 1))
    person_transfer(actor=ba_dinh_officer, person=duplicate, to_unit=phu_thuong, on=D(2025, 10, 1))
    # The kept record: Phú Thượng from 01/11/2025.
    keep = register(officer, phu_thuong, on=D(2025, 11, 1))
    dropped = duplicate.periods.get(unit=phu_thuong)

    person_merge(actor=officer, keep=keep, duplicate=duplicate)

    periods = [(p.unit.code, p.start_date, p.end_date) for p in keep.periods.order_by("start_date")]
    assert periods == [(BA_DINH, D(2025, 8, 1), D(2025, 9, 30)), (PHU_THUONG, D(2025, 11, 1), None)]
    assert not duplicate.periods.exists()
    deleted = ManagementPeriod.history.filter(id=dropped.pk, history_type="-").get()
    assert deleted.history_user == officer

    hanoi_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    [in_august] = status_as_of(hanoi_officer, D(2025, 8, 15))
    assert (in_august, in_august.unit_at) == (keep, ba_dinh.pk)
    assert list(status_as_of(hanoi_officer, D(2025, 10, 15))) == []  # the dropped period counts no one


def test_after_a_merge_counts_on_past_dates_do_not_double_and_the_duplicate_disappears(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2025, 9, 10))
    for record in (keep, duplicate):
        episode_open(
            actor=officer, person=record, episode_type=EpisodeType.METHADONE, start_date=D(2025, 9, 15), facility="CS"
        )
    day = D(2025, 12, 1)
    assert status_as_of(officer, day).count() == 2
    assert status_as_of(officer, day, episode_types=[EpisodeType.METHADONE]).count() == 2

    person_merge(actor=officer, keep=keep, duplicate=duplicate)

    assert list(status_as_of(officer, day)) == [keep]
    assert list(status_as_of(officer, day, episode_types=[EpisodeType.METHADONE])) == [keep]
    assert list(status_as_of(officer, D(2025, 9, 12))) == [keep]
    assert list(people_for_user(officer)) == [keep]
    assert list(filter_by_name(people_for_user(officer), "nguyen van hung")) == [keep]


def test_merging_a_record_with_itself_or_a_merged_record_is_refused(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2025, 9, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2025, 9, 10))
    third = register(officer, phu_thuong, "Nguyễn V. Hùng", on=D(2025, 9, 11))
    with pytest.raises(ValidationError):
        person_merge(actor=officer, keep=keep, duplicate=keep)
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError):
        person_merge(actor=officer, keep=duplicate, duplicate=third)
    with pytest.raises(ValidationError):
        person_merge(actor=officer, keep=third, duplicate=duplicate)


def test_merging_needs_the_right_to_manage_both_records(officer, phu_thuong, make_user, unit):
    hai_chau = unit(HAI_CHAU)
    keep = register(officer, phu_thuong)
    duplicate = register(make_user(Role.COMMUNE_OFFICER, hai_chau), hai_chau, "Nguyen Van Hung")
    with pytest.raises(PermissionDenied):
        person_merge(actor=officer, keep=keep, duplicate=duplicate)
    grant(officer, Role.COMMUNE_OFFICER, hai_chau)
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_a_merge_that_would_make_two_measures_clash_is_refused_and_changes_nothing(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2024, 1, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2024, 1, 2))
    for person, start in ((keep, D(2024, 7, 1)), (duplicate, D(2024, 8, 1))):
        episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=start)
    with pytest.raises(ValidationError) as excinfo:
        person_merge(actor=officer, keep=keep, duplicate=duplicate)
    assert "start_date" in errors_of(excinfo)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert Episode.objects.filter(person=duplicate).count() == 1


def test_a_citizen_id_taken_from_the_duplicate_must_fit_the_kept_identity(officer, phu_thuong):
    keep = register(officer, phu_thuong, birth_year=1985, on=D(2024, 1, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", citizen_id="001090012345", on=D(2024, 1, 2))
    with pytest.raises(ValidationError) as excinfo:
        person_merge(actor=officer, keep=keep, duplicate=duplicate)
    assert "birth_year" in errors_of(excinfo)
    keep.refresh_from_db()
    assert keep.citizen_id == ""


def test_a_measure_recorded_on_both_records_is_kept_once(officer, phu_thuong):
    keep = register(officer, phu_thuong, on=D(2024, 1, 1))
    duplicate = register(officer, phu_thuong, "Nguyen Van Hung", on=D(2024, 1, 2))
    for person in (keep, duplicate):
        episode_open(
            actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1)
        )
    person_merge(actor=officer, keep=keep, duplicate=duplicate)
    assert list(keep.episodes.values_list("episode_type", "start_date")) == [
        (EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    ]
    assert not Episode.objects.filter(person=duplicate).exists()
