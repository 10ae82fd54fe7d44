"""Writes to the audit log."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from donghanh.audit.models import AccessLogEntry
from donghanh.core.http import client_ip


def access_log_record(
    *,
    actor: Any,
    obj: models.Model,
    action: str = AccessLogEntry.Action.VIEW,
    detail: str = "",
    unit: Any = None,
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Record that `actor` viewed or exported the sensitive record `obj`.

    Later modules call this wherever sensitive data (health, tests, addiction status, legal
    history) is shown or exported. `unit` is the unit the record belongs to, so auditors see
    the entries of their own subtree.
    """
    [entry] = access_log_record_many(actor=actor, records=[(obj, unit)], action=action, detail=detail, request=request)
    return entry


def access_log_record_many(
    *,
    actor: Any,
    records: Iterable[tuple[models.Model, Any]],
    action: str = AccessLogEntry.Action.VIEW,
    detail: str = "",
    request: HttpRequest | None = None,
) -> list[AccessLogEntry]:
    """Record that `actor` saw several sensitive records at once (a page of a list), in one query.

    `records` pairs each record with the unit it belongs to; each record is logged once, with the
    same fields as `access_log_record`.
    """
    user = actor if getattr(actor, "pk", None) else None
    username = getattr(actor, "username", "") or ""
    ip_address = client_ip(request) if request is not None else None
    entries: list[AccessLogEntry] = []
    seen: set[tuple[type[models.Model], Any]] = set()
    for obj, unit in records:
        if (type(obj), obj.pk) in seen:
            continue
        seen.add((type(obj), obj.pk))
        entries.append(
            AccessLogEntry(
                user=user,
                username=username,
                action=action,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                detail=detail[:200],
                unit=unit,
                ip_address=ip_address,
            )
        )
    return AccessLogEntry.objects.bulk_create(entries) if entries else []
