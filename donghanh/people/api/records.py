"""API of a person's drug tests and addiction determinations: sensitive reads, logged."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import (
    SensitiveReadViewSet,
    VisiblePersonField,
    service_errors,
    user_of,
)
from donghanh.people.models import AddictionDetermination, DrugTest, DrugTestResult
from donghanh.people.services import (
    determination_add,
    drug_test_add,
)

# Drug tests and addiction determinations ------------------------------------------------------


class PersonRecordFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=gettext_lazy("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=gettext_lazy("Until"))


class DrugTestFilter(PersonRecordFilter):
    class Meta:
        model = DrugTest
        fields = ["person", "date_from", "date_to"]


class DeterminationFilter(PersonRecordFilter):
    class Meta:
        model = AddictionDetermination
        fields = ["person", "date_from", "date_to"]


class DrugTestResultSerializer(serializers.ModelSerializer[DrugTestResult]):
    class Meta:
        model = DrugTestResult
        fields = ["substance", "result"]


class DrugTestSerializer(serializers.ModelSerializer[DrugTest]):
    person = VisiblePersonField()
    person_code = serializers.CharField(source="person.code", read_only=True)
    results = DrugTestResultSerializer(many=True, allow_empty=False)
    is_positive = serializers.BooleanField(read_only=True)

    class Meta:
        model = DrugTest
        fields = [
            "id",
            "person",
            "person_code",
            "date",
            "sample",
            "tested_by",
            "note",
            "results",
            "is_positive",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]

    def validate_results(self, results: list[dict[str, str]]) -> list[dict[str, str]]:
        substances = [row["substance"] for row in results]
        repeated = sorted({s for s in substances if substances.count(s) > 1})
        if repeated:
            raise serializers.ValidationError(
                _("Give each substance once: %(codes)s.") % {"codes": ", ".join(repeated)}
            )
        return results


class DrugTestViewSet(SensitiveReadViewSet[DrugTest]):
    """Drug tests of the people in the user's scope (sensitive: each read is logged)."""

    capability = Capability.VIEW_DRUG_USE
    write_capability = Capability.RECORD_DRUG_USE
    serializer_class = DrugTestSerializer
    read_serializer_class = DrugTestSerializer
    filterset_class = DrugTestFilter
    access_detail = "API: drug tests"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[DrugTest]:
        return (
            DrugTest.objects.accessible_to(self.request.user)
            .filter(person__merged_into__isnull=True)
            .select_related("person__unit")
            .prefetch_related("results")
            .order_by("-date", "-pk")
        )

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        results = {row["substance"]: row["result"] for row in data.pop("results")}
        with service_errors():
            test = drug_test_add(actor=user_of(request), results=results, **data)
        return self.respond(test, status.HTTP_201_CREATED)


class DeterminationSerializer(serializers.ModelSerializer[AddictionDetermination]):
    person = VisiblePersonField()
    person_code = serializers.CharField(source="person.code", read_only=True)

    class Meta:
        model = AddictionDetermination
        fields = ["id", "person", "person_code", "date", "facility", "criteria_met", "result", "recorded_by"]
        read_only_fields = ["result", "recorded_by"]


class DeterminationViewSet(SensitiveReadViewSet[AddictionDetermination]):
    """Addiction determinations (Circular 18/2021: addicted when at least 3 of the 6 criteria are met)."""

    capability = Capability.VIEW_DRUG_USE
    write_capability = Capability.RECORD_DRUG_USE
    serializer_class = DeterminationSerializer
    read_serializer_class = DeterminationSerializer
    filterset_class = DeterminationFilter
    access_detail = "API: addiction determinations"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AddictionDetermination]:
        return (
            AddictionDetermination.objects.accessible_to(self.request.user)
            .filter(person__merged_into__isnull=True)
            .select_related("person__unit")
            .order_by("-date", "-pk")
        )

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            determination = determination_add(actor=user_of(request), **serializer.validated_data)
        return self.respond(determination, status.HTTP_201_CREATED)
