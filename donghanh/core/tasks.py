"""Background tasks of the platform; `manage.py db_worker` runs them (see docs/deployment.md)."""

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone


@task()
def sessions_clear_expired() -> int:
    """Delete expired login sessions; returns how many were deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
