"""Numbers in query strings and bodies are checked before they reach the database: an id or a year the database
cannot hold answers 400 (404 for a page's unit) naming what was wrong, never a server error, on both databases."""

from __future__ import annotations

import django_filters
import pytest
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.core.filters import MAX_ID, WholeNumberFilter, YearFilter, as_id
from donghanh.core.tests.test_access import ROUTES

HUGE = "99999999999999999999"  # more than a BigAutoField holds
WRONG = [HUGE, str(MAX_ID + 1), "0", "-1", "1.5", "1e30", "abc", "²"]


def api_filtersets() -> dict[str, type[django_filters.FilterSet]]:
    """The filter sets of the API's lists, by route."""
    found = {}
    for route in ROUTES:
        view = getattr(route.callback, "cls", None)
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None and "list" in (getattr(route.callback, "actions", None) or {}).values():
            found[route.name or route.pattern] = filterset
    return found


FILTERSETS = api_filtersets()
NUMBERS = [
    (route, filterset, name)
    for route, filterset in FILTERSETS.items()
    for name, one in filterset.base_filters.items()
    if isinstance(one, django_filters.NumberFilter)
]


def test_every_number_a_list_filters_on_is_bounded():
    assert len(FILTERSETS) >= 20 and len(NUMBERS) >= 25
    unbounded = [f"{route}?{name}" for route, filterset, name in NUMBERS
                 if not isinstance(filterset.base_filters[name], WholeNumberFilter)]  # fmt: skip
    assert unbounded == []


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "filterset", "name"), NUMBERS, ids=lambda value: getattr(value, "__name__", value))
def test_a_number_out_of_range_is_an_error_on_its_parameter(route, filterset, name):
    model = filterset._meta.model
    for value in WRONG:
        found = filterset({name: value}, queryset=model.objects.all())
        assert not found.is_valid(), (route, name, value)
        assert list(found.errors) == [name], (route, name, value)
    good = "2025" if isinstance(filterset.base_filters[name], YearFilter) else "1"  # an id, or the first quarter
    found = filterset({name: good}, queryset=model.objects.all())
    assert found.is_valid(), (route, name)
    list(found.qs)  # the database takes it


def test_as_id_takes_ascii_digits_within_range_only():
    assert as_id("42") == 42 and as_id(" 7 ") == 7 and as_id(MAX_ID) == MAX_ID
    others = ["١٢", "", None, " ", "4 2"]  # Arabic-Indic digits: a number to a form, not an id in a URL
    assert [as_id(value) for value in [*WRONG, *others]] == [None] * (len(WRONG) + len(others))


@pytest.mark.django_db
def test_the_api_answers_400_naming_the_parameter(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    for url, name, value in (
        ("/api/v1/assessments/", "person", HUGE),
        ("/api/v1/contacts/", "person", "1.5"),
        ("/api/v1/episodes/", "person", "-1"),
        ("/api/v1/services/", "person", HUGE),
        ("/api/v1/sessions/", "model", HUGE),
        ("/api/v1/community-activities/", "year", "99999999999"),
        ("/api/v1/codes/", "person", "²"),
        ("/api/v1/people/", "as_of", "0016-11-27"),  # ages on it would leave the calendar
        ("/api/v1/people/", "as_of", "2101-01-01"),
    ):
        response = client.get(url, {name: value})
        assert response.status_code == 400, (url, response.status_code)
        assert name in response.json(), (url, response.json())


@pytest.mark.django_db
def test_a_body_naming_an_id_the_database_cannot_hold_is_refused(client, make_user, phu_thuong):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    client.force_login(officer)
    for url, body, field in (
        ("/api/v1/sessions/", {"model": 1, "date": "2025-07-01", "kind": "talk", "present": [int(HUGE)]}, "present"),
        ("/api/v1/contacts/", {"person": int(HUGE), "date": "2025-07-01"}, "person"),
        ("/api/v1/contacts/", {"person": 1e30, "date": "2025-07-01"}, "person"),
        ("/api/v1/contacts/", {"person": "--5", "date": "2025-07-01"}, "person"),
        ("/api/v1/contacts/", {"person": "-3", "date": "2025-07-01"}, "person"),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code, response.content[:300])
        assert field in response.json(), (url, response.json())


@pytest.mark.django_db
def test_pages_given_an_id_the_database_cannot_hold_answer_404_or_ignore_it(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    assert client.get(reverse("reports:report"), {"unit": HUGE}).status_code == 404
    assert client.get(reverse("reports:trend"), {"unit": "²"}).status_code == 404
    assert client.get(reverse("reports:targets"), {"unit": HUGE}).status_code == 404


@pytest.mark.django_db
def test_a_path_id_that_is_no_whole_number_is_a_json_404_under_the_api(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    for url in ("/api/v1/people/1.5/", "/api/v1/people/1.5/whereabouts/", "/api/v1/nothing/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
        assert list(response.json()) == ["detail"]
    page = client.get("/people/1.5/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_body_of_a_media_type_the_api_does_not_read_is_a_documented_415(client, make_user, unit):
    from drf_spectacular.generators import SchemaGenerator

    client.force_login(make_user(Role.COMMUNE_OFFICER, unit("00091")))
    refused = client.post("/api/v1/people/", "full_name=An", content_type="text/plain")
    assert refused.status_code == 415
    assert "detail" in refused.json()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = [op for ops in schema["paths"].values() for method, op in ops.items() if method in {"post", "patch"}]
    assert writes and all("415" in op["responses"] for op in writes)
