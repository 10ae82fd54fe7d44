"""Back the database up to a file: PostgreSQL's custom format, or a copy of the SQLite file (core/backups.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.core.backups import backup, default_path


class Command(BaseCommand):
    help = "Back the database up to a file readable by its owner only (default: var/backups/donghanh-<time>.dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=None, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"]) if options["output"] else default_path()
        try:
            written = backup(path)
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_dump failed: {error.stderr.strip()}") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        except FileNotFoundError as error:
            raise CommandError(f"{error.filename} not found: install PostgreSQL's client programs.") from None
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size:,} bytes).")
