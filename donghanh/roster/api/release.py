"""API of releases from a facility: `/api/v1/release-notices/`.

A facility's notice (create), the release (`release`), the commune's post-rehab decision (`decide`, which
opens the post-rehab measure) or the end of the wait without one (`close`). Notices reveal legal history:
they need the right to see legal measures, and each person shown is logged.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import (
    NamedChoiceField,
    SensitiveReadViewSet,
    VisiblePersonField,
    service_errors,
    shared,
    user_of,
)
from donghanh.roster.choices import NoticeState
from donghanh.roster.dues import decision_dues
from donghanh.roster.models import ReleaseNotice
from donghanh.roster.release import release_decide, release_notice_close, release_notice_record, release_record
from donghanh.roster.selectors import notice_state

STATE_FILTERS = {
    NoticeState.NOTIFIED: Q(decision_episode__isnull=True, closed_on__isnull=True, released_on__isnull=True),
    NoticeState.AWAITING_DECISION: Q(decision_episode__isnull=True, closed_on__isnull=True, released_on__isnull=False),
    NoticeState.DECIDED: Q(decision_episode__isnull=False),
    NoticeState.CLOSED: Q(decision_episode__isnull=True, closed_on__isnull=False),
}


class ReleaseNoticeFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    state = django_filters.MultipleChoiceFilter(
        choices=NoticeState.choices, method="filter_state", label=gettext_lazy("State")
    )

    class Meta:
        model = ReleaseNotice
        fields = ["person", "state"]

    def filter_state(self, queryset: QuerySet[ReleaseNotice], name: str, value: list[str]) -> QuerySet[ReleaseNotice]:
        condition = Q(pk__in=[])
        for state in value:
            condition |= STATE_FILTERS[NoticeState(state)]
        return queryset.filter(condition) if value else queryset


# Where a page's deadlines are kept, in the context its rows share.
DUES = "decision_dues"


class NoticeStateField(NamedChoiceField):
    """Where the notice stands, derived from its dates and decision."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("NoticeStateEnum", choices=NoticeState.choices, read_only=True, source="*", **kwargs)

    def to_representation(self, value: Any) -> str:
        return notice_state(value)


class ReleaseNoticeListSerializer(serializers.ListSerializer[ReleaseNotice]):
    """Reads the deadlines of a whole page at once."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = list(data.all() if hasattr(data, "all") else data)
        shared(self.context).setdefault(DUES, {}).update(decision_dues(rows))
        return super().to_representation(rows)


class ReleaseNoticeSerializer(serializers.ModelSerializer[ReleaseNotice]):
    """A notice, its state and the post-rehab decision's deadline."""

    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    state = NoticeStateField()
    decision_due = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The last day for the post-rehab decision: working days (weekends and public holidays skipped) from "
            "the receipt of the completion certificate, or before the release from the expected release."
        )
    )
    overdue = serializers.SerializerMethodField(
        help_text=gettext_lazy("Neither decided nor closed, and the deadline has passed.")
    )

    class Meta:
        model = ReleaseNotice
        list_serializer_class = ReleaseNoticeListSerializer
        fields = [
            "id",
            "person",
            "person_code",
            "person_name",
            "facility",
            "notice_date",
            "expected_release_date",
            "facility_episode",
            "released_on",
            "certificate_received_on",
            "decision_episode",
            "closed_on",
            "closed_reason",
            "state",
            "decision_due",
            "overdue",
            "recorded_by",
        ]
        read_only_fields = fields

    def due(self, notice: ReleaseNotice) -> datetime.date | None:
        dues: dict[int, datetime.date] = shared(self.context).setdefault(DUES, {})
        if notice.pk not in dues:
            dues.update(decision_dues([notice]))
        return dues.get(notice.pk)

    def get_decision_due(self, notice: ReleaseNotice) -> datetime.date | None:
        return self.due(notice)

    def get_overdue(self, notice: ReleaseNotice) -> bool:
        due = self.due(notice)
        return notice.is_pending and due is not None and due < timezone.localdate()


class ReleaseNoticeCreateSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    notice_date = serializers.DateField(help_text=gettext_lazy("The day the facility's notice arrived."))
    expected_release_date = serializers.DateField()
    facility = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=gettext_lazy("The facility of the person's open facility measure when not given."),
    )


class ReleaseSerializer(serializers.Serializer[Any]):
    released_on = serializers.DateField()
    certificate_received_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The day the completion certificate arrived; the release day when not given."),
    )


class DecideSerializer(serializers.Serializer[Any]):
    decision_number = serializers.CharField(max_length=50)
    decision_date = serializers.DateField()
    start_date = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("The decision date when not given.")
    )
    issuing_body = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CloseSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=300, help_text=gettext_lazy("Why no decision will be issued."))


class ReleaseNoticeViewSet(SensitiveReadViewSet[ReleaseNotice]):
    """Release notices of the people in the user's scope (legal history: each read is logged).

    `state`: notified (release announced), awaiting_decision (released, the post-rehab decision is due by
    `decision_due`), decided (`decision_episode` is the post-rehab measure) or closed without a decision.
    """

    capability = Capability.VIEW_EPISODES
    write_capability = Capability.MANAGE_EPISODES
    read_serializer_class = ReleaseNoticeSerializer
    filterset_class = ReleaseNoticeFilter
    access_detail = "API: release notices"
    http_method_names = ["get", "post", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "released_on": "POST /api/v1/release-notices/{id}/release/",
        "certificate_received_on": "POST /api/v1/release-notices/{id}/release/",
        "decision_episode": "POST /api/v1/release-notices/{id}/decide/",
        "closed_on": "POST /api/v1/release-notices/{id}/close/",
        "closed_reason": "POST /api/v1/release-notices/{id}/close/",
    }

    def get_queryset(self) -> QuerySet[ReleaseNotice]:
        return (
            ReleaseNotice.objects.accessible_to(self.request.user, Capability.VIEW_EPISODES)
            .filter(person__merged_into__isnull=True)
            .select_related("person__unit")
            .order_by("-notice_date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {
            "create": ReleaseNoticeCreateSerializer,
            "release": ReleaseSerializer,
            "decide": DecideSerializer,
            "close": CloseSerializer,
        }.get(self.action or "", ReleaseNoticeSerializer)

    @extend_schema(responses={201: ReleaseNoticeSerializer})
    def create(self, request: Request) -> Response:
        """Record a facility's notice that the person will be released on `expected_release_date`."""
        serializer = ReleaseNoticeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            notice = release_notice_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(notice, status.HTTP_201_CREATED)

    @extend_schema(responses=ReleaseNoticeSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        """The person is released on `released_on`: the facility measure closes as completed, they are back at
        residence, and they stay on the roster until the post-rehab decision."""
        notice = self.get_object()
        serializer = ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            release_record(actor=user_of(request), notice=notice, **serializer.validated_data)
        return self.respond(notice)

    @extend_schema(responses={201: ReleaseNoticeSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The commune chair's post-rehab management decision: it opens the post-rehab measure (one year), whose
        id the answer gives in `decision_episode`."""
        notice = self.get_object()
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: value for key, value in serializer.validated_data.items() if value is not None}
        with service_errors():
            release_decide(actor=user_of(request), notice=notice, **data)
        return self.respond(notice, status.HTTP_201_CREATED)

    @extend_schema(responses=ReleaseNoticeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """No decision will come (the release did not happen, the person moved…): the wait ends on `on`."""
        notice = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            release_notice_close(actor=user_of(request), notice=notice, **serializer.validated_data)
        return self.respond(notice)
