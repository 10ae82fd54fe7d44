"""Change history: django-simple-history, with one refinement."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import router
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from simple_history.models import HistoricalRecords

from donghanh.core.bulk import IN_CHUNK, chunks, insert_with_history
from donghanh.core.versions import version_next


class History(HistoricalRecords):
    """HistoricalRecords that writes nothing for saves touching only `quiet_fields`.

    A login saves `last_login`; recording every login as a change of the account would bury
    the real changes.
    """

    def __init__(self, *args: Any, quiet_fields: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quiet_fields = frozenset(quiet_fields)

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= self.quiet_fields:
            return
        super().post_save(instance, created, using=using, **kwargs)


def recorded_save(instance: Any, actor: Any, reason: str | None = None) -> None:
    """Validate and save a model instance, its history row naming the actor (and the reason, if any).

    A versioned record that exists already is saved as its next version (`core.versions`).
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    version_next(instance)
    instance.save()


# Records written many at once (an import) send no post_save per row: they send this once per batch instead, with
# the people the rows are about, so that whatever follows a person's records (the reports' monthly rows) still hears.
records_saved_in_bulk = Signal()  # sender: the model; person_ids: list[int]; using: str


def recorded_bulk_create(objs: list[Any], actor: Any, *, person_ids: Iterable[int] = (), reason: str = "") -> list[Any]:
    """Insert `objs` of one model with their history rows naming `actor`; returns them with their ids.

    The caller has validated them as `recorded_save` would (`clean_fields()` and the service's own rules); nothing
    per row reaches the database beyond the inserts. `person_ids`: the people the rows are about, announced through
    `records_saved_in_bulk`.
    """
    if not objs:
        return objs
    model = type(objs[0])
    # A relation is set from a record in hand: checking that it exists would be a query per row.
    relations = [field.name for field in model._meta.concrete_fields if field.is_relation]
    for obj in objs:
        obj.clean_fields(exclude=relations)
    using = router.db_for_write(model)
    insert_with_history(objs, actor, reason, using=using)
    if (writes := _writes.get()) is not None:
        for obj in objs:
            writes.add(model, obj.pk, "created")
    people = sorted(set(person_ids))
    if people:
        records_saved_in_bulk.send(sender=model, person_ids=people, using=using)
    return objs


def recorded_bulk_delete(model: type[Any], ids: Iterable[int], actor: Any, *, reason: str = "") -> int:
    """Delete the rows `ids` of `model` with a deletion history row each naming `actor`; returns how many.

    The rows are deleted by one statement, without Django's cascade: the caller deletes what points at them first
    (an import undone deletes measures before people). Announces the people concerned like `recorded_bulk_create`.
    """
    return sum(_bulk_delete(model, chunk, actor, reason) for chunk in chunks(ids, IN_CHUNK))


def _bulk_delete(model: type[Any], ids: list[int], actor: Any, reason: str) -> int:
    rows = list(model._default_manager.filter(pk__in=ids))
    if not rows:
        return 0
    history = model.history.model
    now = timezone.now()
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_user=actor,
                history_change_reason=reason or None,
                history_type="-",
                **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
            )
            for row in rows
        ],
        batch_size=1000,
    )
    using = router.db_for_write(model)
    person_field = "id" if model._meta.label == "people.Person" else "person_id"
    people = {getattr(row, person_field) for row in rows if hasattr(row, person_field)}
    deleted = model._default_manager.filter(pk__in=[row.pk for row in rows])._raw_delete(using)
    if people:
        records_saved_in_bulk.send(sender=model, person_ids=sorted(people), using=using)
    return int(deleted)


@dataclass
class Writes:
    """The records with a change history created and changed while `writes_collected()` runs, by model label."""

    created: dict[str, set[int]] = field(default_factory=dict)
    updated: dict[str, set[int]] = field(default_factory=dict)
    deleted: dict[str, set[int]] = field(default_factory=dict)

    def add(self, model: Any, pk: int, kind: str) -> None:
        label = model._meta.label
        if kind == "updated" and pk in self.created.get(label, set()):
            return  # made by the same work: it is new, not changed
        getattr(self, kind).setdefault(label, set()).add(pk)

    @staticmethod
    def listed(written: dict[str, set[int]]) -> dict[str, list[int]]:
        return {label: sorted(ids) for label, ids in sorted(written.items())}


_writes: ContextVar[Writes | None] = ContextVar("writes", default=None)


@contextmanager
def writes_collected() -> Iterator[Writes]:
    """Collect what this thread writes meanwhile (saves, deletes, `recorded_bulk_create`): an import's own writes,
    whatever else the same user does elsewhere at the same time."""
    writes = Writes()
    token = _writes.set(writes)
    try:
        yield writes
    finally:
        _writes.reset(token)


def _saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    writes = _writes.get()
    if writes is not None and not raw:
        writes.add(sender, instance.pk, "created" if created else "updated")


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    writes = _writes.get()
    if writes is not None:
        writes.add(sender, instance.pk, "deleted")


def writes_connect() -> None:
    """Called from the core app's `ready()`, once every app's models are loaded.

    Connected to the models with a change history only: those already have simple_history's receivers, so their
    deletes were never fast. A receiver for every model would make Django fetch each row it deletes (the reports'
    derived rows are deleted by thousands).
    """
    from django.apps import apps

    for model in apps.get_models():
        if hasattr(model, "history") and hasattr(model.history, "model"):
            label = model._meta.label
            post_save.connect(_saved, sender=model, dispatch_uid=f"history:writes:{label}:save")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"history:writes:{label}:delete")
