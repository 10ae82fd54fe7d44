from pathlib import Path

from django.conf import settings

from donghanh.accounts.matrix_doc import render_matrix_markdown
from donghanh.accounts.permissions import MATRIX, Capability
from donghanh.accounts.roles import ROLE_LEVELS, Role


def test_docs_permission_matrix_matches_code():
    doc = Path(settings.BASE_DIR, "docs", "permissions.md").read_text(encoding="utf-8")
    assert doc == render_matrix_markdown(), "run `manage.py permission_matrix --write` and commit the result"


def test_every_capability_and_role_is_in_the_matrix():
    assert set(MATRIX) == set(Capability)
    assert set(ROLE_LEVELS) == set(Role)
    assert all(MATRIX[c] <= set(Role) for c in Capability)
