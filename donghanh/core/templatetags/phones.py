"""Phone numbers as links a phone dials with one tap (`tel:`), written as they were typed."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def dial_string(number: str) -> str:
    """What a `tel:` link carries: the digits, with a leading + kept (0912 345.678 → 0912345678)."""
    number = number.strip()
    digits = re.sub(r"\D", "", number)
    return f"+{digits}" if number.startswith("+") else digits


@register.filter
def phone_link(number: str | None) -> SafeString | str:
    """A link to call `number`; "—" when there is none. A text with no digit stays text."""
    if not number:
        return "—"
    dial = dial_string(str(number))
    if not dial.strip("+"):
        return str(number)
    return format_html('<a href="tel:{}" class="text-nowrap" data-testid="tel">{}</a>', dial, number)
