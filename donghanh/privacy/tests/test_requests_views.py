"""The pages and the API of data-subject requests: recording one from the person's page (a refused form keeps what
was typed), the list with its filters and empty states, acknowledging and answering, the navigation, and the scope
(another commune's officer gets 404, other roles 403)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.privacy.choices import RequestChannel, RequestKind, RequestOutcome
from donghanh.privacy.models import DataSubjectRequest
from donghanh.privacy.requests import request_acknowledge, request_answer, request_record

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def officer_client(client: Any, officer: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(officer)
    with translation.override("vi"):
        yield client


RECEIVED = D(2025, 3, 6)


def record(officer: Any, person: Any, received_on: datetime.date = RECEIVED, **fields: Any) -> DataSubjectRequest:
    return request_record(
        actor=officer,
        person=person,
        kind=fields.pop("kind", RequestKind.ACCESS),
        received_on=received_on,
        channel=RequestChannel.LETTER,
        **fields,
    )


# --- recording from the person's page -----------------------------------------------------------


def test_the_person_page_shows_the_requests_and_the_button_to_the_officer(officer_client, officer, person):
    page = parse(officer_client.get(f"/people/{person.pk}/"))
    section = page.get(data_testid="data-requests")
    assert section.get("a", data_testid="request-add").attrs["href"] == f"/privacy/people/{person.pk}/requests/new/"
    assert section.find(data_testid="person-requests-empty") is not None
    request = record(officer, person)
    section = parse(officer_client.get(f"/people/{person.pk}/")).get(data_testid="data-requests")
    [row] = section.find_all(data_testid="person-request")
    assert "Truy cập dữ liệu" in row.text or request.get_kind_display() in row.text
    assert "20/03/2025" in row.text  # answer by


def test_the_section_and_the_menu_are_not_shown_to_roles_that_do_not_handle_requests(
    client, make_user, phu_thuong, person
):
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))
    page = parse(client.get(f"/people/{person.pk}/"))
    assert page.find(data_testid="data-requests") is None
    assert page.find(data_testid="nav-data-requests") is None


def test_record_a_request_with_its_deadlines(officer_client, person):
    response = officer_client.post(
        f"/privacy/people/{person.pk}/requests/new/",
        {
            "kind": RequestKind.CORRECTION,
            "received_on": "29/04/2025",
            "channel": RequestChannel.IN_PERSON,
            "requester": "person",
            "details": "Sửa số điện thoại",
        },
    )
    request = DataSubjectRequest.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == f"/privacy/requests/{request.pk}/"
    page = parse(officer_client.get(response["Location"]))
    assert "06/05/2025" in page.get(data_testid="acknowledge-due").text
    assert "16/05/2025" in page.get(data_testid="answer-due").text
    assert page.get(data_testid="request-details").text == "Sửa số điện thoại"
    assert AccessLogEntry.objects.filter(object_id=str(request.pk), detail="data-subject request").exists()


def test_a_refused_form_keeps_what_was_typed_with_messages_in_vietnamese(officer_client, person):
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    response = officer_client.post(
        f"/privacy/people/{person.pk}/requests/new/",
        {
            "kind": RequestKind.DELETION,
            "received_on": future,
            "channel": RequestChannel.EMAIL,
            "requester": "guardian",
            "requester_name": "",
            "details": "Xóa số điện thoại cũ",
        },
    )
    assert response.status_code == 400
    page = parse(response)
    form = page.get("form", data_testid="request-form")
    assert form.get("textarea", name="details").text == "Xóa số điện thoại cũ"
    assert form.get("input", name="received_on").attrs["value"] == future
    assert "selected" in form.get("option", value=RequestKind.DELETION).attrs
    assert "Cho biết tên" in form.get(data_field="requester_name").text or "người giám hộ" in form.text
    assert not DataSubjectRequest.objects.exists()


def test_a_wrong_date_format_is_refused_on_the_field(officer_client, person):
    response = officer_client.post(
        f"/privacy/people/{person.pk}/requests/new/",
        {
            "kind": RequestKind.ACCESS,
            "received_on": "2025-13-45",
            "channel": RequestChannel.EMAIL,
            "requester": "person",
        },
    )
    assert response.status_code == 400
    assert "dd/mm/yyyy" in parse(response).get(data_field="received_on").text


# --- the list ------------------------------------------------------------------------------------


def test_the_list_filters_open_overdue_and_all_with_empty_states(officer_client, officer, person):
    page = parse(officer_client.get("/privacy/requests/"))
    assert page.get(data_testid="requests-empty")
    assert page.get("a", data_testid="nav-data-requests").attrs["href"] == "/privacy/requests/"
    today = timezone.localdate()
    late = record(officer, person, received_on=today - datetime.timedelta(days=30))
    fresh = record(officer, person, received_on=today)
    done = record(officer, person, received_on=today - datetime.timedelta(days=3))
    request_answer(actor=officer, data_request=done, outcome=RequestOutcome.GRANTED)

    def shown(state: str) -> dict[int, str]:
        rows = parse(officer_client.get(f"/privacy/requests/?state={state}")).find_all(data_testid="request-row")
        return {int(r.attrs["data-request"] or 0): r.attrs["data-overdue"] or "" for r in rows}

    assert shown("open") == {late.pk: "yes", fresh.pk: "no"}
    assert shown("overdue") == {late.pk: "yes"}
    assert set(shown("all")) == {late.pk, fresh.pk, done.pk}
    assert set(shown("nonsense")) == {late.pk, fresh.pk}  # an unknown filter is the default
    request_answer(actor=officer, data_request=late, outcome=RequestOutcome.GRANTED)
    assert parse(officer_client.get("/privacy/requests/?state=overdue")).get(data_testid="requests-empty")


def test_the_list_answers_htmx_with_the_table_alone(officer_client, officer, person):
    record(officer, person)
    response = officer_client.get("/privacy/requests/?state=all", headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b'data-testid="request-row"' in response.content


def test_the_list_is_paged(officer_client, officer, person, settings):
    settings.LIST_PAGE_SIZE = 2
    for _ in range(3):
        record(officer, person)
    first = parse(officer_client.get("/privacy/requests/?state=all"))
    assert len(first.find_all(data_testid="request-row")) == 2
    second = parse(officer_client.get("/privacy/requests/?state=all&page=2"))
    assert len(second.find_all(data_testid="request-row")) == 1


# --- acknowledging and answering -----------------------------------------------------------------


def test_acknowledge_then_answer_from_the_page(officer_client, officer, person):
    request = record(officer, person)
    page = parse(officer_client.get(f"/privacy/requests/{request.pk}/"))
    assert page.get(data_testid="request-state").attrs["data-state"] == "received"
    response = officer_client.post(f"/privacy/requests/{request.pk}/acknowledge/", {"on": "07/03/2025"})
    assert response.status_code == 302
    page = parse(officer_client.get(f"/privacy/requests/{request.pk}/"))
    assert page.find(data_testid="acknowledge-form") is None
    assert page.get(data_testid="acknowledged-on").text == "07/03/2025"

    refused = officer_client.post(
        f"/privacy/requests/{request.pk}/answer/", {"outcome": RequestOutcome.REFUSED, "answer": "", "on": "10/03/2025"}
    )
    assert refused.status_code == 400
    form = parse(refused).get("form", data_testid="answer-form")
    assert "checked" in form.get("input", value=RequestOutcome.REFUSED).attrs
    assert "checked" not in form.get("input", value=RequestOutcome.GRANTED).attrs
    assert form.get("input", name="on").attrs["value"] == "10/03/2025"
    assert any("invalid-feedback" in (n.attrs.get("class") or "") for n in form.get(data_field="answer").iter())

    response = officer_client.post(
        f"/privacy/requests/{request.pk}/answer/",
        {
            "outcome": RequestOutcome.PARTLY,
            "answer": "Đã giao bản sao; hồ sơ điều tra không cung cấp",
            "on": "10/03/2025",
        },
    )
    assert response.status_code == 302
    page = parse(officer_client.get(f"/privacy/requests/{request.pk}/"))
    assert page.get(data_testid="request-state").attrs["data-state"] == "answered"
    assert page.find(data_testid="answer-form") is None
    assert page.get(data_testid="answer").text == "Đã giao bản sao; hồ sơ điều tra không cung cấp"


def test_an_acknowledgement_already_recorded_is_refused_on_the_page(officer_client, officer, person):
    request = record(officer, person)
    request_acknowledge(actor=officer, data_request=request, on=D(2025, 3, 7))
    response = officer_client.post(f"/privacy/requests/{request.pk}/acknowledge/", {"on": "07/03/2025"})
    assert response.status_code == 400
    assert "07/03/2025" in parse(response).get(data_testid="form-errors").text


# --- scope ---------------------------------------------------------------------------------------


def test_another_communes_officer_gets_404_and_other_roles_403(
    client, officer, person, make_user, hai_chau, phu_thuong
):
    request = record(officer, person)
    urls = [
        f"/privacy/requests/{request.pk}/",
        f"/privacy/requests/{request.pk}/export.json",
        f"/privacy/requests/{request.pk}/export.pdf",
        f"/privacy/people/{person.pk}/requests/new/",
    ]
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.post(f"/privacy/requests/{request.pk}/acknowledge/", {"on": "07/03/2025"}).status_code == 404
    assert parse(client.get("/privacy/requests/?state=all")).get(data_testid="requests-empty")
    for role in (Role.COMMUNE_POLICE, Role.HEALTH_STAFF, Role.AUDITOR, Role.VOLUNTEER):
        client.force_login(make_user(role, phu_thuong))
        assert client.get("/privacy/requests/").status_code == 403
        assert client.get(urls[0]).status_code == 403
    request.refresh_from_db()
    assert request.acknowledged_on is None


# --- API -----------------------------------------------------------------------------------------


def test_api_create_list_acknowledge_answer(client, officer, person):
    client.force_login(officer)
    created = client.post(
        "/api/v1/data-requests/",
        {"person": person.pk, "kind": "deletion", "received_on": "2025-04-29", "channel": "letter"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["acknowledge_by"], body["answer_by"], body["overdue"]) == ("2025-05-06", "2025-05-30", True)
    pk = body["id"]
    listed = client.get("/api/v1/data-requests/", {"state": "overdue"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert client.get("/api/v1/data-requests/", {"state": "answered"}).json()["results"] == []

    refused = client.post(
        f"/api/v1/data-requests/{pk}/answer/", {"outcome": "refused"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "answer" in refused.json()
    unwritten = client.post(
        f"/api/v1/data-requests/{pk}/acknowledge/", {"outcome": "granted"}, content_type="application/json"
    )
    assert unwritten.status_code == 400 and "outcome" in unwritten.json()

    acknowledged = client.post(
        f"/api/v1/data-requests/{pk}/acknowledge/", {"on": "2025-04-29"}, content_type="application/json"
    )
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_on"] == "2025-04-29"
    answered = client.post(
        f"/api/v1/data-requests/{pk}/answer/",
        {"outcome": "refused", "answer": "Hồ sơ biện pháp phải lưu theo luật", "on": "2025-05-05"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert (answered.json()["outcome"], answered.json()["overdue"]) == ("refused", False)


def test_api_refuses_other_roles_and_other_communes(client, officer, person, make_user, hai_chau, phu_thuong):
    request = record(officer, person)
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(f"/api/v1/data-requests/{request.pk}/").status_code == 404
    assert client.get(f"/api/v1/data-requests/{request.pk}/export/").status_code == 404
    assert client.get("/api/v1/data-requests/").json()["results"] == []
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))
    assert client.get("/api/v1/data-requests/").status_code == 403
    created = client.post(
        "/api/v1/data-requests/",
        {"person": person.pk, "kind": "access", "received_on": "2025-04-29", "channel": "letter"},
        content_type="application/json",
    )
    assert created.status_code == 403


def test_api_schema_documents_the_endpoints(client, officer):
    client.force_login(officer)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for route, methods in {
        "/api/v1/data-requests/": {"get", "post"},
        "/api/v1/data-requests/{id}/": {"get"},
        "/api/v1/data-requests/{id}/acknowledge/": {"post"},
        "/api/v1/data-requests/{id}/answer/": {"post"},
        "/api/v1/data-requests/{id}/export/": {"get"},
    }.items():
        assert methods <= set(paths[route]), route
        for method in methods:
            answers = set(paths[route][method]["responses"])
            assert {"400", "401", "403", "404", "429"} <= answers
            if method == "post":
                assert "415" in answers
