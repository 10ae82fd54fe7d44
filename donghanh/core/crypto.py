"""Encryption at rest of identifiers and free text, and keyed hashes to find a record by one of them.

A value is kept as a Fernet token (AES-128-CBC with an HMAC-SHA256 tag, from the `cryptography`
package): authenticated, so a token changed in the database is refused rather than read as
something else. The keys come from `settings.FIELD_ENCRYPTION_KEYS`, newest first: new values are
encrypted with the first, every key in the list decrypts, and `manage.py encryption_rotate`
re-encrypts what is stored with the newest, after which the old key can leave the list.

An encrypted column cannot be searched. Where a record is looked up by an identifier (a CCCD, a
phone number), a `LookupHashField` beside it keeps an HMAC-SHA256 of the normalised value under
`settings.FIELD_LOOKUP_KEY`, and lookups and uniqueness go through that column.

An empty value stays empty, so "has no phone" remains a plain filter.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.lookups import Exact

TOKEN_PREFIX = "gAAAAA"  # a Fernet token's version byte and the top of its timestamp, base64-encoded


class UnreadableValue(Exception):
    """A stored value that none of the keys decrypts: a key left the list too early, or the row was tampered with."""


def key_generate() -> str:
    return Fernet.generate_key().decode()


def keys_check(keys: Iterable[str]) -> list[str]:
    """The keys as given, or ImproperlyConfigured naming the first that is not a Fernet key."""
    checked = [key.strip() for key in keys if key.strip()]
    if not checked:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must name at least one key (newest first).")
    for position, key in enumerate(checked, start=1):
        try:
            Fernet(key)
        except (ValueError, binascii.Error) as error:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes, URL-safe base64): {error}"
            ) from None
    return checked


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys_check(keys)])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    if not text:
        return text
    return _current().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return token
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UnreadableValue("a stored value is not readable with any of FIELD_ENCRYPTION_KEYS") from error


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    if not token:
        return token
    return _current().rotate(token.encode("ascii")).decode("ascii")


def lookup_hash(normalised: str) -> str:
    """The keyed hash of a normalised identifier, as 64 hex digits; "" for no identifier."""
    if not normalised:
        return ""
    key = settings.FIELD_LOOKUP_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def lookup_key_check(key: str) -> str:
    if len(key) < 32:
        raise ImproperlyConfigured("FIELD_LOOKUP_KEY must be a random value of at least 32 characters.")
    return key


# --- normalisers: what two spellings of one identifier have in common ---------------------------------------------


def digits_only(value: str) -> str:
    """A CCCD or an old ID number typed with spaces or dots: its digits."""
    return re.sub(r"\D", "", value or "")


def phone_digits(value: str) -> str:
    """A Vietnamese phone number as its national digits: +84 912…, 84912…, 0912… are one number."""
    digits = digits_only(value)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


NORMALISERS: dict[str, Callable[[str], str]] = {"digits": digits_only, "phone": phone_digits}


def lookup_hash_of(value: str, normaliser: str) -> str:
    return lookup_hash(NORMALISERS[normaliser](value))


# --- model fields -----------------------------------------------------------------------------------------------------


class EmptyOnlyExact(Exact):
    """`field=""` on an encrypted field; any other value is refused, since its token would never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError('An encrypted field is compared only with ""; find a value through its lookup hash.')
        return super().get_prep_lookup()


class EncryptedMixin:
    """A text field kept encrypted; Python sees the plain text, the database a token.

    The column is `text` whatever the field's `max_length`, which bounds the plain text (forms,
    the API, `full_clean`). Only `exact` (against "") and `isnull` are lookups: a token changes on
    every write, so any other comparison would silently find nothing.
    """

    encrypted = True
    allowed_lookups = frozenset({"exact", "isnull"})

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in self.allowed_lookups:
            raise FieldError(f"An encrypted field cannot be searched with {lookup_name!r}; use its lookup hash.")
        if lookup_name == "exact":
            return EmptyOnlyExact
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if isinstance(value, str) and value:
            return encrypt(value)
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and value:
            return decrypt(value)
        return value


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[type-arg]
    """A short identifier or address line, encrypted (the form shows a one-line input)."""


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """Free text, encrypted."""


