"""Render the permission matrix (role by capability) as Markdown, or write it to docs/permissions.md."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from donghanh.accounts.matrix_doc import render_matrix_markdown

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Print the permission matrix as Markdown; --write saves it to docs/permissions.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Write docs/permissions.md instead of printing.")

    def handle(self, *args: Any, write: bool = False, **options: Any) -> None:
        text = render_matrix_markdown()
        if write:
            DOC_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOC_PATH}")
        else:
            self.stdout.write(text, ending="")
