"""Background tasks of the platform; `manage.py db_worker` runs them (see docs/deployment.md).

The daily housekeeping is a list the apps fill: an app marks a task `@daily` in its `tasks.py`
(imported by its `AppConfig.ready()`), and `manage.py enqueue_housekeeping` queues every one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.tasks import Task, task
from django.utils import timezone

_daily: list[Task[Any, Any]] = []


def daily[T: Task[Any, Any]](daily_task: T) -> T:
    """Register a task for the daily housekeeping; applied above `@task()`."""
    if daily_task not in _daily:
        _daily.append(daily_task)
    return daily_task


def daily_tasks() -> tuple[Task[Any, Any], ...]:
    """The daily tasks, in the order the apps registered them."""
    return tuple(_daily)


@daily
@task()
def sessions_clear_expired() -> int:
    """Delete expired login sessions; returns how many were deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