class EncryptedJSONField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """A JSON value (lists, objects, text, numbers) kept encrypted as one token: rows read from an uploaded file."""

    def get_prep_value(self, value: Any) -> Any:
        return encrypt(json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return json.loads(decrypt(value)) if isinstance(value, str) and value else value

    def to_python(self, value: Any) -> Any:
        return value


def encrypt_bytes(data: bytes) -> bytes:
    """A file kept encrypted, for the time the task worker needs it."""
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except InvalidToken as error:
        raise UnreadableValue("a stored file is not readable with any of FIELD_ENCRYPTION_KEYS") from error


class LookupHashField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of another field of the record, set whenever the record is saved.

    `source` names the field, `normaliser` a key of `NORMALISERS`. Derived like `auto_now`: no
    write path can forget it (`bulk_create` too); a queryset `update()` of the source must set it.
    """

    def __init__(self, *args: Any, source: str, normaliser: str, **kwargs: Any) -> None:
        self.source = source
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        for default, key in ((64, "max_length"), (False, "editable"), (True, "blank"), (True, "db_index")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = lookup_hash_of(getattr(model_instance, self.source) or "", self.normaliser)
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


def encrypt_stored(apps: Any, schema_editor: Any, *, table: str, columns: Iterable[str], pk: str = "id") -> None:
    """A migration step: encrypt, in place, the plain values a column kept before it was encrypted.

    It reads and writes the raw column, so it runs whatever the field's class says, and leaves
    tokens already there alone (a migration run twice changes nothing). `pk` is the table's key
    column (`history_id` for a history table).
    """
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for column in columns:
            cursor.execute(f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
            rows = [(pk, value) for pk, value in cursor.fetchall() if value and not is_token(value)]
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",
                [(encrypt(value), pk) for pk, value in rows],
            )


def key_from_text(text: str) -> str:
    """A Fernet key derived from any text (for test settings, where a fixed key is wanted)."""
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()


def encrypt_app_stored(app_label: str) -> Callable[[Any, Any], None]:
    """A migration's RunPython step: encrypt the plain values of every encrypted column of the app's tables.

    It reads the fields from the migration's state of the models, history tables included.
    """

    def run(apps: Any, schema_editor: Any) -> None:
        for model in apps.get_app_config(app_label).get_models():
            columns = [str(field.column) for field in encrypted_fields(model)]
            if columns:
                encrypt_stored(
                    apps, schema_editor, table=model._meta.db_table, columns=columns, pk=model._meta.pk.column
                )

    return run


def hash_stored(*, table: str, source: str, target: str, normaliser: str, pk: str = "id") -> Callable[[Any, Any], None]:
    """A migration's RunPython step: fill a lookup-hash column from its source column, plain or encrypted."""

    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(pk)}, {quote(source)} FROM {quote(table)} WHERE {quote(source)} <> ''")
            rows = [(pk_value, decrypt(value) if is_token(value) else value) for pk_value, value in cursor.fetchall()]
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(target)} = %s WHERE {quote(pk)} = %s",
                [(lookup_hash_of(value, normaliser), pk_value) for pk_value, value in rows],
            )

    return run


def rotate_stored(*, batch: int = 2000) -> dict[str, int]:
    """Re-encrypt every stored value with the newest key, table by table, a batch of rows per transaction.

    Returns the values re-encrypted per table. A value that no key decrypts stops it with
    UnreadableValue, before that batch is written: nothing is half-rotated.
    """
    from django.apps import apps
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    done: dict[str, int] = {}
    for model in apps.get_models():
        columns = [str(field.column) for field in encrypted_fields(model)]
        if not columns or model._meta.proxy or model._meta.pk is None:
            continue
        table, pk = model._meta.db_table, str(model._meta.pk.column)
        select = ", ".join(quote(column) for column in columns)
        assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
        count, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = f"WHERE {quote(pk)} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {quote(pk)}, {select} FROM {quote(table)} {after}ORDER BY {quote(pk)} LIMIT %s",
                    [last, batch] if last is not None else [batch],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                changed = []
                for pk_value, *values in rows:
                    if any(values):
                        try:
                            rotated = [rotate(value) if value and is_token(value) else value for value in values]
                        except InvalidToken as error:
                            raise UnreadableValue(f"{table} row {pk_value}: no key decrypts it") from error
                        changed.append((*rotated, pk_value))
                        count += sum(1 for value in values if value)
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",
                    changed,
                )
                last = rows[-1][0]
        done[table] = count
    return done
