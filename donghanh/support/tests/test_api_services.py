"""API: service types and the services people received — scoped, validated by the services, filtered, pinned.

The services use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.dates import add_months_civil
from donghanh.support import services
from donghanh.support.models import ServiceRecord, ServiceType
from donghanh.support.tests.helpers import kind, register

pytestmark = pytest.mark.django_db

API = "/api/v1/"
TYPES = API + "service-types/"
SERVICES = API + "services/"
TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=400)
ENGLISH = {"Accept-Language": "en"}


def give(officer, person, code="emergency_aid", start=LONG_AGO, **fields) -> ServiceRecord:
    if code in ("emergency_aid", "vocational_training") and "amount" not in fields:
        fields["amount"] = 1_500_000
    return services.service_record(actor=officer, person=person, service_type=kind(code), start_date=start, **fields)


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers or None)


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers or None)


def get(client, url, params=None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.content)
    return response.json()


def ids(body) -> list[int]:
    return [row["id"] for row in body["results"]]


# --- service types -------------------------------------------------------------------------------


def test_service_types_are_listed_in_order_with_the_label_of_the_request_s_language(client, api, make_user, unit):
    body = client.get(TYPES, headers=ENGLISH).json()
    assert body["count"] == ServiceType.objects.count()
    first = body["results"][0]
    assert first == {
        "id": kind("vocational_training").pk,
        "code": "vocational_training",
        "label_vi": "Học nghề",
        "label_en": "Vocational training",
        "label": "Vocational training",
        "category": "training",
        "involves_money": True,
        "is_active": True,
    }
    assert client.get(TYPES, headers={"Accept-Language": "vi"}).json()["results"][0]["label"] == "Học nghề"
    assert post(client, TYPES, {"code": "x", "label_vi": "x", "label_en": "x", "category": "other"}).status_code == 405
    client.force_login(make_user(Role.BOARD_MEMBER, unit("00091")))  # no support for a club's board
    assert client.get(TYPES).status_code == 403


# --- creating and changing -------------------------------------------------------------------------


def test_a_loan_is_recorded_and_shown_as_a_read_shows_it(api, officer, person, bank):
    data = {
        "person": person.pk,
        "service_type": kind("preferential_loan").pk,
        "provider": bank.pk,
        "start_date": LONG_AGO.isoformat(),
        "amount": 30_000_000,
        "loan_purpose": "Mua máy may",
        "loan_term_months": 36,
        "repayment_status": "current",
    }
    created = post(api, SERVICES, data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        **body,
        "person": person.pk,
        "person_code": person.code,
        "service_type_code": "preferential_loan",
        "category": "loan",
        "provider": bank.pk,
        "provider_name": "",
        "amount": 30_000_000,
        "end_date": None,
        "is_stable_job": False,
        "recorded_by": officer.username,
    }
    assert api.get(f"{SERVICES}{body['id']}/").json() == body
    repaid = patch(
        api,
        f"{SERVICES}{body['id']}/",
        {"repayment_status": "repaid", "end_date": TODAY.isoformat(), "version": body["version"]},
    )
    assert repaid.status_code == 200, repaid.content
    assert (repaid.json()["repayment_status"], repaid.json()["end_date"]) == ("repaid", TODAY.isoformat())
    assert ServiceRecord.objects.get().repayment_status == "repaid"


@pytest.mark.parametrize(
    ("code", "fields", "errors"),
    [
        ("legal_aid", {"amount": 500_000}, {"amount": ["Legal aid involves no money."]}),
        (
            "preferential_loan",
            {"amount": 20_000_000},
            {"provider": ["A loan needs the bank branch that granted it."]},
        ),
        ("emergency_aid", {"amount": 0}, {"amount": ["Enter an amount between 1 ₫ and 500.000.000 ₫."]}),
        ("emergency_aid", {"amount": 1, "loan_term_months": 12}, {"loan_term_months": ["Only a loan has this."]}),
        ("job_placement", {}, {"provider": ["A job needs its employer."]}),
        (
            "emergency_aid",
            {"amount": 1, "start_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            {"start_date": ["The start cannot be in the future."]},
        ),
        (
            "emergency_aid",
            {"amount": 1, "end_date": (LONG_AGO - datetime.timedelta(days=1)).isoformat()},
            {"end_date": ["The end cannot be before the start."]},
        ),
    ],
)
def test_the_service_s_rules_come_back_as_400_on_their_field(api, person, code, fields, errors):
    data = {"person": person.pk, "service_type": kind(code).pk, "start_date": LONG_AGO.isoformat(), **fields}
    refused = post(api, SERVICES, data, **ENGLISH)
    assert refused.status_code == 400
    assert refused.json() == errors
    assert not ServiceRecord.objects.exists()


def test_a_change_is_checked_by_the_same_rules(api, officer, person):
    record = give(officer, person, "emergency_aid")
    url = f"{SERVICES}{record.pk}/"
    assert patch(
        api, url, {"version": 1, "start_date": (TODAY + datetime.timedelta(days=2)).isoformat()}, **ENGLISH
    ).json() == {"start_date": ["The start cannot be in the future."]}
    assert patch(api, url, {"version": 1, "position": "Thợ may"}, **ENGLISH).json() == {
        "position": ["Only a job has a position."]
    }
    assert patch(api, url, {"version": 1, "amount": -5}).status_code == 400  # not even a number of VND
    # A type may be corrected, by the same rules: legal aid involves no money, so the amount must go with it.
    assert "amount" in patch(api, url, {"version": 1, "service_type": kind("legal_aid").pk}, **ENGLISH).json()
    record.refresh_from_db()
    assert (record.start_date, record.position, record.amount) == (LONG_AGO, "", 1_500_000)
    corrected = patch(api, url, {"version": 1, "service_type": kind("legal_aid").pk, "amount": None}).json()
    assert (corrected["service_type"], corrected["amount"]) == (kind("legal_aid").pk, None)


def test_a_job_held_long_enough_is_stable_from_its_dates(api, officer, person, employer):
    start = add_months_civil(TODAY, -4)
    job = give(officer, person, "job_placement", start=start, provider=employer, position="Công nhân may")
    recent = give(officer, person, "job_placement", start=TODAY, provider=employer)
    assert api.get(f"{SERVICES}{job.pk}/").json()["is_stable_job"] is True
    assert api.get(f"{SERVICES}{recent.pk}/").json()["is_stable_job"] is False
    ended = patch(
        api, f"{SERVICES}{job.pk}/", {"end_date": add_months_civil(TODAY, -2).isoformat(), "version": job.version}
    )
    assert ended.json()["is_stable_job"] is False


# --- scope ---------------------------------------------------------------------------------------------


def test_people_and_partners_outside_the_scope_are_not_found(api, officer, person, make_user, hai_chau, client):
    elsewhere = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far_person = register(elsewhere, hai_chau, "Phan Văn Hải")
    far_partner = services.partner_add(actor=elsewhere, unit=hai_chau, name="Xưởng mộc Hải Châu", kind="business")
    far_record = give(elsewhere, far_person, "emergency_aid")
    aid = {"service_type": kind("emergency_aid").pk, "start_date": LONG_AGO.isoformat(), "amount": 1}
    refused = post(api, SERVICES, {**aid, "person": far_person.pk})
    assert refused.status_code == 400 and refused.json().keys() == {"person"}
    refused = post(api, SERVICES, {**aid, "person": person.pk, "provider": far_partner.pk})
    assert refused.status_code == 400 and refused.json().keys() == {"provider"}
    assert get(api, SERVICES)["results"] == []
    assert api.get(f"{SERVICES}{far_record.pk}/").status_code == 404
    assert patch(api, f"{SERVICES}{far_record.pk}/", {"outcome": "Xong"}).status_code == 404
    # Read-only roles read but do not write.
    mine = give(officer, person)
    for role, at in ((Role.AUDITOR, person.unit), (Role.PROVINCE_OFFICER, person.unit.parent)):
        client.force_login(make_user(role, at))
        assert ids(get(client, SERVICES)) == [mine.pk]
        assert post(client, SERVICES, {**aid, "person": person.pk}).status_code == 403
        assert patch(client, f"{SERVICES}{mine.pk}/", {"outcome": "Xong"}).status_code == 403


def test_a_volunteer_sees_the_services_of_their_people_only_and_records_none(
    client, officer, person, phu_thuong, make_user, assign_volunteer
):
    other = register(officer, phu_thuong, "Trần Văn Nam", 1991)
    mine, theirs = give(officer, person), give(officer, other)
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    client.force_login(volunteer)
    assert ids(get(client, SERVICES)) == [mine.pk]
    assert client.get(f"{SERVICES}{theirs.pk}/").status_code == 404
    aid = {"person": person.pk, "service_type": kind("emergency_aid").pk, "start_date": TODAY.isoformat(), "amount": 1}
    assert post(client, SERVICES, aid).status_code == 403
    assert patch(client, f"{SERVICES}{mine.pk}/", {"outcome": "Xong"}).status_code == 403


# --- filters -----------------------------------------------------------------------------------------


def test_services_are_filtered_by_person_type_category_dates_and_provider(api, officer, person, phu_thuong, employer):
    other = register(officer, phu_thuong, "Trần Văn Nam", 1991)
    aid = give(officer, person, "emergency_aid", start=LONG_AGO)
    course = give(officer, other, "vocational_training", start=TODAY - datetime.timedelta(days=30))
    job = give(officer, person, "job_placement", start=TODAY, provider=employer)
    assert ids(get(api, SERVICES)) == [job.pk, course.pk, aid.pk]
    assert ids(get(api, SERVICES, {"person": person.pk})) == [job.pk, aid.pk]
    assert ids(get(api, SERVICES, {"service_type": "vocational_training"})) == [course.pk]
    assert ids(get(api, SERVICES, {"category": "job_placement"})) == [job.pk]
    assert ids(get(api, SERVICES, {"provider": employer.pk})) == [job.pk]
    since = (TODAY - datetime.timedelta(days=31)).isoformat()
    assert ids(get(api, SERVICES, {"started_from": since})) == [job.pk, course.pk]
    assert ids(get(api, SERVICES, {"started_from": since, "started_to": since})) == []
    assert ids(get(api, SERVICES, {"started_to": LONG_AGO.isoformat()})) == [aid.pk]
    assert api.get(SERVICES, {"category": "lottery"}).status_code == 400
    assert api.get(SERVICES, {"started_from": "31/02/2025"}).status_code == 400


# --- query counts ------------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


# Session, user, grants, count (of the types; services are paged by a cursor and not counted), page (person, type,
# provider and recorder joined).
LIST_QUERIES = {SERVICES: 4, TYPES: 5}


@pytest.mark.parametrize("url", list(LIST_QUERIES))
def test_list_queries_do_not_grow_with_rows(
    api, officer, phu_thuong, employer, bank, url, django_assert_num_queries, make_user, assign_volunteer, client
):
    def person_with_services(n: int) -> Any:
        someone = register(officer, phu_thuong, f"Người {n}", 1980 + n)
        give(officer, someone, "emergency_aid")
        give(officer, someone, "job_placement", provider=employer, position="Thợ may")
        give(officer, someone, "preferential_loan", amount=10_000_000, provider=bank, repayment_status="current")
        return someone

    first = person_with_services(0)
    queries_for(api, url)  # warm the caches
    with django_assert_num_queries(LIST_QUERIES[url]):
        api.get(url)
    people = [first, *(person_with_services(n) for n in range(1, 6))]
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert api.get(url).status_code == 200

    volunteer = make_user(Role.VOLUNTEER, phu_thuong)  # narrowed to the people assigned, in the same queries
    for someone in people[:2]:
        assign_volunteer(volunteer, someone)
    client.force_login(volunteer)
    with django_assert_num_queries(LIST_QUERIES[url]):
        body = client.get(url).json()
    assert len(body["results"]) == (6 if url == SERVICES else ServiceType.objects.count())
