"""API: referrals to partners, followed until the loop closes, and the monthly follow-up of treatment.

Health and drug-treatment referrals are not found at all by roles that may not see them (the
model's scope); each person shown with one leaves an access-log entry (Law 91/2025).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.permissions import Capability
from donghanh.casework.api.base import (
    PERSON_READ_FIELDS,
    LoggedRowsViewSet,
    MonthField,
    PersonRecordSerializer,
    ScopedRelatedField,
)
from donghanh.people.api.base import SensitiveReadViewSet, VisiblePersonField, log_people_seen, service_errors, user_of
from donghanh.people.models import Person
from donghanh.support import services
from donghanh.support.choices import ReferralStatus
from donghanh.support.filters import FollowUpFilter, ReferralFilter
from donghanh.support.models import SENSITIVE_REFERRALS, AdherenceFollowUp, Partner, Referral, ReferralEvent

REFERRAL_DETAIL = "API: health and drug-treatment referrals"
FOLLOW_UP_DETAIL = "API: treatment follow-ups"

# Serializers ------------------------------------------------------------------------------------------


class ReferralEventSerializer(serializers.ModelSerializer[ReferralEvent]):
    by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["status", "on", "by", "note"]
        read_only_fields = fields


class ReferralSerializer(PersonRecordSerializer[Referral]):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    referred_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    events = ReferralEventSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            "partner",
            "partner_name",
            "kind",
            "reason",
            "sent_on",
            "referred_by",
            "status",
            "status_on",
            "is_open",
            "events",
        ]
        read_only_fields = fields


class ReferralSendSerializer(serializers.ModelSerializer[Referral]):
    person = VisiblePersonField()
    partner = ScopedRelatedField[Partner](Partner)

    class Meta:
        model = Referral
        fields = ["person", "partner", "kind", "reason", "sent_on"]
        extra_kwargs: dict[str, dict[str, Any]] = {"reason": {"allow_blank": True}}  # the service says why not


class ReferralChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    on = serializers.DateField(help_text=gettext_lazy("The day of the change."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer[AdherenceFollowUp]):
    person = serializers.IntegerField(source="referral.person_id", read_only=True)
    person_code = serializers.CharField(source="referral.person.code", read_only=True)
    month = MonthField(read_only=True)
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = AdherenceFollowUp
        fields = ["id", "referral", "person", "person_code", "month", "attendance", "source", "note", "recorded_by"]
        read_only_fields = fields


class FollowUpRecordSerializer(serializers.ModelSerializer[AdherenceFollowUp]):
    month = MonthField()

    class Meta:
        model = AdherenceFollowUp
        fields = ["month", "attendance", "source", "note"]


# Referrals ----------------------------------------------------------------------------------------------


class ReferralViewSet(LoggedRowsViewSet[Referral]):
    """Referrals of the people in the user's scope, each with its changes (`events`).

    Health and drug-treatment referrals appear only for roles that may see that data, and each
    person shown with one is logged. A referral moves sent → accepted → completed, or to declined
    or lost from an open status (`change`); a treatment referral is followed month by month
    (`follow-ups`).
    """

    capability = Capability.VIEW_SUPPORT
    write_capability = Capability.RECORD_SUPPORT
    read_serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    access_detail = REFERRAL_DETAIL
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Referral]:
        referrals = (
            Referral.objects.accessible_to(self.request.user)
            .select_related("person__unit", "partner", "referred_by")
            .order_by("-sent_on", "-pk")
        )
        if self.action == "follow_ups":
            return referrals  # the referral's follow-ups are shown, not its changes
        return referrals.prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.select_related("by").order_by("on", "pk"))
        )

    def get_permissions(self) -> Any:
        if self.action == "follow_ups" and self.request.method in permissions.SAFE_METHODS:
            return [HasCapability()]  # reading the follow-ups needs the read capability only
        return super().get_permissions()

    def get_serializer_class(self) -> Any:
        return {
            "create": ReferralSendSerializer,
            "change": ReferralChangeSerializer,
            "follow_ups": FollowUpRecordSerializer,
        }.get(self.action or "", ReferralSerializer)

    def sensitive(self, row: Referral) -> bool:
        return row.kind in SENSITIVE_REFERRALS

    @extend_schema(responses={201: ReferralSerializer})
    def create(self, request: Request) -> Response:
        """Refer a person to a partner of the user's area; the referral starts as sent."""
        serializer = ReferralSendSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            referral = services.referral_send(actor=user_of(request), **serializer.validated_data)
        return self.respond(referral, status.HTTP_201_CREATED)

    @extend_schema(request=ReferralChangeSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str) -> Response:
        """Move the referral on: accepted, completed, declined or lost, dated `on`, with an optional note."""
        referral = self.get_object()
        serializer = ReferralChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.referral_change(actor=user_of(request), referral=referral, **serializer.validated_data)
        return self.respond(referral)

    @extend_schema(methods=["GET"], request=None, responses=FollowUpSerializer(many=True))
    @extend_schema(methods=["POST"], request=FollowUpRecordSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["get", "post"], url_path="follow-ups", filterset_class=None, pagination_class=None)
    def follow_ups(self, request: Request, pk: str) -> Response:
        """The referral's monthly follow-ups, latest first; POST records a month (again: corrects it)."""
        referral = self.get_object()
        if request.method == "POST":
            serializer = FollowUpRecordSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                follow_up = services.follow_up_record(
                    actor=user_of(request), referral=referral, **serializer.validated_data
                )
            return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)
        rows = list(referral.follow_ups.select_related("recorded_by").order_by("-month", "-pk"))
        if rows:
            log_people_seen(request, [referral.person], FOLLOW_UP_DETAIL)
        return Response(FollowUpSerializer(rows, many=True).data)


# Follow-ups --------------------------------------------------------------------------------------------


class FollowUpViewSet(SensitiveReadViewSet[AdherenceFollowUp]):
    """Monthly follow-ups of treatment referrals the user may see, latest month first; each person shown is logged.

    A follow-up is recorded through its referral (`referrals/{id}/follow-ups/`).
    """

    capability = Capability.VIEW_SUPPORT
    write_capability = Capability.RECORD_SUPPORT
    read_serializer_class = FollowUpSerializer
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    access_detail = FOLLOW_UP_DETAIL
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[AdherenceFollowUp]:
        referrals = Referral.objects.accessible_to(self.request.user).values("pk")
        return (
            AdherenceFollowUp.objects.filter(referral__in=referrals)
            .select_related("referral__person__unit", "recorded_by")
            .order_by("-month", "referral", "pk")
        )

    def person_of(self, obj: AdherenceFollowUp) -> Person:
        return obj.referral.person
