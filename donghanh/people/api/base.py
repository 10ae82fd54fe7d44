"""API building blocks shared by every app's viewsets: capability-declared viewsets, sensitive reads that
write the access log, a person field limited to the people the user sees, service refusals as 400s."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.audit.services import access_log_record, access_log_record_many
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user

# Building blocks shared with the episodes API ---------------------------------------------------

READ_ACTIONS = frozenset({"list", "retrieve", "metadata"})


def user_of(request: Request) -> User:
    return cast(User, request.user)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's ValidationError becomes the API's 400 {field: [messages]}."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


def log_people_seen(request: Request, people: Iterable[Person], detail: str) -> None:
    """One access-log entry per person whose sensitive records the response shows."""
    access_log_record_many(
        actor=user_of(request), records=[(person, person.unit) for person in people], detail=detail, request=request
    )


class VisiblePersonField(serializers.PrimaryKeyRelatedField[Person]):
    """A person's id; only people in the user's scope are found."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Person]:
        return people_for_user(self.context["request"].user)


class CapabilityViewSet[M: Model](viewsets.GenericViewSet[M]):
    """`capability` declares the reads (and is what the URL walk reads); writes need `write_capability`.

    HasCapability reads `view.capability`, so the capability of the action at hand is put there
    before the permissions are checked.
    """

    capability: Capability
    write_capability: Capability
    read_serializer_class: type[serializers.BaseSerializer[Any]]
    permission_classes = [HasCapability]

    def get_permissions(self) -> Any:
        if self.action not in READ_ACTIONS:
            self.capability = self.write_capability
        return super().get_permissions()

    def respond(self, obj: M, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as a read shows it, fetched again through the scoped queryset."""
        fresh = self.get_queryset().get(pk=obj.pk)
        serializer = self.read_serializer_class(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


class SensitiveReadViewSet[M: Model](CapabilityViewSet[M]):
    """List and retrieve records of people, logging each person shown (Law 91/2025)."""

    access_detail: str

    def person_of(self, obj: M) -> Person:
        return cast(Person, obj.person)  # type: ignore[attr-defined]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page or [])
        log_people_seen(request, [self.person_of(row) for row in rows], self.access_detail)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        person = self.person_of(obj)
        access_log_record(
            actor=user_of(request), obj=person, detail=self.access_detail, unit=person.unit, request=request
        )
        return Response(self.get_serializer(obj).data)
