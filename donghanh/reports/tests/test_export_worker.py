"""Report files with the task backend of production: the job waits in the database until `db_worker` makes it, and
the report's figures are read on the replica when there is one.

In a module of its own: a module-scoped fixture's open transaction (test_export_jobs.py) would keep every read of
this transactional test on the primary.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.core.tests.pages import parse
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.reports.models import ExportJob
from donghanh.reports.tests.conftest import D, report
from donghanh.reports.tests.test_export_jobs import DATABASE_TASKS, XLSX, ask, figures


# The worker closes its database connection when it stops, which would end a test transaction. The replica is the
# tests' read-only mirror of the database (config/settings/test.py), its router installed as DATABASE_REPLICA_URL does.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
# One override for both settings: pytest-django's `settings` fixture, restored after this decorator, would put back
# the settings it found, the database task backend included, for every later test of the worker.
@override_settings(TASKS=DATABASE_TASKS, DATABASE_ROUTERS=["donghanh.core.replica.ReplicaRouter"])
def test_the_job_waits_in_the_database_until_db_worker_makes_it_reading_the_replica(client, demo_world):
    officer = User.objects.get(username="xa.phuthuong")
    unit = officer.role_assignments.get().unit
    person_register(
        actor=officer, unit=unit, full_name="Trần Văn Bình", sex=Sex.MALE, birth_year=1990,
        registered_on=D(2024, 1, 2),
    )  # fmt: skip
    client.force_login(officer)
    asked = ask(client, XLSX, unit, "2025Q4")
    job = ExportJob.objects.get()
    assert (job.status, job.progress) == ("queued", 0)
    assert parse(client.get(asked["Location"])).get(data_testid="export-panel").attrs["data-state"] == "waiting"

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    # The report's figures were read on the replica; the job's progress and file were written on the primary.
    replica_sql = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "people_person" in replica_sql and "reports_exportjob" not in replica_sql
    file = client.get(reverse("reports:export_download", args=[job.pk]))
    expected = report(unit, "2025Q4", today=timezone.localdate()).value("people.registered")
    assert figures(file.content)["people.registered"] == expected >= 1
