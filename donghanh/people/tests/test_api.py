"""API: /api/v1/people/, /api/v1/drug-tests/ and /api/v1/determinations/ — scoped, validated by the services, logged."""

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
from donghanh.episodes.services import episode_open
from donghanh.people.models import DrugTest, Person
from donghanh.people.services import determination_add, drug_test_add, person_register

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
TESTS = "/api/v1/drug-tests/"
DETERMINATIONS = "/api/v1/determinations/"
ENGLISH = {"Accept-Language": "en"}
PAST = datetime.date(2024, 3, 1)


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


def register(actor, unit, name="Nguyễn Văn An", **fields):
    fields.setdefault("sex", "male")
    fields.setdefault("birth_year", 1990)
    fields.setdefault("registered_on", PAST)
    return person_register(actor=actor, unit=unit, full_name=name, **fields)


def login_as(client, make_user, role, unit):
    client.force_login(make_user(role, unit))
    return client


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers or None)


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers or None)


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries)


def entries(person, detail=None):
    found = AccessLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person")
    return found.filter(detail=detail) if detail else found


# --- people: reads --------------------------------------------------------------------------------


def test_list_shows_the_users_communes_only(api, officer, other_officer, phu_thuong, hai_chau):
    an = register(officer, phu_thuong, "Nguyễn Văn An")
    binh = register(officer, phu_thuong, "Trần Thị Bình", sex="female", birth_year=1995)
    register(other_officer, hai_chau, "Lê Văn Cường")

    body = api.get(PEOPLE).json()

    assert "count" not in body and body["next"] is None
    assert [p["id"] for p in body["results"]] == [an.pk, binh.pk]  # ordered by name without diacritics
    row = body["results"][0]
    assert row["code"] == an.code and row["unit_code"] == "00091"
    assert row["unit_at"] == phu_thuong.pk
    assert row["whereabouts_at"] == "at_residence"
    assert row["whereabouts_since"] == PAST.isoformat()
    assert row["active_episodes"] == []


def test_list_filters_by_name_and_status_as_of(api, officer, phu_thuong):
    an = register(officer, phu_thuong, "Nguyễn Văn An")
    register(officer, phu_thuong, "Trần Thị Bình", sex="female", birth_year=1995)
    late = register(officer, phu_thuong, "Phạm Văn Dũng", registered_on=timezone.localdate())
    episode_open(actor=officer, person=an, episode_type="post_rehab_management", start_date=PAST)

    assert [p["id"] for p in api.get(PEOPLE, {"q": "nguyen van"}).json()["results"]] == [an.pk]
    assert [p["id"] for p in api.get(PEOPLE, {"q": an.code}).json()["results"]] == [an.pk]
    measured = api.get(PEOPLE, {"episode_type": "post_rehab_management"}).json()["results"]
    assert [p["id"] for p in measured] == [an.pk]
    assert [e["episode_type"] for e in measured[0]["active_episodes"]] == ["post_rehab_management"]
    # Registered today: not managed here on an earlier day (either date format is accepted).
    earlier = {p["id"] for p in api.get(PEOPLE, {"as_of": "2025-01-01"}).json()["results"]}
    assert late.pk not in earlier and an.pk in earlier
    assert {p["id"] for p in api.get(PEOPLE, {"as_of": "01/01/2025"}).json()["results"]} == earlier
    assert api.get(PEOPLE, {"whereabouts": "in_facility"}).json()["results"] == []


def test_invalid_filter_is_400(api):
    response = api.get(PEOPLE, {"as_of": "31/02/2025"})
    assert response.status_code == 400
    assert "as_of" in response.json()


