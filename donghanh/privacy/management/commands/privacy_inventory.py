"""Render the inventory of personal data (docs/privacy.md) from the models, or write it there."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from donghanh.privacy.inventory import render_inventory_markdown

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "privacy.md"


class Command(BaseCommand):
    help = "Print the inventory of personal data as Markdown; --write saves it to docs/privacy.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Write docs/privacy.md instead of printing.")

    def handle(self, *args: Any, write: bool = False, **options: Any) -> None:
        text = render_inventory_markdown()
        if write:
            DOC_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOC_PATH}")
        else:
            self.stdout.write(text, ending="")
