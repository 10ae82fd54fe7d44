"""API of a person's place on the roster: dated whereabouts, and an officer taking them off it or back on.

`/api/v1/people/{id}/whereabouts/` lists where the person was from which day (GET) and records a
change (POST); `/api/v1/people/{id}/roster/leave/` and `/roster/return/` are the officer's decisions.
Both answer the person as `/api/v1/people/{id}/` shows them, with `on_roster` and the periods.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.people.api.base import CapabilityViewSet, NamedChoiceField, service_errors, user_of
from donghanh.people.api.people import PersonSerializer, people_shown
from donghanh.people.choices import RosterExit, Whereabouts
from donghanh.people.models import Person, WhereaboutsRecord
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.people.services import whereabouts_record


class WhereaboutsRecordSerializer(serializers.ModelSerializer[WhereaboutsRecord]):
    """Where the person is from `since` on, until the next record."""

    status = NamedChoiceField("WhereaboutsEnum", choices=Whereabouts.choices)

    class Meta:
        model = WhereaboutsRecord
        fields = ["id", "status", "since", "place", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"since": {"help_text": gettext_lazy("The first day the person is there (not in the future).")}}


# Only the officer's reasons: a completed measure, a death or a move have their own endpoints.
LEAVE_REASONS = [(code, label) for code, label in RosterExit.choices if code in ("moved_abroad", "removed")]


class RosterLeaveSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text=gettext_lazy("The last day on the roster (not in the future)."))
    reason = serializers.ChoiceField(choices=LEAVE_REASONS)
    decision_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text=gettext_lazy("Needed for a removal, with the reason in `note`."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RosterReturnSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text=gettext_lazy("The first day back on the roster (not in the future)."))
    note = serializers.CharField(max_length=300, help_text=gettext_lazy("Why the person is back."))


class PersonRosterViewSet(CapabilityViewSet[Person]):
    """Whereabouts and roster decisions of a person in the user's scope (others answer 404)."""

    capability = Capability.VIEW_PEOPLE
    write_capability = Capability.MANAGE_PEOPLE
    action_capabilities: ClassVar[dict[str, Capability]] = {"whereabouts": Capability.VIEW_PEOPLE}
    read_serializer_class = PersonSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[Person]:
        return people_shown(self.request.user)

    def get_serializer_class(self) -> Any:
        return {
            "whereabouts": WhereaboutsRecordSerializer,
            "whereabouts_record": WhereaboutsRecordSerializer,
            "leave": RosterLeaveSerializer,
            "rejoin": RosterReturnSerializer,
        }.get(self.action or "", PersonSerializer)

    @extend_schema(responses=WhereaboutsRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def whereabouts(self, request: Request, pk: str) -> Response:
        """Where the person was, newest first: each record holds from `since` until the next one."""
        person = self.get_object()
        records = WhereaboutsRecord.objects.filter(person=person).order_by("-since", "-pk")
        page = self.paginate_queryset(records)
        return self.get_paginated_response(WhereaboutsRecordSerializer(page, many=True).data)

    @extend_schema(responses={201: WhereaboutsRecordSerializer})
    @whereabouts.mapping.post
    def whereabouts_record(self, request: Request, pk: str) -> Response:
        """Record where the person is from `since` on (in a facility, detained, unknown… keep them on the roster)."""
        person = self.get_object()
        serializer = WhereaboutsRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            record = whereabouts_record(actor=user_of(request), person=person, **serializer.validated_data)
        return Response(WhereaboutsRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="roster/leave")
    def leave(self, request: Request, pk: str) -> Response:
        """Take the person off the roster on `on`: moved abroad, or removed by a decision (number and reason).

        A completed measure takes them off by itself (closing the measure), a death through `death/`, a
        move to another commune through `/api/v1/transfers/`.
        """
        person = self.get_object()
        serializer = RosterLeaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            roster_leave(actor=user_of(request), person=person, **serializer.validated_data)
        return self.respond(person)

    @extend_schema(responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="roster/return")
    def rejoin(self, request: Request, pk: str) -> Response:
        """Put the person back on the roster from `on` (detected again, a relapse), saying why; a new period starts."""
        person = self.get_object()
        serializer = RosterReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            roster_rejoin(actor=user_of(request), person=person, **serializer.validated_data)
        return self.respond(person)
