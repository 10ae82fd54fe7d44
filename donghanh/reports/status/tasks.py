"""The monthly status rows' background work: redoing stale people, and reaching a new year."""

from __future__ import annotations

from django.tasks import task

from donghanh.core.tasks import daily
from donghanh.reports.status.store import status_extend, status_refresh


@task()
def status_refresh_task() -> int:
    """Redo the rows of the people marked stale (many at once: an import, a merge of large records)."""
    return status_refresh()


@daily
@task()
def status_extend_task() -> bool:
    """On the first run of a new year, work out the new year's months for everyone."""
    moved = status_extend()
    status_refresh()
    return moved
