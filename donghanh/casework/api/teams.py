"""API: volunteer teams, volunteers, and assignments of volunteers to people."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.casework import services
from donghanh.casework.api.base import (
    PERSON_READ_FIELDS,
    PersonRecordSerializer,
    ReadViewSet,
    ScopedRelatedField,
    active_today,
)
from donghanh.casework.filters import VolunteerTeamFilter
from donghanh.casework.models import Assignment, Volunteer, VolunteerTeam
from donghanh.casework.selectors import assignments_active_on, teams_for_user, volunteers_active_on
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import VisiblePersonField, service_errors, user_of

# Filters ------------------------------------------------------------------------------------------


class VolunteerFilter(django_filters.FilterSet):
    team = IdFilter(field_name="team_id", label=gettext_lazy("Team"))
    active = django_filters.BooleanFilter(method="filter_active", label=gettext_lazy("Active today"))

    class Meta:
        model = Volunteer
        fields = ["team", "active"]

    def filter_active(self, queryset: QuerySet[Volunteer], name: str, value: bool) -> QuerySet[Volunteer]:
        return active_today(queryset, volunteers_active_on(timezone.localdate()), value)


class AssignmentFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    volunteer = IdFilter(field_name="volunteer_id", label=gettext_lazy("Volunteer"))
    active = django_filters.BooleanFilter(method="filter_active", label=gettext_lazy("Running today"))

    class Meta:
        model = Assignment
        fields = ["person", "volunteer", "active"]

    def filter_active(self, queryset: QuerySet[Assignment], name: str, value: bool) -> QuerySet[Assignment]:
        return active_today(queryset, assignments_active_on(timezone.localdate()), value)


# Teams and volunteers ----------------------------------------------------------------------------


class VolunteerTeamSerializer(serializers.ModelSerializer[VolunteerTeam]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = [
            "id",
            "version",
            "unit",
            "unit_code",
            "unit_name",
            "name",
            "established_on",
            "decision_number",
            "notes",
        ]
        read_only_fields = fields


class VolunteerTeamUpdateSerializer(serializers.ModelSerializer[VolunteerTeam]):
    class Meta:
        model = VolunteerTeam
        fields = sorted(services.TEAM_FIELDS)


class VolunteerTeamCreateSerializer(VolunteerTeamUpdateSerializer):
    class Meta(VolunteerTeamUpdateSerializer.Meta):
        fields = ["unit", *sorted(services.TEAM_FIELDS)]
        # The service checks the commune (one team each), naming it in its message.
        extra_kwargs = {"unit": {"validators": [], "help_text": gettext_lazy("A current commune.")}}


class VolunteerTeamViewSet(ReadViewSet[VolunteerTeam]):
    """The volunteer teams of the user's communes (one per commune); `q` searches commune names."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.MANAGE_VOLUNTEERS
    read_serializer_class = VolunteerTeamSerializer
    filterset_class = VolunteerTeamFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[VolunteerTeam]:
        return teams_for_user(self.request.user).order_by("unit__path", "pk")

    def get_serializer_class(self) -> Any:
        return {
            "create": VolunteerTeamCreateSerializer,
            "partial_update": VolunteerTeamUpdateSerializer,
        }.get(self.action or "", VolunteerTeamSerializer)

    @extend_schema(responses={201: VolunteerTeamSerializer})
    def create(self, request: Request) -> Response:
        serializer = VolunteerTeamCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            team = services.team_create(actor=user_of(request), **serializer.validated_data)
        return self.respond(team, status.HTTP_201_CREATED)

    @extend_schema(responses=VolunteerTeamSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        serializer = VolunteerTeamUpdateSerializer(team, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.team_update(
                actor=user_of(request), expected_version=self.expected_version, team=team, **serializer.validated_data
            )
        return self.respond(team)


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    team_name = serializers.CharField(source="team.name", read_only=True)
    unit = serializers.IntegerField(source="team.unit_id", read_only=True)
    is_active = serializers.SerializerMethodField(help_text=gettext_lazy("Active today."))

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "version",
            "team",
            "team_name",
            "unit",
            "full_name",
            "sex",
            "birth_year",
            "affiliation",
            "phone",
            "hamlet",
            "training",
            "start_date",
            "end_date",
            "is_active",
            "user",
        ]
        read_only_fields = fields

    def get_is_active(self, volunteer: Volunteer) -> bool:
        return volunteer.is_active_on(timezone.localdate())


class VolunteerUpdateSerializer(serializers.ModelSerializer[Volunteer]):
    user = ScopedRelatedField[User](
        User,
        Capability.MANAGE_VOLUNTEERS,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The account the volunteer logs in with."),
    )

    class Meta:
        model = Volunteer
        fields = sorted(services.VOLUNTEER_FIELDS)
        extra_kwargs = {"start_date": {"required": False, "help_text": gettext_lazy("Today when not given.")}}


class VolunteerCreateSerializer(VolunteerUpdateSerializer):
    team = ScopedRelatedField[VolunteerTeam](VolunteerTeam)

    class Meta(VolunteerUpdateSerializer.Meta):
        fields = ["team", *sorted(services.VOLUNTEER_FIELDS)]


class VolunteerViewSet(ReadViewSet[Volunteer]):
    """Volunteers of the user's communes; a volunteer sees their own record."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.MANAGE_VOLUNTEERS
    read_serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Volunteer]:
        return (
            Volunteer.objects.accessible_to(self.request.user)
            .select_related("team")
            .order_by("team__unit__path", "full_name", "pk")
        )

    def get_serializer_class(self) -> Any:
        return {
            "create": VolunteerCreateSerializer,
            "partial_update": VolunteerUpdateSerializer,
        }.get(self.action or "", VolunteerSerializer)

    @extend_schema(responses={201: VolunteerSerializer})
    def create(self, request: Request) -> Response:
        serializer = VolunteerCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            volunteer = services.volunteer_add(actor=user_of(request), **serializer.validated_data)
        return self.respond(volunteer, status.HTTP_201_CREATED)

    @extend_schema(responses=VolunteerSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change a volunteer; an end date ends their assignments the same day."""
        volunteer = self.get_object()
        serializer = VolunteerUpdateSerializer(
            volunteer, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.volunteer_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                volunteer=volunteer,
                **serializer.validated_data,
            )
        return self.respond(volunteer)


# Assignments ---------------------------------------------------------------------------------------


class AssignmentSerializer(PersonRecordSerializer[Assignment]):
    volunteer_name = serializers.CharField(source="volunteer.full_name", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            "volunteer",
            "volunteer_name",
            "start_date",
            "end_date",
            "end_reason",
            "assigned_by",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    volunteer = ScopedRelatedField[Volunteer](Volunteer)
    start_date = serializers.DateField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=gettext_lazy("Why the current assignment, if any, ends."),
    )


class AssignmentEndSerializer(serializers.Serializer[Any]):
    end_date = serializers.DateField(help_text=gettext_lazy("The last day the volunteer helps the person."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AssignmentViewSet(ReadViewSet[Assignment]):
    """Which volunteer helps whom, from when to when; a reassignment ends the current one the day before."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.MANAGE_VOLUNTEERS
    read_serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Assignment]:
        return (
            Assignment.objects.accessible_to(self.request.user)
            .select_related("person__unit", "volunteer")
            .order_by("-start_date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": AssignmentCreateSerializer, "end": AssignmentEndSerializer}.get(
            self.action or "", AssignmentSerializer
        )

    @extend_schema(responses={201: AssignmentSerializer})
    def create(self, request: Request) -> Response:
        serializer = AssignmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.assignment_make(actor=user_of(request), **serializer.validated_data)
        return self.respond(assignment, status.HTTP_201_CREATED)

    @extend_schema(responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        """End the assignment on `end_date`, saying why."""
        assignment = self.get_object()
        serializer = AssignmentEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.assignment_end(actor=user_of(request), assignment=assignment, **serializer.validated_data)
        return self.respond(assignment)
