"""API: a person's place on the roster — dated whereabouts, death and its correction, an officer taking them off
the roster and back on — and how `/api/v1/people/` shows it (death, `on_roster`, the periods), without a query
per row. The other `test_api_*` modules of the roster import the helpers defined here."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.accounts.roles import Role
from donghanh.casework.models import Assignment
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close
from donghanh.people.models import Person, WhereaboutsRecord

pytestmark = pytest.mark.django_db

D = datetime.date
API = "/api/v1/"
PEOPLE = "/api/v1/people/"
ENGLISH = {"Accept-Language": "en"}


def post(client: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return client.post(url, data, content_type="application/json", headers=headers or None)


def patch(client: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return client.patch(url, data, content_type="application/json", headers=headers or None)


def queries_for(client: Any, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def api(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


@pytest.fixture
def other_officer(make_user: Any, hai_chau: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


def person_url(person: Person, tail: str = "") -> str:
    return f"{PEOPLE}{person.pk}/{tail}"


# --- how a person shows their place on the roster ---------------------------------------------------------


def test_a_person_shows_death_on_roster_and_the_periods(api, register, measure, officer):
    person = register()
    post_rehab = measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 2, 1))

    body = api.get(person_url(person)).json()
    assert body["died_on"] is None and body["death_source"] == "" and body["on_roster"] is True
    assert [(p["start_date"], p["reason"], p["end_date"]) for p in body["periods"]] == [
        ("2024-01-02", "registered", None)
    ]

    episode_close(actor=officer, episode=post_rehab, end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    body = api.get(person_url(person)).json()
    assert body["on_roster"] is False
    (period,) = body["periods"]
    assert (period["end_date"], period["end_reason"], period["unit_code"]) == ("2025-01-31", "completed", "00091")
    assert person.pk not in {p["id"] for p in api.get(PEOPLE).json()["results"]}  # not managed today
    (row,) = api.get(PEOPLE, {"as_of": "2025-01-31"}).json()["results"]  # its last day on the roster
    assert (row["id"], row["on_roster"], row["periods"]) == (person.pk, False, body["periods"])


def test_the_people_list_reads_the_periods_in_one_query(api, register, measure, officer):
    def add(n: int) -> None:
        person = register(full_name=f"Người Thêm {n}", birth_year=1980 + n)
        episode = measure(person, EpisodeType.DRUG_USER_MANAGEMENT, D(2024, 2, 1))
        episode_close(actor=officer, episode=episode, end_date=D(2024, 6, 30), end_reason=EndReason.COMPLETED)
        measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 9, 1))  # a second period

    add(0)
    queries_for(api, PEOPLE)  # warm the caches
    few = queries_for(api, PEOPLE)
    for n in range(1, 6):
        add(n)
    assert queries_for(api, PEOPLE) == few
    rows = api.get(PEOPLE).json()["results"]
    assert {len(row["periods"]) for row in rows} == {2}


# --- whereabouts ---------------------------------------------------------------------------------------------


def test_whereabouts_are_listed_and_recorded_with_their_date(api, register):
    person = register()
    url = person_url(person, "whereabouts/")
    data = {"status": "in_facility", "since": "2024-03-05", "place": "Cơ sở cai nghiện số 2"}

    created = post(api, url, data)
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {"id": 0, "note": "", **data}
    listed = api.get(url).json()
    assert [(r["status"], r["since"]) for r in listed["results"]] == [
        ("in_facility", "2024-03-05"),
        ("at_residence", "2024-01-02"),
    ]
    assert api.get(person_url(person)).json()["whereabouts"] == "in_facility"

    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert post(api, url, {**data, "since": future}).json().keys() == {"since"}
    wrong = post(api, url, {**data, "status": "abroad"}, **ENGLISH)
    assert wrong.status_code == 400
    assert wrong.json() == {
        "status": [
            "“abroad” is not a valid choice. Accepted: at_residence, in_facility, detained, moved_away, unknown."
        ]
    }
    assert WhereaboutsRecord.objects.filter(person=person).count() == 2


def test_whereabouts_are_scoped_and_written_by_those_who_manage_people(
    client, make_user, register, other_officer, phu_thuong
):
    person = register()
    url = person_url(person, "whereabouts/")
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    assert post(client, url, {"status": "detained", "since": "2024-05-01"}).status_code == 404
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))  # sees people, does not manage them
    assert client.get(url).status_code == 200
    assert post(client, url, {"status": "detained", "since": "2024-05-01"}).status_code == 403


def test_patching_whereabouts_on_the_person_is_refused_with_the_endpoint_that_writes_them(api, register):
    person = register()
    response = patch(api, person_url(person), {"whereabouts": "in_facility", "phone": "0912345678"}, **ENGLISH)
    assert response.status_code == 400
    assert response.json() == {
        "whereabouts": [f"This endpoint does not write this field; use POST /api/v1/people/{person.pk}/whereabouts/."]
    }
    person.refresh_from_db()
    assert person.phone == "" and not WhereaboutsRecord.objects.filter(person=person, status="in_facility").exists()
    unknown = patch(api, person_url(person), {"nickname": "Hùng"}, **ENGLISH).json()
    assert unknown.keys() == {"nickname"}
    assert unknown["nickname"][0].startswith("This endpoint does not write this field. It writes: ")
    assert "full_name" in unknown["nickname"][0] and "whereabouts" not in unknown["nickname"][0]


# --- death ---------------------------------------------------------------------------------------------


def test_a_death_closes_measures_and_assignments_and_ends_the_period(
    api, make_user, register, measure, phu_thuong, assign_volunteer
):
    person = register()
    post_rehab = measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, start=D(2024, 2, 1))

    response = post(api, person_url(person, "death/"), {"died_on": "2025-03-10", "source": "family", "note": "Ốm"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["died_on"], body["death_source"], body["death_note"], body["on_roster"]) == (
        "2025-03-10",
        "family",
        "Ốm",
        False,
    )
    assert (body["periods"][-1]["end_date"], body["periods"][-1]["end_reason"]) == ("2025-03-10", "died")
    post_rehab.refresh_from_db()
    assert (post_rehab.actual_end_date, post_rehab.end_reason) == (D(2025, 3, 10), "died")
    assignment = Assignment.objects.get(person=person)
    assert assignment.end_date == D(2025, 3, 10)

    again = post(api, person_url(person, "death/"), {"died_on": "2025-03-11", "source": "police"})
    assert again.status_code == 400 and "non_field_errors" in again.json()


def test_death_refusals_name_the_field(api, register, other_officer, client):
    person = register()
    url = person_url(person, "death/")
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert post(api, url, {"died_on": future, "source": "family"}).json().keys() == {"died_on"}
    wrong = post(api, url, {"died_on": "2025-03-10", "source": "neighbour"}, **ENGLISH).json()
    assert wrong == {"source": ["“neighbour” is not a valid choice. Accepted: family, police, health_station, other."]}
    assert post(api, url, {"died_on": "2025-03-10"}).json().keys() == {"source"}
    client.force_login(other_officer)
    assert post(client, url, {"died_on": "2025-03-10", "source": "family"}).status_code == 404
    person.refresh_from_db()
    assert person.died_on is None


def test_a_death_recorded_by_mistake_is_corrected_by_those_allowed(
    client, make_user, officer, register, measure, phu_thuong
):
    person = register()
    post_rehab = measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))  # records deaths, does not correct them
    assert post(client, person_url(person, "death/"), {"died_on": "2025-03-10", "source": "police"}).status_code == 200
    url = person_url(person, "death/correct/")
    assert post(client, url, {"reason": "Nhầm người"}).status_code == 403

    api = client
    api.force_login(officer)
    assert post(api, url, {}).json().keys() == {"reason"}

    response = post(api, url, {"reason": "Nhầm người"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["died_on"] is None and body["on_roster"] is True and body["periods"][-1]["end_date"] is None
    post_rehab.refresh_from_db()
    assert post_rehab.actual_end_date is None


# --- leaving the roster and coming back ------------------------------------------------------------------------


def test_an_officer_takes_a_person_off_the_roster_and_puts_them_back(api, register):
    person = register()
    leave, back = person_url(person, "roster/leave/"), person_url(person, "roster/return/")
    removal = {"on": "2024-05-01", "reason": "removed", "note": "Xác minh không còn sử dụng"}

    assert post(api, leave, removal).json().keys() == {"decision_number"}
    wrong = post(api, leave, {**removal, "reason": "completed"}, **ENGLISH).json()
    assert wrong == {"reason": ["“completed” is not a valid choice. Accepted: moved_abroad, removed."]}
    response = post(api, leave, {**removal, "decision_number": "12/QĐ-UBND"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["on_roster"] is False
    assert [(p["end_date"], p["end_reason"], p["end_decision_number"]) for p in body["periods"]] == [
        ("2024-05-01", "removed", "12/QĐ-UBND")
    ]

    assert post(api, back, {"on": "2024-09-01"}).json().keys() == {"note"}
    assert post(api, back, {"on": "2024-04-01", "note": "Tái sử dụng"}).json().keys() == {"on"}
    response = post(api, back, {"on": "2024-09-01", "note": "Tái sử dụng"})
    assert response.status_code == 200, response.content
    periods = response.json()["periods"]
    assert [(p["start_date"], p["reason"], p["start_note"]) for p in periods][-1] == (
        "2024-09-01",
        "returned",
        "Tái sử dụng",
    )
    assert response.json()["on_roster"] is True


def test_leaving_is_for_officers_of_the_persons_commune(client, make_user, register, other_officer, phu_thuong):
    person = register()
    leave = person_url(person, "roster/leave/")
    data = {"on": "2024-05-01", "reason": "moved_abroad"}
    client.force_login(other_officer)
    assert post(client, leave, data).status_code == 404
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert post(client, leave, data).status_code == 403
    assert Person.objects.get(pk=person.pk).periods.get().end_date is None
    assert not Episode.objects.filter(person=person).exists()
