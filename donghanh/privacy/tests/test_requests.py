"""Data-subject requests: their deadlines in working days (weekends and the public holidays of the roster's table
skipped), what the services refuse, who may act, and their items on the work list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework.choices import NotificationKind
from donghanh.casework.worklist import work_list
from donghanh.privacy.choices import RequestChannel, Requester, RequestKind, RequestOutcome
from donghanh.privacy.models import DataSubjectRequest
from donghanh.privacy.requests import (
    request_acknowledge,
    request_answer,
    request_record,
    requests_for_user,
    requests_open,
    requests_overdue,
)
from donghanh.roster.models import Holiday

pytestmark = pytest.mark.django_db
D = datetime.date


def record(officer: Any, person: Any, **fields: Any) -> DataSubjectRequest:
    values: dict[str, Any] = {
        "kind": RequestKind.ACCESS,
        "received_on": D(2025, 3, 6),
        "channel": RequestChannel.IN_PERSON,
    }
    return request_record(actor=officer, person=person, **(values | fields))


def messages(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return error.value.message_dict[field]


# --- deadlines -----------------------------------------------------------------------------------


def test_two_working_days_to_acknowledge_skip_the_weekend(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))  # a Thursday
    assert request.acknowledge_by == D(2025, 3, 10)  # Friday, then Monday
    assert request.answer_by == D(2025, 3, 20)  # ten working days


def test_the_public_holidays_of_the_table_and_the_weekend_are_skipped(officer, person):
    """Received on Tuesday 29/04/2025: 30/04, 01/05 and 02/05 are holidays, then the weekend."""
    assert Holiday.objects.filter(date__in=[D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)]).count() == 3
    access = record(officer, person, received_on=D(2025, 4, 29))
    assert access.acknowledge_by == D(2025, 5, 6)
    assert access.answer_by == D(2025, 5, 16)
    deletion = record(officer, person, kind=RequestKind.DELETION, received_on=D(2025, 4, 29))
    assert deletion.answer_by == D(2025, 5, 30)  # twenty working days for a deletion


def test_a_holiday_added_to_the_table_moves_the_deadline(officer, person):
    Holiday.objects.create(date=D(2025, 3, 10), name="Ngày nghỉ thử")
    assert record(officer, person, received_on=D(2025, 3, 6)).acknowledge_by == D(2025, 3, 11)


@override_settings(PRIVACY_ACKNOWLEDGE_WORKING_DAYS=1, PRIVACY_ANSWER_WORKING_DAYS=dict.fromkeys(RequestKind.values, 3))
def test_the_deadlines_are_settings(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))
    assert (request.acknowledge_by, request.answer_by) == (D(2025, 3, 7), D(2025, 3, 11))


# --- what the services refuse --------------------------------------------------------------------


def test_a_request_in_the_future_is_refused_in_vietnamese(officer, person):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as error:
        record(officer, person, received_on=timezone.localdate() + datetime.timedelta(days=1))
    assert messages(error, "received_on") == ["Ngày không được là ngày trong tương lai."]


def test_a_guardian_or_representative_is_named(officer, person):
    with pytest.raises(ValidationError) as error:
        record(officer, person, requester=Requester.GUARDIAN)
    assert "requester_name" in error.value.message_dict
    request = record(officer, person, requester=Requester.GUARDIAN, requester_name=" Trần Thị Lan ")
    assert request.requester_name == "Trần Thị Lan"


@pytest.mark.parametrize("field", ["kind", "channel", "requester"])
def test_an_unknown_code_is_refused_on_its_field(officer, person, field):
    with pytest.raises(ValidationError) as error:
        record(officer, person, **{field: "nonsense"})
    assert field in error.value.message_dict


def test_only_the_officer_of_the_persons_commune_records_and_answers(officer, person, make_user, hai_chau, phu_thuong):
    for other in (make_user(Role.COMMUNE_OFFICER, hai_chau), make_user(Role.COMMUNE_POLICE, phu_thuong)):
        with pytest.raises(PermissionDenied):
            record(other, person)
    request = record(officer, person)
    with pytest.raises(PermissionDenied):
        request_acknowledge(actor=make_user(Role.HEALTH_STAFF, phu_thuong), data_request=request)


def test_acknowledge_then_answer_with_the_history_naming_the_officer(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))
    request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 7))
    with pytest.raises(ValidationError):
        request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 7))
    request_answer(
        actor=officer, data_request=request, outcome=RequestOutcome.GRANTED, answer="Đã giao bản in", on=D(2025, 3, 12)
    )
    request.refresh_from_db()
    assert (request.acknowledged_on, request.answered_on, request.outcome) == (
        D(2025, 3, 7),
        D(2025, 3, 12),
        RequestOutcome.GRANTED,
    )
    assert request.answer == "Đã giao bản in"
    assert {h.history_user for h in request.history.all()} == {officer}
    with pytest.raises(ValidationError):
        request_answer(actor=officer, data_request=request, outcome=RequestOutcome.GRANTED)


def test_a_refusal_needs_its_reason_and_an_answer_acknowledges(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))
    for outcome in (RequestOutcome.REFUSED, RequestOutcome.PARTLY):
        with pytest.raises(ValidationError) as error:
            request_answer(actor=officer, data_request=request, outcome=outcome, answer="  ", on=D(2025, 3, 7))
        assert "answer" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        request_answer(actor=officer, data_request=request, outcome="maybe")
    assert "outcome" in error.value.message_dict
    request_answer(
        actor=officer,
        data_request=request,
        outcome=RequestOutcome.REFUSED,
        answer="Hồ sơ biện pháp phải lưu theo Luật 73/2021",
        on=D(2025, 3, 7),
    )
    request.refresh_from_db()
    assert request.acknowledged_on == request.answered_on == D(2025, 3, 7)


def test_dates_before_the_receipt_are_refused(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))
    with pytest.raises(ValidationError) as error:
        request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 5))
    assert "on" in error.value.message_dict
    request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 10))
    with pytest.raises(ValidationError) as error:
        request_answer(actor=officer, data_request=request, outcome=RequestOutcome.GRANTED, on=D(2025, 3, 7))
    assert "on" in error.value.message_dict


# --- reads and the work list ---------------------------------------------------------------------


def test_reads_are_scoped_to_the_officers_who_handle_requests(officer, person, make_user, hai_chau, phu_thuong):
    request = record(officer, person)
    assert list(requests_for_user(officer)) == [request]
    for other in (
        make_user(Role.COMMUNE_OFFICER, hai_chau),
        make_user(Role.COMMUNE_POLICE, phu_thuong),
        make_user(Role.AUDITOR, phu_thuong),
    ):
        assert list(requests_for_user(other)) == []


def test_open_and_overdue(officer, person):
    today = timezone.localdate()
    late = record(officer, person, received_on=today - datetime.timedelta(days=30))
    fresh = record(officer, person, received_on=today)
    assert set(requests_open(officer)) == {late, fresh}
    assert list(requests_overdue(officer, today)) == [late]
    request_answer(actor=officer, data_request=late, outcome=RequestOutcome.GRANTED)
    assert list(requests_open(officer)) == [fresh]
    assert list(requests_overdue(officer, today)) == []


def items_of(user: Any, today: datetime.date) -> dict[str, Any]:
    kinds = {NotificationKind.DATA_REQUEST_ACKNOWLEDGE, NotificationKind.DATA_REQUEST_ANSWER}
    return {item.key: item for item in work_list(user, today) if item.kind in kinds}


def test_work_list_items_appear_and_disappear(officer, person, make_user, phu_thuong):
    today = timezone.localdate()
    request = record(officer, person, received_on=today - datetime.timedelta(days=7))
    items = items_of(officer, today)
    ack, answer = items[f"data_request_ack:{request.pk}"], items[f"data_request_answer:{request.pk}"]
    assert ack.due_date == request.acknowledge_by and ack.late  # seven days ago: past two working days
    assert f"{request.acknowledge_by:%d/%m/%Y}" in ack.detail
    assert answer.due_date == request.answer_by and f"{request.answer_by:%d/%m/%Y}" in answer.detail
    assert ack.subject == person.full_name and ack.url == f"/privacy/requests/{request.pk}/"
    assert str(ack.kind_label) and ack.overdue

    assert items_of(make_user(Role.COMMUNE_POLICE, phu_thuong), today) == {}  # not who handles requests

    request_acknowledge(actor=officer, data_request=request)
    assert set(items_of(officer, today)) == {f"data_request_answer:{request.pk}"}
    request_answer(actor=officer, data_request=request, outcome=RequestOutcome.GRANTED)
    assert items_of(officer, today) == {}


def test_an_answer_item_is_late_only_after_its_day(officer, person):
    request = record(officer, person, received_on=D(2025, 3, 6))
    request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 6))
    [on_the_day] = items_of(officer, request.answer_by).values()
    assert not on_the_day.late
    [after] = items_of(officer, request.answer_by + datetime.timedelta(days=1)).values()
    assert after.late
