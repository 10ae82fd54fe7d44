"""The task worker (`db_worker`, same options) that also queues the daily housekeeping once a day, without cron."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from donghanh.core.housekeeping import housekeeping_schedule


class Command(WorkerCommand):
    help = (
        "Run a database task worker that queues the daily housekeeping once a day from HOUSEKEEPING_HOUR "
        "(no cron needed); the options of db_worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduled = housekeeping_schedule()
        if scheduled is not None and options["verbosity"]:
            when = scheduled.task.run_after or "now"
            self.stdout.write(f"Daily housekeeping scheduled ({scheduled.id}): {when}")
        super().handle(*args, **options)
