"""API of possible relapses: `/api/v1/relapse-signals/`.

A positive test or a monthly assessment reporting use during post-rehab or drug-user management raises
one by itself; the police report one here (create). An officer confirms it, choosing the follow-up, or
dismisses it (`resolve`). Drug use is sensitive: the list needs the right to see it, and is logged.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.core.filters import IdFilter
from donghanh.people.api.base import NamedChoiceField, SensitiveReadViewSet, VisiblePersonField, service_errors, user_of
from donghanh.roster.choices import RelapseFollowUp, RelapseSource, RelapseState
from donghanh.roster.models import RelapseSignal
from donghanh.roster.relapse import relapse_report, relapse_resolve


class RelapseSignalFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    state = django_filters.MultipleChoiceFilter(choices=RelapseState.choices, label=gettext_lazy("State"))
    source = django_filters.MultipleChoiceFilter(choices=RelapseSource.choices, label=gettext_lazy("Source"))

    class Meta:
        model = RelapseSignal
        fields = ["person", "state", "source"]


class RelapseSignalSerializer(serializers.ModelSerializer[RelapseSignal]):
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    source = NamedChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        "RelapseSourceEnum", choices=RelapseSource.choices, read_only=True
    )
    state = NamedChoiceField("RelapseStateEnum", choices=RelapseState.choices, read_only=True)
    follow_up = NamedChoiceField(
        "RelapseFollowUpEnum", choices=RelapseFollowUp.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = RelapseSignal
        fields = [
            "id",
            "person",
            "person_code",
            "person_name",
            "date",
            "source",
            "drug_test",
            "assessment",
            "note",
            "state",
            "follow_up",
            "resolved_on",
            "resolution_note",
            "recorded_by",
        ]
        read_only_fields = fields


class RelapseReportSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    date = serializers.DateField(help_text=gettext_lazy("The day of the use reported (not in the future)."))
    note = serializers.CharField(max_length=300, help_text=gettext_lazy("What was reported."))


RESOLUTIONS = [(code, label) for code, label in RelapseState.choices if code != RelapseState.OPEN]


class RelapseResolveSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=RESOLUTIONS)
    follow_up = NamedChoiceField(
        "RelapseFollowUpEnum",
        choices=RelapseFollowUp.choices,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Needed to confirm a relapse."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    on = serializers.DateField(required=False, help_text=gettext_lazy("The day of the decision; today when not given."))


class RelapseSignalViewSet(SensitiveReadViewSet[RelapseSignal]):
    """Possible relapses of the people in the user's scope, newest first (drug use: each read is logged)."""

    capability = Capability.VIEW_DRUG_USE
    write_capability = Capability.MANAGE_EPISODES
    action_capabilities: ClassVar[dict[str, Capability]] = {"create": Capability.RECORD_DRUG_USE}
    read_serializer_class = RelapseSignalSerializer
    filterset_class = RelapseSignalFilter
    access_detail = "API: possible relapses"
    http_method_names = ["get", "post", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "state": "POST /api/v1/relapse-signals/{id}/resolve/",
        "follow_up": "POST /api/v1/relapse-signals/{id}/resolve/",
        "resolution_note": "POST /api/v1/relapse-signals/{id}/resolve/",
    }

    def get_queryset(self) -> QuerySet[RelapseSignal]:
        return (
            RelapseSignal.objects.accessible_to(self.request.user, Capability.VIEW_DRUG_USE)
            .filter(person__merged_into__isnull=True)
            .select_related("person__unit")
            .order_by("-date", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": RelapseReportSerializer, "resolve": RelapseResolveSerializer}.get(
            self.action or "", RelapseSignalSerializer
        )

    @extend_schema(responses={201: RelapseSignalSerializer})
    def create(self, request: Request) -> Response:
        """The police report drug use by a person under post-rehab or drug-user management on `date`."""
        serializer = RelapseReportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            signal = relapse_report(actor=user_of(request), **serializer.validated_data)
        return self.respond(signal, status.HTTP_201_CREATED)

    @extend_schema(responses=RelapseSignalSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Confirm the relapse with its `follow_up` (determination, voluntary rehab, compulsory proposal), or
        dismiss it."""
        signal = self.get_object()
        serializer = RelapseResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            relapse_resolve(actor=user_of(request), signal=signal, **serializer.validated_data)
        return self.respond(signal)
