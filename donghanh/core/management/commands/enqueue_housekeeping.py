"""Queue the daily housekeeping tasks; cron runs this once a day and `db_worker` executes them."""

from typing import Any

from django.core.management.base import BaseCommand

from donghanh.core.tasks import sessions_clear_expired


class Command(BaseCommand):
    help = "Queue the daily housekeeping tasks (expired sessions) for the task worker."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sessions_clear_expired.enqueue()
        self.stdout.write(f"Queued {sessions_clear_expired.name} ({result.id}): {result.status}")
