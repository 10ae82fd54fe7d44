"""Background tasks of imports: checking a file and applying it run in the task worker, with their progress."""

from __future__ import annotations

from django.tasks import task

from donghanh.core.tasks import daily
from donghanh.imports import services


@task()
def import_check_run(batch_id: int) -> str:
    """Read and check the file of import `batch_id`; answers its status."""
    return services.import_check(batch_id)


@task()
def import_apply_run(batch_id: int, actor_id: int) -> str:
    """Apply import `batch_id` for the user `actor_id`; answers its status."""
    return services.import_apply(batch_id, actor_id)


@task()
def import_undo_run(batch_id: int, actor_id: int) -> str:
    """Undo import `batch_id` for the user `actor_id`; answers its status."""
    return services.import_undo_queued(batch_id, actor_id)


@daily
@task()
def imports_expire() -> int:
    """Delete the imports never applied a week after their upload; answers how many were deleted."""
    return services.imports_delete_expired()
