"""Money as officials write it: 1.500.000 ₫, whatever the interface language."""

from __future__ import annotations

from django import template

register = template.Library()


def vnd_text(amount: int | None) -> str:
    """`1500000` → "1.500.000 ₫"; nothing → "—". Dong have no subunit, so the amount is whole."""
    if amount is None:
        return "—"
    return f"{int(amount):,} ₫".replace(",", ".")


@register.filter
def vnd(amount: int | None) -> str:
    return vnd_text(amount)
