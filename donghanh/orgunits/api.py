"""API: the organisation tree, scoped to the user."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from donghanh.accounts.permissions import Capability
from donghanh.core.access import HasCapability
from donghanh.orgunits.filters import OrgUnitFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import units_for_user


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "era",
            "parent",
            "parent_code",
            "path",
            "valid_from",
            "valid_to",
        ]


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet[OrgUnit]):
    """Units of the organisation tree in the user's scope; `q` searches names without diacritics."""

    capability = Capability.VIEW_ORG_TREE
    permission_classes = [HasCapability]
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter

    def get_queryset(self) -> QuerySet[OrgUnit]:
        user: Any = self.request.user
        return units_for_user(user).select_related("parent").order_by("path")
