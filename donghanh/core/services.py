"""What every app's services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def check_fields(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse keyword fields a service does not take: a programming error, not a user's mistake."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
