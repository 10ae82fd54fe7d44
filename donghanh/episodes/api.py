"""API: legal measures (episodes), checked against the rules in force; legal history is sensitive."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.core.api import KeysetPagination
from donghanh.core.filters import IdFilter
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import DECISION_FIELDS, episode_close, episode_open, episode_update
from donghanh.people.api.base import SensitiveReadViewSet, VisiblePersonField, service_errors, user_of
from donghanh.people.roster import current_period


class ActiveEpisodeSerializer(serializers.ModelSerializer[Episode]):
    """A measure running on the day of a people list."""

    class Meta:
        model = Episode
        fields = ["id", "episode_type", "start_date", "planned_end_date"]


class EpisodeFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("Person"))
    episode_type = django_filters.MultipleChoiceFilter(choices=EpisodeType.choices, label=_("Type of measure"))
    is_open = django_filters.BooleanFilter(
        field_name="actual_end_date", lookup_expr="isnull", label=_("Not closed yet")
    )

    class Meta:
        model = Episode
        fields = ["person", "episode_type", "is_open"]


class EpisodeSerializer(serializers.ModelSerializer[Episode]):
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    legal_basis = serializers.CharField(source="rule.legal_basis", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "version",
            "person",
            "person_code",
            "person_name",
            "episode_type",
            "legal_basis",
            "decision_number",
            "decision_date",
            "issuing_body",
            "facility",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "end_reason",
            "notes",
            "is_open",
            "recorded_by",
        ]
        read_only_fields = fields


class EpisodeUpdateSerializer(serializers.ModelSerializer[Episode]):
    class Meta:
        model = Episode
        fields = ["start_date", "planned_end_date", *sorted(DECISION_FIELDS)]
        extra_kwargs = {"planned_end_date": {"required": False, "allow_null": True}}


class EpisodeOpenSerializer(EpisodeUpdateSerializer):
    person = VisiblePersonField()

    class Meta(EpisodeUpdateSerializer.Meta):
        fields = ["person", "episode_type", *EpisodeUpdateSerializer.Meta.fields]
        extra_kwargs: dict[str, dict[str, Any]] = {
            "planned_end_date": {
                "required": False,
                "allow_null": True,
                "help_text": _("The usual duration of the rule in force when not given."),
            }
        }


class EpisodeCloseSerializer(serializers.Serializer[Any]):
    actual_end_date = serializers.DateField(help_text=_("The last day of the measure."))
    end_reason = serializers.ChoiceField(choices=EndReason.choices)
    keep_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=_(
            "Keeps the person on the roster although nothing else would (e.g. a new decision is being prepared): "
            "why. Without it, completing the last thing that keeps them on takes them off that day."
        ),
    )


class EpisodeClosedSerializer(EpisodeSerializer):
    """The measure closed, and what it did to the person's place on the roster."""

    left_roster_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("The day the person left the roster with this closing; null when they stay on it."),
    )

    class Meta(EpisodeSerializer.Meta):
        fields = [*EpisodeSerializer.Meta.fields, "left_roster_on"]
        read_only_fields = fields


class EpisodeViewSet(SensitiveReadViewSet[Episode]):
    """Legal measures of the people in the user's scope (sensitive: each read is logged)."""

    capability = Capability.VIEW_EPISODES
    write_capability = Capability.MANAGE_EPISODES
    pagination_class = KeysetPagination
    cursor_ordering = ("-start_date", "-id")
    serializer_class = EpisodeSerializer
    read_serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilter
    access_detail = "API: legal measures"
    http_method_names = ["get", "post", "patch", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "actual_end_date": "POST /api/v1/episodes/{id}/close/",
        "end_reason": "POST /api/v1/episodes/{id}/close/",
    }

    def get_queryset(self) -> QuerySet[Episode]:
        return (
            Episode.objects.accessible_to(self.request.user, Capability.VIEW_EPISODES)
            .filter(person__merged_into__isnull=True)
            .select_related("person__unit", "rule")
            .order_by("-start_date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {
            "create": EpisodeOpenSerializer,
            "partial_update": EpisodeUpdateSerializer,
            "close": EpisodeCloseSerializer,
        }.get(self.action or "", EpisodeSerializer)

    @extend_schema(responses={201: EpisodeSerializer})
    def create(self, request: Request) -> Response:
        """Open a measure; its planned end must fit the rule in force (Law 73/2021) and it may not overlap."""
        serializer = EpisodeOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            episode = episode_open(actor=user_of(request), **serializer.validated_data)
        return self.respond(episode, status.HTTP_201_CREATED)

    @extend_schema(responses=EpisodeSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct the decision, dates or facility; the measure is checked again as a whole."""
        episode = self.get_object()
        serializer = EpisodeUpdateSerializer(episode, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            episode_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                episode=episode,
                **serializer.validated_data,
            )
        return self.respond(episode)

    @extend_schema(responses=EpisodeClosedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the measure on its last day, saying why it ended.

        A measure completed takes the person off the roster that day when nothing else keeps them on it
        (another measure, a facility, waiting for a post-rehab decision…), unless `keep_reason` says why they
        stay; `left_roster_on` says whether they left and when.
        """
        episode = self.get_object()
        serializer = EpisodeCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = current_period(episode.person)
        with service_errors():
            episode_close(
                actor=user_of(request),
                episode=episode,
                end_date=data["actual_end_date"],
                end_reason=data["end_reason"],
                keep_reason=data.get("keep_reason", ""),
            )
        if period is not None:
            period.refresh_from_db()
        fresh = self.get_queryset().get(pk=episode.pk)
        fresh.left_roster_on = period.end_date if period is not None else None  # type: ignore[attr-defined]
        return Response(EpisodeClosedSerializer(fresh, context=self.get_serializer_context()).data)
