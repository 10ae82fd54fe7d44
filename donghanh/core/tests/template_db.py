"""The test databases of pytest-xdist workers, copied from the first worker's once it is migrated.

Migrating an empty database is most of a worker's start (about 30 s on a core of its own). The first worker to get
here migrates its own database and copies it as a template; every other worker's database is a copy of that template,
which Django then keeps (`keepdb`) and finds migrated. The others wait meanwhile on a lock. On PostgreSQL the template
is a database (`CREATE DATABASE … TEMPLATE …`, about a second) and the lock an advisory lock on the server; on SQLite,
whose test databases live in each worker's memory, a file in the temporary folder (SQLite's backup API, well under a
second) and a file lock. The template's name carries a hash of every migration file, so a changed migration is never
served from an old copy. Each worker removes the template when it ends (the next worker to need one makes it again)
and drops its own copied PostgreSQL database, which Django, keeping it, would not. The root conftest.py wires this into
pytest-django's fixtures.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol


def _migrations_hash() -> str:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for key in sorted(loader.disk_migrations):
        digest.update(repr(key).encode())
        digest.update(inspect.getsource(inspect.getmodule(loader.disk_migrations[key])).encode())  # type: ignore[arg-type]
    return digest.hexdigest()[:12]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Template(Protocol):
    """One worker's part: `start` before pytest-django sets the databases up, `migrated` after, `end` at the end."""

    cloned: bool  # this worker's database is a copy: nothing to migrate

    def migrated(self) -> None: ...

    def end(self) -> None: ...


def template_start(worker: str | None) -> Template | None:
    """For a worker of several: its database copied from the template if there is one, else the lock to make it."""
    from django.db import connections

    if worker is None:
        return None
    if connections["default"].vendor == "postgresql":
        return PostgresTemplate.start(worker)
    if connections["default"].vendor == "sqlite" and connections["default"].is_in_memory_db():
        return SqliteTemplate.start()
    return None


@dataclass
class PostgresTemplate:
    admin: Any  # a connection to the server's maintenance database, holding the lock while this worker migrates
    lock: int  # the advisory lock's key
    template: str
    database: str
    cloned: bool = False

    @classmethod
    def start(cls, worker: str) -> PostgresTemplate:
        import psycopg
        from django.db import connections

        settings = connections["default"].settings_dict
        database = settings["TEST"]["NAME"]
        template = f"{database.removesuffix('_' + worker)[:40]}_tpl_{_migrations_hash()}"
        lock = int(hashlib.sha256(template.encode()).hexdigest()[:15], 16)
        admin = psycopg.connect(
            dbname="postgres",
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        )
        admin.execute("SELECT pg_advisory_lock(%s)", [lock])
        clone = cls(admin, lock, template, database)
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            admin.execute(f"DROP DATABASE IF EXISTS {_quoted(database)}")
            admin.execute(f"CREATE DATABASE {_quoted(database)} TEMPLATE {_quoted(template)}")
            clone.cloned = True
            admin.execute("SELECT pg_advisory_unlock(%s)", [lock])
        return clone  # not cloned: the lock is kept until `migrated` has made the template

    def migrated(self) -> None:
        """After the migrations: the first worker copies its database as the template, and lets the others go."""
        from django.db import connections

        if self.cloned:
            return
        connections.close_all()  # a database being copied must have no one connected
        self.admin.execute(f"CREATE DATABASE {_quoted(self.template)} TEMPLATE {_quoted(self.database)}")
        self.admin.execute("SELECT pg_advisory_unlock(%s)", [self.lock])

    def end(self) -> None:
        """The template dropped, and this worker's database if it was a copy (Django drops the one it made)."""
        from django.db import connections

        # This thread's connections; one opened by a thread of the live server (a request on a kept-alive socket)
        # may outlive it, and a database anyone is connected to cannot be dropped, here or by Django after this.
        connections.close_all()
        with self.admin:
            self.admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            )
            self.admin.execute("SELECT pg_advisory_lock(%s)", [self.lock])
            self.admin.execute(f"DROP DATABASE IF EXISTS {_quoted(self.template)}")
            if self.cloned:
                self.admin.execute(f"DROP DATABASE IF EXISTS {_quoted(self.database)}")
            self.admin.execute("SELECT pg_advisory_unlock(%s)", [self.lock])


@dataclass
class SqliteTemplate:
    lock: IO[str]  # the lock file, locked while this worker migrates
    path: Path  # the template: the first worker's database, backed up into a file
    memory: sqlite3.Connection | None = None  # keeps the copied in-memory database alive until Django connects to it
    cloned: bool = False

    @classmethod
    def start(cls) -> SqliteTemplate:
        from django.db import connections

        base = Path(tempfile.gettempdir()) / f"donghanh-test-{_migrations_hash()}"
        lock = open(f"{base}.lock", "w")  # noqa: SIM115 # held open across fixtures
        fcntl.flock(lock, fcntl.LOCK_EX)
        clone = cls(lock, base.with_suffix(".sqlite3"))
        if clone.path.exists():
            name = connections["default"].creation._get_test_db_name()  # file:memorydb_default?mode=memory&cache=shared
            clone.memory = sqlite3.connect(name, uri=True)
            template = sqlite3.connect(clone.path)
            template.backup(clone.memory)
            template.close()
            clone.cloned = True
            fcntl.flock(lock, fcntl.LOCK_UN)
        return clone

    def migrated(self) -> None:
        from django.db import connections

        if self.cloned:
            return
        connection = connections["default"]
        connection.ensure_connection()
        written = self.path.with_suffix(".part")
        target = sqlite3.connect(written)
        connection.connection.backup(target)
        target.close()
        written.replace(self.path)  # whole, or not there
        fcntl.flock(self.lock, fcntl.LOCK_UN)

    def end(self) -> None:
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.path.unlink(missing_ok=True)
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()
        if self.memory is not None:
            self.memory.close()
