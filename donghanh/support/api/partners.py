"""API: the partner directory."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.casework.api.base import ReadViewSet
from donghanh.people.api.base import service_errors, user_of
from donghanh.support import services
from donghanh.support.filters import PartnerFilter
from donghanh.support.models import Partner
from donghanh.support.selectors import partners_for_user

PARTNER_FIELDS = sorted(services.PARTNER_FIELDS)


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Partner
        fields = ["id", "version", "name", "kind", "unit", "unit_code", "unit_name", *PARTNER_FIELDS]
        read_only_fields = fields


class PartnerUpdateSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["name", "kind", *PARTNER_FIELDS]


class PartnerCreateSerializer(PartnerUpdateSerializer):
    class Meta(PartnerUpdateSerializer.Meta):
        fields = ["unit", "name", "kind", *PARTNER_FIELDS]
        extra_kwargs: dict[str, dict[str, Any]] = {"unit": {"validators": []}}
        validators: list[Any] = []  # the service names a duplicate in its own words


class PartnerViewSet(ReadViewSet[Partner]):
    """Partners that help the user's communes, a province's included; `q` searches names."""

    capability = Capability.VIEW_SUPPORT
    write_capability = Capability.MANAGE_PARTNERS
    read_serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Partner]:
        return partners_for_user(self.request.user).order_by("search_name", "pk")

    def get_serializer_class(self) -> Any:
        return {"create": PartnerCreateSerializer, "partial_update": PartnerUpdateSerializer}.get(
            self.action or "", PartnerSerializer
        )

    @extend_schema(responses={201: PartnerSerializer})
    def create(self, request: Request) -> Response:
        serializer = PartnerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            partner = services.partner_add(actor=user_of(request), **serializer.validated_data)
        return self.respond(partner, status.HTTP_201_CREATED)

    @extend_schema(responses=PartnerSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        partner = self.get_object()
        serializer = PartnerUpdateSerializer(partner, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.partner_update(
                actor=user_of(request),
                expected_version=self.expected_version,
                partner=partner,
                **serializer.validated_data,
            )
        return self.respond(partner)
