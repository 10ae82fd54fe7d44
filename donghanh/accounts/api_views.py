"""API views that belong to no single domain: the current user and the schema."""

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
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


# The OpenAPI document by language: it changes only with the code, and takes seconds to generate. The API has one
# version (/api/v1/): drf-spectacular's `?version=` parameter, which would take any text without versioning, is not
# read, so that no one can fill this with documents or keep the server generating them.
_SCHEMAS: dict[str, dict[str, Any]] = {}


@receiver(setting_changed)
def _schemas_forget(**kwargs: Any) -> None:
    _SCHEMAS.clear()  # a test's changed settings may change the document


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, generated once per process and language."""

    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]

    def _get_schema_response(self, request: Request) -> Response:
        language = translation.get_language()
        if language not in _SCHEMAS:
            generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
            _SCHEMAS[language] = generator.get_schema(request=request, public=self.serve_public)  # type: ignore[no-untyped-call]
        filename = self._get_filename(request, None)  # type: ignore[no-untyped-call]
        return Response(data=_SCHEMAS[language], headers={"Content-Disposition": f'inline; filename="{filename}"'})


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local static files, its start-up script served separately (no inline code)."""

    access_declaration = LOGIN_ONLY
    permission_classes = [IsAuthenticated]
    template_name = "core/api_docs.html"
