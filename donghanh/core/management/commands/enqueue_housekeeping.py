"""Queue the daily housekeeping tasks; cron runs this once a day (or `run_worker` does) and the worker executes them."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from donghanh.core.housekeeping import housekeeping_enqueue


class Command(BaseCommand):
    help = (
        "Queue the daily tasks (expired sessions, notifications and summaries from the work lists…) for the task "
        "worker; those already queued today are skipped unless --force."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Queue them even if they were queued today.")

    def handle(self, *args: Any, **options: Any) -> None:
        for daily, result in housekeeping_enqueue(timezone.localdate(), force=options["force"]):
            if result is None:
                self.stdout.write(f"Already queued today: {daily.name}")
            else:
                self.stdout.write(f"Queued {daily.name} ({result.id}): {result.status}")
