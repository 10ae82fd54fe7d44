"""Queue the daily housekeeping tasks; cron runs this once a day and `db_worker` executes them."""

from typing import Any

from django.core.management.base import BaseCommand

from donghanh.core.tasks import daily_tasks


class Command(BaseCommand):
    help = "Queue the daily tasks (expired sessions, notifications from the work lists) for the task worker."

    def handle(self, *args: Any, **options: Any) -> None:
        for daily in daily_tasks():
            result = daily.enqueue()
            self.stdout.write(f"Queued {daily.name} ({result.id}): {result.status}")
