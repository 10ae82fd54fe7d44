"""API: the user's work list and the coverage of a unit (volunteers helping nobody, people without one)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework import choices
from donghanh.casework.health_access import SEEN_API_HEALTH_TEXT
from donghanh.casework.models import Volunteer
from donghanh.casework.selectors import coverage
from donghanh.casework.worklist import WorkItem, health_text_people, work_list
from donghanh.core.filters import as_id
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import units_for_user
from donghanh.people.api.base import log_people_seen
from donghanh.people.models import Person


class WorkItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=choices.NotificationKind.choices)
    kind_label = serializers.CharField()
    subject = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("The page where it is done."))
    due_date = serializers.DateField(allow_null=True)
    person_id = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(
        help_text=gettext_lazy(
            "A contact's next step about health reads “nội dung sức khỏe — không hiển thị” (“health content — not "
            "shown”) for a role that may not see health."
        )
    )
    overdue = serializers.BooleanField()
    actions = serializers.SerializerMethodField(help_text=gettext_lazy("Choices a click away from the item."))

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "object", "properties": {"label": {"type": "string"}, "url": {"type": "string"}}},
        }
    )
    def get_actions(self, item: WorkItem) -> list[dict[str, str]]:
        return [{"label": str(label), "url": url} for label, url in item.actions]


class WorkListViewSet(viewsets.ViewSet):
    """What is due for the user today, most urgent first."""

    capability = Capability.VIEW_CASEWORK
    permission_classes = [HasCapability]

    @extend_schema(responses=WorkItemSerializer(many=True))
    def list(self, request: Request) -> Response:
        items = work_list(request.user, timezone.localdate())
        log_people_seen(request, health_text_people(items), SEEN_API_HEALTH_TEXT)
        return Response(WorkItemSerializer(items, many=True).data)


class CoverageQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "A unit's official code (current units) or id; the unit of the user's role when not given."
        ),
    )
    on = serializers.DateField(required=False, help_text=gettext_lazy("Today when not given."))


class CoverageUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class CoverageVolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    team_name = serializers.CharField(source="team.name")

    class Meta:
        model = Volunteer
        fields = ["id", "full_name", "team", "team_name"]


class CoveragePersonSerializer(serializers.ModelSerializer[Person]):
    class Meta:
        model = Person
        fields = ["id", "code", "full_name"]


@extend_schema_serializer(many=False)  # the answer of a `list` action, yet one object
class CoverageSerializer(serializers.Serializer[Any]):
    unit = CoverageUnitSerializer()
    on = serializers.DateField()
    volunteers = serializers.IntegerField(help_text=gettext_lazy("Volunteers active on the day."))
    volunteers_helping = serializers.IntegerField(help_text=gettext_lazy("Of them, those helping someone."))
    volunteers_helping_share = serializers.FloatField(allow_null=True)
    idle_volunteers = CoverageVolunteerSerializer(many=True)
    people = serializers.IntegerField(help_text=gettext_lazy("People followed by case work on the day."))
    people_with_volunteer = serializers.IntegerField()
    people_covered_share = serializers.FloatField(allow_null=True)
    people_without_volunteer = CoveragePersonSerializer(many=True)


class CoverageViewSet(viewsets.ViewSet):
    """Both sides of the movement's rule in a unit's subtree: volunteers helping nobody, people without one."""

    capability = Capability.VIEW_CASEWORK
    permission_classes = [HasCapability]

    @extend_schema(parameters=[CoverageQuerySerializer], responses=CoverageSerializer)
    def list(self, request: Request) -> Response:
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = self.unit_of(request, query.validated_data.get("unit", "").strip())
        day = query.validated_data.get("on") or timezone.localdate()
        result = coverage(request.user, unit, day)
        body = {"unit": unit, "on": day, **vars(result)}
        body["volunteers_helping_share"] = result.volunteers_helping_share
        body["people_covered_share"] = result.people_covered_share
        return Response(CoverageSerializer(body).data)

    def unit_of(self, request: Request, value: str) -> OrgUnit:
        units = units_for_user(request.user)
        if not value:
            grants = scope_for(request.user).grants_for(Capability.VIEW_CASEWORK)
            unit = units.filter(path=grants[0].unit_path).first()
        else:
            unit = units.filter(code=value, era=OrgUnit.Era.CURRENT).order_by("level").first()
            if unit is None and (pk := as_id(value)) is not None:
                unit = units.filter(pk=pk).first()
        if unit is None:
            raise NotFound(_("No unit %(unit)s in your scope.") % {"unit": value})
        return unit
