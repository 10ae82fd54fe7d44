"""API: the service types, and the services people received (loans, training, jobs, aid …)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.casework.api.base import PERSON_READ_FIELDS, PersonRecordSerializer, ReadViewSet, ScopedRelatedField
from donghanh.core.api import KeysetPagination
from donghanh.people.api.base import VisiblePersonField, service_errors, user_of
from donghanh.support import services
from donghanh.support.choices import ServiceCategory
from donghanh.support.filters import ServiceRecordFilter
from donghanh.support.models import Partner, ServiceRecord, ServiceType
from donghanh.support.selectors import is_stable_job

# Service types --------------------------------------------------------------------------------------


class ServiceTypeSerializer(serializers.ModelSerializer[ServiceType]):
    class Meta:
        model = ServiceType
        fields = ["id", "code", "label_vi", "label_en", "label", "category", "involves_money", "is_active"]
        read_only_fields = fields
        extra_kwargs: dict[str, dict[str, Any]] = {
            "label": {"help_text": gettext_lazy("The label in the request's language.")}
        }


class ServiceTypeViewSet(ReadViewSet[ServiceType]):
    """The kinds of help a service record is of, in list order; `involves_money` says whether it takes an amount."""

    capability = Capability.VIEW_SUPPORT
    write_capability = Capability.VIEW_SUPPORT  # nothing to write: the list is read-only
    read_serializer_class = ServiceTypeSerializer
    serializer_class = ServiceTypeSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[ServiceType]:
        return ServiceType.objects.order_by("position", "code")


# Services given ---------------------------------------------------------------------------------------

SERVICE_FIELDS = [
    "provider",
    "provider_name",
    "start_date",
    "end_date",
    "amount",
    "outcome",
    "notes",
    "loan_purpose",
    "loan_term_months",
    "repayment_status",
    "position",
]


class ServiceRecordSerializer(PersonRecordSerializer[ServiceRecord]):
    service_type_code = serializers.CharField(source="service_type.code", read_only=True)
    category = serializers.ChoiceField(source="service_type.category", choices=ServiceCategory.choices, read_only=True)
    is_stable_job = serializers.SerializerMethodField(
        help_text=gettext_lazy("A job held long enough to count as stable, as of today (computed from its dates).")
    )
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "version",
            *PERSON_READ_FIELDS,
            "service_type",
            "service_type_code",
            "category",
            *SERVICE_FIELDS,
            "is_stable_job",
            "recorded_by",
        ]
        read_only_fields = fields

    def get_is_stable_job(self, record: ServiceRecord) -> bool:
        return is_stable_job(record, timezone.localdate())


class ServiceUpdateSerializer(serializers.ModelSerializer[ServiceRecord]):
    provider = ScopedRelatedField[Partner](Partner, required=False, allow_null=True)

    class Meta:
        model = ServiceRecord
        fields = ["service_type", *SERVICE_FIELDS]  # a wrong type may be corrected, as on the page


class ServiceCreateSerializer(ServiceUpdateSerializer):
    person = VisiblePersonField()

    class Meta(ServiceUpdateSerializer.Meta):
        fields = ["person", "service_type", *SERVICE_FIELDS]


class ServiceRecordViewSet(ReadViewSet[ServiceRecord]):
    """Services the people in the user's scope received; a volunteer sees those of the people assigned to them.

    `amount` is in VND, only for types that involve money; a loan needs its amount and bank branch
    (`provider` or `provider_name`), a job its employer.
    """

    capability = Capability.VIEW_SUPPORT
    write_capability = Capability.RECORD_SUPPORT
    read_serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("-start_date", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ServiceRecord]:
        return (
            ServiceRecord.objects.accessible_to(self.request.user)
            .select_related("person__unit", "service_type", "provider", "recorded_by")
            .order_by("-start_date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": ServiceCreateSerializer, "partial_update": ServiceUpdateSerializer}.get(
            self.action or "", ServiceRecordSerializer
        )

    @extend_schema(responses={201: ServiceRecordSerializer})
    def create(self, request: Request) -> Response:
        serializer = ServiceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            record = services.service_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(record, status.HTTP_201_CREATED)

    @extend_schema(responses=ServiceRecordSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Record the end, outcome or repayment, or correct the record."""
        record = self.get_object()
        serializer = ServiceUpdateSerializer(
            record, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.service_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                record=record,
                **serializer.validated_data,
            )
        return self.respond(record)
