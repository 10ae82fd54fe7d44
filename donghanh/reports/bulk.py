"""Inserting many rows without making model instances: COPY on PostgreSQL, one prepared statement per batch
elsewhere. For derived rows (the status rows) and synthetic data, which need no ids back and no signals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models

from donghanh.core.crypto import EncryptedMixin

BATCH = 5000
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
