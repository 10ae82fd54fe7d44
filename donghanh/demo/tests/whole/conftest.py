"""The whole demo (`demo_data_create()`: accounts, people, case work, support, community models, targets), made once
on a fixed day for the modules of this folder and rolled back after the last of them. Each test reads it inside its
own rolled-back transaction, so the figures do not move with the calendar; a module of its own made its part of the
demo again, and its second run of `demo_data` made the rest (two builds a module)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from donghanh.demo.tests.clock import stopped_on
from donghanh.demo.world import demo_data_create

TODAY = datetime.date(2026, 11, 20)  # after the demo people's last record; the 20th: last month is overdue


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[float]:
    """Yields how long the demo took to make, in seconds."""
    with stopped_on(TODAY), django_db_blocker.unblock(), transaction.atomic():
        started = time.perf_counter()
        demo_data_create()
        yield time.perf_counter() - started
        transaction.set_rollback(True)
