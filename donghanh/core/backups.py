"""Backing the database up and restoring it: `manage.py backup` and `manage.py restore` (`make backup`,
`make restore FILE=…`).

PostgreSQL is dumped with `pg_dump` in its custom format and restored with `pg_restore` (the client programs of the
server's version must be on the PATH); SQLite is copied page by page with its online backup API, which gives a
consistent copy while the site runs. A backup holds everyone's sensitive data: the files are written readable by
their owner only (docs/deployment.md, "Backups"). `checksums` gives each table's row count and a digest of its
rows, to compare a restored database with the one backed up.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}
UNKNOWN = "Backups are made of PostgreSQL and SQLite databases, the two the project runs on; not of %s."


def default_path(alias: str = "default") -> Path:
    """var/backups/donghanh-YYYYMMDD-HHMMSS.dump (or .sqlite3)."""
    vendor = connections[alias].vendor
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"donghanh-{stamp}{SUFFIX.get(vendor, '.bak')}"


def _pg_url(settings_dict: dict[str, Any]) -> str:
    """A libpq connection string for the client programs (the password goes through PGPASSWORD, not argv)."""
    parts = {
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER") or "",
        "dbname": settings_dict["NAME"],
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def backup(path: Path, alias: str = "default") -> Path:
    """Write a backup of the database `alias` to `path` (made readable by its owner only); returns the path."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only from the first byte written (pg_dump, SQLite), not only once the file is complete.
    kept = os.umask(0o077)
    try:
        _write(connection, path)
    finally:
        os.umask(kept)
    path.chmod(0o600)
    return path


def _write(connection: Any, path: Path) -> None:
    if connection.vendor == "postgresql":
        dsn = _pg_url(connection.settings_dict)
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={dsn}"]
        subprocess.run(command, env=_pg_env(connection.settings_dict), check=True, capture_output=True, text=True)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise ValueError(UNKNOWN % connection.vendor)


def restore(path: Path, alias: str = "default") -> None:
    """Restore the backup at `path` into the database `alias`, which must be empty (created, not migrated)."""
    connection = connections[alias]
    if not path.is_file():
        raise FileNotFoundError(path)
    if connection.introspection.table_names():
        raise ValueError(f"The database {connection.settings_dict['NAME']} is not empty: restore into an empty one.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
    restore_to(path, connection.vendor, connection.settings_dict, connection.connection)


def restore_to(path: Path, vendor: str, settings_dict: dict[str, Any], sqlite_target: Any = None) -> None:
    """Restore `path` into the database `settings_dict` names (for SQLite, into `sqlite_target` when given)."""
    if vendor == "postgresql":
        dsn = _pg_url(settings_dict)
        command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(path)]
        subprocess.run(command, env=_pg_env(settings_dict), check=True, capture_output=True, text=True)
    elif vendor == "sqlite":
        target = sqlite_target or sqlite3.connect(settings_dict["NAME"])
        with sqlite3.connect(path) as source:
            source.backup(target)
        source.close()
        if sqlite_target is None:
            target.close()
    else:
        raise ValueError(UNKNOWN % vendor)


def checksums(alias: str = "default") -> dict[str, tuple[int, str]]:
    """Each table's (row count, SHA-256 of its rows): equal for a database and its restore."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return table_checksums(cursor, connection.vendor)


def table_checksums(cursor: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the rows' text in sorted order) of each table, through any DB-API `cursor`: the rows
    are turned into text by the database itself, so that two connections with different type converters agree."""
    if vendor == "postgresql":
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        queries = {table: f'SELECT t::text FROM "{table}" t ORDER BY 1' for (table,) in cursor.fetchall()}
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        queries = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'PRAGMA table_info("{table}")')
            row = " || '|' || ".join(f'quote("{column[1]}")' for column in cursor.fetchall())
            queries[table] = f'SELECT {row} FROM "{table}" ORDER BY 1'
    found: dict[str, tuple[int, str]] = {}
    for table in sorted(queries):
        cursor.execute(queries[table])
        digest, count = hashlib.sha256(), 0
        for (text,) in cursor.fetchall():
            digest.update(text.encode() + b"\n")
            count += 1
        found[table] = (count, digest.hexdigest())
    return found
