"""API: /api/v1/episodes/ — legal measures, scoped, checked against Law 73/2021, every read logged."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_open
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

URL = "/api/v1/episodes/"
ENGLISH = {"Accept-Language": "en"}
START = datetime.date(2025, 3, 1)


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def other_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def person(officer, phu_thuong):
    return register(officer, phu_thuong)


def register(actor, unit, name="Nguyễn Văn An", birth_year=1990):
    return person_register(
        actor=actor,
        unit=unit,
        full_name=name,
        sex="male",
        birth_year=birth_year,
        registered_on=datetime.date(2024, 1, 1),
    )


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers or None)


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers or None)


def logged(person, detail="API: legal measures"):
    return AccessLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person", detail=detail)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


# --- opening a measure -------------------------------------------------------------------------------


def test_open_a_measure_with_the_usual_duration(api, person):
    response = post(
        api,
        URL,
        {
            "person": person.pk,
            "episode_type": "post_rehab_management",
            "start_date": START.isoformat(),
            "decision_number": "15/QĐ-UBND",
            "decision_date": "2025-02-25",
            "issuing_body": "UBND phường Phú Thượng",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["planned_end_date"] == "2026-02-28"  # 12 months from 01/03/2025
    assert "73/2021" in body["legal_basis"]
    assert body["is_open"] is True and body["person_code"] == person.code
    assert Episode.objects.get(pk=body["id"]).recorded_by is not None


def test_a_planned_end_outside_the_law_is_400_citing_it(api, person):
    data = {"person": person.pk, "episode_type": "voluntary_community_rehab", "start_date": START.isoformat()}
    response = post(api, URL, {**data, "planned_end_date": "2025-05-31"}, **ENGLISH)  # 3 months: at least 6
    assert response.status_code == 400
    body = response.json()
    assert body.keys() == {"planned_end_date"}
    assert "73/2021" in body["planned_end_date"][0]
    assert "6 to 12 months" in body["planned_end_date"][0]
    in_vietnamese = post(api, URL, {**data, "planned_end_date": "2025-05-31"}, **{"Accept-Language": "vi"})
    assert (
        in_vietnamese.json().keys() == {"planned_end_date"} and "73/2021" in in_vietnamese.json()["planned_end_date"][0]
    )
    assert not Episode.objects.exists()


def test_an_overlapping_measure_is_refused(api, officer, person):
    episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    same = {"person": person.pk, "episode_type": "post_rehab_management", "start_date": "2025-06-01"}
    response = post(api, URL, same, **ENGLISH)
    assert response.status_code == 400
    assert "overlaps" in response.json()["start_date"][0]
    # Compulsory rehab cannot run alongside post-rehab management either.
    facility = {"person": person.pk, "episode_type": "compulsory_rehab", "start_date": "2025-06-01"}
    assert post(api, URL, {**facility, "facility": "Cơ sở cai nghiện số 1"}).json().keys() == {"start_date"}
    # Methadone may.
    methadone = {"person": person.pk, "episode_type": "methadone", "start_date": "2025-06-01"}
    assert post(api, URL, {**methadone, "facility": "Phòng khám Methadone"}).status_code == 201


def test_open_refusals(api, client, make_user, other_officer, hai_chau, phu_thuong, person):
    elsewhere = register(other_officer, hai_chau, "Lê Văn Cường")
    data = {"episode_type": "post_rehab_management", "start_date": START.isoformat()}
    assert post(api, URL, {**data, "person": elsewhere.pk}).json().keys() == {"person"}
    assert post(api, URL, {**data, "person": person.pk, "episode_type": "prison"}).json().keys() == {"episode_type"}
    needs_facility = {**data, "person": person.pk, "episode_type": "methadone"}
    assert post(api, URL, needs_facility).json().keys() == {"facility"}
    # Health staff read legal measures but do not open them.
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))
    assert post(client, URL, {**data, "person": person.pk}).status_code == 403
    assert client.get(URL).status_code == 200


# --- reading -----------------------------------------------------------------------------------------


def test_list_and_retrieve_are_scoped(api, officer, other_officer, hai_chau, person, phu_thuong):
    mine = episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    binh = register(officer, phu_thuong, "Trần Văn Bình")
    episode_open(actor=officer, person=binh, episode_type="drug_user_management", start_date=START)
    elsewhere = register(other_officer, hai_chau, "Lê Văn Cường")
    foreign = episode_open(actor=other_officer, person=elsewhere, episode_type="drug_user_management", start_date=START)

    body = api.get(URL).json()
    assert len(body["results"]) == 2
    assert {e["person"] for e in body["results"]} == {person.pk, binh.pk}
    assert len(api.get(URL, {"person": person.pk}).json()["results"]) == 1
    assert len(api.get(URL, {"episode_type": "drug_user_management"}).json()["results"]) == 1
    assert len(api.get(URL, {"person": elsewhere.pk}).json()["results"]) == 0
    assert api.get(f"{URL}{mine.pk}/").json()["episode_type"] == "post_rehab_management"
    assert api.get(f"{URL}{foreign.pk}/").status_code == 404
    assert patch(api, f"{URL}{foreign.pk}/", {"notes": "x"}).status_code == 404
    assert post(api, f"{URL}{foreign.pk}/close/", {}).status_code == 404


def test_reads_are_logged_once_per_person_shown(api, officer, person, phu_thuong):
    first = episode_open(
        actor=officer,
        person=person,
        episode_type="drug_user_management",
        start_date=datetime.date(2023, 1, 1),
    )
    first.actual_end_date, first.end_reason = datetime.date(2023, 12, 31), "completed"
    first.save()
    episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    quiet = register(officer, phu_thuong, "Trần Văn Bình")

    assert len(api.get(URL).json()["results"]) == 2
    entry = logged(person).get()  # two measures of one person: one entry
    assert (entry.user, entry.unit, entry.action) == (officer, phu_thuong, AccessLogEntry.Action.VIEW)
    assert not logged(quiet).exists()

    api.get(f"{URL}{first.pk}/")
    assert logged(person).count() == 2


def test_a_volunteer_is_refused_and_police_may_read(client, make_user, officer, person, phu_thuong):
    episode = episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{episode.pk}/").status_code == 403
    assert post(client, URL, {"person": person.pk}).status_code == 403
    assert not logged(person).exists()

    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    assert len(client.get(URL).json()["results"]) == 1
    assert logged(person).get().user == police


def test_anonymous_is_refused(client):
    assert client.get(URL).status_code in {401, 403}


def test_list_query_count_does_not_grow_with_rows(api, officer, person, phu_thuong, django_assert_num_queries):
    episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    queries_for(api, URL)  # warm caches (content types)
    few = queries_for(api, URL)
    for n in range(6):
        other = register(officer, phu_thuong, f"Người Thêm {n}", birth_year=1980 + n)
        episode_open(actor=officer, person=other, episode_type="drug_user_management", start_date=START)
    assert queries_for(api, URL) == few
    # Session, user, grants, page (with person and rule), access-log entries: nothing counts the list.
    with django_assert_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 7


# --- changing and closing ----------------------------------------------------------------------------


def test_partial_update_is_checked_again(api, officer, person):
    episode = episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    url = f"{URL}{episode.pk}/"
    response = patch(api, url, {"decision_number": "20/QĐ-UBND", "notes": "Đã nhận quyết định", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["decision_number"] == "20/QĐ-UBND"

    wrong = patch(api, url, {"planned_end_date": "2025-09-30", "version": 2}, **ENGLISH)  # 12 months fixed
    assert wrong.status_code == 400 and "73/2021" in wrong.json()["planned_end_date"][0]
    episode.refresh_from_db()
    assert episode.planned_end_date == datetime.date(2026, 2, 28)
    # The type is not edited (a different measure is opened instead): naming it is refused on the field.
    retyped = patch(api, url, {"episode_type": "methadone"}, **ENGLISH)
    assert retyped.status_code == 400 and retyped.json().keys() == {"episode_type"}
    assert retyped.json()["episode_type"][0].startswith("This endpoint does not write this field.")
    episode.refresh_from_db()
    assert episode.episode_type == "post_rehab_management"
    # The end is written by closing the measure: the answer says where.
    ended = patch(api, url, {"actual_end_date": "2025-06-01"}, **ENGLISH)
    assert ended.json() == {
        "actual_end_date": [f"This endpoint does not write this field; use POST /api/v1/episodes/{episode.pk}/close/."]
    }
    assert api.put(url, {}, content_type="application/json").status_code == 405
    assert api.delete(url).status_code == 405


def test_close(client, make_user, officer, person, phu_thuong):
    episode = episode_open(actor=officer, person=person, episode_type="post_rehab_management", start_date=START)
    url = f"{URL}{episode.pk}/close/"
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))
    assert post(client, url, {"actual_end_date": "2025-06-01", "end_reason": "relapse"}).status_code == 403

    api = client
    api.force_login(officer)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert post(api, url, {"actual_end_date": future, "end_reason": "completed"}).json().keys() == {"actual_end_date"}
    assert post(api, url, {"actual_end_date": "2025-06-01"}).json().keys() == {"end_reason"}

    response = post(api, url, {"actual_end_date": "2025-06-01", "end_reason": "relapse"})
    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False and response.json()["end_reason"] == "relapse"
    assert len(api.get(URL, {"is_open": "true"}).json()["results"]) == 0
    again = post(api, url, {"actual_end_date": "2025-06-02", "end_reason": "relapse"})
    assert again.status_code == 400 and "non_field_errors" in again.json()


def test_schema_lists_the_episode_endpoints_with_their_parameters(api):
    document = yaml.safe_load(api.get(reverse("api-schema")).content)
    paths = document["paths"]
    assert {"/api/v1/episodes/", "/api/v1/episodes/{id}/", "/api/v1/episodes/{id}/close/"} <= paths.keys()
    assert set(paths["/api/v1/episodes/"]) == {"get", "post"}
    assert set(paths["/api/v1/episodes/{id}/"]) == {"get", "patch"}
    parameters = {p["name"] for p in paths["/api/v1/episodes/"]["get"]["parameters"]}
    assert {"person", "episode_type", "is_open", "cursor", "page_size"} <= parameters
