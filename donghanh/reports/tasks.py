"""Background tasks of the report files (`reports.jobs`): making one, and the daily deletion of expired ones."""

from __future__ import annotations

from django.tasks import task

from donghanh.core.tasks import daily
from donghanh.reports import jobs


@task()
def export_job_run(job_id: int) -> str:
    """Make the report file of job `job_id`; answers the job's status."""
    return jobs.export_job_make(job_id)


@daily
@task()
def export_jobs_expire() -> int:
    """Delete the report files asked for more than a day ago; answers how many jobs were deleted."""
    return jobs.export_jobs_delete_expired()
