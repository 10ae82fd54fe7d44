"""API: the types of community model, the models themselves (status, members on a date, attendance rates)
and their boards."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.casework.api.base import ReadViewSet, ScopedRelatedField
from donghanh.casework.models import Volunteer
from donghanh.community import services
from donghanh.community.api.base import MembershipSerializer, model_field
from donghanh.community.choices import ModelStatus
from donghanh.community.filters import BoardMemberFilter, CommunityModelFilter
from donghanh.community.models import BoardMember, CommunityModel, Membership, ModelType, StatusChange
from donghanh.community.selectors import attendance_rates, members_on, models_for_user, with_members_today
from donghanh.core.api import IdRelatedField
from donghanh.people.api.base import service_errors, user_of

# Types ------------------------------------------------------------------------------------------------


class ModelTypeSerializer(serializers.ModelSerializer[ModelType]):
    class Meta:
        model = ModelType
        fields = ["id", "code", "label_vi", "label_en", "label", "is_active", "position"]
        read_only_fields = fields
        extra_kwargs: dict[str, dict[str, Any]] = {
            "label": {"help_text": gettext_lazy("The label in the request's language.")}
        }


class ModelTypeViewSet(ReadViewSet[ModelType]):
    """The types of community model, in list order; types no longer in use are kept with `is_active` false."""

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.VIEW_COMMUNITY  # nothing to write: the list is read-only
    read_serializer_class = ModelTypeSerializer
    serializer_class = ModelTypeSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[ModelType]:
        return ModelType.objects.order_by("position", "code")


# Models -----------------------------------------------------------------------------------------------


class StatusChangeSerializer(serializers.ModelSerializer[StatusChange]):
    by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = StatusChange
        fields = ["status", "on", "note", "by"]
        read_only_fields = fields


MODEL_FIELDS = [
    "name",
    "model_type",
    "decision_number",
    "decision_date",
    "decision_body",
    "established_on",
    "meeting_place",
    "schedule",
    "notes",
]


class CommunityModelSerializer(serializers.ModelSerializer[CommunityModel]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    type_code = serializers.CharField(source="model_type.code", read_only=True)
    type_label = serializers.CharField(source="model_type.label", read_only=True)
    members_today = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Members on today's date."))

    class Meta:
        model = CommunityModel
        fields = [
            "id",
            "version",
            "unit",
            "unit_code",
            "unit_name",
            "type_code",
            "type_label",
            *MODEL_FIELDS,
            "status",
            "status_since",
            "members_today",
        ]
        read_only_fields = fields


class CommunityModelDetailSerializer(CommunityModelSerializer):
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(CommunityModelSerializer.Meta):
        fields = [*CommunityModelSerializer.Meta.fields, "status_history"]
        read_only_fields = fields


class CommunityModelUpdateSerializer(serializers.ModelSerializer[CommunityModel]):
    class Meta:
        model = CommunityModel
        fields = MODEL_FIELDS
        validators: list[Any] = []  # the service names a duplicate in its own words
        extra_kwargs: dict[str, dict[str, Any]] = {
            "decision_number": {"allow_blank": True},  # the service says what is missing
            "decision_body": {"required": False, "allow_blank": True},
        }


class CommunityModelCreateSerializer(CommunityModelUpdateSerializer):
    class Meta(CommunityModelUpdateSerializer.Meta):
        fields = ["unit", *MODEL_FIELDS, "status"]
        extra_kwargs: dict[str, dict[str, Any]] = {
            **CommunityModelUpdateSerializer.Meta.extra_kwargs,
            "unit": {"validators": [], "help_text": gettext_lazy("A current commune or province (org-unit id).")},
            "status": {"required": False, "help_text": gettext_lazy("The first status; pilot when not given.")},
        }


class StatusChangeRequestSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ModelStatus.choices)
    on = serializers.DateField(help_text=gettext_lazy("The day the new status starts."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MemberRateSerializer(serializers.Serializer[Any]):
    membership = serializers.IntegerField(source="membership.pk")
    person = serializers.IntegerField(source="membership.person_id")
    person_code = serializers.CharField(source="membership.person.code")
    person_name = serializers.CharField(source="membership.person.full_name")
    joined_on = serializers.DateField(source="membership.joined_on")
    left_on = serializers.DateField(source="membership.left_on", allow_null=True)
    held = serializers.IntegerField(help_text=gettext_lazy("Sessions held in the period while a member."))
    attended = serializers.IntegerField(help_text=gettext_lazy("Of them, those the member attended."))
    rate = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("attended / held, between 0 and 1; null when no session was held.")
    )
    regular = serializers.BooleanField(
        help_text=gettext_lazy("Attending regularly: present at the configured share of sessions or more.")
    )


class AttendanceReportSerializer(serializers.Serializer[Any]):
    regular_percent = serializers.IntegerField(
        help_text=gettext_lazy("The share of sessions (%) at which a member attends regularly.")
    )
    members = MemberRateSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" cannot be declared as an attribute.
        period = {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
        }
        return {**period, **super().get_fields()}


def date_param(request: Request, name: str) -> datetime.date | None:
    """A date from the query string (YYYY-MM-DD), None when absent; 400 on `name` when malformed."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return serializers.DateField().to_internal_value(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from error


