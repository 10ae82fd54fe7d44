"""API of the people registry: the list as of a day, a person, registration, changes, transfers and merges.

Reads start from the user's scope, so a record outside it answers 404. Writes go through the
services; their ValidationErrors come back as 400 {field: [messages]} in the request's language.
A list showing legal measures leaves one access-log entry per person shown.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.api import KeysetPagination
from donghanh.people.api.base import (
    CapabilityViewSet,
    NamedChoiceField,
    VisiblePersonField,
    log_people_seen,
    service_errors,
    user_of,
)
from donghanh.people.choices import DeathSource, RosterEntry, RosterExit, Whereabouts
from donghanh.people.extensions import roster_measures
from donghanh.people.filters import FOUND_BY_NUMBER, PersonFilter, searches_by_number
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.selectors import people_for_user, with_current_whereabouts
from donghanh.people.services import (
    IDENTITY_FIELDS,
    DuplicateCitizenId,
    person_merge,
    person_register,
    person_update,
)

# People -----------------------------------------------------------------------------------------


@extend_schema_field(
    # The choice set of `whereabouts`, under that one name: two names for one enum is a schema warning.
    {"allOf": [{"$ref": "#/components/schemas/WhereaboutsEnum"}], "nullable": True, "readOnly": True}
)
class WhereaboutsAtField(serializers.ChoiceField):
    pass


# The roster periods of the people shown, read with them (one query for a whole page).
PERIODS = Prefetch("periods", queryset=ManagementPeriod.objects.select_related("unit").order_by("start_date", "pk"))


def people_shown(user: Any) -> QuerySet[Person]:
    """The people a user sees, with their current whereabouts and their roster periods."""
    return with_current_whereabouts(people_for_user(user)).prefetch_related(PERIODS)


def on_roster_on(person: Person, day: datetime.date) -> bool:
    """On a commune's roster that day (read from the prefetched periods)."""
    return any(p.start_date <= day and (p.end_date is None or p.end_date >= day) for p in person.periods.all())


class RosterPeriodSerializer(serializers.ModelSerializer[ManagementPeriod]):
    """A period on a commune's roster: how it began, and when and why it ended (open while current)."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    reason = NamedChoiceField("RosterEntryEnum", choices=RosterEntry.choices, read_only=True)
    end_reason = NamedChoiceField("RosterExitEnum", choices=RosterExit.choices, read_only=True, allow_blank=True)

    class Meta:
        model = ManagementPeriod
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "start_date",
            "reason",
            "start_note",
            "end_date",
            "end_reason",
            "end_decision_number",
            "end_note",
            "kept_on_reason",
        ]
        read_only_fields = fields


class RosterStateSerializer(serializers.ModelSerializer[Person]):
    """Death and roster periods, shown in the list and on a person (periods prefetched: see `people_shown`)."""

    died_on = serializers.DateField(read_only=True, allow_null=True)
    death_source = NamedChoiceField("DeathSourceEnum", choices=DeathSource.choices, read_only=True, allow_blank=True)
    on_roster = serializers.SerializerMethodField(help_text=gettext_lazy("On a commune's roster today."))
    periods = RosterPeriodSerializer(many=True, read_only=True, help_text=gettext_lazy("Roster periods, oldest first."))

    def get_on_roster(self, person: Person) -> bool:
        return on_roster_on(person, timezone.localdate())


class PersonListSerializer(RosterStateSerializer):
    """A row of the list, as of the chosen date (`as_of`, today by default)."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    unit_at = serializers.IntegerField(read_only=True, help_text=gettext_lazy("The managing commune on that date."))
    whereabouts_at = WhereaboutsAtField(choices=Whereabouts.choices, read_only=True, allow_null=True)
    whereabouts_since = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "code",
            "full_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_year",
            "citizen_id",
            "unit",
            "unit_code",
            "unit_name",
            "current_hamlet",
            "unit_at",
            "whereabouts_at",
            "whereabouts_since",
            "died_on",
            "death_source",
            "on_roster",
            "periods",
        ]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or scope_for(request.user).can(Capability.VIEW_EPISODES):
            fields["active_episodes"] = roster_measures().serializer(
                many=True,
                read_only=True,
                help_text=gettext_lazy(
                    "Legal measures running on that date; only for roles that may see legal history."
                ),
            )
        return fields


PERSON_FIELDS = [
    "id",
    "version",
    "code",
    "full_name",
    "other_names",
    "sex",
    "birth_date",
    "birth_year",
    "citizen_id",
    "id_kind",
    "ethnicity",
    "phone",
    "unit",
    "unit_code",
    "unit_name",
    "current_hamlet",
    "current_street",
    "permanent_unit",
    "permanent_hamlet",
    "permanent_street",
    "occupation",
    "education",
    "marital_status",
    "household_poverty",
    "dependants",
    "family_contacts",
    "needs",
    "whereabouts",
    "whereabouts_since",
    "died_on",
    "death_source",
    "death_note",
    "on_roster",
    "periods",
    "created_at",
]


