"""The permission matrix as a Markdown document, rendered from `permissions.MATRIX`."""

from django.utils import translation

from donghanh.accounts.permissions import CAPABILITY_LABELS, MATRIX, Capability
from donghanh.accounts.roles import ROLE_LEVELS, Role
from donghanh.core.levels import UnitLevel


def render_matrix_markdown() -> str:
    with translation.override("en"):
        roles = list(Role)
        lines = [
            "# Permission matrix",
            "",
            "Generated from `donghanh/accounts/permissions.py` by `manage.py permission_matrix --write`;",
            "a test fails when this file and the code disagree. A role held at a unit covers that unit's",
            "whole subtree; objects outside it answer 404.",
            "",
            "| capability | " + " | ".join(str(r.label) for r in roles) + " |",
            "|---|" + "---|" * len(roles),
        ]
        for capability in Capability:
            marks = ["✔" if role in MATRIX[capability] else "" for role in roles]
            lines.append(f"| {CAPABILITY_LABELS[capability]} (`{capability}`) | " + " | ".join(marks) + " |")
        lines += ["", "## Where each role is held", "", "| role | unit levels |", "|---|---|"]
        for role in roles:
            levels = ", ".join(str(UnitLevel(level).label) for level in sorted(ROLE_LEVELS[role]))
            lines.append(f"| {role.label} (`{role.value}`) | {levels} |")
        lines.append("")
    return "\n".join(lines)
