"""Retention and anonymisation: who is due for which kind of record, what anonymising does to the records and their
history, legal holds, the daily task and the command."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework.models import Contact
from donghanh.core.crypto import LookupHashField
from donghanh.core.tasks import daily_tasks
from donghanh.core.text import fold
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.services import person_update
from donghanh.privacy import retention
from donghanh.privacy.models import Anonymisation, LegalHold
from donghanh.privacy.retention import (
    anonymisation_run,
    left_by,
    legal_hold_lift,
    legal_hold_place,
    people_anonymise,
    people_due,
)
from donghanh.privacy.tasks import anonymise_due_task
from donghanh.reports.tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date
LEFT = D(2024, 3, 1)  # the day the test people leave the roster
YEARS = {"identity": 10, "health": 5, "legal": 10, "casework": 5, "support": 5, "community": 5, "privacy": 10}
SECRET = "Xylanh"  # in every identifier and text of the person anonymised, so any left over is found
CITIZEN_ID = "001090012345"
PHONE = "0912345678"


@pytest.fixture(autouse=True)
def retention_years(settings: Any) -> None:
    settings.RETENTION_YEARS = dict(YEARS)


@pytest.fixture
def world(db: None) -> World:
    return World()


def left_person(world: World, unit: OrgUnit, on: datetime.date = LEFT, **identity: Any) -> Person:
    person = world.person(unit, D(2022, 1, 3), name=identity.pop("name", None))
    if identity:
        person_update(actor=world.officer(unit), person=person, expected_version=None, **identity)
    world.take_off(person, on)
    person.refresh_from_db()
    return person


def due(kind: str, on: datetime.date) -> set[int]:
    return set(people_due(kind, on).values_list("pk", flat=True))


# --- who is due -----------------------------------------------------------------------------------------------------


def test_a_person_on_the_roster_is_never_due(world: World, phu_thuong: OrgUnit) -> None:
    person = world.person(phu_thuong, D(2010, 1, 4))
    for kind in YEARS:
        assert person.pk not in due(kind, D(2090, 1, 1))
    assert anonymisation_run(on=D(2090, 1, 1)) == dict.fromkeys(YEARS, 0)
    assert not Anonymisation.objects.exists()


def test_each_kind_is_due_its_years_after_the_person_left(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    eleven_years_on = D(2035, 3, 1)
    assert {kind for kind in YEARS if person.pk in due(kind, eleven_years_on)} == set(YEARS)
    # Ten years after leaving, to the day: identity is due; the day before it is not, and health was due 5 years on.
    assert person.pk in due("identity", D(2034, 3, 1))
    assert person.pk not in due("identity", D(2034, 2, 28))
    assert person.pk in due("health", D(2029, 3, 1))
    assert person.pk not in due("health", D(2029, 2, 28))


def test_the_day_of_leaving_is_the_latest_of_the_last_period_and_the_death(world: World, phu_thuong: OrgUnit) -> None:
    back = left_person(world, phu_thuong, D(2023, 5, 2))
    world.rejoin(back, D(2024, 1, 10))
    world.take_off(back, D(2024, 6, 3))
    died = world.person(phu_thuong)
    world.die(died, D(2024, 8, 5))
    never = world.person(phu_thuong)
    ManagementPeriod.objects.filter(person=never).delete()
    left = dict(retention.people_retention().filter(pk__in=[back.pk, died.pk, never.pk]).values_list("pk", "left_on"))
    assert left[back.pk] == D(2024, 6, 3)
    assert left[died.pk] == D(2024, 8, 5)
    assert left[never.pk] == timezone.localdate(never.created_at)  # the day in Việt Nam
    assert back.pk not in due("identity", D(2034, 6, 2)) and back.pk in due("identity", D(2034, 6, 3))


def test_a_legal_hold_stops_it_and_lifting_it_makes_the_person_due_again(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    police = world.user(Role.COMMUNE_POLICE, phu_thuong)
    hold = legal_hold_place(actor=police, person=person, reason="Vụ án đang điều tra")
    on = D(2035, 3, 1)
    assert all(person.pk not in due(kind, on) for kind in YEARS)
    assert anonymisation_run(on=on) == dict.fromkeys(YEARS, 0)
    assert Person.objects.get(pk=person.pk).full_name == person.full_name

    legal_hold_lift(actor=police, hold=hold, reason="Đã kết thúc điều tra")
    assert all(person.pk in due(kind, on) for kind in YEARS)
    assert anonymisation_run(on=on) == dict.fromkeys(YEARS, 1)


def test_a_hold_placed_after_the_list_was_read_is_seen_by_the_batch(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    listed = list(people_due("identity", D(2035, 3, 1)).values_list("pk", flat=True))
    legal_hold_place(actor=world.officer(phu_thuong.parent), person=person, reason="Tranh chấp")
    assert people_anonymise(kind="identity", person_ids=listed, on=D(2035, 3, 1)) == 0
    assert not Anonymisation.objects.exists()


def test_each_kind_is_done_once(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    assert anonymisation_run(on=D(2030, 1, 1)) == {**dict.fromkeys(YEARS, 0), **dict.fromkeys(
        ("health", "casework", "support", "community"), 1
    )}  # fmt: skip
    assert anonymisation_run(on=D(2030, 1, 2)) == dict.fromkeys(YEARS, 0)
    assert anonymisation_run(on=D(2035, 1, 1)) == {**dict.fromkeys(YEARS, 0), **dict.fromkeys(
        ("identity", "legal", "privacy"), 1
    )}  # fmt: skip
    assert sorted(Anonymisation.objects.filter(person=person).values_list("kind", flat=True)) == sorted(YEARS)
    assert Anonymisation.objects.get(person=person, kind="legal").rows > 0


def test_the_last_day_of_leaving_on_29_february() -> None:
    assert left_by(D(2027, 2, 28), 1) == D(2026, 2, 28)
    assert left_by(D(2029, 2, 28), 1) == D(2028, 2, 29)  # left 29/02/2028: due 28/02/2029
    assert left_by(D(2028, 2, 28), 4) == D(2024, 2, 28)  # due 29/02/2028, not yet


def test_holds_are_placed_with_a_reason_by_those_who_manage_retention(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    with pytest.raises(ValidationError) as refused:
        legal_hold_place(actor=world.officer(phu_thuong.parent), person=person, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        legal_hold_place(actor=world.officer(phu_thuong), person=person, reason="Điều tra")  # a commune officer
    hold = legal_hold_place(actor=world.officer(phu_thuong.parent), person=person, reason="Điều tra")
    with pytest.raises(ValidationError):
        legal_hold_place(actor=world.officer(phu_thuong.parent), person=person, reason="Lần nữa")
    with pytest.raises(ValidationError) as refused:
        legal_hold_lift(actor=world.officer(phu_thuong.parent), hold=hold, reason="")
    assert "lift_reason" in refused.value.message_dict
    legal_hold_lift(actor=world.officer(phu_thuong.parent), hold=hold, reason="Xong")
    with pytest.raises(ValidationError):
        legal_hold_lift(actor=world.officer(phu_thuong.parent), hold=hold, reason="Lần nữa")
    hold.refresh_from_db()
    assert hold.lifted_by == world.officer(phu_thuong.parent) and hold.history.count() == 2


# --- what anonymising does ------------------------------------------------------------------------------------------


def _text_values(row: models.Model) -> list[str]:
    return [
        str(getattr(row, f.attname) or "")
        for f in row._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _leftovers(secrets: list[str]) -> list[str]:
    """Where any of the secrets is still found, in any table of the database (read through the models, so
    encrypted columns are read as their plain text)."""
    found = []
    for model in apps.get_models():
        for row in model._default_manager.all():
            for value in _text_values(row):
                if any(secret in fold(value) for secret in secrets):
                    found.append(f"{model._meta.label}: {value}")
    return found


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_anonymising_removes_names_identifiers_contacts_addresses_and_free_text_history_included(
    world: World, phu_thuong: OrgUnit
) -> None:
    officer = world.officer(phu_thuong)
    person = world.person(phu_thuong, name=f"Nguyễn Văn {SECRET}")
    person_update(
        actor=officer, person=person, expected_version=None, other_names=f"Tí {SECRET}", citizen_id=CITIZEN_ID,
        phone=PHONE, birth_date=D(1990, 5, 17), current_hamlet=f"Tổ 5 {SECRET}", current_street=f"12 ngõ {SECRET}",
        permanent_street=f"3 phố {SECRET}", family_contacts=f"Mẹ {SECRET} 0987654321", needs=f"Việc làm {SECRET}",
        occupation=f"Thợ {SECRET}",
    )  # fmt: skip
    person.refresh_from_db()
    person_update(actor=officer, person=person, expected_version=None, phone="0911111111")  # a second history row
    contact = world.contact(person, D(2024, 2, 5))
    Contact.objects.filter(pk=contact.pk).update(notes=f"Gặp {SECRET} tại nhà", next_step=f"Gọi {SECRET}")
    contact.refresh_from_db()
    contact._history_user = officer  # type: ignore[attr-defined]
    contact.save()  # history rows with the notes
    world.whereabouts(person, "at_residence", D(2024, 2, 10))
    WhereaboutsRecord.objects.filter(person=person).update(place=f"Nhà {SECRET}")
    world.take_off(person, LEFT)
    person.refresh_from_db()
    before = _counts()
    structured = Person.objects.filter(pk=person.pk).values("code", "sex", "birth_year", "ethnicity", "unit", "died_on")
    structured_before = list(structured)
    contact_before = Contact.objects.filter(pk=contact.pk).values("date", "mode", "topics", "volunteer", "person")
    contact_before_values = list(contact_before)
    assert _leftovers([fold(SECRET), CITIZEN_ID, PHONE])  # the test would see them

    assert anonymisation_run(on=D(2040, 1, 1)) == dict.fromkeys(YEARS, 1)

    assert _leftovers([fold(SECRET), CITIZEN_ID, PHONE, "0911111111"]) == []
    person.refresh_from_db()
    assert person.full_name == person.code
    assert person.search_name == fold(person.code)
    assert (person.other_names, person.citizen_id, person.phone, person.current_street, person.needs) == ("",) * 5
    assert person.birth_date is None
    for hash_field in [f for f in Person._meta.concrete_fields if isinstance(f, LookupHashField)]:
        assert getattr(person, hash_field.attname) == ""
    assert list(structured) == structured_before
    assert {h.full_name for h in person.history.all()} == {person.code}
    assert {h.phone for h in person.history.all()} == {""}
    assert {h.birth_date for h in person.history.all()} == {None}
    assert list(contact_before) == contact_before_values
    assert {(h.notes, h.next_step) for h in Contact.history.filter(id=contact.pk)} == {("", "")}
    assert Contact.history.filter(id=contact.pk).count() == 2
    assert _counts() == {**before, "privacy.Anonymisation": before["privacy.Anonymisation"] + len(YEARS)}
    assert Anonymisation.objects.get(person=person, kind="identity").rows == 1 + person.history.count()


def test_records_merged_into_the_person_lose_their_identity_too(world: World, phu_thuong: OrgUnit) -> None:
    keep = world.person(phu_thuong, name=f"Lê Văn {SECRET}")
    duplicate = world.person(phu_thuong, name=f"Lê Văn {SECRET} B")
    world.merge(keep, duplicate)
    world.take_off(keep, LEFT)
    assert duplicate.pk not in due("identity", D(2040, 1, 1))
    anonymisation_run(on=D(2040, 1, 1))
    duplicate.refresh_from_db()
    assert duplicate.full_name == duplicate.code
    assert _leftovers([fold(SECRET)]) == []


def test_a_consent_given_by_a_guardian_keeps_a_mark_where_the_name_must_be(world: World, phu_thuong: OrgUnit) -> None:
    from donghanh.privacy.models import Consent

    person = left_person(world, phu_thuong)
    consent = Consent.objects.create(
        person=person, purpose="messages", given_by="guardian", guardian_name=f"Bà {SECRET}", guardian_relation="mẹ",
        method="verbal", witness=f"Ông {SECRET}", given_on=D(2024, 1, 5), recorded_by=world.officer(phu_thuong),
    )  # fmt: skip
    anonymisation_run(on=D(2040, 1, 1))
    consent.refresh_from_db()
    assert (consent.guardian_name, consent.witness, consent.guardian_relation) == (retention.REMOVED_MARK, "", "")
    assert consent.given_by == "guardian" and consent.given_on == D(2024, 1, 5)


# --- the daily task and the command ---------------------------------------------------------------------------------


def test_the_daily_task_is_registered_and_anonymises(world: World, phu_thuong: OrgUnit, settings: Any) -> None:
    assert anonymise_due_task in daily_tasks()
    person = left_person(world, phu_thuong, D(2024, 3, 1))
    settings.RETENTION_YEARS = dict.fromkeys(YEARS, 0)
    result = anonymise_due_task.enqueue()
    assert result.return_value == dict.fromkeys(YEARS, 1)
    assert Person.objects.get(pk=person.pk).full_name == person.code


def test_the_command_counts_per_kind_and_its_dry_run_writes_nothing(world: World, phu_thuong: OrgUnit) -> None:
    person = left_person(world, phu_thuong)
    out = StringIO()
    call_command("anonymise_due", "--dry-run", "--on", "2030-01-01", stdout=out)
    assert "health\t1" in out.getvalue() and "identity\t0" in out.getvalue()
    assert not Anonymisation.objects.exists()
    assert Person.objects.get(pk=person.pk).full_name == person.full_name
    call_command("anonymise_due", "--on", "2035-03-01", stdout=StringIO())
    assert Anonymisation.objects.filter(person=person).count() == len(YEARS)
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("anonymise_due", "--on", "01/03/2035")


def test_the_batches_go_through_every_person_due(world: World, phu_thuong: OrgUnit) -> None:
    people = [left_person(world, phu_thuong) for _ in range(5)]
    assert anonymisation_run(on=D(2040, 1, 1), batch=2)["identity"] == 5
    assert set(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("full_name", flat=True)) == {
        p.code for p in people
    }
    assert LegalHold.objects.count() == 0
