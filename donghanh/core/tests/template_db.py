"""The PostgreSQL test databases of pytest-xdist workers, copied from one migrated template.

Migrating an empty database is most of a worker's start (about 40 s on two cores). The first worker to get here
migrates its own database and copies it as a template; every other worker's database is a copy of that template
(`CREATE DATABASE … TEMPLATE …`, about a second), which Django then keeps (`keepdb`) and finds migrated. An advisory
lock on the server makes the others wait while the first migrates. The template's name carries a hash of every
migration file, so a changed migration is never served from an old copy; each worker drops the template when it
ends (the next worker to need one makes it again) and drops its own copied database, which Django, keeping it, would
not. The root conftest.py wires this into pytest-django's fixtures.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from typing import Any

LOCK = 7_391_024  # the advisory lock's key: any number no other code here locks


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


@dataclass
class TemplateClone:
    """One worker's part: `start` before pytest-django sets the databases up, `migrated` after, `end` at the end."""

    admin: Any  # a connection to the server's maintenance database, holding the lock while this worker migrates
    template: str
    database: str
    cloned: bool = False

    @classmethod
    def start(cls, worker: str | None) -> TemplateClone | None:
        """For a worker of several on PostgreSQL: its database copied from the template, if there is one."""
        import psycopg
        from django.db import connections

        settings = connections["default"].settings_dict
        if worker is None or connections["default"].vendor != "postgresql":
            return None
        database = settings["TEST"]["NAME"]
        template = f"{database.removesuffix('_' + worker)[:40]}_tpl_{_migrations_hash()}"
        admin = psycopg.connect(
            dbname="postgres",
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        )
        admin.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        clone = cls(admin, template, database)
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            admin.execute(f"DROP DATABASE IF EXISTS {_quoted(database)}")
            admin.execute(f"CREATE DATABASE {_quoted(database)} TEMPLATE {_quoted(template)}")
            clone.cloned = True
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
        return clone  # not cloned: the lock is kept until `migrated` has made the template

    def migrated(self) -> None:
        """After the migrations: the first worker copies its database as the template, and lets the others go."""
        from django.db import connections

        if self.cloned:
            return
        connections.close_all()  # a database being copied must have no one connected
        self.admin.execute(f"CREATE DATABASE {_quoted(self.template)} TEMPLATE {_quoted(self.database)}")
        self.admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK])

    def end(self) -> None:
        """The template dropped, and this worker's database if it was a copy (Django drops the one it made)."""
        from django.db import connections

        connections.close_all()
        with self.admin:
            self.admin.execute("SELECT pg_advisory_lock(%s)", [LOCK])
            self.admin.execute(f"DROP DATABASE IF EXISTS {_quoted(self.template)}")
            if self.cloned:
                self.admin.execute(f"DROP DATABASE IF EXISTS {_quoted(self.database)}")
            self.admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
