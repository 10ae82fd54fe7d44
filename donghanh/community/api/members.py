"""API: memberships of community models (joining and leaving), and sessions with who was present."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.casework.api.base import ReadViewSet
from donghanh.community import services
from donghanh.community.api.base import MembershipSerializer, model_field
from donghanh.community.choices import LeaveReason
from donghanh.community.filters import MembershipFilter, SessionFilter
from donghanh.community.models import Attendance, CommunityModel, Membership, Session
from donghanh.core.api import KeysetPagination
from donghanh.core.filters import MAX_ID
from donghanh.people.api.base import VisiblePersonField, service_errors, user_of

# Memberships ------------------------------------------------------------------------------------------


class MembershipJoinSerializer(serializers.ModelSerializer[Membership]):
    model = model_field()
    person = VisiblePersonField()

    class Meta:
        model = Membership
        fields = ["model", "person", "joined_on", "note"]


class MembershipLeaveSerializer(serializers.Serializer[Any]):
    left_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=LeaveReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MembershipViewSet(ReadViewSet[Membership]):
    """Memberships of the models the user sees: who joined which model when, and when and why they left.

    A board member sees the current members of their models; a volunteer, the people assigned to them.
    """

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.MANAGE_COMMUNITY
    read_serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    http_method_names = ["get", "post", "head", "options"]
    # Model by model, each from its first members: the order of the index on (model, joined_on).
    pagination_class = KeysetPagination
    cursor_ordering = ("model", "joined_on", "id")

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            Membership.objects.accessible_to(self.request.user)
            .select_related("model", "person")
            .order_by("model_id", "joined_on", "pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": MembershipJoinSerializer, "leave": MembershipLeaveSerializer}.get(
            self.action or "", MembershipSerializer
        )

    @extend_schema(responses={201: MembershipSerializer})
    def create(self, request: Request) -> Response:
        """Enrol a registered person of the model's area, from `joined_on`."""
        serializer = MembershipJoinSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            membership = services.member_join(actor=user_of(request), **serializer.validated_data)
        return self.respond(membership, status.HTTP_201_CREATED)

    @extend_schema(request=MembershipLeaveSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str) -> Response:
        """The member leaves on `left_on`, for `reason`."""
        membership = self.get_object()
        serializer = MembershipLeaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.member_leave(actor=user_of(request), membership=membership, **serializer.validated_data)
        return self.respond(membership)


# Sessions ---------------------------------------------------------------------------------------------

SESSION_FIELDS = ["date", "kind", "topic", "facilitator", "place", "family_count", "guest_count", "notes"]


class MembershipIdsField(serializers.ListField):
    """Membership ids, found in one query among the models the user may record sessions of.

    Whether each was a member of the session's model on its day is the service's to say.
    """

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def to_internal_value(self, data: Any) -> list[Membership]:
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        recordable = CommunityModel.objects.accessible_to(self.context["request"].user, Capability.RECORD_COMMUNITY)
        found = Membership.objects.filter(pk__in=ids, model__in=recordable).select_related("person").in_bulk()
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(_("No such memberships: %(ids)s.") % {"ids": ", ".join(missing)})
        return [found[pk] for pk in ids]


class SessionSerializer(serializers.ModelSerializer[Session]):
    model_name = serializers.CharField(source="model.name", read_only=True)
    present = serializers.SerializerMethodField(help_text=gettext_lazy("Ids of the memberships of those present."))
    present_count = serializers.SerializerMethodField(help_text=gettext_lazy("Members present."))
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "version", "model", "model_name", *SESSION_FIELDS, "present", "present_count", "recorded_by"]
        read_only_fields = fields

    def get_present(self, session: Session) -> list[int]:
        return [row.membership_id for row in session.attendance.all()]

    def get_present_count(self, session: Session) -> int:
        return len(session.attendance.all())


class SessionUpdateSerializer(serializers.ModelSerializer[Session]):
    present = MembershipIdsField(
        required=False,
        help_text=gettext_lazy("Ids of the memberships of those present: members of the model on the day."),
    )

    class Meta:
        model = Session
        fields = [*SESSION_FIELDS, "present"]


class SessionRecordSerializer(SessionUpdateSerializer):
    model = model_field()
    present = MembershipIdsField(
        required=False,
        default=list,
        help_text=gettext_lazy("Ids of the memberships of those present: members of the model on the day."),
    )

    class Meta(SessionUpdateSerializer.Meta):
        fields = ["model", *SESSION_FIELDS, "present"]


class SessionViewSet(ReadViewSet[Session]):
    """Sessions of the models the user sees, latest first, each with the members present (`present`, their
    membership ids) and the family members and guests counted.

    Recording a session or correcting it takes `present`; only the model's members on that day count,
    and a session falls within the model's life.
    """

    capability = Capability.VIEW_COMMUNITY
    write_capability = Capability.RECORD_COMMUNITY
    read_serializer_class = SessionSerializer
    filterset_class = SessionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Session]:
        present = Attendance.objects.only("session_id", "membership_id").order_by("membership_id")
        return (
            Session.objects.accessible_to(self.request.user)
            .select_related("model", "recorded_by")
            .prefetch_related(Prefetch("attendance", queryset=present))
            .order_by("-date", "model_id", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": SessionRecordSerializer, "partial_update": SessionUpdateSerializer}.get(
            self.action or "", SessionSerializer
        )

    @extend_schema(responses={201: SessionSerializer})
    def create(self, request: Request) -> Response:
        """Record a session of a model and who came."""
        serializer = SessionRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            session = services.session_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(session, status.HTTP_201_CREATED)

    @extend_schema(responses=SessionSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct a session; `present`, when given, replaces who was ticked."""
        session = self.get_object()
        serializer = SessionUpdateSerializer(
            session, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.session_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                session=session,
                **serializer.validated_data,
            )
        return self.respond(session)
