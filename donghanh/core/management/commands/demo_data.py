"""Create the demo province, communes and accounts, and print how to log in."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from donghanh.core.demo import DEMO_PASSWORD, demo_data_create


class Command(BaseCommand):
    help = "Create demo data and one account per role (idempotent); prints the accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with the production settings.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError("Demo accounts have a published password: not created on production settings.")
        with translation.override("vi"):
            rows = demo_data_create()
        width = max(len(r.username) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}, unless changed since):")
        for row in rows:
            self.stdout.write(f"  {row.username.ljust(width)}  {row.role_label} — {row.unit_name}")
        self.stdout.write("")
