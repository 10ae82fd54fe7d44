"""API: the codes a client sends, each with its label in the request's language (`GET /api/v1/codes/`).

The vocabularies belong to several apps (legal measures, the roster, case work, support), so the list is
put together here, at the top of the layers. With `?person=<id>` it adds the rating levels of that
person's province, which monthly assessments and quarterly classifications take.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.accounts.access import LOGIN_ONLY
from donghanh.casework.choices import ContactMode, Topic
from donghanh.casework.selectors import rating_levels_for
from donghanh.core.filters import as_id
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.people.choices import DeathSource, RosterEntry, RosterExit, TransferStatus, Whereabouts
from donghanh.people.selectors import people_for_user
from donghanh.roster.choices import NoticeState, RelapseFollowUp, RelapseSource, RelapseState
from donghanh.support.models import ServiceType

VOCABULARIES: dict[str, type[TextChoices]] = {
    "measure_types": EpisodeType,
    "measure_end_reasons": EndReason,
    "whereabouts": Whereabouts,
    "roster_entry_reasons": RosterEntry,
    "roster_exit_reasons": RosterExit,
    "death_sources": DeathSource,
    "transfer_statuses": TransferStatus,
    "release_notice_states": NoticeState,
    "relapse_sources": RelapseSource,
    "relapse_states": RelapseState,
    "relapse_follow_ups": RelapseFollowUp,
    "contact_modes": ContactMode,
    "contact_topics": Topic,
}


class CodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        help_text=gettext_lazy("In the request's language.")
    )


def _codes_field(help_text: str | Any = "", **kwargs: Any) -> CodeSerializer:
    return CodeSerializer(many=True, help_text=help_text, **kwargs)


class CodesSerializer(serializers.Serializer[Any]):
    measure_types = _codes_field()
    measure_end_reasons = _codes_field()
    whereabouts = _codes_field()
    roster_entry_reasons = _codes_field()
    roster_exit_reasons = _codes_field(
        gettext_lazy("An officer takes a person off the roster with moved_abroad or removed.")
    )
    death_sources = _codes_field()
    transfer_statuses = _codes_field()
    release_notice_states = _codes_field()
    relapse_sources = _codes_field()
    relapse_states = _codes_field()
    relapse_follow_ups = _codes_field()
    contact_modes = _codes_field()
    contact_topics = _codes_field()
    service_types = _codes_field(gettext_lazy("The service types in use."))
    rating_levels = _codes_field(
        gettext_lazy("With `person`: the levels of the person's province's rating scale, best first."),
        required=False,
    )


class CodesView(APIView):
    """The codes a client must send, each with its label in the request's language."""

    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "person",
                int,
                description=gettext_lazy("A person in the user's scope: adds the rating levels of their province."),
            )
        ],
        responses=CodesSerializer,
    )
    def get(self, request: Request) -> Response:
        body: dict[str, list[dict[str, str]]] = {
            name: [{"code": code, "label": str(label)} for code, label in choices.choices]
            for name, choices in VOCABULARIES.items()
        }
        body["service_types"] = [
            {"code": kind.code, "label": kind.label} for kind in ServiceType.objects.filter(is_active=True)
        ]
        person_id = request.query_params.get("person")
        if person_id is not None:
            pk = as_id(person_id)
            if pk is None:
                raise ValidationError({"person": [_("Give a person's id (a number).")]})
            person = people_for_user(request.user).select_related("unit").filter(pk=pk).first()
            if person is None:
                raise NotFound(_("No person with this id in your scope."))
            body["rating_levels"] = [
                {"code": level.code, "label": level.label} for level in rating_levels_for(person.unit)
            ]
        return Response(body)
