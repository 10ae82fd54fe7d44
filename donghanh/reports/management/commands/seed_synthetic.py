"""Fill provinces, or the whole country, with synthetic people and years of history, for the reports' benchmarks and
load tests."""

from __future__ import annotations

import argparse
import datetime
import operator
import time
from collections import Counter
from functools import reduce
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q

from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.reports.synthetic import (
    NATIONAL_COMMUNES,
    NATIONAL_PEOPLE,
    PERSON_PREFIX,
    Options,
    Share,
    code_prefix,
    real_people_count,
    synthetic_create,
    synthetic_people,
    synthetic_plan,
    synthetic_remove,
)

STEPS = (
    ("people", "people"),
    ("casework", "case work"),
    ("support", "support"),
    ("community", "community"),
    ("status", "monthly status rows"),
    ("commit", "commit"),
)


class Command(BaseCommand):
    help = (
        "Create synthetic people with years of history (measures, whereabouts, case work, support, community "
        "models) in some provinces or the whole country, bulk-inserted, one transaction per province; a province "
        "seeded again has its earlier synthetic rows replaced, the other provinces keep theirs. Refuses a database "
        "that holds real people unless --force. Load the units first: manage.py load_orgunits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Options()
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--provinces", "--province", default=None,
            help="Official codes of current provinces, comma-separated (default 48).",
        )  # fmt: skip
        where.add_argument("--country", action="store_true", help="Every current province.")
        parser.add_argument(
            "--people", type=int, default=None,
            help=f"How many people in all, split over the provinces by their communes (default: each province its "
            f"share of a national {NATIONAL_PEOPLE:,} over {NATIONAL_COMMUNES:,} communes).",
        )  # fmt: skip
        parser.add_argument(
            "--communes", type=int, default=None, help="Use each province's first N communes by code (default: all)."
        )
        parser.add_argument("--years", type=int, default=defaults.years, help="Years of history (default 5).")
        parser.add_argument("--seed", type=int, default=defaults.seed, help="The same seed gives the same data.")
        parser.add_argument(
            "--until", type=_date, default=None, help="Last day with data, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Write even though the database holds real (non-synthetic) people."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        real = real_people_count()
        if real and not options["force"]:
            raise CommandError(
                f"This database holds real people ({real:,} whose code does not start with {PERSON_PREFIX}): "
                "synthetic data would be mixed into their reports. Use a scratch database, or pass --force."
            )
        if any(options[name] is not None and options[name] < 1 for name in ("people", "communes")):
            raise CommandError("--people and --communes must be at least 1.")
        if options["country"] and options["provinces"]:
            raise CommandError("Give --country or --provinces, not both.")
        if options["years"] < 1:
            raise CommandError("--years must be at least 1.")
        codes = None if options["country"] else _codes(options["provinces"] or Options().province)
        try:
            shares = synthetic_plan(codes, options["people"], options["communes"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        missing = sorted(set(codes or ()) - {share.province.code for share in shares})
        if missing or not shares:
            raise CommandError(
                f"No current province {', '.join(missing)}: run manage.py load_orgunits first."
                if missing
                else "No current provinces: run manage.py load_orgunits first."
            )
        if any(share.people < 1 for share in shares):
            raise CommandError(f"--people must be at least the number of provinces ({len(shares)}).")
        if real:
            self.stdout.write(self.style.WARNING(f"Writing beside the real people ({real:,}) because of --force."))
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        timings: Counter[str] = Counter()
        for share in shares:
            covered = self._province(share, options, counts)
            timings.update({step: covered[step] for step, _ in STEPS})
        self._summary(shares, covered, time.perf_counter() - started, counts, timings)

    def _province(self, share: Share, options: dict[str, Any], counts: Counter[str]) -> dict[str, Any]:
        """One province in one transaction: its earlier synthetic rows out, the new ones in."""
        started = time.perf_counter()
        with transaction.atomic():
            removed = synthetic_remove(share.province)
            made, covered = synthetic_create(
                Options(
                    province=share.province.code, years=options["years"], seed=options["seed"], until=options["until"]
                ),
                share,
            )
            committing = time.perf_counter()
        covered["commit"] = time.perf_counter() - committing  # the foreign keys are checked at the commit
        counts.update(made)
        communes = share.communes
        replaced = f"; replaced the earlier synthetic data ({sum(removed.values()):,} rows deleted)" if removed else ""
        self.stdout.write(
            f"  {share.province.code} {share.province.name}: {share.people:,} people in {len(communes)} communes "
            f"({communes[0].code}…{communes[-1].code}), {sum(made.values()):,} rows in "
            f"{time.perf_counter() - started:.1f} s{replaced}"
        )
        return covered

    def _summary(
        self, shares: list[Share], covered: dict[str, Any], elapsed: float, counts: Counter[str], timings: Counter[str]
    ) -> None:
        people = sum(share.people for share in shares)
        communes = sum(len(share.communes) for share in shares)
        self.stdout.write(
            f"Synthetic data for {len(shares)} province{'s' if len(shares) > 1 else ''}: {people:,} people in "
            f"{communes:,} communes, {covered['start']:%d/%m/%Y} to {covered['until']:%d/%m/%Y}, "
            f"seed {covered['seed']}, "
            f"{sum(counts.values()):,} rows in {elapsed:.1f} s ("
            + ", ".join(f"{label} {timings[step]:.1f} s" for step, label in STEPS)
            + "):"
        )
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name.ljust(width)} {count:>10,}")
        seeded = synthetic_people().filter(
            reduce(operator.or_, (Q(code__startswith=code_prefix(share.province)) for share in shares))
        )
        episodes = Episode.objects.filter(person__in=seeded)
        measures = dict(episodes.values_list("episode_type").annotate(n=Count("pk")).values_list("episode_type", "n"))
        relapses = episodes.filter(end_reason=EndReason.RELAPSE).count()
        self.stdout.write(
            "  legal measures by type: "
            + ", ".join(f"{kind} {measures[kind]:,}" for kind in EpisodeType.values if measures.get(kind))
            + f"; {relapses:,} ended by a relapse"
        )


def _codes(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        raise CommandError("--provinces: give at least one province code, e.g. 48 or 01,48.")
    return codes


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date: {text} (YYYY-MM-DD)") from error
