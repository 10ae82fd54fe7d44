"""Case-work free text is kept encrypted: the database holds Fernet tokens, the application reads the text.

Run on SQLite and on PostgreSQL. The migration's steps (encrypting what was stored in clear, marking the health
text already there) are run here on rows put back in clear.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import PlanDomain
from donghanh.casework.models import Contact, PlanGoal
from donghanh.casework.tests.conftest import LONG_AGO, TODAY
from donghanh.core.crypto import TOKEN_PREFIX
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

migration = importlib.import_module("donghanh.casework.migrations.0009_health_text_and_encrypted_notes")

NOTES = "Đã tư vấn, gia đình hợp tác"
NEXT_STEP = "đi xét nghiệm HIV"
GOAL = "khám sức khỏe, xét nghiệm HIV và viêm gan"


@pytest.fixture
def written(make_user, phu_thuong):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    person = person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=LONG_AGO,
    )
    contact = services.contact_record(
        actor=officer, person=person, date=TODAY, mode="home_visit", notes=NOTES, next_step=NEXT_STEP
    )
    plan = services.plan_create(actor=officer, person=person, start_date=TODAY)
    goal = services.goal_add(actor=officer, plan=plan, domain=PlanDomain.HEALTH, goal=GOAL, actions="Hẹn lịch")
    return contact, goal


def raw(table: str, columns: list[str], key: str, value: int) -> list[tuple[str, ...]]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE {quote(key)} = %s",
            [value],
        )
        return [tuple(row) for row in cursor.fetchall()]


def assert_ciphertext(rows: list[tuple[str, ...]], *plain: str) -> None:
    assert rows
    for row in rows:
        for stored in row:
            assert stored.startswith(TOKEN_PREFIX), stored
            assert all(text not in stored for text in plain)


def test_the_database_holds_only_ciphertext(written):
    contact, goal = written
    assert_ciphertext(raw("casework_contact", ["notes", "next_step"], "id", contact.pk), NOTES, NEXT_STEP)
    assert_ciphertext(raw("casework_historicalcontact", ["notes", "next_step"], "id", contact.pk), NOTES, NEXT_STEP)
    assert_ciphertext(raw("casework_plangoal", ["goal", "actions"], "id", goal.pk), GOAL)
    assert_ciphertext(raw("casework_historicalplangoal", ["goal"], "id", goal.pk), GOAL)
    # The application reads the text, and an empty text stays empty (so "no next step" is still a plain filter).
    assert Contact.objects.get(pk=contact.pk).next_step == NEXT_STEP
    assert PlanGoal.objects.get(pk=goal.pk).goal == GOAL
    assert raw("casework_plangoal", ["review_notes"], "id", goal.pk) == [("",)]
    assert Contact.objects.filter(pk=contact.pk).exclude(next_step="").exists()


def test_the_migration_encrypts_what_was_kept_in_clear(written):
    contact, goal = written
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote('casework_contact')} SET {quote('notes')} = %s, {quote('next_step')} = %s "
            f"WHERE {quote('id')} = %s",
            [NOTES, NEXT_STEP, contact.pk],
        )
        cursor.execute(
            f"UPDATE {quote('casework_historicalplangoal')} SET {quote('goal')} = %s WHERE {quote('id')} = %s",
            [GOAL, goal.pk],
        )
    assert raw("casework_contact", ["next_step"], "id", contact.pk) == [(NEXT_STEP,)]
    migration.texts_encrypt(apps, SimpleNamespace(connection=connection))
    assert_ciphertext(raw("casework_contact", ["notes", "next_step"], "id", contact.pk), NOTES, NEXT_STEP)
    assert_ciphertext(raw("casework_historicalplangoal", ["goal"], "id", goal.pk), GOAL)
    assert Contact.objects.get(pk=contact.pk).notes == NOTES
    before = raw("casework_contact", ["notes"], "id", contact.pk)
    migration.texts_encrypt(apps, SimpleNamespace(connection=connection))  # a token is left as it is
    assert raw("casework_contact", ["notes"], "id", contact.pk) == before


def test_the_migration_marks_the_health_text_already_there(written):
    contact, goal = written
    Contact.objects.filter(pk=contact.pk).update(health_related=False)
    PlanGoal.objects.filter(pk=goal.pk).update(health_related=False)
    migration.health_related_mark(apps, None)
    assert Contact.objects.get(pk=contact.pk).health_related
    assert PlanGoal.objects.get(pk=goal.pk).health_related
    assert apps.get_model("casework", "HistoricalContact").objects.filter(id=contact.pk, health_related=True).exists()
