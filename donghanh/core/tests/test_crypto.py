"""Encryption at rest: what the database holds, key rotation, lookups by CCCD and phone, and the settings that refuse
to start without keys."""

from __future__ import annotations

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.core import crypto
from donghanh.core.tests.test_security import PRODUCTION, random_secret, run_manage
from donghanh.people import services
from donghanh.people.choices import Sex
from donghanh.people.models import HealthStatus, Person
from donghanh.people.selectors import filter_by_identifier

CCCD = "001090012345"
PHONE = "0912345678"
STREET = "Số 12 ngõ 34 Phú Thượng"
CONTACTS = "Mẹ: Trần Thị Lan, 0987654321"


def raw_row(table: str, pk_column: str, pk: int, columns: list[str]) -> dict[str, str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE {quote(pk_column)} = %s",
            [pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def hung(officer, phu_thuong):
    return services.person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=datetime.date(2025, 9, 1),
        citizen_id=CCCD,
        phone=PHONE,
        current_street=STREET,
        family_contacts=CONTACTS,
    )


ENCRYPTED_PERSON_COLUMNS = ["citizen_id", "phone", "current_street", "family_contacts"]


def test_a_value_round_trips_and_an_empty_one_stays_empty():
    token = crypto.encrypt("Nguyễn Văn Hùng")
    assert token.startswith(crypto.TOKEN_PREFIX)
    assert "Hùng" not in token
    assert crypto.decrypt(token) == "Nguyễn Văn Hùng"
    assert crypto.encrypt("") == ""
    assert crypto.encrypt(CCCD) != crypto.encrypt(CCCD)  # a fresh IV each time


def test_a_changed_token_is_refused_not_read_as_something_else():
    token = crypto.encrypt(CCCD)
    tampered = token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:]
    with pytest.raises(crypto.UnreadableValue):
        crypto.decrypt(tampered)


@pytest.mark.django_db
def test_the_database_holds_only_ciphertext_of_identifiers_and_free_text(hung):
    row = raw_row("people_person", "id", hung.pk, [*ENCRYPTED_PERSON_COLUMNS, "citizen_id_hash", "phone_hash"])
    for column in ENCRYPTED_PERSON_COLUMNS:
        assert row[column].startswith(crypto.TOKEN_PREFIX), column
    stored = " ".join(row.values())
    for plain in (CCCD, PHONE, "0987654321", "Phú Thượng", "Trần Thị Lan"):
        assert plain not in stored
    assert row["citizen_id_hash"] == crypto.lookup_hash(CCCD) and len(row["citizen_id_hash"]) == 64
    # The history keeps the same ciphertext, never the plain text.
    history_id = Person.history.filter(id=hung.pk).latest("history_id").history_id
    history = raw_row("people_historicalperson", "history_id", history_id, ENCRYPTED_PERSON_COLUMNS)
    assert all(value.startswith(crypto.TOKEN_PREFIX) for value in history.values())
    # Python reads the plain text.
    again = Person.objects.get(pk=hung.pk)
    assert (again.citizen_id, again.phone, again.family_contacts) == (CCCD, PHONE, CONTACTS)
    assert Person.objects.filter(pk=hung.pk).values_list("current_street", flat=True).get() == STREET


@pytest.mark.django_db
def test_health_notes_are_ciphertext_too(hung, make_user, phu_thuong):
    HealthStatus.objects.create(person=hung, other_conditions="Viêm gan C, đang điều trị")
    [stored] = raw_row("people_healthstatus", "person_id", hung.pk, ["other_conditions"]).values()
    assert stored.startswith(crypto.TOKEN_PREFIX) and "Viêm gan" not in stored


@pytest.mark.django_db
def test_an_encrypted_field_cannot_be_searched_by_its_text():
    with pytest.raises(FieldError, match="lookup hash"):
        list(Person.objects.filter(phone__icontains="0912"))
    assert list(Person.objects.filter(phone="")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [CCCD, "001 090 012 345", "001.090.012.345"])
def test_people_are_found_by_cccd_as_typed(hung, typed):
    assert list(filter_by_identifier(Person.objects.all(), typed)) == [hung]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [PHONE, "+84 912 345 678", "84912345678", "0912.345.678"])
def test_people_are_found_by_phone_as_typed(hung, typed):
    assert list(filter_by_identifier(Person.objects.all(), typed)) == [hung]


