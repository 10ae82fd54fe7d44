"""Reads on a PostgreSQL streaming replica, writes and the reads that follow them on the primary.

Installed only when `DATABASE_REPLICA_URL` names a replica (config/settings/base.py adds the `replica` alias,
the router and the middleware); without it there is one database and none of this runs.

What may read from the replica is decided per request, and nothing else does:

- a GET, HEAD or OPTIONS request (the pages, the lists, the reports and the API's reads) reads from the
  replica, unless the browser carries the pin cookie: a request that could write (POST, PUT, PATCH, DELETE)
  sets it, so the pages a user opens in the few seconds after saving something read the primary and show it
  even while the replica is catching up;
- the first write of a request (an access-log entry on a person page, a session saved) pins the rest of that
  request to the primary, and so does every read inside a transaction on the primary;
- outside a request (the task worker, management commands, the shell) every read goes to the primary, since
  a task reads and writes in one flow; a long read-only job may opt in with `replica_reads()`.

Migrations run on the primary only; the replica receives them through replication.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA_DB_ALIAS = "replica"
# The cookie that keeps a browser's reads on the primary after it wrote.
PIN_COOKIE = "donghanh_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Reads:
    """What the current request may read from: the replica until its first write."""

    replica: bool


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("donghanh_replica_reads", default=None)


def replica_allowed() -> bool:
    """True when a read may go to the replica now: allowed for this request (or block) and nothing written yet."""
    reads = _reads.get()
    return reads is not None and reads.replica


def pin_to_primary() -> None:
    """Send the rest of the current request's reads to the primary (the router calls it on every write)."""
    reads = _reads.get()
    if reads is not None:
        reads.replica = False


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Within the block, reads may go to the replica (until a write); `allowed=False` keeps them on the primary.

    The middleware wraps each request in it; a read-only job outside a request (an export task) may use it too.
    """
    token = _reads.set(_Reads(replica=allowed))
    try:
        yield
    finally:
        _reads.reset(token)


class ReplicaRouter:
    """Reads to the replica when the current request allows it, everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Inside a transaction on the primary a read must see what the transaction wrote.
        if replica_allowed() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        pin_to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """The replica holds the primary's rows: a row read from one may point to a row read from the other."""
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaPinningMiddleware:
    """Decides for each request whether its reads may go to the replica, and pins a browser after it writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        with replica_reads(allowed=safe and PIN_COOKIE not in request.COOKIES):
            response = self.get_response(request)
        if not safe:
            # Longer than the replica usually lags behind; renewed by every further write.
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
