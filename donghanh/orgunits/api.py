"""API: the organisation tree, scoped to the user."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from donghanh.accounts.access import LOGIN_ONLY
from donghanh.core.api import KeysetPagination
from donghanh.orgunits.filters import OrgUnitFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import units_for_user


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)

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

    # Any logged-in user; the rows are their scope's (none without a role).
    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("path",)

    def get_queryset(self) -> QuerySet[OrgUnit]:
        user: Any = self.request.user
        return units_for_user(user).select_related("parent").order_by("path")
