"""Pieces shared by the case-work endpoints: months as YYYY-MM, fields shown only to roles that may see drug
use, texts masked for roles that may not see health, ids found within the user's scope, and the list/retrieve
viewsets."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.fields import SkipField
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.choices import Topic
from donghanh.casework.health_access import SEEN_API_HEALTH_TEXT, health_reveal, may_read_health
from donghanh.casework.health_text import HEALTH_MASK, without_health_topics
from donghanh.core.api import IdRelatedField
from donghanh.core.schema_fields import MAY_BE_ABSENT
from donghanh.people.api.base import CapabilityViewSet, log_people_seen, service_errors
from donghanh.people.models import DrugTest, Person

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{1,2})")
MONTH_FORMAT_ERROR = gettext_lazy("Enter a month as YYYY-MM.")


def parse_month(text: str) -> datetime.date | None:
    """The first day of the month written "YYYY-MM", or None."""
    match = MONTH_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def may_see_drug_use(user: Any, person: Person) -> bool:
    return scope_for(user).can_at(Capability.VIEW_DRUG_USE, person.unit.path)


@contextmanager
def service_errors_renamed(renamed: Mapping[str, str]) -> Iterator[None]:
    """service_errors, with the service's field names changed to the API's."""
    try:
        with service_errors():
            yield
    except serializers.ValidationError as error:
        detail = error.detail
        if isinstance(detail, dict):
            error.detail = {renamed.get(key, key): value for key, value in detail.items()}
        raise


# Fields -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-05"})
class MonthField(serializers.Field[datetime.date, str, str, Any]):
    """A month as "YYYY-MM" (stored as its first day)."""

    default_error_messages = {"invalid": MONTH_FORMAT_ERROR}

    def to_internal_value(self, data: Any) -> datetime.date:
        month = parse_month(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"


class MonthFormField(forms.CharField):
    default_error_messages = {"invalid": MONTH_FORMAT_ERROR}

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class MonthFilter(django_filters.CharFilter):
    field_class = MonthFormField


class DrugUseOnly:
    """A field left out of a row unless the user may see drug use at the person's commune."""

    context: dict[str, Any]

    def get_attribute(self, instance: Any) -> Any:
        if not may_see_drug_use(self.context["request"].user, instance.person):
            raise SkipField
        return super().get_attribute(instance)  # type: ignore[misc]


class DrugUseOnlySchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """The schema says such a field may be absent from a row (it is not required in the answer)."""

    target_class = DrugUseOnly
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, MAY_BE_ABSENT: True}


HEALTH_TEXT_HELP = gettext_lazy(
    "When the record concerns health (HIV, mental health, treatment: health_related) and the reader's role may not "
    "see health, this reads “nội dung sức khỏe — không hiển thị” (in English “health content — not shown”)."
)


def _may_read_health_of(field: serializers.Field[Any, Any, Any, Any], instance: Any, person: str) -> bool:
    request = field.context.get("request")
    return request is not None and may_read_health(request.user, attrgetter(person)(instance))


class HealthTextField(serializers.CharField):
    """A free text of a record that may concern health: the mask for a reader who may not see health."""

    def __init__(self, *, person: str = "person", **kwargs: Any) -> None:
        self.person = person
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", HEALTH_TEXT_HELP)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        if value and instance.health_related and not _may_read_health_of(self, instance, self.person):
            return str(HEALTH_MASK)
        return value


class HealthTopicsField(serializers.ListField):
    """A contact's topics; the health topics only for a reader who may see health."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("child", serializers.ChoiceField(choices=Topic.choices))
        kwargs.setdefault(
            "help_text", gettext_lazy("The health topics are left out for a role that may not see health.")
        )
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        topics = super().get_attribute(instance)
        if instance.health_related and not _may_read_health_of(self, instance, "person"):
            return without_health_topics(topics or [])
        return topics


class DrugUseChoiceField(DrugUseOnly, serializers.ChoiceField):
    pass


class DrugTestIdsField(DrugUseOnly, serializers.ManyRelatedField):
    pass


class VisibleDrugTestField(IdRelatedField[DrugTest]):
    """A drug test's id; only tests the user may see are found."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", DrugTest.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[DrugTest]:
        return DrugTest.objects.accessible_to(self.context["request"].user)


class ScopedRelatedField[M: Any](IdRelatedField[M]):
    """An id among `model.objects.accessible_to(user, capability)`."""

    def __init__(self, model: Any, capability: Capability | None = None, **kwargs: Any) -> None:
        self.model, self.capability = model, capability
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[M]:
        return self.model.objects.accessible_to(self.context["request"].user, self.capability)  # type: ignore[no-any-return]


def active_today(queryset: QuerySet[Any], active: QuerySet[Any], value: bool) -> QuerySet[Any]:
    ids = active.values("pk")
    return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


# Shared view pieces ----------------------------------------------------------------------------------


class ReadViewSet[M: Any](mixins.ListModelMixin, mixins.RetrieveModelMixin, CapabilityViewSet[M]):
    """List and retrieve with the read capability; other actions need `write_capability`."""


class HealthRowsViewSet[M: Any](ReadViewSet[M]):
    """Rows whose texts may concern health: each person whose health text an answer shows is logged."""

    def health_records(self, row: M) -> Sequence[tuple[Any, Person]]:
        """The records of the row with texts that may concern health, each with its person."""
        return [(row, row.person)]

    def rows_shown(self, request: Request, rows: list[M]) -> None:
        people = health_reveal(request.user, [pair for row in rows for pair in self.health_records(row)])
        log_people_seen(request, people, SEEN_API_HEALTH_TEXT)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        self.rows_shown(request, rows)
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        self.rows_shown(request, [row])
        return Response(self.get_serializer(row).data)


class LoggedRowsViewSet[M: Any](HealthRowsViewSet[M]):
    """Rows some of which show drug use: each person shown with it is logged (Law 91/2025)."""

    access_detail: str

    def sensitive(self, row: M) -> bool:
        raise NotImplementedError

    def health_records(self, row: M) -> Sequence[tuple[Any, Person]]:
        return []

    def rows_shown(self, request: Request, rows: list[M]) -> None:
        log_people_seen(request, [row.person for row in rows if self.sensitive(row)], self.access_detail)
        super().rows_shown(request, rows)


PERSON_READ_FIELDS = ["person", "person_code", "person_name"]


class PersonRecordSerializer[M: Any](serializers.ModelSerializer[M]):
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
