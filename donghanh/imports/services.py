"""Imports: upload, check, decide on possible matches, apply, undo.

- `import_upload` refuses a hostile file at once (`core.xlsx_read.workbook_check`), records the import and queues
  its check; the task worker reads the rows (`read.read_file`) and works out what each would do (`import_check`),
  writing nothing but the import's own row.
- `import_decide` records the officer's answer for each possible match and checks again.
- `import_apply_request` queues the writing; `import_apply` writes every row in one transaction through the
  services of the pages (`people_rows`, `each_row`), or nothing when any row is refused. What it writes is
  collected as it is made (`core.history.writes_collected`), so undoing knows exactly what to delete and what to put
  back from its history.
- `import_undo_request` checks and queues the undoing; `import_undo` deletes what the import created and puts back
  what it changed, while none of it changed since.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import Counter
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.bulk import IN_CHUNK, chunks
from donghanh.core.crypto import decrypt_bytes, encrypt_bytes
from donghanh.core.history import Writes, recorded_bulk_delete, recorded_save, writes_collected
from donghanh.core.xlsx_read import UnsafeWorkbook, workbook_check
from donghanh.imports.choices import BUSY, Decision, ImportKind, ImportStatus, RowAction
from donghanh.imports.each_row import WRITERS, run_each
from donghanh.imports.models import ImportBatch
from donghanh.imports.people_rows import apply_people, plan_people
from donghanh.imports.read import read_file
from donghanh.imports.rows import Outcome
from donghanh.orgunits.models import OrgUnit

logger = logging.getLogger(__name__)

UNFINISHED_PER_USER = 3
READ = 60  # progress (percent) once the rows are read; the check of the rows takes the rest


class Refused(Exception):
    """Applying met rows the services refused: nothing is kept."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__(f"{len(outcomes)} rows refused")
        self.outcomes = outcomes


def _require(actor: User, capability: Capability, unit: OrgUnit) -> None:
    if not scope_for(actor).can_at(capability, unit.path):
        raise PermissionDenied(_("Your role does not allow imports for %(unit)s.") % {"unit": unit.name})


# --- upload and check ------------------------------------------------------------------------------------------


@transaction.atomic
def import_upload(
    *, actor: User, unit: OrgUnit, kind: str, file_name: str, content: bytes, apply_after_check: bool = False
) -> ImportBatch:
    """Record an uploaded file and queue its check; a file that is not a plain XLSX is refused with nothing kept.

    `apply_after_check`: apply it as soon as the check finds no error and no possible match (the API's `dry_run`
    false); otherwise the officer reads the preview and confirms.
    """
    _require(actor, Capability.IMPORT_RECORDS, unit)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Unknown kind of import.")})
    try:
        workbook_check(content)
    except UnsafeWorkbook as error:
        raise ValidationError({"file": str(error)}) from None
    unfinished = ImportBatch.objects.filter(requested_by=actor, status__in=BUSY).count()
    if unfinished >= UNFINISHED_PER_USER:
        raise ValidationError(
            _("You already have %(count)s files being checked or applied. Wait until one is done, then upload again.")
            % {"count": UNFINISHED_PER_USER}
        )
    batch = ImportBatch.objects.create(
        kind=kind,
        unit=unit,
        requested_by=actor,
        language=translation.get_language() or "vi",
        file_name=file_name[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=encrypt_bytes(content),
        apply_after_check=apply_after_check,
    )
    _queue_check(batch)
    return batch


def _queue_check(batch: ImportBatch) -> None:
    from donghanh.imports.tasks import import_check_run  # the task module imports this one

    # Queued in the caller's transaction: with the database backend the worker sees both rows or neither.
    transaction.on_commit(lambda: import_check_run.enqueue(batch.pk))


def _progress(batch_id: int, percent: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(progress=min(percent, 99), updated=timezone.now())


def import_check(batch_id: int) -> str:
    """Read the file (unless read already) and work out what every row would do (the task worker's part)."""
    taken = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, progress=5, updated=timezone.now()
    )
    if not taken:
        return "skipped"
    batch = ImportBatch.objects.select_related("unit", "requested_by").get(pk=batch_id)
    try:
        with translation.override(batch.language):
            return _check(batch)
    except Exception:
        logger.exception("Import %s (%s) could not be checked", batch.pk, batch.file_name)
        with translation.override(batch.language):
            message = _("The file could not be checked. Nothing was written. Try again, or ask the administrator.")
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.REFUSED, message=message, updated=timezone.now()
        )
        return ImportStatus.REFUSED.value