class PersonSerializer(RosterStateSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    whereabouts = serializers.ChoiceField(choices=Whereabouts.choices, read_only=True, allow_null=True)
    whereabouts_since = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        read_only_fields = PERSON_FIELDS


class PersonUpdateSerializer(serializers.ModelSerializer[Person]):
    class Meta:
        model = Person
        fields = sorted(IDENTITY_FIELDS)
        # The services check the citizen ID (and its uniqueness, naming the existing person).
        extra_kwargs = {"birth_year": {"required": False, "allow_null": True}, "citizen_id": {"validators": []}}
        validators: list[Any] = []


class PersonCreateSerializer(PersonUpdateSerializer):
    registered_on = serializers.DateField(required=False, help_text=gettext_lazy("Today when not given."))
    whereabouts = serializers.ChoiceField(choices=Whereabouts.choices, required=False)

    class Meta(PersonUpdateSerializer.Meta):
        fields = ["unit", "registered_on", "whereabouts", *sorted(IDENTITY_FIELDS)]


class ManagementPeriodSerializer(serializers.ModelSerializer[ManagementPeriod]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    reason = NamedChoiceField("RosterEntryEnum", choices=RosterEntry.choices, read_only=True)

    class Meta:
        model = ManagementPeriod
        fields = ["id", "person", "unit", "unit_code", "unit_name", "start_date", "end_date", "reason"]


class PersonMergeSerializer(serializers.Serializer[Any]):
    duplicate = VisiblePersonField(help_text=gettext_lazy("The record merged into this one, which is kept."))


class PersonFilterBackend(DjangoFilterBackend):
    """The people list through PersonFilter, which scopes and dates the list itself (status_as_of)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if getattr(view, "action", None) != "list":
            return queryset
        filterset = PersonFilter(request.query_params, request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.qs


class PersonViewSet(CapabilityViewSet[Person]):
    """People in the user's communes. The list is as of `as_of` (today by default); see the filters."""

    capability = Capability.VIEW_PEOPLE
    write_capability = Capability.MANAGE_PEOPLE
    filter_backends = [PersonFilterBackend]
    pagination_class = KeysetPagination
    cursor_ordering = ("search_name", "id")
    filterset_class = PersonFilter
    read_serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "unit": "POST /api/v1/transfers/",
        "whereabouts": "POST /api/v1/people/{id}/whereabouts/",
        "whereabouts_since": "POST /api/v1/people/{id}/whereabouts/",
        "died_on": "POST /api/v1/people/{id}/death/",
        "death_source": "POST /api/v1/people/{id}/death/",
        "death_note": "POST /api/v1/people/{id}/death/",
        "on_roster": "POST /api/v1/people/{id}/roster/leave/",
        "periods": "POST /api/v1/people/{id}/roster/leave/",
    }

    def get_queryset(self) -> QuerySet[Person]:
        return people_shown(self.request.user)

    def get_serializer_class(self) -> Any:
        return {
            "list": PersonListSerializer,
            "create": PersonCreateSerializer,
            "partial_update": PersonUpdateSerializer,
            "merge": PersonMergeSerializer,
        }.get(self.action or "", PersonSerializer)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description=gettext_lazy("Status as of this day (YYYY-MM-DD or dd/mm/yyyy); today by default."),
            )
        ]
    )
    def list(self, request: Request) -> Response:
        """People managed on `as_of` by a commune in the user's scope, with their whereabouts then.

        `active_episodes` (the legal measures running that day) appears only for roles that may see
        legal history, and each person shown with any is logged in the access log.
        """
        people = self.filter_queryset(self.get_queryset()).prefetch_related(PERIODS)
        page = list(self.paginate_queryset(people) or [])
        # Legal measures in the rows are sensitive: log the people shown with any.
        measured = [person for person in page if getattr(person, "active_episodes", None)]
        log_people_seen(request, measured, "API: people list, legal measures")
        if searches_by_number(request.query_params.get("q", "")):
            log_people_seen(request, page, f"API: {FOUND_BY_NUMBER}")
        return self.get_paginated_response(PersonListSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        """A person in the user's scope, with their current whereabouts, death and roster periods."""
        return Response(PersonSerializer(self.get_object()).data)

    @extend_schema(responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        """Register a person in a current commune (`unit`, an org-unit id).

        The citizen ID is checked against sex and year of birth; a number already registered answers
        400 with `existing_person` ({id, code}) when that person is in the caller's scope.
        """
        serializer = PersonCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            try:
                person = person_register(actor=user_of(request), **serializer.validated_data)
            except DuplicateCitizenId as error:
                return self.duplicate_response(request, error)
        return self.respond(person, status.HTTP_201_CREATED)

    @extend_schema(responses=PersonSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct identity, residence or circumstances; moves go through `/api/v1/transfers/`."""
        person = self.get_object()
        serializer = PersonUpdateSerializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            try:
                person_update(
                    actor=user_of(request),
                    expected_version=self.expected_version,
                    person=person,
                    **serializer.validated_data,
                )
            except DuplicateCitizenId as error:
                return self.duplicate_response(request, error)
        return self.respond(person)

    @extend_schema(responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Merge `duplicate` into this person, which is kept."""
        keep = self.get_object()
        serializer = PersonMergeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            person_merge(actor=user_of(request), keep=keep, duplicate=serializer.validated_data["duplicate"])
        return self.respond(keep)

    def duplicate_response(self, request: Request, error: DuplicateCitizenId) -> Response:
        """400 on `citizen_id`, with the registered person's id and code when the caller may see them."""
        body: dict[str, Any] = {field: list(messages) for field, messages in error.message_dict.items()}
        if people_for_user(request.user).filter(pk=error.existing.pk).exists():
            body["existing_person"] = {"id": error.existing.pk, "code": error.existing.code}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
