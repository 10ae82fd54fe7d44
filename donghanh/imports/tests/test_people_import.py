"""People with their measures: the check's preview, matches, all-or-nothing apply, idempotence and undo."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.imports.choices import ImportStatus, RowAction
from donghanh.imports.services import import_apply_request
from donghanh.imports.tests.conftest import PEOPLE_HEADERS, xlsx
from donghanh.people.choices import Sex
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord

pytestmark = pytest.mark.django_db

GOOD = [
    (
        1,
        "Nguyễn Văn An",
        "Nam",
        "15/03/1990",
        "001 090.012345",
        "Tổ 5",
        "Quản lý người sử dụng trái phép chất ma túy",
        "01/02/2026",
    ),
    (2, "Trần Thị Bình", "nu", 1985, "", "Tổ 2", "", ""),
    (3, "Lê Văn Cường", "NAM", 33333, "", "", "quan ly nguoi su dung trai phep chat ma tuy", 46054),
]


def apply(batch: Any, actor: Any, capture: Any) -> Any:
    with capture(execute=True):
        import_apply_request(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def test_good_rows_are_checked_then_applied_with_history_naming_the_officer(
    upload, officer, phu_thuong, django_capture_on_commit_callbacks
):
    batch = upload(xlsx(PEOPLE_HEADERS, GOOD, title_rows=2))
    assert batch.status == ImportStatus.CHECKED, batch.message
    assert batch.counts[RowAction.CREATE] == 3 and batch.counts[RowAction.ERROR] == 0, batch.preview
    assert not Person.objects.exists()  # the check writes nothing
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.APPLIED, batch.message
    an = Person.objects.get(full_name="Nguyễn Văn An")
    assert an.citizen_id == "001090012345" and an.birth_date == datetime.date(1990, 3, 15)
    assert an.code.startswith("DH") and an.history.get().history_user == officer
    episode = Episode.objects.get(person=an)
    assert episode.episode_type == EpisodeType.DRUG_USER_MANAGEMENT and episode.start_date == datetime.date(2026, 2, 1)
    assert episode.planned_end_date is not None and episode.recorded_by == officer
    assert ManagementPeriod.objects.get(person=an).start_date == datetime.date(2026, 2, 1)
    binh = Person.objects.get(full_name="Trần Thị Bình")
    assert binh.sex == Sex.FEMALE and binh.birth_year == 1985 and binh.birth_date is None
    cuong = Person.objects.get(full_name="Lê Văn Cường")
    assert cuong.birth_date == datetime.date(1991, 4, 5)  # Excel serial 33333
    assert Episode.objects.get(person=cuong).start_date == datetime.date(2026, 2, 1)  # serial 46054
    assert WhereaboutsRecord.objects.filter(person__in=[an, binh, cuong]).count() == 3
    assert batch.applied_by == officer and len(batch.sha256) == 64


def test_every_bad_row_is_listed_with_its_row_column_and_message(upload):
    rows = [
        (1, "Nguyễn Văn An", "Nam", "15/03/1990", "001190012345", "", "", ""),  # digit 4 says a woman
        (2, "", "Nam", "1990", "", "", "", ""),  # no name
        (3, "Phạm Văn Dũng", "Không rõ", "1990", "", "", "", ""),  # sex not in the list
        (4, "Hoàng Văn Em", "Nam", "31/02/1990", "", "", "", ""),  # not a date
        (
            5,
            "Vũ Văn Phong",
            "Nam",
            "1990",
            "",
            "",
            "Quản lý người sử dụng trái phép chất ma túy",
            "01/01/2026",
            "01/01/2031",
        ),  # longer than the law allows
    ]
    batch = upload(xlsx((*PEOPLE_HEADERS, "Ngày kết thúc dự kiến"), rows))
    assert batch.counts[RowAction.ERROR] == 5
    errors = {entry["row"]: entry["errors"] for entry in batch.preview}
    # The CCCD's fourth digit says a woman: reported on the sex, as the registration form does.
    assert errors[2] == [
        {
            "column": "Giới tính",
            "message": "Chữ số thứ 4 của số định danh cá nhân (1) ứng với giới tính nữ, nhưng giới tính đã ghi là nam.",
        }
    ]
    assert any(e["column"] == "Họ và tên" for e in errors[3])
    assert any(e["column"] == "Giới tính" and "Không rõ" in e["message"] for e in errors[4])
    assert any(e["column"] == "Ngày sinh hoặc năm sinh" for e in errors[5])
    assert any(e["column"] in ("Ngày kết thúc dự kiến", "Ngày bắt đầu biện pháp") for e in errors[6]), errors[6]
