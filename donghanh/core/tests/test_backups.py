"""`manage.py backup` then `manage.py restore` into a fresh, empty database gives back every table with the same
rows (counts and checksums), on the database the suite runs on; a restore refuses a database that is not empty."""

from __future__ import annotations

import copy
import sqlite3
import stat
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from donghanh.accounts.roles import Role
from donghanh.core.backups import checksums, restore_to, table_checksums
from donghanh.people.choices import Sex
from donghanh.people.services import person_register


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database beside the test one (a file for SQLite), as (vendor, settings, DB-API connector)."""
    default = connections["default"].settings_dict
    vendor = connections["default"].vendor
    settings_dict = copy.deepcopy(default)
    if vendor != "postgresql":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield vendor, settings_dict, lambda: sqlite3.connect(settings_dict["NAME"])
        return
    settings_dict["NAME"] = f"{default['NAME']}_restored"
    params = {"host": default["HOST"] or None, "port": default["PORT"] or None, "user": default["USER"] or None,
              "password": default["PASSWORD"] or None}  # fmt: skip
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
        server.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
        yield vendor, settings_dict, lambda: psycopg.connect(**params, dbname=settings_dict["NAME"])
        server.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row_back(tmp_path, make_user, phu_thuong, empty_database):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990)
    before = checksums()
    assert before["people_person"][0] == 1 and before["orgunits_orgunit"][0] > 10_000

    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backup.bin"), stdout=out)
    path = tmp_path / "backup.bin"
    assert "Backed up to" in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the owner's only

    vendor, settings_dict, connect = empty_database
    restore_to(path, vendor, settings_dict)
    connection = connect()
    try:
        restored = table_checksums(connection.cursor(), vendor)
    finally:
        connection.close()
    assert restored == before


@pytest.mark.django_db
def test_a_restore_refuses_a_database_that_is_not_empty_or_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("restore", str(tmp_path / "nothing.dump"))
    (tmp_path / "some.dump").write_bytes(b"x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "some.dump"))


def test_a_database_other_than_postgresql_or_sqlite_is_refused_with_a_message(tmp_path):
    (tmp_path / "some.dump").write_bytes(b"x")
    with pytest.raises(ValueError, match=r"PostgreSQL and SQLite.*not of mysql"):
        restore_to(tmp_path / "some.dump", "mysql", {"NAME": "x"})
