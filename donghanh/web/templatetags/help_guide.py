"""`{% shot "tnv-home" "Trang chủ" %}`: a screenshot of the user guide, from `web/static/help/`.

The browser test `web/tests/browser/test_help_screenshots.py` takes every shot the guide's templates name, so a
guide cannot show a missing or stale one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import template
from django.templatetags.static import static

register = template.Library()

SHOT_DIR = Path(__file__).resolve().parent.parent / "static" / "help"
SHOT_SUFFIX = ".png"


@register.inclusion_tag("web/help/_shot.html")
def shot(name: str, caption: str, *, wide: bool = False) -> dict[str, Any]:
    """A screenshot with its caption; `wide` for a desktop page, otherwise a phone's width."""
    return {"src": static(f"help/{name}{SHOT_SUFFIX}"), "caption": caption, "wide": wide}
