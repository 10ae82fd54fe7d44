"""docs/privacy.md is the inventory generated from the models: kept equal by this test, and complete."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from donghanh.core.crypto import EncryptedMixin
from donghanh.privacy.export import personal_models
from donghanh.privacy.inventory import render_inventory_markdown


def test_docs_privacy_matches_the_models():
    doc = Path(settings.BASE_DIR, "docs", "privacy.md").read_text(encoding="utf-8")
    assert doc == render_inventory_markdown(), "run `manage.py privacy_inventory --write` and commit the result"


def test_the_command_prints_the_inventory():
    out = io.StringIO()
    call_command("privacy_inventory", stdout=out)
    assert out.getvalue() == render_inventory_markdown()


def test_every_personal_model_and_field_is_listed_with_how_it_is_stored():
    text = render_inventory_markdown()
    for pm in personal_models():
        assert f"### {pm.model._meta.label} — " in text
        section = text.split(f"### {pm.model._meta.label} — ", 1)[1].split("\n### ", 1)[0]
        for field in pm.model._meta.concrete_fields:
            if field.primary_key:
                continue
            stored = "encrypted" if isinstance(field, EncryptedMixin) else ""
            line = next(row for row in section.splitlines() if row.startswith(f"| `{field.name}` |"))
            assert line.endswith(f"| {stored} |") if stored else "| encrypted |" not in line
    assert "### accounts.User — " in text
    for heading in (
        "## Purposes and legal bases",
        "## Retention and anonymisation",
        "## Data-subject requests",
        "## Encryption at rest",
        "## Breach: detection and reporting (72 hours)",
        "## Inventory",
    ):
        assert heading in text
    assert "within 72 hours" in text.lower() and "A05" in text and "/audit/access-log/review/" in text


def test_who_sees_health_is_not_the_police():
    text = render_inventory_markdown()
    health = text.split("### people.HealthStatus — ", 1)[1].split("\n### ", 1)[0]
    assert "Who sees it: Commune officer, Health-station staff (`people.view_health`)" in health
    assert "5 years after leaving the roster" in health
