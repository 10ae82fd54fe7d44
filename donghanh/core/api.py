"""Shared API building blocks: the two ways a list is cut into pages, and what a request body's ids and texts must be.

`Pagination` numbers the pages (`?page=`) and counts the rows: for the short lists (teams, partners,
models, targets…). `KeysetPagination` serves the long lists (people, legal measures, contacts,
assessments, services, units): each page starts after the last row of the one before, on an ordering
that ends with a unique field, so a page costs the same at the end of the country's list as at its
start, and nothing counts the whole scope. A view using it names its ordering in `cursor_ordering`.

`IdRelatedField` refuses an id the database cannot hold; `non_text_errors` a text field given anything but text;
`not_found` answers a URL under /api/ that no route matches in JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, Model, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from donghanh.core.filters import MAX_ID

MAX_PAGE_SIZE = 200
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
NOT_TEXT = _("Must be a string of characters (text in quotes), not a number, true/false, a list or an object.")


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the key of a row (its values of the ordering's fields), and the direction.

    `backwards` pages go towards the start of the list: the rows before the key, for a "previous" link.
    """

    key: tuple[Any, ...]
    backwards: bool = False


def _field_at(model: type[Model], lookup: str) -> Field[Any, Any]:
    """The model field a lookup such as "person__search_name" ends at."""
    *relations, name = lookup.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return model._meta.pk if name == "pk" else model._meta.get_field(name)  # type: ignore[return-value]


def _value_at(row: Any, lookup: str) -> Any:
    """The row's value of a lookup; a foreign key's own column (its id), not the object it points to."""
    *relations, name = lookup.split("__")
    for relation in relations:
        row = getattr(row, relation)
    field = row._meta.pk if name == "pk" else row._meta.get_field(name)
    return getattr(row, field.attname)


class KeysetPagination(BasePagination):
    """`?cursor=` (from the `next` and `previous` links) and `?page_size=` (50, up to 200); no count."""

    cursor_query_param = "cursor"
    cursor_query_description = _("Where the page starts: the value of the `next` or `previous` link.")
    page_size_query_param = "page_size"
    page_size_query_description = _("Rows per page (at most 200).")
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = _("This page link is not valid or out of date; start again from the first page.")

    def __init__(self) -> None:
        self.page_size: int = api_settings.PAGE_SIZE or 50
        self.base_url = ""
        self.next_cursor: Cursor | None = None
        self.previous_cursor: Cursor | None = None

    # --- ordering and cursors --------------------------------------------------------------------------

    @staticmethod
    def ordering_of(view: Any) -> list[tuple[str, bool]]:
        """(lookup, descending) for each field of the view's `cursor_ordering`, the last one unique."""
        ordering = getattr(view, "cursor_ordering", None)
        if not ordering:
            raise AssertionError(f"{type(view).__name__} needs `cursor_ordering` for KeysetPagination.")
        return [(name.removeprefix("-"), name.startswith("-")) for name in ordering]

    def decode(self, raw: str, model: type[Model], ordering: list[tuple[str, bool]]) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
            values, backwards = data["k"], data.get("b", False)
            if not isinstance(values, list) or len(values) != len(ordering) or not isinstance(backwards, bool):
                raise ValueError
            key = tuple(_field_at(model, name).to_python(v) for (name, _desc), v in zip(ordering, values, strict=True))
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, ValidationError, FieldDoesNotExist):
            raise NotFound(self.invalid_cursor_message) from None
        if any(v is None for v in key):
            raise NotFound(self.invalid_cursor_message)
        return Cursor(key, backwards)

    @staticmethod
    def encode(cursor: Cursor) -> str:
        data: dict[str, Any] = {"k": list(cursor.key)}
        if cursor.backwards:
            data["b"] = True
        raw = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @staticmethod
    def beyond(ordering: list[tuple[str, bool]], cursor: Cursor) -> Q:
        """The rows after the cursor's key in the list's order (before it, going backwards).

        (a, b, id) after (x, y, z): a beyond x, or a = x and b beyond y, or a = x, b = y and id beyond z. The
        first field's own bound (a from x on) is said again on its own, so that an index on it starts there.
        """
        after: Q | None = None
        equal = Q()
        for (name, descending), value in zip(ordering, cursor.key, strict=True):
            step = Q(**{f"{name}__{'lt' if descending != cursor.backwards else 'gt'}": value})
            after = equal & step if after is None else after | (equal & step)
            equal &= Q(**{name: value})
        first, descending = ordering[0]
        bound = Q(**{f"{first}__{'lte' if descending != cursor.backwards else 'gte'}": cursor.key[0]})
        assert after is not None
        return bound & after

    # --- the page ----------------------------------------------------------------------------------------

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        size = int(raw) if raw.isascii() and raw.isdigit() else 0
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        ordering = self.ordering_of(view)
        raw = request.query_params.get(self.cursor_query_param)
        cursor = self.decode(raw, queryset.model, ordering) if raw else None
        backwards = bool(cursor and cursor.backwards)
        rows = queryset.order_by(*(("-" if desc != backwards else "") + name for name, desc in ordering))
        if cursor is not None:
            rows = rows.filter(self.beyond(ordering, cursor))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if backwards:
            page.reverse()
        # Going forwards, the rows before exist when a cursor brought us here; going backwards, those after do.
        has_next, has_previous = (True, more) if backwards else (more, cursor is not None)

        def key(row: Any) -> tuple[Any, ...]:
            return tuple(_value_at(row, name) for name, _desc in ordering)

        self.next_cursor = Cursor(key(page[-1])) if has_next and page else None
        self.previous_cursor = Cursor(key(page[0]), backwards=True) if has_previous and page else None
        return page

    def link(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, self.encode(cursor))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.link(self.next_cursor), "previous": self.link(self.previous_cursor), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class IdRelatedField[M: Model](serializers.PrimaryKeyRelatedField[M]):
    """A related record's id in a request body. A number the database cannot hold (above MAX_ID, below 1) is a
    record that does not exist, and a fraction is of the wrong type: 400 on the field, never a database error."""

    def to_internal_value(self, data: Any) -> M:
        if isinstance(data, float):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip() if isinstance(data, (int, str)) and not isinstance(data, bool) else ""
        if WHOLE_NUMBER.fullmatch(text) and not 0 < int(text) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def non_text_errors(field: Any, data: Any) -> Any:
    """{field: [message]} for each text field of a request body given a number, a boolean, a list or an object.

    DRF's CharField turns a number into its digits; a client that sends one for a name or a note has a bug that
    should be seen, not stored. `field` is the body's serializer; nested serializers and lists are followed, their
    errors keyed as DRF keys them (the row's index in a list). None where nothing is wrong.
    """
    if getattr(field, "read_only", False):
        return None
    if isinstance(field, serializers.CharField):
        if isinstance(data, str) or data is None:  # null: the field's own "may not be null" where it may not
            return None
        return [str(NOT_TEXT)]
    if isinstance(field, serializers.Serializer) and isinstance(data, Mapping):
        errors = {key: non_text_errors(field.fields[key], value) for key, value in data.items() if key in field.fields}
        return {key: error for key, error in errors.items() if error} or None
    child = getattr(field, "child", None)
    if child is not None and isinstance(data, list):
        rows = {index: non_text_errors(child, value) for index, value in enumerate(data)}
        return {index: error for index, error in rows.items() if error} or None
    return None


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a URL no route matches (`handler404`): under /api/, JSON as every other answer of the API
    (`/api/v1/people/1.5/` is no route: ids are whole numbers); elsewhere, the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
