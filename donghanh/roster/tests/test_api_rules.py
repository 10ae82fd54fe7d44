"""API rules that hold everywhere, with the roster's endpoints: a write naming a field it does not write is refused on
that field; a wrong code names the accepted ones (bodies, nested rows and filters); the codes a client sends are
listed at /api/v1/codes/; closing a measure says when the person leaves the roster; a monthly assessment takes the
month it is about; and the schema documents exactly the fields each write accepts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml
from django.test import RequestFactory
from django.urls import resolve, reverse
from rest_framework.request import Request

from donghanh.accounts.roles import Role
from donghanh.casework.models import MonthlyAssessment
from donghanh.core.dates import month_start, shift_month_start
from donghanh.episodes.choices import EpisodeType
from donghanh.people.api.base import CapabilityViewSet
from donghanh.people.roster import current_period
from donghanh.roster.tests.test_api_people import ENGLISH, post

pytestmark = pytest.mark.django_db

D = datetime.date
API = "/api/v1/"
SUBSTANCES = "heroin, methamphetamine, cannabis, ketamine, mdma, synthetic, opium, other"


@pytest.fixture
def api(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


# --- fields a write does not take ---------------------------------------------------------------------------


def test_a_write_naming_a_field_it_does_not_write_is_refused_on_that_field(api, register, phu_thuong):
    person = register()
    data = {"unit": phu_thuong.pk, "full_name": "Hoàng Văn Em", "sex": "male", "birth_year": 1992}
    created = post(api, f"{API}people/", {**data, "died_on": "2025-01-01", "code": "DH1"}, **ENGLISH)
    assert created.status_code == 400
    assert created.json() == {
        "code": [created.json()["code"][0]],
        "died_on": ["This endpoint does not write this field; use POST /api/v1/people/{id}/death/."],
    }
    assert created.json()["code"][0].startswith("This endpoint does not write this field. It writes: birth_date, ")
    moved = api.patch(f"{API}people/{person.pk}/", {"unit": phu_thuong.pk}, content_type="application/json")
    assert moved.status_code == 400 and moved.json().keys() == {"unit"}
    # A field that another app's endpoint does not write: the same rule, whatever the app.
    contact = {"person": person.pk, "date": "2025-01-02", "mode": "phone", "recorded_by": 1}
    assert post(api, f"{API}contacts/", contact).json().keys() == {"recorded_by"}


# --- wrong codes -----------------------------------------------------------------------------------------------


def test_a_wrong_code_names_the_accepted_ones_in_bodies_nested_rows_and_filters(api, register):
    person = register()
    registration = {"unit": person.unit_id, "full_name": "Hoàng Văn Em", "sex": "man", "birth_year": 1992}
    assert post(api, f"{API}people/", registration, **ENGLISH).json() == {
        "sex": ["“man” is not a valid choice. Accepted: male, female."]
    }
    test = {
        "person": person.pk,
        "date": "2025-01-02",
        "sample": "urine",
        "tested_by": "Trạm y tế",
        "results": [{"substance": "heroin", "result": "negative"}, {"substance": "sugar", "result": "positive"}],
    }
    nested = post(api, f"{API}drug-tests/", test, **ENGLISH).json()
    assert nested == {"results": {"1": {"substance": [f"“sugar” is not a valid choice. Accepted: {SUBSTANCES}."]}}}
    contact = {"person": person.pk, "date": "2025-01-02", "mode": "phone", "topics": ["harms", "weather"]}
    topics = post(api, f"{API}contacts/", contact, **ENGLISH).json()["topics"]  # a list field: errors by index
    assert topics.keys() == {"1"}
    assert topics["1"][0].startswith("“weather” is not a valid choice. Accepted: harms, rehab_options, ")
    filtered = api.get(f"{API}people/", {"whereabouts": ["at_residence", "abroad"]}, headers=ENGLISH)
    assert filtered.status_code == 400
    assert filtered.json() == {
        "whereabouts": [
            "“abroad” is not a valid choice. Accepted: at_residence, in_facility, detained, moved_away, unknown."
        ]
    }
    assert "male, female" in post(api, f"{API}people/", registration).json()["sex"][0]  # in any language


# --- the codes --------------------------------------------------------------------------------------------------


def test_the_codes_a_client_sends_are_listed_with_labels_in_the_requests_language(
    client, api, register, make_user, hai_chau
):
    english = api.get(f"{API}codes/", headers=ENGLISH).json()
    assert {
        "measure_types",
        "whereabouts",
        "measure_end_reasons",
        "roster_exit_reasons",
        "death_sources",
        "relapse_follow_ups",
        "transfer_statuses",
        "contact_topics",
        "service_types",
    } <= english.keys()
    assert "rating_levels" not in english
    assert {"code": "post_rehab_management", "label": "Post-rehab management"} in english["measure_types"]
    assert [c["code"] for c in english["roster_exit_reasons"]] == [
        "transferred",
        "completed",
        "died",
        "moved_abroad",
        "removed",
    ]
    assert {"code": "family", "label": "The family"} in english["death_sources"]
    assert "vocational_training" in {c["code"] for c in english["service_types"]}
    vietnamese = api.get(f"{API}codes/").json()
    assert [c["code"] for c in vietnamese["measure_types"]] == [c["code"] for c in english["measure_types"]]
    assert vietnamese["measure_types"] != english["measure_types"]  # the labels are translated

    person = register()
    levels = api.get(f"{API}codes/", {"person": person.pk}, headers=ENGLISH).json()["rating_levels"]
    assert [level["code"] for level in levels] == ["good", "fair", "average", "poor"]
    assert api.get(f"{API}codes/", {"person": "An"}).json().keys() == {"person"}
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(f"{API}codes/", {"person": person.pk}).status_code == 404
    client.logout()
    assert client.get(f"{API}codes/").status_code in (401, 403)


# --- closing a measure --------------------------------------------------------------------------------------------


def test_closing_a_measure_says_when_the_person_leaves_the_roster(api, register, measure):
    first, second, third = register(), register(full_name="Trần Văn Bình"), register(full_name="Lê Văn Cường")
    episodes = [measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 2, 1)) for person in (first, second, third)]
    closing = {"actual_end_date": "2025-01-31", "end_reason": "completed"}

    left = post(api, f"{API}episodes/{episodes[0].pk}/close/", closing)
    assert left.status_code == 200, left.content
    assert (left.json()["left_roster_on"], left.json()["end_reason"]) == ("2025-01-31", "completed")
    assert current_period(first) is None

    kept = post(api, f"{API}episodes/{episodes[1].pk}/close/", {**closing, "keep_reason": "Chờ quyết định mới"})
    assert kept.status_code == 200 and kept.json()["left_roster_on"] is None
    assert current_period(second).kept_on_reason == "Chờ quyết định mới"

    relapse = post(api, f"{API}episodes/{episodes[2].pk}/close/", {**closing, "end_reason": "relapse"})
    assert relapse.status_code == 200 and relapse.json()["left_roster_on"] is None
    assert current_period(third) is not None
    wrong = post(api, f"{API}episodes/{episodes[2].pk}/close/", {**closing, "end_reason": "finished"}, **ENGLISH)
    assert wrong.json()["end_reason"][0].startswith("“finished” is not a valid choice. Accepted: completed, relapse, ")


# --- monthly assessments take their month -----------------------------------------------------------------------


def test_an_assessment_entered_late_takes_the_month_it_is_about(api, register):
    person = register()
    this_month = month_start(datetime.date.today())
    earlier = shift_month_start(this_month, -3)
    data = {
        "person": person.pk,
        "month": f"{earlier:%Y-%m}",
        "drug_use": "none",
        "participation": "full",
        "work_status": "stable",
        "family_relations": "good",
        "compliance": "complies",
        "rating": "good",
        "assessed_on": f"{earlier:%Y-%m}-20",
    }
    created = post(api, f"{API}assessments/", data)
    assert created.status_code == 201, created.content
    assert (created.json()["month"], created.json()["assessed_on"]) == (f"{earlier:%Y-%m}", f"{earlier:%Y-%m}-20")
    assert MonthlyAssessment.objects.get(person=person).month == earlier
    later = {**data, "month": f"{shift_month_start(this_month, 1):%Y-%m}", "assessed_on": None}
    assert post(api, f"{API}assessments/", {k: v for k, v in later.items() if v}).json().keys() == {"month"}
    rating = post(api, f"{API}assessments/", {**data, "rating": "excellent"}, **ENGLISH).json()
    assert rating == {
        "rating": ["“excellent” is not a level of this province's scale. Accepted: good, fair, average, poor."]
    }


# --- the schema -----------------------------------------------------------------------------------------------------


def body_fields(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The fields an operation's documented request body lets a client write (a file upload's as a form)."""
    bodies = operation.get("requestBody", {}).get("content", {})
    content = bodies.get("application/json") or bodies.get("multipart/form-data")
    if content is None:
        return set()
    schema = content["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return {name for name, field in schema.get("properties", {}).items() if not field.get("readOnly")}


def accepted_fields(path: str, method: str, user: Any) -> set[str] | None:
    """The fields the view behind `path` accepts for `method` (None for a view of another kind)."""
    match = resolve(path.replace("{id}", "1"))
    view_class = getattr(match.func, "cls", None)
    if view_class is None or not issubclass(view_class, CapabilityViewSet):
        return None
    view = view_class(**match.func.initkwargs)
    view.action_map = match.func.actions
    view.action = match.func.actions[method]
    http = RequestFactory().generic(method.upper(), path)
    http.user = user
    view.request, view.kwargs, view.format_kwarg = Request(http), match.kwargs, None
    view.request.user = user
    return view.body_fields()


def test_the_schema_documents_exactly_the_fields_each_write_accepts(api, officer):
    document = yaml.safe_load(api.get(reverse("api-schema"), headers=ENGLISH).content)
    paths = document["paths"]
    assert {
        "/api/v1/people/{id}/whereabouts/",
        "/api/v1/people/{id}/death/",
        "/api/v1/people/{id}/death/correct/",
        "/api/v1/people/{id}/roster/leave/",
        "/api/v1/people/{id}/roster/return/",
        "/api/v1/release-notices/{id}/decide/",
        "/api/v1/transfers/{id}/accept/",
        "/api/v1/relapse-signals/{id}/resolve/",
        "/api/v1/codes/",
    } <= paths.keys()
    checked = 0
    for path, operations in paths.items():
        for method in ("post", "put", "patch"):
            if method not in operations:
                continue
            accepted = accepted_fields(path, method, officer)
            if accepted is None:
                continue
            assert body_fields(document, operations[method]) == accepted, f"{method.upper()} {path}"
            assert "refused with 400" in operations[method]["description"], f"{method.upper()} {path}"
            checked += 1
    assert checked > 40
    person_patch = paths["/api/v1/people/{id}/"]["patch"]["description"]
    assert "whereabouts: use POST /api/v1/people/{id}/whereabouts/." in person_patch
    month = document["components"]["schemas"]["AssessmentSubmitRequest"]["properties"]["month"]
    assert "entered late" in month["description"]
