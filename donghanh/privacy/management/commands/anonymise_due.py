"""Anonymise the kinds of people's records past their retention, as the daily task does; `--dry-run` counts them
only, `--on` works as of another day (what will be due then)."""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand

from donghanh.privacy.retention import anonymisation_run


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Anonymise people's records past their retention (settings.RETENTION_YEARS), kind by kind."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count the people due; change nothing.")
        parser.add_argument(
            "--on", type=_day, default=None, help="The day to work as of (YYYY-MM-DD); today if not given."
        )

    def handle(self, *args: Any, dry_run: bool = False, on: datetime.date | None = None, **options: Any) -> None:
        counts = anonymisation_run(on=on, dry_run=dry_run)
        for kind, count in counts.items():
            self.stdout.write(f"{kind}\t{count}")
        verb = "would be anonymised" if dry_run else "anonymised"
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"{total} kinds of records of people {verb} (a person counts once per kind).")
        )
