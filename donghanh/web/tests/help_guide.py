"""What the guide's templates show: the screenshots they name with `{% shot "name" … %}`."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "web" / "help"
SHOT_TAG = re.compile(r"""\{%\s*shot\s+["']([\w-]+)["']""")


def referenced_shots() -> set[str]:
    return {name for path in TEMPLATES.rglob("*.html") for name in SHOT_TAG.findall(path.read_text(encoding="utf-8"))}
