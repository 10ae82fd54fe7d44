"""Create the demo province, communes and accounts, and print how to log in."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from donghanh.core.demo import DEMO_PASSWORD, demo_data_create


class Command(BaseCommand):
    help = "Create demo data and one account per role (idempotent); prints the accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            rows = demo_data_create()
        width = max(len(r.username) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}, unless changed since):")
        for row in rows:
            self.stdout.write(f"  {row.username.ljust(width)}  {row.role_label} — {row.unit_name}")
        self.stdout.write("")
