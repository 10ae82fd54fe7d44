"""Background tasks of personal data protection; the daily one is queued by `enqueue_housekeeping`."""

from django.tasks import task

from donghanh.core.tasks import daily
from donghanh.privacy.retention import anonymisation_run


@daily
@task()
def anonymise_due_task() -> dict[str, int]:
    """Anonymise the kinds of records past their retention (`settings.RETENTION_YEARS`); answers the people
    anonymised per kind."""
    return anonymisation_run()