class CommunityModelViewSet(ReadViewSet[CommunityModel]):
    """Community models of the user's units; a board member sees only the models whose board they sit on.

    A model is set up by its decision (`create`), corrected with `partial_update`, and changes status
    only through `status`, dated. `members` lists the members on a date, `attendance` each member's
    attendance rate over a period.
    """

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.MANAGE_COMMUNITY
    read_serializer_class = CommunityModelDetailSerializer
    filterset_class = CommunityModelFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self) -> Any:
        if self.action in ("members", "attendance"):
            return [HasCapability()]  # reads: the read capability is enough
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[CommunityModel]:
        models = models_for_user(self.request.user)
        if self.action in ("members", "attendance"):
            return models
        models = with_members_today(models)
        if self.action == "list":
            return models
        history = StatusChange.objects.select_related("by").order_by("on", "pk")
        return models.prefetch_related(Prefetch("status_changes", queryset=history))

    def get_serializer_class(self) -> Any:
        return {
            "list": CommunityModelSerializer,
            "create": CommunityModelCreateSerializer,
            "partial_update": CommunityModelUpdateSerializer,
            "change_status": StatusChangeRequestSerializer,
            "members": MembershipSerializer,
            "attendance": AttendanceReportSerializer,
        }.get(self.action or "", CommunityModelDetailSerializer)

    @extend_schema(responses={201: CommunityModelDetailSerializer})
    def create(self, request: Request) -> Response:
        """Set up a model by its decision, in a current commune or province; its first status runs from
        its establishment."""
        serializer = CommunityModelCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            model = services.model_create(actor=user_of(request), **serializer.validated_data)
        return self.respond(model, status.HTTP_201_CREATED)

    @extend_schema(responses=CommunityModelDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct the model's details; its status changes through `status`."""
        model = self.get_object()
        serializer = CommunityModelUpdateSerializer(model, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.model_update(
                actor=user_of(request), expected_version=self.expected_version, model=model, **serializer.validated_data
            )
        return self.respond(model)

    @extend_schema(request=StatusChangeRequestSerializer, responses=CommunityModelDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        """Move the model to another status from `on` (not before its last change); dissolving ends its
        memberships and board seats that day."""
        model = self.get_object()
        serializer = StatusChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.model_status_change(actor=user_of(request), model=model, **serializer.validated_data)
        return self.respond(model)

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description=gettext_lazy("The day; today when not given."))
        ],
        responses=MembershipSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def members(self, request: Request, pk: str) -> Response:
        """The model's members on a day, by name (those the user may see)."""
        model = self.get_object()
        day = date_param(request, "on") or timezone.localdate()
        visible = Membership.objects.accessible_to(request.user).values("pk")
        rows = members_on(model, day).filter(pk__in=visible).select_related("model")
        return Response(MembershipSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description=gettext_lazy("First day; the model's establishment by default.")
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description=gettext_lazy("Last day; today by default.")),
        ],
        responses=AttendanceReportSerializer,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def attendance(self, request: Request, pk: str) -> Response:
        """Each member's attendance over the period: the sessions held while a member, those attended, the
        rate, and whether they attend regularly."""
        model = self.get_object()
        first = date_param(request, "from") or model.established_on
        last = date_param(request, "to") or timezone.localdate()
        if first > last:
            raise serializers.ValidationError({"to": [_("The period ends before it starts.")]})
        memberships = Membership.objects.accessible_to(request.user).filter(model=model)
        report = {
            "from": first,
            "to": last,
            "regular_percent": settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT,
            "members": attendance_rates(memberships, first, last),
        }
        return Response(AttendanceReportSerializer(report).data)


# Boards -----------------------------------------------------------------------------------------------

BOARD_FIELDS = ["role", "full_name", "position", "phone", "user", "volunteer", "start_date", "end_date"]


class BoardMemberSerializer(serializers.ModelSerializer[BoardMember]):
    model_name = serializers.CharField(source="model.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = BoardMember
        fields = ["id", "version", "model", "model_name", *BOARD_FIELDS, "username"]
        read_only_fields = fields


class BoardUpdateSerializer(serializers.ModelSerializer[BoardMember]):
    user = IdRelatedField[User](
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The login of the board member, when they have one (a user id)."),
    )
    volunteer = ScopedRelatedField[Volunteer](Volunteer, required=False, allow_null=True)

    class Meta:
        model = BoardMember
        fields = BOARD_FIELDS


class BoardAddSerializer(BoardUpdateSerializer):
    model = model_field()

    class Meta(BoardUpdateSerializer.Meta):
        fields = ["model", *BOARD_FIELDS]


class BoardMemberViewSet(ReadViewSet[BoardMember]):
    """Seats on the boards of the models the user sees; a seat with a login lets that user run the model.

    A seat ends by setting its `end_date`.
    """

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.MANAGE_COMMUNITY
    read_serializer_class = BoardMemberSerializer
    filterset_class = BoardMemberFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[BoardMember]:
        return (
            BoardMember.objects.accessible_to(self.request.user)
            .select_related("model", "user")
            .order_by("model__name", "model_id", "role", "start_date", "pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": BoardAddSerializer, "partial_update": BoardUpdateSerializer}.get(
            self.action or "", BoardMemberSerializer
        )

    @extend_schema(responses={201: BoardMemberSerializer})
    def create(self, request: Request) -> Response:
        serializer = BoardAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            seat = services.board_add(actor=user_of(request), **serializer.validated_data)
        return self.respond(seat, status.HTTP_201_CREATED)

    @extend_schema(responses=BoardMemberSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change a seat, or end it (`end_date`)."""
        seat = self.get_object()
        serializer = BoardUpdateSerializer(seat, data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.board_update(
                actor=user_of(request), expected_version=self.expected_version, seat=seat, **serializer.validated_data
            )
        return self.respond(seat)
