"""Inserting many rows without Django's per-row work: COPY on PostgreSQL, one prepared statement per batch
elsewhere. For derived rows (the status rows) and synthetic data, which need no ids back and no signals, and for
records written with their history by thousands (an import, `insert_with_history`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models
from django.utils import timezone

from donghanh.core.crypto import EncryptedMixin

BATCH = 5000
# Values in one `IN (…)`: SQLite builds allow 32,766 or 250,000 parameters a statement, and an import reads 50,000 rows.
IN_CHUNK = 10_000
# Values of these fields go to the database as they are: preparing them through the field is most of the time
# of a large insert, and changes nothing.
PLAIN_TYPES = frozenset(
    {"CharField", "TextField", "SlugField", "BooleanField", "DateField", "ForeignKey", "IntegerField",
     "SmallIntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
     "PositiveBigIntegerField"}
)  # fmt: skip


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def rows_insert(
    model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]], using: str
) -> int:
    """Insert `rows` (each the values of `fields`, in their order) into `model`'s table; returns how many."""
    connection = connections[using]
    # An encrypted field says "TextField" too, and must go through the field to be encrypted.
    kinds = [
        (field, field.get_internal_type() in PLAIN_TYPES and not isinstance(field, EncryptedMixin)) for field in fields
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    count = 0
    with connection.cursor() as cursor:
        for batch in chunks(rows, BATCH):
            params = [
                [value if plain else field.get_db_prep_save(value, connection)
                 for (field, plain), value in zip(kinds, row, strict=True)]
                for row in batch
            ]  # fmt: skip
            if connection.vendor == "postgresql":  # COPY is several times faster than INSERT there
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)
            count += len(params)
    return count


def insert_with_history(objs: Sequence[models.Model], actor: Any, reason: str = "", *, using: str) -> None:
    """Insert `objs` (of one model, validated) and one history row each naming `actor`; sets their ids.

    On PostgreSQL the ids are drawn from the table's sequence first, then both tables are written with COPY, several
    times faster than `bulk_create_with_history` for thousands of rows; elsewhere it is that function.
    """
    from simple_history.utils import bulk_create_with_history

    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        bulk_create_with_history(objs, model, batch_size=1000, default_user=actor, default_change_reason=reason or None)
        return
    history = model.history.model  # type: ignore[attr-defined]
    table, pk = model._meta.db_table, model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk.column, len(objs)]
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
    fields = list(model._meta.concrete_fields)
    rows_insert(model, fields, ([field.pre_save(obj, True) for field in fields] for obj in objs), using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    tracked = [field.attname for field in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    history_fields = [history._meta.get_field(name) for name in tracked] + [
        history._meta.get_field(name.removesuffix("_id")) for name in extra
    ]
    now = timezone.now()
    rows_insert(
        history,
        history_fields,
        ([getattr(obj, name) for name in tracked] + [now, reason or None, "+", getattr(actor, "pk", None)]
         for obj in objs),
        using,
    )  # fmt: skip
