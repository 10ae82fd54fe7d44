"""API: the case-work records written through the services under /api/v1/ — teams, volunteers, assignments,
contacts and plans — the query counts of every list, and the schema.

The services use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.tests.test_api import (
    API,
    ASSIST,
    BARC10,
    ENGLISH,
    LONG_AGO,
    THIS_MONTH,
    TODAY,
    YESTERDAY,
    assess,
    assessment_data,
    get,
    ids,
    level,
    login,
    patch,
    positive_test,
    post,
    register,
    vi,
)
from donghanh.core.dates import previous_quarter, quarter_months, quarter_of, shift_month_start
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer_user(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Lê Thị Hoa")


# --- teams, volunteers, assignments -----------------------------------------------------------------------


def test_teams_and_volunteers(api, officer, make_user, phu_thuong, hai_chau):
    response = post(api, "volunteer-teams/", {"unit": phu_thuong.pk, "name": "Đội TNV Phú Thượng"})
    assert response.status_code == 201, response.content
    team = response.json()
    assert team["unit_code"] == "00091" and team["name"] == "Đội TNV Phú Thượng"
    again = post(api, "volunteer-teams/", {"unit": phu_thuong.pk, "name": "Đội hai"}, **ENGLISH)
    assert again.status_code == 400 and again.json()["unit"] == [f"{phu_thuong.name} already has a volunteer team."]
    assert post(api, "volunteer-teams/", {"unit": hai_chau.pk, "name": "Đội"}).status_code == 403
    renamed = patch(
        api, f"volunteer-teams/{team['id']}/", {"decision_number": "12/QĐ-UBND", "version": team["version"]}
    )
    assert renamed.status_code == 200 and renamed.json()["decision_number"] == "12/QĐ-UBND"
    assert get(api, "volunteer-teams/", {"q": "phu thuong"})["count"] == 1

    login_user = make_user(Role.VOLUNTEER, phu_thuong)
    data = {"team": team["id"], "full_name": "Phạm Thị Hà", "sex": "female", "affiliation": "womens_union"}
    response = post(api, "volunteers/", {**data, "user": login_user.pk})
    assert response.status_code == 201, response.content
    ha = response.json()
    assert ha["start_date"] == TODAY.isoformat() and ha["user"] == login_user.pk and ha["is_active"]
    taken = post(api, "volunteers/", {**data, "full_name": "Người khác", "user": login_user.pk}, **ENGLISH)
    assert taken.status_code == 400 and taken.json()["user"] == ["This login already belongs to volunteer Phạm Thị Hà."]
    post(api, "volunteers/", {**data, "full_name": "Đỗ Văn Cũ", "affiliation": "veterans", "start_date": "2024-01-01"})
    assert get(api, "volunteers/", {"team": team["id"]})["count"] == 2

    ended = patch(
        api,
        f"volunteers/{ha['id']}/",
        {"end_date": YESTERDAY.isoformat(), "start_date": "2024-01-01", "version": ha["version"]},
    )
    assert ended.status_code == 200, ended.content
    assert [v["full_name"] for v in get(api, "volunteers/", {"active": "true"})["results"]] == ["Đỗ Văn Cũ"]
    assert [v["full_name"] for v in get(api, "volunteers/", {"active": "false"})["results"]] == ["Phạm Thị Hà"]


def test_assignments_make_reassign_and_end(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    team = services.team_create(actor=officer, unit=phu_thuong, name="Đội")
    first, second = (
        services.volunteer_add(
            actor=officer, team=team, full_name=name, sex="female", affiliation="youth_union", start_date=LONG_AGO
        )
        for name in ("Hoa", "Lan")
    )
    start = TODAY - datetime.timedelta(days=100)
    response = post(api, "assignments/", {"person": person.pk, "volunteer": first.pk, "start_date": start.isoformat()})
    assert response.status_code == 201, response.content
    assert response.json()["volunteer_name"] == "Hoa" and response.json()["end_date"] is None
    same = post(api, "assignments/", {"person": person.pk, "volunteer": first.pk, "start_date": TODAY.isoformat()})
    assert same.status_code == 400 and same.json().keys() == {"volunteer"}

    moved = post(
        api,
        "assignments/",
        {"person": person.pk, "volunteer": second.pk, "start_date": TODAY.isoformat(), "reason": "Chuyển"},
    )
    assert moved.status_code == 201
    rows = get(api, "assignments/", {"person": person.pk})["results"]
    assert [(r["volunteer_name"], r["end_date"], r["end_reason"]) for r in rows] == [
        ("Lan", None, ""),
        ("Hoa", YESTERDAY.isoformat(), "Chuyển"),
    ]
    assert ids(get(api, "assignments/", {"active": "true"})) == [moved.json()["id"]]
    assert ids(get(api, "assignments/", {"volunteer": first.pk})) == [response.json()["id"]]

    url = f"assignments/{moved.json()['id']}/end/"
    assert post(api, url, {"end_date": YESTERDAY.isoformat()}).json().keys() == {"end_date"}
    done = post(api, url, {"end_date": TODAY.isoformat(), "reason": "Hoàn thành"})
    assert done.status_code == 200 and done.json()["end_date"] == TODAY.isoformat()
    assert done.json()["end_reason"] == "Hoàn thành"


# --- contacts, plans -----------------------------------------------------------------------------------


def test_contacts_record_and_filter(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    data = {
        "person": person.pk,
        "date": TODAY.isoformat(),
        "mode": "home_visit",
        "topics": ["relapse_prevention", "family"],
        "notes": "Gia đình hợp tác.",
        "next_step": "Gặp lại",
        "next_step_date": (TODAY + datetime.timedelta(days=7)).isoformat(),
    }
    response = post(api, "contacts/", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["topics"] == ["relapse_prevention", "family"] and body["recorded_by"] == officer.pk
    assert body["volunteer"] is None and body["volunteer_name"] is None
    services.contact_record(actor=officer, person=person, date=LONG_AGO, mode="phone")
    assert len(get(api, "contacts/", {"person": person.pk})["results"]) == 2
    assert ids(get(api, "contacts/", {"since": (TODAY - datetime.timedelta(days=30)).isoformat()})) == [body["id"]]
    assert api.get(API + "contacts/", {"since": "31/02/2025"}).status_code == 400


def test_validation_errors_are_400_in_vietnamese_by_default(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    future = (TODAY + datetime.timedelta(days=3)).isoformat()

    missing = post(api, "contacts/", {"person": person.pk})
    assert missing.status_code == 400
    assert missing.json()["date"] == [vi("This field is required.")] != ["This field is required."]
    assert post(api, "contacts/", {"person": person.pk}, **ENGLISH).json()["date"] == ["This field is required."]

    message = "The date cannot be in the future."
    contact = {"person": person.pk, "date": future, "mode": "phone"}
    assert post(api, "contacts/", contact).json() == {"date": [vi(message)]}
    assert post(api, "contacts/", contact, **ENGLISH).json() == {"date": [message]}
    unknown = post(api, "contacts/", {**contact, "date": TODAY.isoformat(), "topics": ["weather"]})
    assert unknown.status_code == 400 and unknown.json().keys() == {"topics"}

    bad_month = post(api, "assessments/", assessment_data(person) | {"month": "2025-13"})
    assert bad_month.json() == {"month": [vi("Enter a month as YYYY-MM.")]}
    later = post(api, "assessments/", assessment_data(person, month=shift_month_start(THIS_MONTH, 1)), **ENGLISH)
    assert later.json() == {"month": ["A month that has not begun cannot be assessed."]}
    bad_rating = post(api, "assessments/", assessment_data(person, rating="excellent"), **ENGLISH)
    assert bad_rating.json() == {
        "rating": ["“excellent” is not a level of this province's scale. Accepted: good, fair, average, poor."]
    }

    assert post(api, "plans/", {"person": person.pk, "start_date": LONG_AGO.isoformat()}).status_code == 201
    twice = post(api, "plans/", {"person": person.pk, "start_date": TODAY.isoformat()})
    assert twice.status_code == 400
    assert twice.json() == {
        "non_field_errors": [vi("This person already has an active plan; close it before making a new one.")]
    }


def test_plans_goals_and_closing(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    response = post(api, "plans/", {"person": person.pk, "start_date": LONG_AGO.isoformat(), "notes": "Kế hoạch"})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["status"] == "active" and plan["goals"] == []

    goal = {
        "domain": "work",
        "goal": "Có việc làm",
        "actions": "Học nghề hàn\nTìm việc",
        "target_date": TODAY.isoformat(),
    }
    added = post(api, f"plans/{plan['id']}/goals/", goal)
    assert added.status_code == 201, added.content
    assert added.json()["status"] == "not_started" and added.json()["plan"] == plan["id"]
    early = post(api, f"plans/{plan['id']}/goals/", {**goal, "target_date": "2000-01-01"})
    assert early.status_code == 400 and early.json().keys() == {"target_date"}

    reviewed = patch(
        api,
        f"plan-goals/{added.json()['id']}/",
        {"status": "in_progress", "reviewed_on": TODAY.isoformat()},
        **{"If-Match": f'"{added.json()["version"]}"'},
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "in_progress"
    shown = get(api, f"plans/{plan['id']}/")
    assert [(g["goal"], g["status"]) for g in shown["goals"]] == [("Có việc làm", "in_progress")]
    assert get(api, "plan-goals/", {"plan": plan["id"]})["count"] == 1

    closed = post(api, f"plans/{plan['id']}/close/", {"on": TODAY.isoformat()})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["end_date"] == TODAY.isoformat()
    late = post(api, f"plans/{plan['id']}/goals/", goal)
    assert late.status_code == 400 and "non_field_errors" in late.json()
    assert get(api, "plans/", {"status": "closed"})["count"] == 1


# --- query counts ----------------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API + url)
    assert response.status_code == 200, response.content
    return len(queries)


def add_casework(officer, person, n: int) -> None:
    services.contact_record(actor=officer, person=person, date=TODAY, mode="phone", topics=["family"])
    plan = services.plan_create(actor=officer, person=person, start_date=LONG_AGO)
    services.goal_add(actor=officer, plan=plan, domain="family", goal=f"Mục tiêu {n}", actions="Gặp gia đình")
    assess(officer, person, drug_use="confirmed", drug_tests=[positive_test(officer, person)])
    services.instrument_record(actor=officer, person=person, instrument="assist", date=TODAY, answers=ASSIST)
    services.instrument_record(actor=officer, person=person, instrument="barc10", date=TODAY, answers=BARC10)


# Every list: session, user, grants, then its own queries (count and page, unless said otherwise).
LIST_QUERIES = {
    "contacts/": 5,
    "plans/": 6,  # + goals
    "plan-goals/": 5,
    "assessments/": 7,  # + linked tests, access-log entries
    "instruments/": 6,  # + access-log entries
    "assignments/": 5,
    "volunteers/": 5,
    "volunteer-teams/": 5,
    "classifications/": 5,
    # people followed, assessments done, follow-ups, measures ending, referrals, idle, quarters; the roster's three;
    # data-subject requests
    "worklist/": 15,
    "coverage/": 10,  # the unit, four counts, the two lists
}
LISTS = list(LIST_QUERIES)


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(
    api, officer, phu_thuong, assign_volunteer, make_user, url, django_assert_max_num_queries
):
    def person_with_casework(n: int) -> Person:
        person = register(officer, phu_thuong, f"Người {n}", birth_year=1980 + n)
        add_casework(officer, person, n)
        assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, LONG_AGO)
        year, quarter = previous_quarter(*quarter_of(TODAY))
        for month in quarter_months(year, quarter):
            assess(officer, person, month=month)
        services.classification_confirm(actor=officer, person=person, year=year, quarter=quarter, level=level())
        return person

    person_with_casework(0)
    queries_for(api, url)  # warm the caches (content types)
    few = queries_for(api, url)
    for n in range(1, 6):
        person_with_casework(n)
    assert queries_for(api, url) == few
    with django_assert_max_num_queries(LIST_QUERIES[url]):
        assert api.get(API + url).status_code == 200


def test_volunteer_list_queries_do_not_grow(client, officer, phu_thuong, volunteer_user, assign_volunteer):
    for n in range(2):
        assign_volunteer(volunteer_user, register(officer, phu_thuong, f"Người {n}"), LONG_AGO)
        add_casework(officer, Person.objects.get(full_name=f"Người {n}"), n)
    login(client, volunteer_user)
    counts = {url: queries_for(client, url) for url in LISTS}
    for n in range(2, 6):
        person = register(officer, phu_thuong, f"Người {n}")
        assign_volunteer(volunteer_user, person, LONG_AGO)
        add_casework(officer, person, n)
    assert {url: queries_for(client, url) for url in LISTS} == counts


# --- schema -------------------------------------------------------------------------------------------------


def test_schema_lists_the_casework_endpoints(api):
    document = yaml.safe_load(api.get(reverse("api-schema")).content)
    paths = document["paths"]
    assert {
        "/api/v1/volunteer-teams/",
        "/api/v1/volunteers/{id}/",
        "/api/v1/assignments/{id}/end/",
        "/api/v1/contacts/",
        "/api/v1/plans/{id}/close/",
        "/api/v1/plans/{id}/goals/",
        "/api/v1/plan-goals/{id}/",
        "/api/v1/assessments/",
        "/api/v1/classifications/",
        "/api/v1/instruments/{id}/",
        "/api/v1/worklist/",
        "/api/v1/coverage/",
    } <= paths.keys()
    assert set(paths["/api/v1/plan-goals/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/contacts/"]) == {"get", "post"}
    parameters = {p["name"]: p for p in paths["/api/v1/assessments/"]["get"]["parameters"]}
    assert {"person", "month", "cursor", "page_size"} <= parameters.keys()
    assert {p["name"] for p in paths["/api/v1/coverage/"]["get"]["parameters"]} == {"unit", "on"}
    assert {p["name"] for p in paths["/api/v1/assignments/"]["get"]["parameters"]} >= {"person", "volunteer", "active"}