def _check(batch: ImportBatch) -> str:
    if not batch.rows:
        try:
            reading = read_file(
                batch.kind,
                decrypt_bytes(bytes(batch.content or b"")),
                progress=lambda n: _progress(batch.pk, 5 + min(n // 500, READ - 5)),
            )
        except UnsafeWorkbook as error:
            return _refuse(batch, str(error))
        batch.sheet, batch.extra_columns, batch.headers = reading.sheet[:31], reading.extra, reading.headers
        if reading.problem:
            return _refuse(batch, reading.problem)
        if not reading.rows:
            return _refuse(batch, _("The sheet “%(sheet)s” has no rows under its header.") % {"sheet": reading.sheet})
        batch.rows = reading.rows
        batch.content = None  # the rows are all that is needed from now on
        batch.save(update_fields=["rows", "sheet", "extra_columns", "headers", "content"])
        _progress(batch.pk, READ)
    outcomes = preview(batch, batch.requested_by)
    batch.preview = [outcome.as_json() for outcome in outcomes]
    batch.counts = _counts(outcomes)
    batch.status, batch.progress, batch.checked_at = ImportStatus.CHECKED, 100, timezone.now()
    batch.message = ""
    batch.save(update_fields=["preview", "counts", "status", "progress", "checked_at", "message", "updated"])
    if batch.apply_after_check and not batch.count(RowAction.ERROR) and not batch.count(RowAction.MATCH):
        import_apply_request(actor=batch.requested_by, batch=batch)
    return batch.status


def _refuse(batch: ImportBatch, message: str) -> str:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.REFUSED,
        message=message,
        sheet=batch.sheet,
        extra_columns=batch.extra_columns,
        rows=[],
        content=None,
        progress=100,
        updated=timezone.now(),
    )
    return ImportStatus.REFUSED.value


def preview(batch: ImportBatch, actor: User) -> list[Outcome]:
    """What each row would do if applied now; nothing stays written."""
    if batch.kind == ImportKind.PEOPLE:
        return plan_people(actor, batch.unit, batch.rows, batch.decisions, batch.headers).outcomes()
    with transaction.atomic():
        writer = WRITERS[batch.kind](actor, batch.unit, batch.rows, batch.headers)
        outcomes = run_each(batch.rows, writer)
        transaction.set_rollback(True)  # the check writes nothing
    return outcomes


def _counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = Counter(outcome.action for outcome in outcomes)
    return {"rows": sum(counts.values()), **{action: counts.get(action, 0) for action in RowAction.values}}


# --- decisions and applying -----------------------------------------------------------------------------------


def _editable(batch: ImportBatch) -> None:
    if batch.status != ImportStatus.CHECKED:
        raise ValidationError(
            _("This import is %(status)s: it cannot be changed now.") % {"status": batch.get_status_display().lower()}
        )


@transaction.atomic
def import_decide(*, actor: User, batch: ImportBatch, decisions: dict[str, str]) -> ImportBatch:
    """Record for each possible match whether it is one of the registered people named (`confirm` where there is
    one, or that person's id) or another person (`reject`), and check the rows again."""
    _require(actor, Capability.IMPORT_RECORDS, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _editable(batch)
    candidates = {
        str(entry["row"]): {str(c["id"]) for c in entry.get("candidates", [])}
        for entry in batch.preview
        if entry.get("action") == RowAction.MATCH
    }
    decided = set(batch.decisions)
    for row, decision in decisions.items():
        row = str(row)
        if row not in candidates and row not in decided:
            raise ValidationError(_("Row %(row)s has no possible match to decide on.") % {"row": row})
        named = candidates.get(row, set())
        if decision not in Decision.values and decision not in named:
            raise ValidationError(_("Answer “same person” or “another person”."))
        if decision == Decision.CONFIRM and len(named) > 1:
            raise ValidationError(_("Row %(row)s may be several registered people: say which one.") % {"row": row})
    batch.decisions = {**batch.decisions, **{str(row): decision for row, decision in decisions.items()}}
    batch.status, batch.progress = ImportStatus.QUEUED, 0
    batch.save(update_fields=["decisions", "status", "progress"])
    _queue_check(batch)
    return batch


@transaction.atomic
def import_apply_request(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the writing of a checked import without errors or undecided matches."""
    from donghanh.imports.tasks import import_apply_run  # the task module imports this one

    _require(actor, Capability.IMPORT_RECORDS, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _editable(batch)
    if batch.count(RowAction.ERROR):
        raise ValidationError(
            _(
                "%(count)s rows have errors. Correct them in the file and upload it again: nothing is written while "
                "any row is wrong."
            )
            % {"count": batch.count(RowAction.ERROR)}
        )
    if batch.count(RowAction.MATCH):
        raise ValidationError(
            _("Say for each of the %(count)s possible matches whether it is the same person.")
            % {"count": batch.count(RowAction.MATCH)}
        )
    batch.status, batch.progress, batch.message = ImportStatus.APPLYING, 10, ""
    batch.save(update_fields=["status", "progress", "message"])
    transaction.on_commit(lambda: import_apply_run.enqueue(batch.pk, actor.pk))
    return batch


def import_apply(batch_id: int, actor_id: int) -> str:
    """Write every row of import `batch_id` in one transaction, or nothing (the task worker's part)."""
    batch = ImportBatch.objects.select_related("unit").get(pk=batch_id)
    if batch.status != ImportStatus.APPLYING:
        return "skipped"
    actor = User.objects.get(pk=actor_id)
    with translation.override(batch.language):
        try:
            _apply(batch, actor)
        except Refused as refused:
            by_row = {outcome.row: outcome for outcome in refused.outcomes}
            batch.preview = [
                by_row[entry["row"]].as_json() if entry["row"] in by_row else entry for entry in batch.preview
            ]
            batch.counts = _counts(
                Outcome(entry["row"], entry.get("action", RowAction.UNCHANGED)) for entry in batch.preview
            )
            message = _(
                "Nothing was written: %(count)s rows were refused when applying. Correct them in the file "
                "and upload it again."
            ) % {"count": len(refused.outcomes)}
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.CHECKED, preview=batch.preview, counts=batch.counts, message=message, progress=100
            )
        except Exception:
            logger.exception("Import %s (%s) could not be applied", batch.pk, batch.file_name)
            message = _("The import could not be applied. Nothing was written. Try again, or ask the administrator.")
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKED, message=message, progress=100)
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


def _apply(batch: ImportBatch, actor: User) -> None:
    with transaction.atomic(), writes_collected() as writes:
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch.pk)
        started = timezone.now()
        if batch.kind == ImportKind.PEOPLE:
            plan = plan_people(actor, batch.unit, batch.rows, batch.decisions, batch.headers)
            outcomes = plan.outcomes()
            refused = [o for o in outcomes if o.action in (RowAction.ERROR, RowAction.MATCH)]
            if not refused:
                refused = apply_people(actor, plan)
        else:
            writer = WRITERS[batch.kind](actor, batch.unit, batch.rows, batch.headers)
            outcomes = run_each(batch.rows, writer)
            refused = [o for o in outcomes if o.action == RowAction.ERROR]
        if refused:
            raise Refused(refused)
        finished = timezone.now()
        created, updated = Writes.listed(writes.created), Writes.listed(writes.updated)
        counts = _counts(outcomes)
        if not created and not updated:
            batch.message = _("Nothing changed: every row of the file is in the system already.")
        batch.preview = [outcome.as_json() for outcome in outcomes]
        batch.counts, batch.status, batch.progress = counts, ImportStatus.APPLIED, 100
        batch.applied_at, batch.applied_by = finished, actor
        batch.rows = []  # what each row did is in the preview; the values (identifiers among them) are not kept
        batch.result = {
            "started": started.isoformat(),
            "created": created,
            "updated": updated,
            "deleted": Writes.listed(writes.deleted),
        }
        batch.save()


# --- files not applied are not kept ----------------------------------------------------------------------------


def imports_delete_expired() -> int:
    """Delete the imports never applied, `IMPORT_KEPT_DAYS` after their upload: they wrote nothing, and what they
    read (names, identifiers) is not kept for longer than the officer needs to correct and apply a file."""
    days = settings.IMPORT_KEPT_DAYS
    expired = ImportBatch.objects.filter(
        applied_at__isnull=True, created__lt=timezone.now() - datetime.timedelta(days=days)
    ).exclude(status=ImportStatus.APPLYING)
    deleted, _kinds = expired.delete()
    return deleted


# --- what an import wrote, and undoing it ---------------------------------------------------------------------


def changed_since(batch: ImportBatch) -> list[str]:
    """Why the import can no longer be undone: what changed since, or what was added to what it created."""
    assert batch.applied_at is not None
    created: dict[str, list[int]] = batch.result.get("created", {})
    updated: dict[str, list[int]] = batch.result.get("updated", {})
    reasons = []
    if batch.result.get("deleted"):
        reasons.append(_("The import deleted records, which undoing cannot bring back."))
    for label, ids in [*created.items(), *updated.items()]:
        model = apps.get_model(label)
        pk = model._meta.pk.attname
        for chunk in chunks(ids, IN_CHUNK):
            later = model.history.filter(**{f"{pk}__in": chunk}, history_date__gt=batch.applied_at)
            if later.exists():
                reasons.append(
                    _("%(records)s brought in or changed by the import were changed since.")
                    % {"records": str(model._meta.verbose_name_plural).capitalize()}
                )
                break
    for label, ids in created.items():
        model = apps.get_model(label)
        for relation in model._meta.related_objects:
            other = relation.related_model
            if not hasattr(other, "history") or (not relation.concrete and not relation.one_to_many):
                continue
            ours = set(created.get(other._meta.label, []))
            name = relation.field.name
            for chunk in chunks(ids, IN_CHUNK):
                pointing = other._default_manager.filter(**{f"{name}__in": chunk}).values_list("pk", flat=True)
                if any(pk not in ours for pk in pointing.iterator()):
                    reasons.append(
                        _("%(records)s were added since to what the import brought in.")
                        % {"records": str(other._meta.verbose_name_plural).capitalize()}
                    )
                    break
    return sorted(set(reasons))


def _deletion_order(labels: Iterable[str]) -> list[type[models.Model]]:
    """The models in an order where a row is deleted before the rows it points at."""
    remaining = {apps.get_model(label) for label in labels}
    order = []
    while remaining:
        pointed_at = {
            field.related_model
            for model in remaining
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not model
        }
        free = [model for model in remaining if model not in pointed_at] or list(remaining)
        order += sorted(free, key=lambda model: model._meta.label)
        remaining -= set(free)
    return order


def _undoable(batch: ImportBatch, *statuses: str) -> None:
    if batch.status not in statuses:
        raise ValidationError(_("Only an applied import can be undone."))
    reasons = changed_since(batch)
    if reasons:
        raise ValidationError([_("This import can no longer be undone:"), *reasons])


@transaction.atomic
def import_undo_request(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Check that the import can be undone, and queue the undoing: the task worker's, as a large import takes longer
    than a request may."""
    from donghanh.imports.tasks import import_undo_run  # the task module imports this one

    _require(actor, Capability.UNDO_IMPORTS, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _undoable(batch, ImportStatus.APPLIED)
    batch.status, batch.progress, batch.message = ImportStatus.UNDOING, 10, ""
    batch.save(update_fields=["status", "progress", "message"])
    transaction.on_commit(lambda: import_undo_run.enqueue(batch.pk, actor.pk))
    return batch


def import_undo_queued(batch_id: int, actor_id: int) -> str:
    """Undo import `batch_id` for the user `actor_id` (the task worker's part); refused, it stays applied and says
    why."""
    batch = ImportBatch.objects.select_related("unit").get(pk=batch_id)
    if batch.status != ImportStatus.UNDOING:
        return "skipped"
    with translation.override(batch.language):
        try:
            import_undo(actor=User.objects.get(pk=actor_id), batch=batch)
        except (ValidationError, PermissionDenied) as refused:
            message = " ".join(getattr(refused, "messages", [str(refused)]))
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED, message=message, progress=100)
        except Exception:
            logger.exception("Import %s (%s) could not be undone", batch.pk, batch.file_name)
            message = _("The import could not be undone. Nothing was changed. Try again, or ask the administrator.")
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED, message=message, progress=100)
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


@transaction.atomic
def import_undo(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Delete what the import created and put back what it changed, with history naming `actor`."""
    _require(actor, Capability.UNDO_IMPORTS, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _undoable(batch, ImportStatus.APPLIED, ImportStatus.UNDOING)
    reason = _("import %(file)s undone") % {"file": batch.file_name}
    started = datetime.datetime.fromisoformat(batch.result["started"])
    for label, ids in batch.result.get("updated", {}).items():
        model = apps.get_model(label)
        for record in (r for chunk in chunks(ids, IN_CHUNK) for r in model._default_manager.filter(pk__in=chunk)):
            before = (
                model.history.filter(**{model._meta.pk.attname: record.pk}, history_date__lt=started)
                .order_by("-history_date", "-history_id")
                .first()
            )
            if before is None:
                continue
            for field in model.history.model.tracked_fields:
                if field.attname not in (model._meta.pk.attname, "version"):
                    setattr(record, field.attname, getattr(before, field.attname))
            recorded_save(record, actor, reason=reason)
    for model in _deletion_order(batch.result.get("created", {})):
        recorded_bulk_delete(model, batch.result["created"][model._meta.label], actor, reason=reason)
    batch.status, batch.undone_at, batch.undone_by = ImportStatus.UNDONE, timezone.now(), actor
    batch.progress = 100
    batch.save(update_fields=["status", "undone_at", "undone_by", "progress"])
    return batch
