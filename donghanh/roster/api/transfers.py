"""API of moves between communes: `/api/v1/transfers/`.

Both communes see a move: the one the person leaves and the one they arrive in. The commune they leave
proposes it with `person`; the commune they arrive in, which cannot see the person yet, reports it with
their exact `person_code` or `citizen_id`. Until the person is in the user's scope, a move shows only
their name, code and year of birth (`person` is then null). The other commune accepts (the person moves
on `move_date`) or refuses; the proposer may withdraw; a province officer completes a move left unanswered.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.core.api import IdRelatedField
from donghanh.core.filters import IdFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.people.api.base import (
    CapabilityViewSet,
    NamedChoiceField,
    VisiblePersonField,
    service_errors,
    shared,
    user_of,
)
from donghanh.people.choices import TransferSide, TransferStatus
from donghanh.people.selectors import people_for_user
from donghanh.roster.models import TransferRequest
from donghanh.roster.transfers import (
    person_to_receive,
    transfer_accept,
    transfer_complete_by_province,
    transfer_propose,
    transfer_refuse,
    transfer_report_arrival,
    transfer_withdraw,
)

VISIBLE = "visible_people"


class TransferFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    status = django_filters.MultipleChoiceFilter(choices=TransferStatus.choices, label=gettext_lazy("Status"))

    class Meta:
        model = TransferRequest
        fields = ["person", "status"]


class TransferListSerializer(serializers.ListSerializer[TransferRequest]):
    """Which people of the page the user sees, in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = list(data.all() if hasattr(data, "all") else data)
        user = self.context["request"].user
        seen = people_for_user(user).filter(pk__in={row.person_id for row in rows}).values_list("pk", flat=True)
        shared(self.context).setdefault(VISIBLE, set()).update(seen)
        return super().to_representation(rows)


@extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
class SeenPersonField(serializers.Field[Any, Any, Any, Any]):
    """The person's id, only when the user sees the person."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, transfer: TransferRequest) -> int | None:
        seen: set[int] = shared(self.context).setdefault(VISIBLE, set())
        if (
            transfer.person_id not in seen
            and people_for_user(self.context["request"].user).filter(pk=transfer.person_id).exists()
        ):
            seen.add(transfer.person_id)
        return transfer.person_id if transfer.person_id in seen else None


class TransferSerializer(serializers.ModelSerializer[TransferRequest]):
    """A move. `person` is null until the person is in the user's scope: name, code and year of birth only."""

    person = SeenPersonField(help_text=gettext_lazy("Null while the person is not in the user's scope."))
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    person_birth_year = serializers.IntegerField(source="person.birth_year", read_only=True)
    from_unit_code = serializers.CharField(source="from_unit.code", read_only=True)
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True)
    proposed_by_side = NamedChoiceField("TransferSideEnum", choices=TransferSide.choices, read_only=True)
    status = NamedChoiceField("TransferStatusEnum", choices=TransferStatus.choices, read_only=True)
    answering_unit = serializers.SerializerMethodField(
        help_text=gettext_lazy("The commune that answers: the one that did not propose the move.")
    )

    class Meta:
        model = TransferRequest
        list_serializer_class = TransferListSerializer
        fields = [
            "id",
            "person",
            "person_code",
            "person_name",
            "person_birth_year",
            "from_unit",
            "from_unit_code",
            "from_unit_name",
            "to_unit",
            "to_unit_code",
            "to_unit_name",
            "move_date",
            "proposed_by_side",
            "note",
            "status",
            "proposed_at",
            "answering_unit",
            "answered_on",
            "refusal_reason",
        ]
        read_only_fields = fields

    def get_answering_unit(self, transfer: TransferRequest) -> int:
        return int(transfer.answering_unit.pk)


class TransferCreateSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField(
        required=False, help_text=gettext_lazy("The commune the person leaves proposes the move: their id.")
    )
    person_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=gettext_lazy("The commune the person arrives in reports them by their exact person code…"),
    )
    citizen_id = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text=gettext_lazy("…or by their exact citizen ID.")
    )
    to_unit = IdRelatedField[OrgUnit](
        queryset=OrgUnit.objects.all(), help_text=gettext_lazy("The commune the person moves to (a current commune).")
    )
    move_date = serializers.DateField(help_text=gettext_lazy("The day of the move (not in the future)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identified = bool(attrs.get("person_code", "").strip() or attrs.get("citizen_id", "").strip())
        if attrs.get("person") is not None and identified:
            raise serializers.ValidationError(
                {"person": [_("Give either the person's id or their code or citizen ID, not both.")]}
            )
        if attrs.get("person") is None and not identified:
            raise serializers.ValidationError(
                {"person": [_("Give the person's id, or the code or citizen ID of the person who arrived.")]}
            )
        return attrs


class TransferRefuseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, help_text=gettext_lazy("Why the move is refused."))


class NoBodySerializer(serializers.Serializer[Any]):
    """An action that takes no fields."""


class TransferViewSet(CapabilityViewSet[TransferRequest]):
    """Moves into and out of the user's communes, newest first."""

    capability = Capability.VIEW_PEOPLE
    write_capability = Capability.MANAGE_PEOPLE
    action_capabilities: ClassVar[dict[str, Capability]] = {"complete": Capability.COMPLETE_TRANSFERS}
    read_serializer_class = TransferSerializer
    filterset_class = TransferFilter
    http_method_names = ["get", "post", "head", "options"]
    fields_written_elsewhere: ClassVar[dict[str, str]] = {
        "status": "POST /api/v1/transfers/{id}/accept/ (or refuse/, withdraw/, complete/)",
        "refusal_reason": "POST /api/v1/transfers/{id}/refuse/",
    }

    def get_queryset(self) -> QuerySet[TransferRequest]:
        return (
            TransferRequest.objects.accessible_to(self.request.user, Capability.VIEW_PEOPLE)
            .select_related("person", "from_unit", "to_unit")
            .order_by("-proposed_at", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return {
            "list": TransferSerializer,
            "retrieve": TransferSerializer,
            "create": TransferCreateSerializer,
            "refuse": TransferRefuseSerializer,
        }.get(self.action or "", NoBodySerializer)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            TransferSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(TransferSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(responses={201: TransferSerializer})
    def create(self, request: Request) -> Response:
        """Propose a move (`person`, by the commune the person leaves) or report an arrival (`person_code` or
        `citizen_id`, by the commune the person arrives in); the other commune answers."""
        serializer = TransferCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("person", None)
        code, citizen_id = data.pop("person_code", ""), data.pop("citizen_id", "")
        with service_errors():
            if person is not None:
                transfer = transfer_propose(actor=user_of(request), person=person, **data)
            else:
                transfer = transfer_report_arrival(
                    actor=user_of(request), person=self.person_arriving(code, citizen_id), **data
                )
        return self.respond(transfer, status.HTTP_201_CREATED)

    @staticmethod
    def person_arriving(code: str, citizen_id: str) -> Any:
        """The person an arriving commune names, by exact code or citizen ID; a miss is on the field typed."""
        try:
            with service_errors():
                return person_to_receive(code=code, citizen_id=citizen_id)
        except serializers.ValidationError as error:
            typed = "person_code" if code.strip() else "citizen_id"
            detail: Any = error.detail
            raise serializers.ValidationError({typed: detail.get("code", detail)}) from error

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The answering commune accepts: the person moves to the new commune on `move_date`."""
        return self.answer(lambda transfer: transfer_accept(actor=user_of(request), transfer=transfer))

    @extend_schema(responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        """The answering commune refuses, saying why; the person stays where they are managed."""
        serializer = TransferRefuseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return self.answer(lambda transfer: transfer_refuse(actor=user_of(request), transfer=transfer, reason=reason))

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The commune that proposed the move takes it back."""
        return self.answer(lambda transfer: transfer_withdraw(actor=user_of(request), transfer=transfer))

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """A province officer completes a move between two of its communes that the answering commune left
        unanswered for the days set (`ROSTER_TRANSFER_ANSWER_DAYS`): the person moves on `move_date`."""
        return self.answer(lambda transfer: transfer_complete_by_province(actor=user_of(request), transfer=transfer))

    def answer(self, write: Any) -> Response:
        transfer = self.get_object()
        with service_errors():
            write(transfer)
        return self.respond(transfer)

    def respond(self, obj: TransferRequest, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(TransferSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)
