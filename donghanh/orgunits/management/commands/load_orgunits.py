"""Load (or refresh) the organisation tree from the `vietnam-provinces` package."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from donghanh.orgunits.services import orgunits_load


class Command(BaseCommand):
    help = "Load the current (34 provinces, 3,321 communes) and legacy (63/696/10,051) trees; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="Only this province code (both trees); repeatable.",
        )

    def handle(self, *args: Any, provinces: list[str] | None = None, **options: Any) -> None:
        import vietnam_provinces

        started = time.perf_counter()
        result = orgunits_load(province_codes=set(provinces) if provinces else None)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Organisation tree (vietnam-provinces {vietnam_provinces.__version__}, data of "
            f"{vietnam_provinces.__data_version__}): {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.successions_created} successions added in {elapsed:.1f}s."
        )
        for key, count in sorted(result.counts.items()):
            self.stdout.write(f"  {key}: {count}")
