"""API of a death: `POST /api/v1/people/{id}/death/` records it, `…/death/correct/` undoes one recorded by mistake.

Recording a death closes, that day, the person's open measures, volunteer assignments, pending release
notices and moves, and ends their roster period (reason "died"); the correction reopens what it closed.
Both answer the person as `/api/v1/people/{id}/` shows them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.people.api.base import CapabilityViewSet, NamedChoiceField, service_errors, user_of
from donghanh.people.api.people import PersonSerializer, people_shown
from donghanh.people.choices import DeathSource
from donghanh.people.models import Person
from donghanh.roster.death import death_correct, death_record


class DeathRecordSerializer(serializers.Serializer[Any]):
    died_on = serializers.DateField(help_text=gettext_lazy("The day of death (not in the future)."))
    source = NamedChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        "DeathSourceEnum", choices=DeathSource.choices, help_text=gettext_lazy("Who reported the death.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DeathCorrectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200, help_text=gettext_lazy("Why the death was recorded by mistake."))


class PersonDeathViewSet(CapabilityViewSet[Person]):
    """A person's death, in the user's scope (others answer 404)."""

    capability = Capability.VIEW_PEOPLE
    write_capability = Capability.MANAGE_PEOPLE
    action_capabilities: ClassVar[dict[str, Capability]] = {"correct": Capability.CORRECT_DEATH}
    read_serializer_class = PersonSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[Person]:
        return people_shown(self.request.user)

    def get_serializer_class(self) -> Any:
        return {"death": DeathRecordSerializer, "correct": DeathCorrectSerializer}.get(
            self.action or "", PersonSerializer
        )

    @extend_schema(responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def death(self, request: Request, pk: str) -> Response:
        """Record that the person died on `died_on`: what was open for them closes that day, they leave the roster."""
        person = self.get_object()
        serializer = DeathRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            death_record(actor=user_of(request), person=person, **serializer.validated_data)
        return self.respond(person)

    @extend_schema(responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="death/correct")
    def correct(self, request: Request, pk: str) -> Response:
        """The death was recorded by mistake: what it closed opens again (needs the right to correct a death)."""
        person = self.get_object()
        serializer = DeathCorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            death_correct(actor=user_of(request), person=person, **serializer.validated_data)
        return self.respond(person)