def test_retrieve_in_scope_and_404_outside(api, officer, other_officer, phu_thuong, hai_chau):
    own = register(officer, phu_thuong, citizen_id="001090123456")
    other = register(other_officer, hai_chau, "Lê Văn Cường")

    body = api.get(f"{PEOPLE}{own.pk}/").json()
    assert body["code"] == own.code
    assert body["citizen_id"] == "001090123456" and body["id_kind"] == "cccd"
    assert body["whereabouts"] == "at_residence"
    assert api.get(f"{PEOPLE}{other.pk}/").status_code == 404
    assert patch(api, f"{PEOPLE}{other.pk}/", {"phone": "0900000000"}).status_code == 404


def test_a_volunteer_sees_their_people_but_no_legal_measures(client, make_user, officer, phu_thuong, assign_volunteer):
    assigned = register(officer, phu_thuong)
    register(officer, phu_thuong, "Trần Thị Bình", sex="female", birth_year=1995)
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, assigned)
    client.force_login(volunteer)
    body = client.get(PEOPLE).json()
    assert len(body["results"]) == 1
    assert "active_episodes" not in body["results"][0]
    assert client.get(PEOPLE, {"episode_type": "post_rehab_management"}).json()["results"] == []


def test_a_page_of_the_list_logs_the_people_shown_with_legal_measures(api, officer, phu_thuong):
    an = register(officer, phu_thuong, "Nguyễn Văn An")
    binh = register(officer, phu_thuong, "Trần Thị Bình", sex="female", birth_year=1995)
    episode_open(actor=officer, person=an, episode_type="post_rehab_management", start_date=PAST)

    api.get(PEOPLE)

    assert entries(an).count() == 1
    entry = entries(an).get()
    assert (entry.user, entry.unit, entry.action) == (officer, phu_thuong, AccessLogEntry.Action.VIEW)
    assert entry.detail.startswith("API:")
    assert not entries(binh).exists()


def test_list_query_count_does_not_grow_with_rows(api, officer, phu_thuong, django_assert_num_queries):
    first = register(officer, phu_thuong, "Người Một")
    episode_open(actor=officer, person=first, episode_type="post_rehab_management", start_date=PAST)
    queries_for(api, PEOPLE)  # warm caches (content types)
    few = queries_for(api, PEOPLE)
    for n in range(6):
        person = register(officer, phu_thuong, f"Người Thêm {n}", birth_year=1980 + n)
        episode_open(actor=officer, person=person, episode_type="drug_user_management", start_date=PAST)
    many = queries_for(api, PEOPLE)
    assert many == few
    # Session, user, grants, page, running measures, roster periods, access-log entries: nothing counts the list.
    with django_assert_num_queries(7):
        assert len(api.get(PEOPLE).json()["results"]) == 7


# --- people: writes -------------------------------------------------------------------------------