@pytest.mark.django_db
def test_the_people_list_finds_a_person_by_cccd_or_phone_and_not_by_part_of_one(client, officer, hung):
    client.force_login(officer)
    url = reverse("people:list")
    for typed in ("001 090 012 345", "+84912345678"):
        assert hung.code in client.get(url, {"q": typed}).content.decode(), typed
    assert hung.code not in client.get(url, {"q": "0912"}).content.decode()


@pytest.mark.django_db
def test_a_cccd_registered_twice_is_refused_through_its_hash(officer, phu_thuong, hung):
    with pytest.raises(services.DuplicateCitizenId):
        services.person_register(
            actor=officer,
            unit=phu_thuong,
            full_name="Nguyễn Văn Hùng",
            sex=Sex.MALE,
            birth_year=1990,
            registered_on=datetime.date(2025, 9, 2),
            citizen_id=CCCD,
        )


@pytest.mark.django_db(transaction=False)
def test_rotation_re_encrypts_every_value_with_the_newest_key(officer, phu_thuong):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        person = services.person_register(
            actor=officer,
            unit=phu_thuong,
            full_name="Lê Văn An",
            sex=Sex.MALE,
            birth_year=1988,
            registered_on=datetime.date(2025, 9, 1),
            citizen_id="001088001234",
            phone="0911222333",
        )
        before = raw_row("people_person", "id", person.pk, ["citizen_id", "phone"])
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert Person.objects.get(pk=person.pk).citizen_id == "001088001234"  # the old key still reads
        call_command("encryption_rotate", batch=1, stdout=io.StringIO())
        after = raw_row("people_person", "id", person.pk, ["citizen_id", "phone"])
    assert all(after[c] != before[c] and after[c].startswith(crypto.TOKEN_PREFIX) for c in after)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # the old key has left the list
        again = Person.objects.get(pk=person.pk)
        assert (again.citizen_id, again.phone) == ("001088001234", "0911222333")
        history = Person.history.filter(id=person.pk).first()
        assert history is not None and history.citizen_id == "001088001234"
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]), pytest.raises(crypto.UnreadableValue):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_rotation_stops_before_writing_when_a_value_no_key_reads(hung):
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match="no key decrypts it"),
    ):
        call_command("encryption_rotate", stdout=io.StringIO())
    assert Person.objects.get(pk=hung.pk).citizen_id == CCCD


@pytest.mark.django_db
def test_the_migration_step_encrypts_plain_values_left_from_before_and_leaves_tokens_alone(hung):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE people_person SET {quote('needs')} = %s WHERE id = %s", ["Cần việc làm", hung.pk])
    token_before = raw_row("people_person", "id", hung.pk, ["citizen_id"])["citizen_id"]

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    crypto.encrypt_stored(None, editor, table="people_person", columns=["needs", "citizen_id"])
    row = raw_row("people_person", "id", hung.pk, ["needs", "citizen_id"])
    assert row["needs"].startswith(crypto.TOKEN_PREFIX) and row["citizen_id"] == token_before
    assert Person.objects.get(pk=hung.pk).needs == "Cần việc làm"


def test_production_refuses_to_start_without_an_encryption_key():
    env = {**PRODUCTION, "SECRET_KEY": random_secret(), "FIELD_ENCRYPTION_KEYS": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must name at least one key" in result.stderr
    result = run_manage("check", **{**env, "FIELD_ENCRYPTION_KEYS": "not-a-key"})
    assert "is not a Fernet key" in result.stderr
    result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": random_secret(), "FIELD_LOOKUP_KEY": "short"})
    assert "FIELD_LOOKUP_KEY must be a random value of at least 32 characters" in result.stderr


def test_local_settings_generate_keys_once_into_var(tmp_path):
    script = "from django.conf import settings; print(settings.FIELD_ENCRYPTION_KEYS[0], settings.FIELD_LOOKUP_KEY)"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DONGHANH_VAR_DIR": str(tmp_path)}
    first = run_manage("shell", "--no-imports", "-c", script, **env)
    assert first.returncode == 0, first.stderr
    second = run_manage("shell", "--no-imports", "-c", script, **env)
    assert first.stdout == second.stdout
    key, lookup = first.stdout.split()
    Fernet(key)
    assert len(lookup) >= 32
    assert (tmp_path / "field-keys").stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_an_encrypted_field_compared_with_a_value_is_refused_rather_than_finding_nobody():
    with pytest.raises(FieldError, match="compared only with"):
        list(Person.objects.filter(citizen_id=CCCD))
