"""What an import keeps: the file and its rows encrypted, the file only until it is read, the rows until applied,
and an import never applied for a week."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection

from donghanh.imports.choices import ImportStatus
from donghanh.imports.models import ImportBatch
from donghanh.imports.services import import_apply_request
from donghanh.imports.tasks import imports_expire
from donghanh.imports.tests.conftest import PEOPLE_HEADERS, xlsx

pytestmark = pytest.mark.django_db

ROWS = [(1, "Nguyễn Văn An", "Nam", "15/03/1990", "001090012345", "Tổ 5", "", "")]


def stored(batch: ImportBatch) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, rows, preview FROM imports_importbatch WHERE id = %s", [batch.pk])
        content, rows, preview = cursor.fetchone()
    return f"{bytes(content) if content is not None else b''!r} {rows} {preview}"


def test_the_file_and_its_rows_are_encrypted_and_dropped_when_no_longer_needed(
    upload, officer, django_capture_on_commit_callbacks
):
    batch = upload(xlsx(PEOPLE_HEADERS, ROWS))
    raw = stored(batch)
    assert "001090012345" not in raw and "Nguyễn" not in raw and "gAAAAA" in raw
    assert batch.content is None  # read by the check: not kept
    assert batch.rows[0]["values"]["citizen_id"] == "001090012345"  # Python reads them
    with django_capture_on_commit_callbacks(execute=True):
        import_apply_request(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and batch.rows == [] and batch.preview[0]["person"]


def test_an_import_never_applied_is_deleted_after_a_week(upload, officer, django_capture_on_commit_callbacks):
    waiting = upload(xlsx(PEOPLE_HEADERS, ROWS))
    applied = upload(xlsx(PEOPLE_HEADERS, [(1, "Trần Thị Bình", "Nữ", 1985, "", "", "", "")]))
    with django_capture_on_commit_callbacks(execute=True):
        import_apply_request(actor=officer, batch=applied)
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=6)):
        assert imports_expire.call() == 0
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=8)):
        assert imports_expire.call() == 1
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [applied.pk]
    assert not ImportBatch.objects.filter(pk=waiting.pk).exists()


def test_an_undo_refused_by_the_worker_leaves_the_import_applied_and_says_why(
    upload, officer, django_capture_on_commit_callbacks
):
    from donghanh.imports.services import import_undo_queued, import_undo_request
    from donghanh.people.models import Person
    from donghanh.people.services import person_update

    batch = upload(xlsx(PEOPLE_HEADERS, ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        import_apply_request(actor=officer, batch=batch)
    batch = import_undo_request(actor=officer, batch=batch)  # queued, not run
    assert batch.status == ImportStatus.UNDOING
    an = Person.objects.get()
    person_update(actor=officer, person=an, expected_version=an.version, phone="0900000009")  # meanwhile
    assert import_undo_queued(batch.pk, officer.pk) == ImportStatus.APPLIED
    batch.refresh_from_db()
    assert "không thể hoàn tác" in batch.message.lower() and Person.objects.filter(pk=an.pk).exists()
