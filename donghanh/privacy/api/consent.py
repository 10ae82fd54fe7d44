"""API of consent: `/api/v1/consents/` lists (`?person=`), shows and records a person's consent to a purpose;
`POST /api/v1/consents/{id}/withdraw/` records its withdrawal.

Only the purposes that need consent have rows (sharing with a partner for a referral, contact by SMS or Zalo):
case management and anonymised statistics rest on a legal basis. A minor's consent is given by their guardian,
whose name and relation are recorded. Same scope and rights as the pages: the people the user sees (others answer
404); recording and withdrawing need the right to manage consent at the person's commune.
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
from donghanh.people.api.base import CapabilityViewSet, NamedChoiceField, VisiblePersonField, service_errors, user_of
from donghanh.privacy import consent as services
from donghanh.privacy.choices import CONSENT_PURPOSES, PURPOSE_BASIS, Basis, ConsentMethod, GivenBy, Purpose
from donghanh.privacy.models import Consent


class ConsentFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    purpose = django_filters.ChoiceFilter(
        choices=[(p, Purpose(p).label) for p in CONSENT_PURPOSES], label=gettext_lazy("Purpose")
    )

    class Meta:
        model = Consent
        fields = ["person", "purpose"]


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    """A consent; `standing` while it is not withdrawn."""

    person_code = serializers.CharField(source="person.code", read_only=True)
    purpose = NamedChoiceField("ConsentPurposeEnum", choices=Purpose.choices, read_only=True)
    basis = serializers.SerializerMethodField(help_text=gettext_lazy("The purpose's legal basis."))
    given_by = NamedChoiceField("ConsentGivenByEnum", choices=GivenBy.choices, read_only=True)
    method = NamedChoiceField("ConsentMethodEnum", choices=ConsentMethod.choices, read_only=True)
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    withdrawn_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True, allow_null=True)
    standing = serializers.SerializerMethodField(help_text=gettext_lazy("Not withdrawn: the consent stands today."))

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "person_code",
            "purpose",
            "basis",
            "given_on",
            "given_by",
            "guardian_name",
            "guardian_relation",
            "method",
            "form_number",
            "witness",
            "recorded_by",
            "recorded_at",
            "standing",
            "withdrawn_on",
            "withdrawn_by",
            "withdrawal_note",
        ]
        read_only_fields = fields

    def get_basis(self, consent: Consent) -> str:
        return str(PURPOSE_BASIS.get(consent.purpose, Basis.CONSENT))

    def get_standing(self, consent: Consent) -> bool:
        return consent.withdrawn_on is None


class ConsentRecordSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField(help_text=gettext_lazy("The person the consent is about."))
    purpose = NamedChoiceField(
        "ConsentNeededPurposeEnum",
        choices=[(p, Purpose(p).label) for p in CONSENT_PURPOSES],
        help_text=gettext_lazy("A purpose that needs consent."),
    )
    given_on = serializers.DateField(help_text=gettext_lazy("The day the consent was given (not in the future)."))
    given_by = NamedChoiceField(
        "ConsentGivenByEnum",
        choices=GivenBy.choices,
        help_text=gettext_lazy("The person, or their guardian (always, for a minor on that day)."),
    )
    guardian_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=gettext_lazy("Needed when the guardian gives it.")
    )
    guardian_relation = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text=gettext_lazy("Father, mother, grandparent…")
    )
    method = NamedChoiceField("ConsentMethodEnum", choices=ConsentMethod.choices)
    form_number = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text=gettext_lazy("Needed for a signed form.")
    )
    witness = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=gettext_lazy("Needed for a verbal consent.")
    )


class ConsentWithdrawSerializer(serializers.Serializer[Any]):
    withdrawn_on = serializers.DateField(
        help_text=gettext_lazy("The day of the withdrawal (not in the future, not before the consent).")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ConsentViewSet(CapabilityViewSet[Consent]):
    """Consents of the people in the user's scope, by person, purpose and latest given."""

    capability = Capability.VIEW_PEOPLE
    write_capability = Capability.MANAGE_CONSENT
    read_serializer_class = ConsentSerializer
    filterset_class = ConsentFilter
    http_method_names = ["get", "post", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "withdrawn_on": "POST /api/v1/consents/{id}/withdraw/",
        "withdrawal_note": "POST /api/v1/consents/{id}/withdraw/",
    }

    def get_queryset(self) -> QuerySet[Consent]:
        return (
            Consent.objects.accessible_to(self.request.user)
            .select_related("person", "recorded_by", "withdrawn_by")
            .order_by("person", "purpose", "-given_on", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {"create": ConsentRecordSerializer, "withdraw": ConsentWithdrawSerializer}.get(
            self.action or "", ConsentSerializer
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ConsentSerializer(self.get_object()).data)

    @extend_schema(responses={201: ConsentSerializer})
    def create(self, request: Request) -> Response:
        """Record a person's (or their guardian's) consent to a purpose: a signed form with its number, or a verbal
        consent with its witness. A consent to the same purpose must not stand already."""
        serializer = ConsentRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            consent = services.consent_record(actor=user_of(request), **serializer.validated_data)
        return self.respond(consent, status.HTTP_201_CREATED)

    @extend_schema(request=ConsentWithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The consent is withdrawn from `withdrawn_on`: from that day what needs it is refused."""
        consent = self.get_object()
        serializer = ConsentWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.consent_withdraw(actor=user_of(request), consent=consent, **serializer.validated_data)
        return self.respond(consent)
