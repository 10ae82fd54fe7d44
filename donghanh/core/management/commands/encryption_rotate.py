"""Re-encrypt every encrypted value with the newest of FIELD_ENCRYPTION_KEYS (donghanh.core.crypto)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.core.crypto import UnreadableValue, rotate_stored


class Command(BaseCommand):
    help = (
        "Re-encrypt the stored identifiers and free text with the first key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = rotate_stored(batch=options["batch"])
        except UnreadableValue as error:
            raise CommandError(f"{error}. Keep every key that encrypted the stored values in the list.") from None
        for table, count in done.items():
            if count:
                self.stdout.write(f"{table}: {count:,} values")
        self.stdout.write(f"Re-encrypted {sum(done.values()):,} values in {len(done)} tables with the newest key.")
