"""Reads of imports: the user's units' imports, one of them, and the units the user may import into."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.imports.models import ImportBatch
from donghanh.orgunits.models import OrgUnit

HEAVY = ("content", "rows", "preview", "result")  # what a list never needs
READ = ("content", "rows")  # what no page or answer shows: the file, and the values read (the worker's)


def imports_for_user(user: User) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.accessible_to(user)
        .select_related("unit", "requested_by", "applied_by", "undone_by")
        .defer(*HEAVY)
    )


def import_for_user(user: User, pk: int, *, heavy: bool = True) -> ImportBatch:
    rows = ImportBatch.objects.accessible_to(user).select_related("unit", "requested_by", "applied_by", "undone_by")
    rows = rows.defer(*(HEAVY if not heavy else READ))
    found: ImportBatch | None = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def import_units(user: User) -> QuerySet[OrgUnit]:
    """The units where the user may bring registers in (a commune officer's commune)."""
    grants = scope_for(user).grants_for(Capability.IMPORT_RECORDS)
    return OrgUnit.objects.filter(pk__in=[grant.unit_id for grant in grants]).order_by("name")


def earlier_imports(batch: ImportBatch) -> QuerySet[ImportBatch]:
    """Imports of the same file into the same unit that were applied and not undone."""
    return (
        ImportBatch.objects.filter(
            sha256=batch.sha256,
            unit_id=batch.unit_id,
            kind=batch.kind,
            applied_at__isnull=False,
            undone_at__isnull=True,
        )
        .exclude(pk=batch.pk)
        .select_related("applied_by")
        .defer(*HEAVY)
    )