def test_register_through_the_api(api, phu_thuong):
    response = post(
        api,
        PEOPLE,
        {
            "unit": phu_thuong.pk,
            "full_name": "  Hoàng   Văn Em ",
            "sex": "male",
            "birth_year": 1992,
            "citizen_id": "001092000123",
            "current_hamlet": "Tổ 5",
            "whereabouts": "in_facility",
            "registered_on": "2025-06-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert body["code"] == person.code and person.code.startswith("DH")
    assert body["full_name"] == "Hoàng Văn Em"
    assert body["whereabouts"] == "in_facility" and body["whereabouts_since"] == "2025-06-01"
    assert person.periods.get().start_date == datetime.date(2025, 6, 1)


def test_a_citizen_id_that_disagrees_is_400_on_sex_and_birth_year(api, phu_thuong):
    # Digit 4 "1" is a woman born 1900–1999; digits 5–6 say 1990.
    data = {"unit": phu_thuong.pk, "full_name": "Hoàng Văn Em", "sex": "male", "citizen_id": "001190000123"}
    response = post(api, PEOPLE, {**data, "birth_year": 2003}, **ENGLISH)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"sex", "birth_year"}
    assert "Digit 4" in body["sex"][0]
    assert not Person.objects.filter(full_name="Hoàng Văn Em").exists()


def test_a_registered_citizen_id_is_400_naming_the_existing_person(api, officer, phu_thuong):
    existing = register(officer, phu_thuong, citizen_id="001090123456")
    data = {"unit": phu_thuong.pk, "full_name": "Nguyễn An", "sex": "male", "birth_year": 1990}
    response = post(api, PEOPLE, {**data, "citizen_id": "001090123456"})
    assert response.status_code == 400
    body = response.json()
    assert list(body["citizen_id"])
    assert body["existing_person"] == {"id": existing.pk, "code": existing.code}


def test_a_citizen_id_registered_elsewhere_is_refused_without_its_record(api, other_officer, hai_chau, phu_thuong):
    register(other_officer, hai_chau, "Lê Văn Cường", citizen_id="001090123456")
    data = {"unit": phu_thuong.pk, "full_name": "Lê Cường", "sex": "male", "birth_year": 1990}
    response = post(api, PEOPLE, {**data, "citizen_id": "001090123456"})
    assert response.status_code == 400
    assert "citizen_id" in response.json() and "existing_person" not in response.json()


def test_register_refusals(api, client, make_user, phu_thuong, hai_chau, unit):
    data = {"full_name": "Hoàng Văn Em", "sex": "male", "birth_year": 1992}
    # Outside the officer's commune: the service refuses.
    assert post(api, PEOPLE, {**data, "unit": hai_chau.pk}).status_code == 403
    # A province is not a commune (an officer over the whole province, to reach the service's check).
    officer_hanoi = make_user(Role.COMMUNE_OFFICER, unit("01", level=1))
    client.force_login(officer_hanoi)
    assert post(client, PEOPLE, {**data, "unit": unit("01", level=1).pk}).json().keys() == {"unit"}
    # Health staff see people but do not register them.
    login_as(client, make_user, Role.HEALTH_STAFF, phu_thuong)
    assert post(client, PEOPLE, {**data, "unit": phu_thuong.pk}).status_code == 403
    assert client.get(PEOPLE).status_code == 200


def test_missing_fields_come_back_in_the_requests_language(api, phu_thuong):
    english = post(api, PEOPLE, {"unit": phu_thuong.pk}, **ENGLISH)
    vietnamese = post(api, PEOPLE, {"unit": phu_thuong.pk}, **{"Accept-Language": "vi"})
    assert english.status_code == vietnamese.status_code == 400
    assert english.json().keys() == vietnamese.json().keys() >= {"full_name", "sex"}
    assert english.json()["full_name"] == ["This field is required."]
    assert vietnamese.json()["full_name"] != english.json()["full_name"]


def test_partial_update(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    response = patch(api, f"{PEOPLE}{person.pk}/", {"phone": "0912345678", "occupation": "Thợ hồ", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0912345678"
    person.refresh_from_db()
    assert person.occupation == "Thợ hồ"

    wrong = patch(api, f"{PEOPLE}{person.pk}/", {"citizen_id": "001195000123", "version": 2})  # a woman's number
    assert wrong.status_code == 400 and "sex" in wrong.json()
    assert patch(api, f"{PEOPLE}{person.pk}/", {"unit": 1}).json().keys() == {"unit"}
    assert api.put(f"{PEOPLE}{person.pk}/", {}, content_type="application/json").status_code == 405
    assert api.delete(f"{PEOPLE}{person.pk}/").status_code == 405


def test_a_move_is_not_made_on_the_person_but_proposed_to_the_other_commune(api, officer, phu_thuong, hai_chau):
    person = register(officer, phu_thuong)
    assert post(api, f"{PEOPLE}{person.pk}/transfer/", {"to_unit": hai_chau.pk, "on": "2025-01-01"}).status_code == 404
    assert api.get(f"{PEOPLE}{person.pk}/").status_code == 200  # still managed here


def test_merge(api, officer, other_officer, phu_thuong, hai_chau):
    keep = register(officer, phu_thuong, "Nguyễn Văn An")
    duplicate = register(officer, phu_thuong, "Nguyễn Văn Ân", citizen_id="001090123456")
    elsewhere = register(other_officer, hai_chau, "Lê Văn Cường")

    assert post(api, f"{PEOPLE}{keep.pk}/merge/", {"duplicate": elsewhere.pk}).json().keys() == {"duplicate"}
    response = post(api, f"{PEOPLE}{keep.pk}/merge/", {"duplicate": duplicate.pk})
    assert response.status_code == 200, response.content
    assert response.json()["citizen_id"] == "001090123456"
    assert api.get(f"{PEOPLE}{duplicate.pk}/").status_code == 404
    again = post(api, f"{PEOPLE}{keep.pk}/merge/", {"duplicate": keep.pk})
    assert again.status_code == 400 and "non_field_errors" in again.json()


def test_schema_lists_the_people_endpoints_with_their_parameters(api):
    document = yaml.safe_load(api.get(reverse("api-schema")).content)
    paths = document["paths"]
    assert {
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/transfers/",
        "/api/v1/people/{id}/merge/",
        "/api/v1/drug-tests/",
        "/api/v1/drug-tests/{id}/",
        "/api/v1/determinations/",
        "/api/v1/determinations/{id}/",
    } <= paths.keys()
    parameters = {p["name"]: p for p in paths["/api/v1/people/"]["get"]["parameters"]}
    assert {"as_of", "q", "episode_type", "whereabouts", "sex", "hamlet", "age_band", "cursor"} <= parameters.keys()
    assert parameters["as_of"]["schema"] == {"type": "string", "format": "date"}
    row = document["components"]["schemas"]["PersonList"]["properties"]
    assert {"unit_at", "whereabouts_at", "whereabouts_since", "active_episodes"} <= row.keys()
    assert row["whereabouts_at"]["allOf"] == [{"$ref": "#/components/schemas/WhereaboutsEnum"}]
    assert "WhereaboutsEnum" in document["components"]["schemas"]
    assert set(paths["/api/v1/people/"]) == {"get", "post"}
    assert set(paths["/api/v1/people/{id}/"]) == {"get", "patch"}
    assert {p["name"] for p in paths["/api/v1/drug-tests/"]["get"]["parameters"]} >= {"person", "date_from", "page"}


# --- drug tests and determinations ------------------------------------------------------------------


def add_test(actor, person, day=PAST, results=None):
    return drug_test_add(
        actor=actor,
        person=person,
        date=day,
        sample="urine",
        tested_by="Trạm y tế",
        results=results or {"heroin": "negative", "methamphetamine": "positive"},
    )


def test_drug_test_create_with_nested_results(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    data = {
        "person": person.pk,
        "date": "2025-05-02",
        "sample": "urine",
        "tested_by": "Trạm y tế phường",
        "results": [{"substance": "heroin", "result": "negative"}, {"substance": "ketamine", "result": "positive"}],
    }
    response = post(api, TESTS, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["results"] == [
        {"substance": "heroin", "result": "negative"},
        {"substance": "ketamine", "result": "positive"},
    ]
    assert body["is_positive"] is True and body["person_code"] == person.code
    test = DrugTest.objects.get(pk=body["id"])
    assert test.recorded_by_id == body["recorded_by"] and body["recorded_by"] is not None

    repeated = post(api, TESTS, {**data, "results": [data["results"][0], data["results"][0]]})
    assert repeated.status_code == 400 and repeated.json().keys() == {"results"}
    assert post(api, TESTS, {**data, "results": []}).json().keys() == {"results"}
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert post(api, TESTS, {**data, "date": future}).json().keys() == {"date"}


def test_drug_tests_are_scoped_and_reads_are_logged(api, officer, other_officer, phu_thuong, hai_chau):
    an = register(officer, phu_thuong, "Nguyễn Văn An")
    binh = register(officer, phu_thuong, "Trần Thị Bình", sex="female", birth_year=1995)
    elsewhere = register(other_officer, hai_chau, "Lê Văn Cường")
    first, _second = add_test(officer, an), add_test(officer, an, datetime.date(2024, 4, 1))
    add_test(officer, binh)
    foreign = add_test(other_officer, elsewhere)

    body = api.get(TESTS).json()
    assert body["count"] == 3
    assert entries(an, "API: drug tests").count() == 1  # one entry per person shown, not per test
    assert entries(binh, "API: drug tests").count() == 1
    assert not entries(elsewhere).exists()

    assert api.get(TESTS, {"person": binh.pk}).json()["count"] == 1
    assert api.get(f"{TESTS}{first.pk}/").status_code == 200
    assert entries(an, "API: drug tests").count() == 2
    assert api.get(f"{TESTS}{foreign.pk}/").status_code == 404
    assert post(api, TESTS, {"person": elsewhere.pk}).json().get("person")


def test_drug_test_access_by_role(client, make_user, officer, phu_thuong, unit):
    person = register(officer, phu_thuong)
    test = add_test(officer, person)
    data = {"person": person.pk, "date": "2025-05-02", "sample": "urine", "tested_by": "Công an"}
    data["results"] = [{"substance": "heroin", "result": "negative"}]

    login_as(client, make_user, Role.VOLUNTEER, phu_thuong)
    assert client.get(TESTS).status_code == 403
    assert client.get(f"{TESTS}{test.pk}/").status_code == 403
    assert post(client, TESTS, data).status_code == 403

    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)  # police see and record tests
    assert client.get(TESTS).json()["count"] == 1
    assert entries(person).get().user == police
    assert post(client, TESTS, data).status_code == 201

    login_as(client, make_user, Role.PROVINCE_OFFICER, unit("01", level=1))  # reads, does not record
    assert client.get(TESTS).json()["count"] == 2
    assert post(client, TESTS, data).status_code == 403


def test_drug_test_list_query_count_does_not_grow(api, officer, phu_thuong, django_assert_num_queries):
    person = register(officer, phu_thuong)
    add_test(officer, person)
    queries_for(api, TESTS)
    few = queries_for(api, TESTS)
    for n in range(5):
        other = register(officer, phu_thuong, f"Người Thêm {n}", birth_year=1980 + n)
        add_test(officer, other)
    assert queries_for(api, TESTS) == few
    # Session, user, grants, count, page, results, access-log entries.
    with django_assert_num_queries(7):
        assert api.get(TESTS).json()["count"] == 6


def test_determinations(api, client, make_user, officer, other_officer, phu_thuong, hai_chau):
    person = register(officer, phu_thuong)
    data = {"person": person.pk, "date": "2025-03-03", "facility": "Trung tâm Y tế", "criteria_met": 4}
    response = post(api, DETERMINATIONS, data)
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "addicted"
    assert post(api, DETERMINATIONS, {**data, "criteria_met": 2}).json()["result"] == "not_addicted"
    assert post(api, DETERMINATIONS, {**data, "criteria_met": 7}).json().keys() == {"criteria_met"}
    # The result follows from the criteria: a body that sets it is refused, naming the field.
    result = post(api, DETERMINATIONS, {**data, "result": "not_addicted"}, **ENGLISH)
    assert result.status_code == 400 and result.json().keys() == {"result"}
    assert "does not write this field" in result.json()["result"][0]

    elsewhere = register(other_officer, hai_chau, "Lê Văn Cường")
    foreign = determination_add(
        actor=other_officer, person=elsewhere, date=PAST, facility="Trung tâm Y tế", criteria_met=3
    )
    body = api.get(DETERMINATIONS).json()
    assert body["count"] == 2
    assert entries(person, "API: addiction determinations").count() == 1
    assert api.get(f"{DETERMINATIONS}{foreign.pk}/").status_code == 404
    assert api.get(f"{DETERMINATIONS}{body['results'][0]['id']}/").status_code == 200
    assert entries(person, "API: addiction determinations").count() == 2

    login_as(client, make_user, Role.VOLUNTEER, phu_thuong)
    assert client.get(DETERMINATIONS).status_code == 403
