"""People with their measures: the check's preview, matches, all-or-nothing apply, idempotence and undo."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.imports.choices import ImportStatus, RowAction
from donghanh.imports.people_rows import plan_people
from donghanh.imports.selectors import earlier_imports
from donghanh.imports.services import import_apply_request, import_decide, import_undo
from donghanh.imports.tests.conftest import PEOPLE_HEADERS, apply, xlsx
from donghanh.people.choices import DeathSource, Sex
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.services import person_register, person_update, whereabouts_record
from donghanh.roster.death import death_record

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
    assert any(e["column"] == "Ngày sinh" for e in errors[5])  # the header as the file writes it
    assert any(e["column"] in ("Ngày kết thúc dự kiến", "Ngày bắt đầu biện pháp") for e in errors[6]), errors[6]


HEADERS = (*PEOPLE_HEADERS, "Số điện thoại")


@pytest.fixture
def registered(officer, phu_thuong):
    """Two people of Phú Thượng: one with a CCCD, one known by name and year only."""
    hung = person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Đỗ Văn Hùng",
        sex=Sex.MALE,
        birth_year=1988,
        citizen_id="001088000777",
        registered_on=datetime.date(2025, 9, 1),
    )
    lan = person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Phạm Thị Lan",
        sex=Sex.FEMALE,
        birth_year=1979,
        registered_on=datetime.date(2025, 9, 1),
    )
    return hung, lan


def test_a_registered_citizen_id_updates_that_person_and_adds_the_measure(
    upload, officer, registered, django_capture_on_commit_callbacks
):
    hung, _lan = registered
    rows = [
        (
            1,
            "Đỗ Văn Hùng",
            "Nam",
            1988,
            "001088000777",
            "Tổ 9",
            "Quản lý người sử dụng trái phép chất ma túy",
            "01/03/2026",
            "0912000111",
        )
    ]
    batch = upload(xlsx(HEADERS, rows))
    assert [entry["action"] for entry in batch.preview] == [RowAction.UPDATE]
    assert "Đỗ Văn Hùng" in batch.preview[0]["person"] and hung.code in batch.preview[0]["person"]
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    hung.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert hung.phone == "0912000111" and hung.current_hamlet == "Tổ 9" and hung.version == 2
    assert hung.history.latest().history_user == officer
    assert Episode.objects.get(person=hung).start_date == datetime.date(2026, 3, 1)
    assert Person.objects.count() == 2  # nobody new


def test_a_name_and_year_match_waits_for_the_officer_then_follows_the_decision(
    upload, officer, registered, django_capture_on_commit_callbacks
):
    _hung, lan = registered
    rows = [(1, "Phạm Thị  LAN", "Nữ", 1979, "", "Tổ 3", "", "", "0988000222")]
    batch = upload(xlsx(HEADERS, rows))
    assert batch.counts[RowAction.MATCH] == 1
    assert batch.preview[0]["candidates"] == [{"id": lan.pk, "label": f"Phạm Thị Lan (1979, {lan.code})"}]
    with pytest.raises(ValidationError):  # no decision yet: nothing can be applied
        import_apply_request(actor=officer, batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        import_decide(actor=officer, batch=batch, decisions={"2": "confirm"})
    batch.refresh_from_db()
    assert [entry["action"] for entry in batch.preview] == [RowAction.UPDATE]
    apply(batch, officer, django_capture_on_commit_callbacks)
    lan.refresh_from_db()
    assert lan.phone == "0988000222" and Person.objects.count() == 2


def test_rejecting_a_match_registers_another_person(upload, officer, registered, django_capture_on_commit_callbacks):
    rows = [(1, "Phạm Thị Lan", "Nữ", 1979, "", "Tổ 3", "", "", "")]
    batch = upload(xlsx(HEADERS, rows))
    with django_capture_on_commit_callbacks(execute=True):
        import_decide(actor=officer, batch=batch, decisions={"2": "reject"})
    batch.refresh_from_db()
    assert [entry["action"] for entry in batch.preview] == [RowAction.CREATE]
    apply(batch, officer, django_capture_on_commit_callbacks)
    assert Person.objects.filter(full_name="Phạm Thị Lan").count() == 2


def test_a_citizen_id_managed_elsewhere_is_refused_without_naming_the_person(upload, make_user, hai_chau):
    other = make_user("commune_officer", hai_chau)
    person_register(
        actor=other, unit=hai_chau, full_name="Ngô Văn Tú", sex=Sex.MALE, birth_year=1990, citizen_id="001090000555"
    )
    batch = upload(xlsx(HEADERS, [(1, "Ai Đó", "Nam", 1990, "001090000555", "", "", "", "")]))
    [error] = batch.preview[0]["errors"]
    assert error["column"] == "Số CCCD" and "đơn vị khác" in error["message"] and "Ngô" not in error["message"]


def test_rows_about_the_same_person_must_agree(upload):
    rows = [
        (1, "Nguyễn Văn An", "Nam", 1990, "001090012345", "", "", "", ""),
        (2, "Nguyễn Văn Bảo", "Nam", 1990, "001090012345", "", "", "", ""),
    ]
    batch = upload(xlsx(HEADERS, rows))
    assert batch.preview[0]["action"] == RowAction.CREATE
    assert batch.preview[1]["action"] == RowAction.ERROR and batch.preview[1]["same_as"] == 2


def test_the_same_file_again_changes_nothing_and_says_so(upload, officer, django_capture_on_commit_callbacks):
    content = xlsx(PEOPLE_HEADERS, GOOD)
    first = apply(upload(content), officer, django_capture_on_commit_callbacks)
    people, episodes = Person.objects.count(), Episode.objects.count()
    history = Person.history.count() + Episode.history.count()
    again = upload(content)
    assert again.counts[RowAction.UNCHANGED] == 3 and again.counts["rows"] == 3
    assert [b.pk for b in earlier_imports(again)] == [first.pk]
    again = apply(again, officer, django_capture_on_commit_callbacks)
    assert again.status == ImportStatus.APPLIED and "Không có gì thay đổi" in again.message
    assert (Person.objects.count(), Episode.objects.count()) == (people, episodes)
    assert Person.history.count() + Episode.history.count() == history
    assert again.result["created"] == {} and again.result["updated"] == {}


def test_a_row_refused_when_applying_leaves_no_trace(upload, officer, registered, django_capture_on_commit_callbacks):
    hung, _lan = registered
    rows = [
        *GOOD,
        (
            4,
            "Đỗ Văn Hùng",
            "Nam",
            1988,
            "001088000777",
            "",
            "Quản lý người sử dụng trái phép chất ma túy",
            "01/03/2026",
        ),
    ]
    batch = upload(xlsx(PEOPLE_HEADERS, rows))
    assert batch.counts[RowAction.CREATE] == 3 and batch.counts[RowAction.UPDATE] == 1
    # Between the check and the apply, the last row's person dies: their new measure is refused.
    death_record(actor=officer, person=hung, died_on=datetime.date(2026, 2, 1), source=DeathSource.FAMILY)
    people, histories = Person.objects.count(), Person.history.count()
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKED and "Không có gì được ghi" in batch.message
    last = next(entry for entry in batch.preview if entry["row"] == 5)
    assert last["action"] == RowAction.ERROR and "01/02/2026" in last["errors"][0]["message"]
    assert Person.objects.count() == people and Person.history.count() == histories
    assert not Person.objects.filter(full_name__in=["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]).exists()
    assert not Episode.objects.exists() and not ManagementPeriod.objects.exclude(person__in=registered).exists()


def test_undo_deletes_what_was_created_and_puts_back_what_was_changed(
    upload, officer, registered, django_capture_on_commit_callbacks
):
    hung, _lan = registered
    rows = [
        *[(*row, "") for row in GOOD],
        (4, "Đỗ Văn Hùng", "Nam", 1988, "001088000777", "Tổ 9", "", "", "0912000111"),
    ]
    batch = apply(upload(xlsx(HEADERS, rows)), officer, django_capture_on_commit_callbacks)
    assert set(batch.result["created"]) >= {"people.Person", "people.ManagementPeriod", "episodes.Episode"}
    assert batch.result["updated"] == {"people.Person": [hung.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        import_undo(actor=officer, batch=batch)
    batch.refresh_from_db()
    hung.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and batch.undone_by == officer
    assert set(Person.objects.values_list("full_name", flat=True)) == {"Đỗ Văn Hùng", "Phạm Thị Lan"}
    assert not Episode.objects.exists()
    assert hung.phone == "" and hung.current_hamlet == "" and hung.version == 3
    deleted = Person.history.filter(history_type="-")
    assert deleted.count() == 3 and set(deleted.values_list("history_user", flat=True)) == {officer.pk}


def test_undo_is_refused_once_something_imported_changed(upload, officer, django_capture_on_commit_callbacks):
    batch = apply(upload(xlsx(PEOPLE_HEADERS, GOOD)), officer, django_capture_on_commit_callbacks)
    an = Person.objects.get(full_name="Nguyễn Văn An")
    person_update(actor=officer, person=an, expected_version=an.version, phone="0900000001")
    with pytest.raises(ValidationError) as refused:
        import_undo(actor=officer, batch=batch)
    assert "không thể hoàn tác" in " ".join(refused.value.messages).lower()
    assert Person.objects.filter(full_name="Nguyễn Văn An").exists()


def test_undo_is_refused_once_a_record_was_added_to_an_imported_person(
    upload, officer, django_capture_on_commit_callbacks
):
    batch = apply(upload(xlsx(PEOPLE_HEADERS, GOOD)), officer, django_capture_on_commit_callbacks)
    binh = Person.objects.get(full_name="Trần Thị Bình")
    whereabouts_record(actor=officer, person=binh, status="moved_away", since=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        import_undo(actor=officer, batch=batch)


def test_the_check_reads_the_registry_a_fixed_number_of_times(officer, phu_thuong, registered):
    def rows(count):
        return [
            {
                "row": n + 2,
                "errors": [],
                "values": {
                    "full_name": f"Người Thứ {n}",
                    "sex": "male",
                    "birth": [None, 1980 + n % 20],
                    "citizen_id": f"0010{80 + n % 20:02d}{n:06d}",
                    "episode_type": "drug_user_management",
                    "start_date": "2026-02-01",
                },
            }
            for n in range(count)
        ]

    with CaptureQueriesContext(connection) as few:
        plan_people(officer, phu_thuong, rows(5), {})
    with CaptureQueriesContext(connection) as many:
        plan_people(officer, phu_thuong, rows(60), {})
    assert len(many) == len(few)


def test_a_row_like_two_registered_people_is_decided_by_naming_one(
    upload, officer, phu_thuong, django_capture_on_commit_callbacks
):
    first, second = (
        person_register(actor=officer, unit=phu_thuong, full_name="Vũ Văn Nam", sex=Sex.MALE, birth_year=1985,
                        current_hamlet=hamlet)
        for hamlet in ("Tổ 1", "Tổ 2")
    )  # fmt: skip
    batch = upload(xlsx(HEADERS, [(1, "Vũ Văn Nam", "Nam", 1985, "", "Tổ 7", "", "", "")]))
    assert {c["id"] for c in batch.preview[0]["candidates"]} == {first.pk, second.pk}
    with pytest.raises(ValidationError) as refused:
        import_decide(actor=officer, batch=batch, decisions={"2": "confirm"})
    assert "chọn một người" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        import_decide(actor=officer, batch=batch, decisions={"2": str(first.pk + second.pk + 99)})
    with django_capture_on_commit_callbacks(execute=True):
        import_decide(actor=officer, batch=batch, decisions={"2": str(second.pk)})
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    first.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert (first.current_hamlet, second.current_hamlet) == ("Tổ 1", "Tổ 7")


def test_a_day_on_the_roster_in_the_future_is_an_error_on_its_column(upload):
    headers = (*PEOPLE_HEADERS, "Ngày quản lý")
    rows = [
        (1, "Nguyễn Văn An", "Nam", 1990, "", "", "", "", "01/01/2099"),
        (2, "Trần Thị Bình", "Nữ", 1985, "", "", "", "", "01/01/1900"),
        (3, "Lê Văn Cường", "Nam", 1991, "", "", "", "", "01/03/2025"),
    ]
    batch = upload(xlsx(headers, rows))
    errors = {entry["row"]: entry.get("errors") for entry in batch.preview}
    assert errors[2] == [{"column": "Ngày quản lý", "message": "Ngày không được là ngày trong tương lai."}]
    assert errors[3][0]["column"] == "Ngày quản lý"
    assert batch.preview[2]["action"] == RowAction.CREATE


def test_lookups_split_in_chunks_give_the_same_outcome(
    upload, officer, registered, monkeypatch, django_capture_on_commit_callbacks
):
    """Thousands of values go to the database a chunk at a time (SQLite bounds a statement's parameters)."""
    from donghanh.core import history
    from donghanh.imports import people_rows, rows, services
    from donghanh.people import services as people_services

    for module in (history, people_rows, rows, services, people_services):
        monkeypatch.setattr(module, "IN_CHUNK", 2)
    hung, lan = registered
    file = [*[(*row, "") for row in GOOD], (4, "Đỗ Văn Hùng", "Nam", 1988, "001088000777", "Tổ 9", "", "", ""),
            (5, "Phạm Thị Lan", "Nữ", 1979, "", "", "", "", "")]  # fmt: skip
    batch = upload(xlsx(HEADERS, file))
    assert [e["action"] for e in batch.preview] == ["create"] * 3 + ["update", "unchanged"], batch.preview
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    assert sorted(p.code for p in Person.objects.exclude(pk__in=[hung.pk, lan.pk])) == [
        f"DH{pk:07d}" for pk in sorted(Person.objects.exclude(pk__in=[hung.pk, lan.pk]).values_list("pk", flat=True))
    ]
    assert upload(xlsx(HEADERS, file)).counts[RowAction.UNCHANGED] == 5
    with django_capture_on_commit_callbacks(execute=True):
        import_undo(actor=officer, batch=batch)
    assert set(Person.objects.values_list("pk", flat=True)) == {hung.pk, lan.pk}
    hung.refresh_from_db()
    assert hung.current_hamlet == ""
