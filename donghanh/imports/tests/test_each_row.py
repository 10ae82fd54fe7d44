"""Volunteers with assignments, and services given: each row through the page's services, checked by a rollback."""

from __future__ import annotations

import datetime

import pytest

from donghanh.casework.models import Assignment, Volunteer, VolunteerTeam
from donghanh.imports.choices import ImportStatus, RowAction
from donghanh.imports.tests.conftest import apply, xlsx
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.support.models import ServiceRecord, ServiceType

pytestmark = pytest.mark.django_db

VOLUNTEER_HEADERS = ("STT", "Họ và tên", "Giới tính", "Đoàn thể", "Điện thoại", "Người được giúp đỡ", "Ngày phân công")
SERVICE_HEADERS = ("STT", "Số CCCD", "Họ và tên", "Loại hỗ trợ", "Ngày bắt đầu", "Số tiền", "Ngân hàng", "Ghi chú")


@pytest.fixture
def person(officer, phu_thuong):
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Đỗ Văn Hùng",
        sex=Sex.MALE,
        birth_year=1988,
        citizen_id="001088000777",
        registered_on=datetime.date(2025, 9, 1),
    )


def test_volunteers_and_their_assignment_are_checked_without_a_trace_then_applied(
    upload, officer, person, django_capture_on_commit_callbacks
):
    rows = [
        (1, "Trần Thị Bình", "Nữ", "Hội Liên hiệp Phụ nữ", "0987654321", "001 088 000777", "01/02/2026"),
        (2, "Lê Văn Cường", "Nam", "doan thanh nien", "", "", ""),
    ]
    batch = upload(xlsx(VOLUNTEER_HEADERS, rows), "volunteers")
    assert batch.status == ImportStatus.CHECKED, batch.message
    assert [entry["action"] for entry in batch.preview] == [RowAction.CREATE, RowAction.CREATE], batch.preview
    assert not VolunteerTeam.objects.exists() and not Volunteer.objects.exists()  # the check was rolled back
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.APPLIED, batch.message
    binh = Volunteer.objects.get(full_name="Trần Thị Bình")
    assert binh.affiliation == "womens_union" and binh.phone == "0987654321"
    assignment = Assignment.objects.get(person=person)
    assert assignment.volunteer == binh and assignment.start_date == datetime.date(2026, 2, 1)
    assert Volunteer.objects.get(full_name="Lê Văn Cường").affiliation == "youth_union"
    again = upload(xlsx(VOLUNTEER_HEADERS, rows), "volunteers")
    assert again.counts[RowAction.UNCHANGED] == 2


def test_a_volunteer_row_names_a_person_nobody_has(upload):
    rows = [(1, "Trần Thị Bình", "Nữ", "Hội Liên hiệp Phụ nữ", "", "001099999999", "")]
    batch = upload(xlsx(VOLUNTEER_HEADERS, rows), "volunteers")
    [error] = batch.preview[0]["errors"]
    assert error["column"] == "Người được giúp đỡ" and "001099999999" in error["message"]


def test_services_given_with_the_services_own_messages(upload, officer, person, django_capture_on_commit_callbacks):
    rows = [
        (1, "001088000777", "Đỗ Văn Hùng", "Học nghề", "10/02/2026", "", "", ""),
        (2, "001088000777", "Đỗ Văn Hùng", "Vay vốn ưu đãi", "15/02/2026", "", "NHCSXH Bắc Từ Liêm", ""),
    ]
    batch = upload(xlsx(SERVICE_HEADERS, rows), "services")
    assert batch.preview[0]["action"] == RowAction.CREATE
    [error] = batch.preview[1]["errors"]
    assert error == {"column": "Số tiền", "message": "Khoản vay phải có số tiền."}
    assert not ServiceRecord.objects.exists()
    rows[1] = (2, "DH" + person.code[2:], "Đỗ Văn Hùng", "vay von uu dai", 46068, "30.000.000 ₫", "NHCSXH", "")
    batch = apply(upload(xlsx(SERVICE_HEADERS, rows), "services"), officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.APPLIED, batch.message
    loan = ServiceRecord.objects.get(service_type__code="preferential_loan")
    assert loan.amount == 30_000_000 and loan.start_date == datetime.date(2026, 2, 15) and loan.recorded_by == officer
    assert upload(xlsx(SERVICE_HEADERS, rows), "services").counts[RowAction.UNCHANGED] == 2


def test_a_service_refused_at_the_last_row_when_applying_leaves_no_trace(
    upload, officer, person, django_capture_on_commit_callbacks
):
    rows = [
        (1, "001088000777", "", "Học nghề", "10/02/2026", "", "", ""),
        (2, "001088000777", "", "Thẻ bảo hiểm y tế", "11/02/2026", "", "", ""),
        (3, "001088000777", "", "Trợ giúp pháp lý", "12/02/2026", "", "", ""),
    ]
    batch = upload(xlsx(SERVICE_HEADERS, rows), "services")
    assert batch.counts[RowAction.CREATE] == 3
    ServiceType.objects.filter(code="legal_aid").update(is_active=False)  # between the check and the apply
    batch = apply(batch, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKED and batch.counts[RowAction.ERROR] == 1
    assert batch.preview[2]["action"] == RowAction.ERROR
    assert not ServiceRecord.objects.exists() and not ServiceRecord.history.exists()
