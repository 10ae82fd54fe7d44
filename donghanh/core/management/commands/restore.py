"""Restore a backup made by `manage.py backup` into an empty database (core/backups.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.core.backups import checksums, restore


class Command(BaseCommand):
    help = "Restore a backup into the database of DATABASE_URL, which must be empty (created, not migrated)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A file written by `manage.py backup`.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            restore(path)
        except FileNotFoundError as error:
            raise CommandError(f"{error.filename or path} not found.") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_restore failed: {error.stderr.strip()}") from None
        tables = checksums()
        rows = sum(count for count, _digest in tables.values())
        self.stdout.write(f"Restored {path}: {len(tables)} tables, {rows:,} rows.")
