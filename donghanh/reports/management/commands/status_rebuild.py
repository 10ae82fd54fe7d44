"""Work out every person's monthly status rows again from the records."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.reports.status.store import status_rebuild


class Command(BaseCommand):
    help = (
        "Work out every person's monthly status rows (what the reports read about people) again from the records, "
        "up to December of the current year or --until. Run it after a bulk load that bypassed the models, after "
        "changing a setting the rules read (CASEWORK_ASSESSED_EPISODE_TYPES, SUPPORT_STABLE_JOB_MONTHS), and once "
        "after upgrading to the version that adds the rows. Reports read the records themselves until it has run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", default=None, help="Last month, YYYY-MM (default: December of this year).")

    def handle(self, *args: Any, **options: Any) -> None:
        last = None
        if options["until"]:
            try:
                last = datetime.datetime.strptime(options["until"], "%Y-%m").date()
            except ValueError:
                raise CommandError(f"--until must be a month, YYYY-MM (got {options['until']!r}).") from None
        started = time.perf_counter()

        def progress(people: int, rows: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {people:,} people, {rows:,} rows, {time.perf_counter() - started:.0f} s")

        people, rows = status_rebuild(last_month=last, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Monthly status rows rebuilt: {people:,} people, {rows:,} rows in {elapsed:.1f} s.")
