"""Background tasks of case work; the daily ones are queued by `enqueue_housekeeping`."""

from django.tasks import task
from django.utils import timezone

from donghanh.casework.notifications import notifications_refresh_all
from donghanh.core.tasks import daily


@daily
@task()
def notifications_compute() -> int:
    """Refresh every user's notifications from their work list; returns how many were created."""
    return notifications_refresh_all(timezone.localdate())
