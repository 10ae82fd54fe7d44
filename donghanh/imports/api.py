"""API of imports: `POST /api/v1/imports/` uploads a file (multipart: `file`, `kind`, `unit`, `dry_run`);
`GET /api/v1/imports/{id}/` follows its status, progress, counts and every error; `POST …/{id}/decide/`,
`…/{id}/apply/` and `…/{id}/undo/` do what the page's buttons do.

With `dry_run` true (the default) the file is only checked, as on the page; false applies it as soon as the check
finds no error and no possible match. The check and the writing run in the task worker: poll the import until its
`status` is no longer `queued`, `checking` or `applying`. Same scope and rights as the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.imports import selectors, services
from donghanh.imports.choices import Decision, ImportKind, ImportStatus, RowAction
from donghanh.imports.forms import ImportForm
from donghanh.imports.models import ImportBatch
from donghanh.people.api.base import CapabilityViewSet, NamedChoiceField, service_errors, user_of


class ImportRowErrorSerializer(serializers.Serializer[Any]):
    sheet = serializers.CharField(help_text=gettext_lazy("The sheet the rows were read from."))
    row = serializers.IntegerField(help_text=gettext_lazy("The row number in the sheet."))
    column = serializers.CharField(help_text=gettext_lazy("The column's header; empty for the row as a whole."))
    message = serializers.CharField()


class ImportCandidateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label


class ImportMatchSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    person = serializers.CharField(help_text=gettext_lazy("The person as the row names them."))
    candidates = ImportCandidateSerializer(many=True)


class ImportSummarySerializer(serializers.ModelSerializer[ImportBatch]):
    """An import in a list: its status and counts; its errors and matches are in the import itself."""

    kind = NamedChoiceField("ImportKindEnum", choices=ImportKind.choices, read_only=True)
    status = NamedChoiceField("ImportStatusEnum", choices=ImportStatus.choices, read_only=True)
    requested_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = ["id", "kind", "unit", "file_name", "sha256", "status", "progress", "counts", "requested_by",
                  "created", "applied_at", "undone_at"]  # fmt: skip
        read_only_fields = fields

    def get_counts(self, batch: ImportBatch) -> dict[str, int]:
        return {key: batch.count(key) for key in ("rows", *RowAction.values)}


class ImportSerializer(serializers.ModelSerializer[ImportBatch]):
    """An import with its status; `errors` lists every bad row, `matches` the possible matches to decide on."""

    kind = NamedChoiceField("ImportKindEnum", choices=ImportKind.choices, read_only=True)
    status = NamedChoiceField("ImportStatusEnum", choices=ImportStatus.choices, read_only=True)
    requested_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    applied_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True, allow_null=True)
    undone_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True, allow_null=True)
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]  # the metaclass takes fields out
    matches = serializers.SerializerMethodField()
    extra_columns = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "kind", "unit", "file_name", "sha256", "size", "status", "progress", "message", "sheet",
            "extra_columns", "counts", "errors", "matches", "requested_by", "created", "checked_at", "applied_at",
            "applied_by", "undone_at", "undone_by",
        ]  # fmt: skip
        read_only_fields = fields

    def get_counts(self, batch: ImportBatch) -> dict[str, int]:
        return {key: batch.count(key) for key in ("rows", *RowAction.values)}

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, batch: ImportBatch) -> list[dict[str, Any]]:
        return [
            {"sheet": batch.sheet, "row": entry["row"], "column": error.get("column", ""), "message": error["message"]}
            for entry in batch.preview
            for error in entry.get("errors", [])
        ]

    @extend_schema_field(ImportMatchSerializer(many=True))
    def get_matches(self, batch: ImportBatch) -> list[dict[str, Any]]:
        return [
            {"row": entry["row"], "person": entry.get("person", ""), "candidates": entry.get("candidates", [])}
            for entry in batch.preview
            if entry.get("action") == RowAction.MATCH and not entry.get("same_as")
        ]


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=gettext_lazy("The register, an .xlsx file of at most 20 MB."))
    kind = NamedChoiceField("ImportKindEnum", choices=ImportKind.choices)
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("The unit imported into; by default the user's only one."),
    )
    dry_run = serializers.BooleanField(
        default=True, help_text=gettext_lazy("Only check (true), or apply once the check finds nothing wrong (false).")
    )


class ImportDecisionItemSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(min_value=1, max_value=1_048_576)
    decision = NamedChoiceField("ImportDecisionEnum", choices=Decision.choices)
    person = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("With `confirm`: which of the row's `candidates` it is, when there are several."),
    )


class ImportDecideSerializer(serializers.Serializer[Any]):
    decisions = ImportDecisionItemSerializer(many=True)


class ImportViewSet(CapabilityViewSet[ImportBatch]):
    """Imports of the user's units, newest first."""

    capability = Capability.IMPORT_RECORDS
    write_capability = Capability.IMPORT_RECORDS
    action_capabilities = {"undo": Capability.UNDO_IMPORTS}
    read_serializer_class = ImportSerializer
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return selectors.imports_for_user(user_of(self.request)).defer(None).defer(*selectors.READ)

    def get_serializer_class(self) -> Any:
        return {"create": ImportUploadSerializer, "decide": ImportDecideSerializer}.get(
            self.action or "", ImportSerializer
        )

    @extend_schema(responses=ImportSummarySerializer(many=True))
    def list(self, request: Request) -> Response:
        """The imports of the user's units, newest first, without their rows (read one import for those)."""
        page = self.paginate_queryset(selectors.imports_for_user(user_of(request)))
        return self.get_paginated_response(ImportSummarySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ImportSerializer(self.get_object()).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: ImportSerializer})
    def create(self, request: Request) -> Response:
        """Upload a register; the task worker checks it (and applies it, with `dry_run` false)."""
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = user_of(request)
        units = selectors.import_units(actor)
        unit_id = serializer.validated_data.get("unit")
        unit = units.filter(pk=unit_id).first() if unit_id else (units.first() if units.count() == 1 else None)
        if unit is None:
            raise serializers.ValidationError({"unit": [str(gettext_lazy("Name a unit where you may import."))]})
        form = ImportForm(data={"kind": serializer.validated_data["kind"], "unit": unit.pk},
                          files={"file": serializer.validated_data["file"]}, units=units)  # fmt: skip
        if not form.is_valid():
            raise serializers.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        upload = form.cleaned_data["file"]
        with service_errors():
            batch = services.import_upload(
                actor=actor,
                unit=unit,
                kind=serializer.validated_data["kind"],
                file_name=upload.name or "",
                content=upload.read(),
                apply_after_check=not serializer.validated_data["dry_run"],
            )
        batch.refresh_from_db()
        return Response(ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ImportDecideSerializer, responses={202: ImportSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """Say for each possible match whether it is the same person (`confirm`) or another (`reject`)."""
        batch = self.get_object()
        serializer = ImportDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decisions = {
            str(item["row"]): str(item["person"])
            if item["decision"] == Decision.CONFIRM and "person" in item
            else item["decision"]
            for item in serializer.validated_data["decisions"]
        }
        with service_errors():
            services.import_decide(actor=user_of(request), batch=batch, decisions=decisions)
        batch.refresh_from_db()
        return Response(ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str) -> Response:
        """Write every row in one transaction; refused while any row has an error or a match is undecided."""
        batch = self.get_object()
        with service_errors():
            services.import_apply_request(actor=user_of(request), batch=batch)
        batch.refresh_from_db()
        return Response(ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str) -> Response:
        """Delete what the import created and put back what it changed, while none of it has changed since; the task
        worker does it (`status` "undoing", then "undone", or back to "applied" with a `message`)."""
        batch = self.get_object()
        with service_errors():
            services.import_undo_request(actor=user_of(request), batch=batch)
        batch.refresh_from_db()
        return Response(ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)
