"""Keyset pagination: pages that follow each other on an ordering with ties, both ways, without a count."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from donghanh.core.api import Cursor, KeysetPagination
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

# Many units share a level and a validity date: only the last field is unique.
VIEW = SimpleNamespace(cursor_ordering=("valid_from", "-level", "search_name", "id"))


def hanoi():
    return OrgUnit.objects.filter(path__startswith="VN/NP01/", era=OrgUnit.Era.CURRENT)


def expected():
    return list(hanoi().order_by("valid_from", "-level", "search_name", "id").values_list("pk", flat=True))


def page(params, view=VIEW):
    paginator = KeysetPagination()
    request = Request(APIRequestFactory().get("/api/v1/units/", params))
    rows = paginator.paginate_queryset(hanoi(), request, view)
    body = paginator.get_paginated_response([row.pk for row in rows]).data
    return body


def cursor_of(link):
    return parse_qs(urlsplit(link).query)["cursor"][0]


def test_forwards_page_after_page_every_row_once_in_order():
    seen, params, pages = [], {"page_size": 7, "q": "kept"}, 0
    while True:
        body = page(params)
        seen += body["results"]
        pages += 1
        assert "count" not in body
        assert (body["previous"] is None) == (pages == 1)
        if body["next"] is None:
            break
        assert parse_qs(urlsplit(body["next"]).query)["q"] == ["kept"]  # the filters stay in the links
        params = {**params, "cursor": cursor_of(body["next"])}
    assert seen == expected()
    assert pages == -(-len(seen) // 7)


def test_an_ordering_on_a_foreign_key_pages_on_its_id():
    by_parent = SimpleNamespace(cursor_ordering=("parent", "-id"))
    seen, params = [], {"page_size": 9}
    while True:
        body = page(params, view=by_parent)
        seen += body["results"]
        if body["next"] is None:
            break
        params = {"page_size": 9, "cursor": cursor_of(body["next"])}
    assert seen == list(hanoi().order_by("parent", "-id").values_list("pk", flat=True))


def test_backwards_from_the_last_page_gives_the_same_pages():
    forwards, params = [], {"page_size": 10}
    while True:
        body = page(params)
        forwards.append(body["results"])
        if body["next"] is None:
            break
        params = {"page_size": 10, "cursor": cursor_of(body["next"])}
    backwards = [body["results"]]
    while body["previous"] is not None:
        body = page({"page_size": 10, "cursor": cursor_of(body["previous"])})
        backwards.append(body["results"])
        assert body["next"] is not None
    assert backwards[::-1] == forwards


def test_one_query_per_page_and_no_count():
    first = page({"page_size": 5})
    with CaptureQueriesContext(connection) as queries:
        page({"page_size": 5, "cursor": cursor_of(first["next"])})
    assert len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper()


def test_page_size_is_bounded_and_defaults_to_fifty():
    assert len(page({})["results"]) == 50
    assert len(page({"page_size": 10_000})["results"]) == min(200, len(expected()))
    assert len(page({"page_size": "abc"})["results"]) == 50
    assert len(page({"page_size": 0})["results"]) == 50


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "e30",  # {}
        KeysetPagination.encode(Cursor(("2025-07-01", 3))),  # too few fields
        KeysetPagination.encode(Cursor(("yesterday", 3, "x", 1))),  # not a date
        KeysetPagination.encode(Cursor((None, 3, "x", 1))),
        "eyJrIjpbIjIwMjUtMDctMDEiLDMsIngiLDFdLCJiIjoieWVzIn0",  # the direction is not true or false
    ],
)
def test_a_wrong_cursor_is_404_with_a_message_in_the_users_language(cursor):
    with translation.override("vi"):
        with pytest.raises(NotFound) as refused:
            page({"cursor": cursor})
        assert str(refused.value.detail) == str(KeysetPagination.invalid_cursor_message)


def test_a_view_without_an_ordering_is_a_programming_error():
    with pytest.raises(AssertionError, match="cursor_ordering"):
        page({}, view=SimpleNamespace())
