"""API: contacts and personal reintegration plans with their goals.

Their free texts and health topics are masked for roles that may not see health when the record concerns health
(`health_related`, `casework.health_text`); each person whose health text an answer shows is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.casework import choices, services
from donghanh.casework.api.base import (
    PERSON_READ_FIELDS,
    HealthRowsViewSet,
    HealthTextField,
    HealthTopicsField,
    PersonRecordSerializer,
    ScopedRelatedField,
)
from donghanh.casework.models import Contact, PlanGoal, ReintegrationPlan, Volunteer
from donghanh.core.api import KeysetPagination
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import VisiblePersonField, service_errors, user_of
from donghanh.people.models import Person

# Filters ------------------------------------------------------------------------------------------


class ContactFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=gettext_lazy("Since"))

    class Meta:
        model = Contact
        fields = ["person", "since"]


class PlanFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))

    class Meta:
        model = ReintegrationPlan
        fields = ["person", "status"]


class PlanGoalFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=gettext_lazy("Plan"))

    class Meta:
        model = PlanGoal
        fields = ["plan", "status"]


# Contacts ----------------------------------------------------------------------------------------------

CONTACT_FIELDS = ["date", "mode", "topics", "notes", "next_step", "next_step_date", "volunteer"]


class ContactSerializer(PersonRecordSerializer[Contact]):
    volunteer_name = serializers.CharField(source="volunteer.full_name", read_only=True, allow_null=True, default=None)
    topics = HealthTopicsField()
    notes = HealthTextField()
    next_step = HealthTextField()

    class Meta:
        model = Contact
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            *CONTACT_FIELDS,
            "health_related",
            "volunteer_name",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class ContactCreateSerializer(serializers.ModelSerializer[Contact]):
    person = VisiblePersonField()
    topics = serializers.ListField(child=serializers.ChoiceField(choices=choices.Topic.choices), required=False)
    volunteer = ScopedRelatedField[Volunteer](
        Volunteer,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Who made the contact; the volunteer recording it when not given."),
    )

    class Meta:
        model = Contact
        fields = ["person", *CONTACT_FIELDS]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        volunteer = attrs.get("volunteer")
        if volunteer is not None and volunteer.team.unit_id != attrs["person"].unit_id:
            raise serializers.ValidationError({"volunteer": [_("The volunteer belongs to another commune's team.")]})
        return attrs


class ContactViewSet(HealthRowsViewSet[Contact]):
    """Contacts with the people in the user's scope: visits, calls, sessions, family meetings."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.RECORD_CASEWORK
    read_serializer_class = ContactSerializer
    filterset_class = ContactFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("-date", "-id")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Contact]:
        return (
            Contact.objects.accessible_to(self.request.user)
            .select_related("person__unit", "volunteer")
            .order_by("-date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return ContactCreateSerializer if self.action == "create" else ContactSerializer

    @extend_schema(responses={201: ContactSerializer})
    def create(self, request: Request) -> Response:
        serializer = ContactCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            contact = services.contact_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(contact, status.HTTP_201_CREATED)


# Reintegration plans -----------------------------------------------------------------------------------

GOAL_FIELDS = ["domain", "goal", "actions", "target_date", "review_date", "status", "reviewed_on", "review_notes"]


class PlanGoalSerializer(serializers.ModelSerializer[PlanGoal]):
    goal = HealthTextField(person="plan.person")
    actions = HealthTextField(person="plan.person")
    review_notes = HealthTextField(person="plan.person")

    class Meta:
        model = PlanGoal
        fields = ["id", "version", "plan", *GOAL_FIELDS, "health_related"]
        read_only_fields = fields


class PlanGoalWriteSerializer(serializers.ModelSerializer[PlanGoal]):
    class Meta:
        model = PlanGoal
        fields = GOAL_FIELDS


class PlanSerializer(PersonRecordSerializer[ReintegrationPlan]):
    notes = HealthTextField()
    goals = PlanGoalSerializer(many=True, read_only=True)

    class Meta:
        model = ReintegrationPlan
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            "start_date",
            "end_date",
            "status",
            "notes",
            "health_related",
            "created_by",
            "goals",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.ModelSerializer[ReintegrationPlan]):
    person = VisiblePersonField()

    class Meta:
        model = ReintegrationPlan
        fields = ["person", "start_date", "end_date", "notes"]
        validators: list[Any] = []  # one active plan per person: the service says so


class PlanCloseSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(required=False, help_text=gettext_lazy("The plan's end date, or today."))


class PlanViewSet(HealthRowsViewSet[ReintegrationPlan]):
    """Personal reintegration plans, with their goals; one active plan per person."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.RECORD_CASEWORK
    read_serializer_class = PlanSerializer
    filterset_class = PlanFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ReintegrationPlan]:
        return (
            ReintegrationPlan.objects.accessible_to(self.request.user)
            .select_related("person__unit")
            .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.order_by("domain", "pk")))
            .order_by("-start_date", "-pk")
        )

    def health_records(self, row: ReintegrationPlan) -> Sequence[tuple[Any, Person]]:
        return [(row, row.person), *((goal, row.person) for goal in row.goals.all())]

    def get_serializer_class(self) -> Any:
        return {
            "create": PlanCreateSerializer,
            "close": PlanCloseSerializer,
            "goals": PlanGoalWriteSerializer,
        }.get(self.action or "", PlanSerializer)

    @extend_schema(responses={201: PlanSerializer})
    def create(self, request: Request) -> Response:
        serializer = PlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            plan = services.plan_create(actor=user_of(request), **serializer.validated_data)
        return self.respond(plan, status.HTTP_201_CREATED)

    @extend_schema(responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the plan on `on` (its end date, or today)."""
        plan = self.get_object()
        serializer = PlanCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.plan_close(actor=user_of(request), plan=plan, on=serializer.validated_data.get("on"))
        return self.respond(plan)

    @extend_schema(responses={201: PlanGoalSerializer})
    @action(detail=True, methods=["post"])
    def goals(self, request: Request, pk: str) -> Response:
        """Add a goal to an active plan."""
        plan = self.get_object()
        serializer = PlanGoalWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            goal = services.goal_add(actor=user_of(request), plan=plan, **serializer.validated_data)
        return Response(
            PlanGoalSerializer(goal, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class PlanGoalViewSet(HealthRowsViewSet[PlanGoal]):
    """Goals of the plans in the user's scope; a goal is added through its plan (`plans/{id}/goals/`)."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.RECORD_CASEWORK
    read_serializer_class = PlanGoalSerializer
    filterset_class = PlanGoalFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[PlanGoal]:
        return (
            PlanGoal.objects.accessible_to(self.request.user)
            .select_related("plan__person__unit")
            .order_by("plan", "domain", "pk")
        )

    def health_records(self, row: PlanGoal) -> Sequence[tuple[Any, Person]]:
        return [(row, row.plan.person)]

    def get_serializer_class(self) -> Any:
        return PlanGoalWriteSerializer if self.action == "partial_update" else PlanGoalSerializer

    @extend_schema(responses=PlanGoalSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Review a goal: its status, dates and notes."""
        goal = self.get_object()
        serializer = PlanGoalWriteSerializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.goal_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                plan_goal=goal,
                **serializer.validated_data,
            )
        return self.respond(goal)
