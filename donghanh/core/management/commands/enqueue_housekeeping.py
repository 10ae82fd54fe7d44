"""Queue the daily housekeeping tasks; cron runs this once a day and `db_worker` executes them."""

from typing import Any

from django.core.management.base import BaseCommand

from donghanh.casework.tasks import notifications_compute
from donghanh.core.tasks import sessions_clear_expired


class Command(BaseCommand):
    help = "Queue the daily tasks (expired sessions, notifications from the work lists) for the task worker."

    def handle(self, *args: Any, **options: Any) -> None:
        for daily in (sessions_clear_expired, notifications_compute):
            result = daily.enqueue()
            self.stdout.write(f"Queued {daily.name} ({result.id}): {result.status}")
