"""API: community activities of a unit (campaigns, trainings, reviews, events) and roadmap targets with the
progress against them."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.api.base import ReadViewSet
from donghanh.community import services
from donghanh.community.api.base import model_field
from donghanh.community.filters import ActivityFilter, RoadmapTargetFilter
from donghanh.community.models import Activity, RoadmapTarget
from donghanh.community.selectors import roadmap_progress
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import units_for_user
from donghanh.people.api.base import service_errors, user_of

# Activities -------------------------------------------------------------------------------------------

ACTIVITY_FIELDS = [
    "date",
    "kind",
    "title",
    "people_count",
    "family_count",
    "staff_count",
    "volunteer_count",
    "public_count",
    "materials",
    "notes",
]


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True, default=None, allow_null=True)
    participants = serializers.IntegerField(read_only=True, help_text=gettext_lazy("All categories together."))
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "model",
            "model_name",
            *ACTIVITY_FIELDS,
            "participants",
            "recorded_by",
        ]
        read_only_fields = fields


class ActivityRecordSerializer(serializers.ModelSerializer[Activity]):
    model = model_field(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The model whose activity this is, if any (a board member must name theirs)."),
    )

    class Meta:
        model = Activity
        fields = ["unit", "model", *ACTIVITY_FIELDS]
        extra_kwargs: dict[str, dict[str, Any]] = {
            "unit": {"help_text": gettext_lazy("A current unit (org-unit id).")},
            "title": {"allow_blank": True},  # the service says what is missing
        }


class ActivityViewSet(ReadViewSet[Activity]):
    """Community activities of the user's units, latest first, with participants by category."""

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.RECORD_COMMUNITY
    read_serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Activity]:
        return (
            Activity.objects.accessible_to(self.request.user)
            .select_related("unit", "model", "recorded_by")
            .order_by("-date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return ActivityRecordSerializer if self.action == "create" else ActivitySerializer

    @extend_schema(responses={201: ActivitySerializer})
    def create(self, request: Request) -> Response:
        """Record an activity of a unit, with the number of participants in each category."""
        serializer = ActivityRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            activity = services.activity_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(activity, status.HTTP_201_CREATED)


# Roadmap targets --------------------------------------------------------------------------------------

TARGET_FIELDS = ["year", "model_type", "models_target", "stable_share_target", "note"]


class RoadmapTargetSerializer(serializers.ModelSerializer[RoadmapTarget]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    type_code = serializers.CharField(source="model_type.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = RoadmapTarget
        fields = ["id", "unit", "unit_code", "unit_name", *TARGET_FIELDS, "type_code"]
        read_only_fields = fields


class RoadmapTargetSetSerializer(serializers.ModelSerializer[RoadmapTarget]):
    class Meta:
        model = RoadmapTarget
        fields = ["unit", *TARGET_FIELDS]
        validators: list[Any] = []  # one target per unit, year and type: setting it again changes it
        extra_kwargs: dict[str, dict[str, Any]] = {
            "unit": {"help_text": gettext_lazy("The unit whose target this is (org-unit id).")},
            "model_type": {"help_text": gettext_lazy("A type of model; all types together when null.")},
        }


class ProgressUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class TargetProgressSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(source="target.pk")
    year = serializers.IntegerField(source="target.year")
    model_type = serializers.IntegerField(source="target.model_type_id", allow_null=True)
    type_code = serializers.CharField(source="target.model_type.code", default=None, allow_null=True)
    models_target = serializers.IntegerField(source="target.models_target", allow_null=True)
    stable_share_target = serializers.IntegerField(source="target.stable_share_target", allow_null=True)
    measured_on = serializers.DateField(help_text=gettext_lazy("The year's last day, or today for this year."))
    models = serializers.IntegerField(help_text=gettext_lazy("Models operating that day (pilot, active, stable)."))
    stable = serializers.IntegerField(help_text=gettext_lazy("Of them, those operating stably."))
    stable_share = serializers.FloatField(allow_null=True, help_text=gettext_lazy("Between 0 and 1."))
    models_met = serializers.BooleanField(allow_null=True, help_text=gettext_lazy("Null when no number is set."))
    stable_met = serializers.BooleanField(allow_null=True, help_text=gettext_lazy("Null when no share is set."))


class RoadmapProgressQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(
        required=False,
        max_length=10,  # OrgUnit.code
        help_text=gettext_lazy("A unit's official code; the unit of the user's role when not given."),
    )


class RoadmapProgressSerializer(serializers.Serializer[Any]):
    unit = ProgressUnitSerializer()
    targets = TargetProgressSerializer(many=True)


class RoadmapTargetViewSet(ReadViewSet[RoadmapTarget]):
    """Roadmap targets of the user's units: a number of models (of a type, or of all types) and a share
    operating stably, by the end of a year. Setting a target again for the same unit, year and type
    changes it. `progress` measures a unit's targets against its models."""

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.SET_ROADMAP
    read_serializer_class = RoadmapTargetSerializer
    filterset_class = RoadmapTargetFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self) -> Any:
        if self.action == "progress":
            return [HasCapability()]  # a read: the read capability is enough
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[RoadmapTarget]:
        return (
            RoadmapTarget.objects.accessible_to(self.request.user)
            .select_related("unit", "model_type")
            .order_by("unit__path", "year", F("model_type__position").asc(nulls_first=True), "pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": RoadmapTargetSetSerializer, "progress": RoadmapProgressSerializer}.get(
            self.action or "", RoadmapTargetSerializer
        )

    @extend_schema(responses={200: RoadmapTargetSerializer, 201: RoadmapTargetSerializer})
    def create(self, request: Request) -> Response:
        """Set a target (201), or change the one already set for that unit, year and type (200)."""
        serializer = RoadmapTargetSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = {"unit": data["unit"], "year": data["year"], "model_type": data.get("model_type")}
        existed = RoadmapTarget.objects.filter(**key).exists()
        with service_errors():
            target = services.roadmap_target_set(
                actor=user_of(request),
                **key,
                models_target=data.get("models_target"),
                stable_share_target=data.get("stable_share_target"),
                note=data.get("note", ""),
            )
        return self.respond(target, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(parameters=[RoadmapProgressQuerySerializer], responses=RoadmapProgressSerializer)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def progress(self, request: Request) -> Response:
        """Each target of the unit (every year) against the models of its subtree operating on the year's last
        day (today for this year)."""
        query = RoadmapProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)  # a code as text: no control character reaches the database
        unit = self.unit_of(request, query.validated_data.get("unit", "").strip())
        targets = roadmap_progress(request.user, unit, timezone.localdate())
        return Response(RoadmapProgressSerializer({"unit": unit, "targets": targets}).data)

    def unit_of(self, request: Request, code: str) -> OrgUnit:
        units = units_for_user(request.user)
        if code:
            unit = units.filter(code=code, era=OrgUnit.Era.CURRENT).order_by("level").first()
        else:
            grants = scope_for(request.user).grants_for(Capability.VIEW_COMMUNITY)
            unit = units.filter(path=grants[0].unit_path).first()
        if unit is None:
            raise NotFound(_("No unit %(unit)s in your scope.") % {"unit": code})
        return unit
