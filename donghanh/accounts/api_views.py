"""API views that belong to no single domain: the current user and the schema."""

from typing import Any

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.accounts.access import LOGIN_ONLY
from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = RoleAssignment
        fields = ["role", "unit", "unit_code", "unit_name"]


class MeSerializer(serializers.ModelSerializer[User]):
    roles = RoleAssignmentSerializer(source="role_assignments", many=True)
    capabilities = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "roles", "capabilities"]

    def get_capabilities(self, user: User) -> list[str]:
        scope = scope_for(user)
        return [str(c) for c in Capability if scope.can(c)]


class MeView(APIView):
    """The logged-in user, their roles and what they may do."""

    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        user: Any = request.user
        return Response(MeSerializer(user).data)


class SchemaView(SpectacularAPIView):
    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local static files, its start-up script served separately (no inline code)."""

    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]
    template_name = "core/api_docs.html"
