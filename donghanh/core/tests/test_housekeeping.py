"""The daily housekeeping without cron: `run_worker` queues it from HOUSEKEEPING_HOUR, once a day, and the chain it
starts carries on the next day; cron's `enqueue_housekeeping` and the worker never queue a day's tasks twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings

from donghanh.core.housekeeping import housekeeping_run, housekeeping_schedule
from donghanh.core.tasks import daily_tasks

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULER = "donghanh.core.housekeeping.housekeeping_run"

pytestmark = pytest.mark.usefixtures("db_tasks")


@pytest.fixture
def db_tasks():
    with override_settings(TASKS=DATABASE_TASKS, HOUSEKEEPING_HOUR=6):
        yield


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 10, day, hour, minute, tzinfo=HANOI)


def queued() -> dict[str, int]:
    """How many times each daily task was queued."""
    from django_tasks_db.models import DBTaskResult

    paths = list(DBTaskResult.objects.exclude(task_path=SCHEDULER).values_list("task_path", flat=True))
    return {daily.module_path: paths.count(daily.module_path) for daily in daily_tasks()}


def waiting() -> list[datetime.datetime]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=SCHEDULER, status=TaskResultStatus.READY)
    return [row.run_after.astimezone(HANOI) for row in rows]


def work(when: datetime.datetime) -> None:
    """A worker that runs at `when` what is due then, as `make run` starts it."""
    with time_machine.travel(when, tick=False):
        call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# The worker closes its database connection when it stops, which would end a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_the_days_housekeeping_once_and_again_the_next_day():
    work(at(10, 9))  # started in the morning, after the hour: today's housekeeping at once
    assert set(queued().values()) == {1}
    assert waiting() == [at(11, 6)]  # and the next run tomorrow at 06:00

    work(at(10, 15))  # restarted the same day: nothing again
    assert set(queued().values()) == {1}
    assert waiting() == [at(11, 6)]

    work(at(11, 5, 59))  # not yet the hour
    assert set(queued().values()) == {1}
    work(at(11, 6, 1))
    assert set(queued().values()) == {2}
    assert waiting() == [at(12, 6)]

    with time_machine.travel(at(12, 6, 30), tick=False):
        housekeeping_run.enqueue()  # a second chain (two workers started at once): it merges into the first
    work(at(12, 7))
    assert set(queued().values()) == {3}
    assert waiting() == [at(13, 6)]


@pytest.mark.django_db
def test_before_the_hour_the_first_run_waits_for_it():
    with time_machine.travel(at(10, 2), tick=False):
        result = housekeeping_schedule()
        assert result is not None and result.task.run_after == at(10, 6)
        assert housekeeping_schedule() is None  # one waits already
    assert set(queued().values()) == {0}


@pytest.mark.django_db
def test_cron_and_the_worker_do_not_queue_a_day_twice():
    with time_machine.travel(at(10, 2), tick=False):
        call_command("enqueue_housekeeping", verbosity=0)  # cron, at 02:00
        assert set(queued().values()) == {1}
        call_command("enqueue_housekeeping", verbosity=0)
        assert set(queued().values()) == {1}
        assert housekeeping_schedule().task.run_after == at(11, 6)  # today's is done: tomorrow
        call_command("enqueue_housekeeping", "--force", verbosity=0)
        assert set(queued().values()) == {2}
