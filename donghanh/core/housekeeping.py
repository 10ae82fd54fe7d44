"""The daily housekeeping without cron: a task that queues the day's housekeeping and queues itself again for the
next day at `HOUSEKEEPING_HOUR`.

`manage.py run_worker` (what `make run` starts) puts the first one in the queue when none waits; from then on the
chain keeps itself going, whichever worker runs it, and a worker that was stopped catches up when it starts again.
A daily task already queued that day (by cron's `enqueue_housekeeping`, another worker or a restart) is not queued
twice. Needs the database task backend: a deferred task waits in its table.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.tasks import Task, TaskResult, TaskResultStatus, task
from django.utils import timezone

from donghanh.core.tasks import daily_tasks


def _start_of(day: datetime.date, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _queued(daily: Task[Any, Any]) -> Any:
    """The rows of a task in the database backend's table (none on another backend)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(daily.get_backend(), DatabaseBackend):
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(task_path=daily.module_path)


def queued_on(daily: Task[Any, Any], day: datetime.date) -> bool:
    """Whether the task was queued on `day` (local time)."""
    start = _start_of(day)
    return bool(
        _queued(daily).filter(enqueued_at__gte=start, enqueued_at__lt=start + datetime.timedelta(days=1)).exists()
    )


def housekeeping_enqueue(
    today: datetime.date, *, force: bool = False
) -> list[tuple[Task[Any, Any], TaskResult[Any, Any] | None]]:
    """Queue each daily task not queued yet on `today` (every one with `force`); (task, result or None if skipped)."""
    return [(daily, None if not force and queued_on(daily, today) else daily.enqueue()) for daily in daily_tasks()]


@task()
def housekeeping_run() -> int:
    """Queue the day's housekeeping, then this task again for tomorrow; returns how many daily tasks it queued."""
    now = timezone.localtime()
    queued = sum(1 for _daily, result in housekeeping_enqueue(now.date()) if result is not None)
    housekeeping_schedule(now)
    return queued


def next_run(now: datetime.datetime) -> datetime.datetime | None:
    """When the housekeeping should run next: None for now (today's is due and not queued), else today or tomorrow
    at `HOUSEKEEPING_HOUR`."""
    today = timezone.localtime(now).date()
    if all(queued_on(daily, today) for daily in daily_tasks()):
        return _start_of(today + datetime.timedelta(days=1), settings.HOUSEKEEPING_HOUR)
    at_hour = _start_of(today, settings.HOUSEKEEPING_HOUR)
    return at_hour if now < at_hour else None


def housekeeping_schedule(now: datetime.datetime | None = None) -> TaskResult[Any, Any] | None:
    """Make sure a `housekeeping_run` waits in the queue; returns the one queued, or None when one was waiting."""
    if _queued(housekeeping_run).filter(status=TaskResultStatus.READY).exists():
        return None
    run_after = next_run(now or timezone.now())
    return (housekeeping_run.using(run_after=run_after) if run_after else housekeeping_run).enqueue()
