"""An import: one Excel file an officer brought in, its check and what applying it did."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedModel
from donghanh.core.crypto import EncryptedJSONField
from donghanh.imports.choices import ImportKind, ImportStatus


class ImportBatch(ScopedModel):
    """One uploaded file of one kind for a unit: the rows read from it, the check's preview, and the result.

    The check writes nothing but this row; applying writes every record in one transaction, and `result` keeps the
    ids it created and what it changed, so that the import can be undone while none of it has changed since. The row
    is itself the record of the import (who, when, file, SHA-256, counts) and is never edited by a person, so it has
    no change history of its own; the records it wrote have theirs, naming the officer.
    """

    scope_capability = Capability.IMPORT_RECORDS

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    unit = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"), default=0)  # bytes
    content = models.BinaryField(_("file"), null=True)  # encrypted (core.crypto); emptied once its rows are read
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    message = models.TextField(_("message"), blank=True, max_length=2000)  # why the file was refused, for the user
    # [{"row": n, "values": {...}, "errors": [...]}, …]: identifiers among them, so encrypted; emptied once applied.
    rows = EncryptedJSONField(_("rows read"), default=list)
    sheet = models.CharField(_("sheet"), max_length=31, blank=True)
    extra_columns = models.JSONField(_("columns ignored"), default=list)
    headers = models.JSONField(_("headers of the file"), default=dict)  # column key -> the header as the file has it
    preview = EncryptedJSONField(_("preview"), default=list)  # per row: action, person, changes, errors
    counts = models.JSONField(_("counts"), default=dict)
    apply_after_check = models.BooleanField(_("apply once checked"), default=False)  # asked through the API
    decisions = models.JSONField(_("decisions on possible matches"), default=dict)  # {"<row>": "confirm"|"reject"}
    result = models.JSONField(_("result"), default=dict)  # {"created": {label: [ids]}, "updated": [...]}
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated = models.DateTimeField(_("last progress at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="importbatch_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["unit", "kind", "status"], name="importbatch_unit_kind_status")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created:%d/%m/%Y %H:%M})" if self.created else self.file_name

    @property
    def state_label(self) -> str:
        """The status as a list shows it: a checked file with errors waits for a corrected file, not a confirmation."""
        if self.status == ImportStatus.CHECKED and self.count("error"):
            return str(_("Errors: correct the file and upload it again"))
        return str(self.get_status_display())

    def count(self, action: str) -> int:
        value: Any = self.counts.get(action, 0)
        return int(value)
