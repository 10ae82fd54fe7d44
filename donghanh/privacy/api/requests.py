"""API of data-subject requests: `/api/v1/data-requests/`.

A request about a person's data (access, correction, restriction, objection, deletion) is recorded (create) with
its deadlines in working days, acknowledged (`acknowledge`) and answered (`answer`); `export` gives everything held
about the request's person as JSON, the same as the page's download, logged as an export. Only roles that handle
requests (the commune officer) reach these endpoints, for the people of their scope; each read is logged.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import NamedChoiceField, SensitiveReadViewSet, VisiblePersonField, service_errors, user_of
from donghanh.privacy import export, requests
from donghanh.privacy.choices import RequestChannel, Requester, RequestKind, RequestOutcome
from donghanh.privacy.models import DataSubjectRequest

STATES = [("open", gettext_lazy("Open")), ("overdue", gettext_lazy("Overdue")), ("answered", gettext_lazy("Answered"))]


class DataRequestFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    kind = django_filters.MultipleChoiceFilter(choices=RequestKind.choices, label=gettext_lazy("Request"))
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", label=gettext_lazy("State"))

    class Meta:
        model = DataSubjectRequest
        fields = ["person", "kind", "state"]

    def filter_state(self, rows: QuerySet[DataSubjectRequest], name: str, value: str) -> QuerySet[DataSubjectRequest]:
        if value == "answered":
            return rows.filter(answered_on__isnull=False)
        if value == "overdue":
            return rows.filter(requests.overdue_on(timezone.localdate()))
        return rows.filter(answered_on__isnull=True)


class DataRequestSerializer(serializers.ModelSerializer[DataSubjectRequest]):
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    kind = NamedChoiceField("DataRequestKindEnum", choices=RequestKind.choices, read_only=True)
    channel = NamedChoiceField("DataRequestChannelEnum", choices=RequestChannel.choices, read_only=True)
    requester = NamedChoiceField("DataRequesterEnum", choices=Requester.choices, read_only=True)
    outcome = NamedChoiceField(
        "DataRequestOutcomeEnum", choices=RequestOutcome.choices, read_only=True, allow_blank=True
    )
    overdue = serializers.SerializerMethodField(
        help_text=gettext_lazy("Open and past its acknowledgement or answer deadline today.")
    )

    class Meta:
        model = DataSubjectRequest
        fields = [
            "id",
            "person",
            "person_code",
            "person_name",
            "kind",
            "received_on",
            "channel",
            "requester",
            "requester_name",
            "details",
            "acknowledge_by",
            "answer_by",
            "acknowledged_on",
            "answered_on",
            "outcome",
            "answer",
            "overdue",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: DataSubjectRequest) -> bool:
        return requests.request_is_overdue(obj, timezone.localdate())


class DataRequestRecordSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    kind = NamedChoiceField("DataRequestKindEnum", choices=RequestKind.choices)
    received_on = serializers.DateField(
        help_text=gettext_lazy("The day the request was received (not in the future); the deadlines count from it.")
    )
    channel = NamedChoiceField("DataRequestChannelEnum", choices=RequestChannel.choices)
    requester = NamedChoiceField("DataRequesterEnum", choices=Requester.choices, required=False)
    requester_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=gettext_lazy("Needed when a guardian or a representative made the request."),
    )
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DataRequestAcknowledgeSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(
        required=False, help_text=gettext_lazy("The day of the acknowledgement; today when not given.")
    )


class DataRequestAnswerSerializer(serializers.Serializer[Any]):
    outcome = NamedChoiceField("DataRequestOutcomeEnum", choices=RequestOutcome.choices)
    answer = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=gettext_lazy("What was done or given; needed, as the legal reason, when anything is refused."),
    )
    on = serializers.DateField(required=False, help_text=gettext_lazy("The day of the answer; today when not given."))


class DataRequestViewSet(SensitiveReadViewSet[DataSubjectRequest]):
    """Data-subject requests about the people in the user's scope, newest first (each read is logged)."""

    capability = Capability.HANDLE_DATA_REQUESTS
    write_capability = Capability.HANDLE_DATA_REQUESTS
    read_serializer_class = DataRequestSerializer
    filterset_class = DataRequestFilter
    access_detail = "API: data-subject requests"
    http_method_names = ["get", "post", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "acknowledged_on": "POST /api/v1/data-requests/{id}/acknowledge/",
        "outcome": "POST /api/v1/data-requests/{id}/answer/",
        "answer": "POST /api/v1/data-requests/{id}/answer/",
        "answered_on": "POST /api/v1/data-requests/{id}/answer/",
    }

    def get_queryset(self) -> QuerySet[DataSubjectRequest]:
        return requests.requests_for_user(self.request.user)

    def get_serializer_class(self) -> Any:
        return {
            "create": DataRequestRecordSerializer,
            "acknowledge": DataRequestAcknowledgeSerializer,
            "answer": DataRequestAnswerSerializer,
        }.get(self.action or "", DataRequestSerializer)

    @extend_schema(responses={201: DataRequestSerializer})
    def create(self, request: Request) -> Response:
        """Record a request received on `received_on`; the answer gives its `acknowledge_by` and `answer_by`."""
        serializer = DataRequestRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            data_request = requests.request_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(data_request, status.HTTP_201_CREATED)

    @extend_schema(responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """The person was told their request was received (on `on`, today by default)."""
        data_request = self.get_object()
        serializer = DataRequestAcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            requests.request_acknowledge(actor=user_of(request), data_request=data_request, **serializer.validated_data)
        return self.respond(data_request)

    @extend_schema(responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The answer: `granted`, `partly` or `refused`, with the legal reason in `answer` for what is refused."""
        data_request = self.get_object()
        serializer = DataRequestAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            requests.request_answer(actor=user_of(request), data_request=data_request, **serializer.validated_data)
        return self.respond(data_request)

    @extend_schema(
        request=None,
        responses={
            200: {
                "type": "object",
                "description": "Everything held about the person: `person`, `generated_at`, `generated_by`, "
                "`records` by model label (each with `title`, `kind`, `fields` and `rows`) and `access_log`.",
                "additionalProperties": True,
            }
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def export(self, request: Request, pk: str) -> Response:
        """Everything held about the request's person as JSON (the page's download), logged as an export."""
        data_request = self.get_object()
        person = data_request.person
        data = export.personal_data(person, actor=user_of(request))
        access_log_record(
            actor=user_of(request),
            obj=person,
            action=AccessLogEntry.Action.EXPORT,
            detail=f"API: everything held about the person (JSON), request {data_request.pk}",
            unit=person.unit,
            request=request,
        )
        return Response(data.as_json())
