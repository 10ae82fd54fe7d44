import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.tasks import TaskResultStatus, task_backends
from django.test import override_settings
from django.utils import timezone

from donghanh.core.tasks import sessions_clear_expired

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _sessions():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - datetime.timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + datetime.timedelta(days=1))


def test_clear_expired_sessions_runs_in_the_immediate_backend_of_the_tests(db):
    _sessions()
    result = sessions_clear_expired.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


# The worker closes its database connection when it stops, which would end a test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_stores_the_task_and_the_worker_runs_it():
    _sessions()
    assert task_backends["default"].__class__.__name__ == "DatabaseBackend"
    result = sessions_clear_expired.enqueue()
    assert result.status == TaskResultStatus.READY
    assert Session.objects.count() == 2  # nothing ran yet: the task waits in the database

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_enqueue_housekeeping_queues_the_daily_tasks_for_the_worker():
    from django_tasks_db.models import DBTaskResult

    _sessions()
    call_command("enqueue_housekeeping", verbosity=0)
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
        "donghanh.core.tasks.sessions_clear_expired",
        "donghanh.casework.tasks.notifications_compute",
        "donghanh.reports.status.tasks.status_extend_task",
        "donghanh.reports.tasks.export_jobs_expire",
        "donghanh.imports.tasks.imports_expire",
        "donghanh.privacy.tasks.anonymise_due_task",
    }
    assert Session.objects.count() == 2

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
