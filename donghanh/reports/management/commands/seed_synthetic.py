"""Fill one province with synthetic people and years of history, for the reports' benchmarks and load tests."""

from __future__ import annotations

import argparse
import datetime
import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.synthetic import (
    PERSON_PREFIX,
    Options,
    real_people_count,
    synthetic_create,
    synthetic_people,
    synthetic_remove,
)


class Command(BaseCommand):
    help = (
        "Create synthetic people with years of history (measures, whereabouts, case work, support, community "
        "models) in one province, bulk-inserted, replacing an earlier run's. Refuses a database that holds real "
        "people unless --force. Load the province's units first: manage.py load_orgunits --province CODE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Options()
        parser.add_argument("--people", type=int, default=defaults.people, help="How many people (default 7000).")
        parser.add_argument(
            "--province", default=defaults.province, help="Official code of a current province (default 48)."
        )
        parser.add_argument(
            "--communes", type=int, default=defaults.communes, help="Use the province's first N communes by code."
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
        if options["people"] < 1 or options["communes"] < 1 or options["years"] < 1:
            raise CommandError("--people, --communes and --years must be at least 1.")
        if not OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code=options["province"]):
            raise CommandError(
                f"No current province {options['province']}: run manage.py load_orgunits --province "
                f"{options['province']} first."
            )
        started = time.perf_counter()
        with transaction.atomic():
            removed = synthetic_remove() if synthetic_people().exists() else None
            counts, covered = synthetic_create(
                Options(
                    people=options["people"], province=options["province"], communes=options["communes"],
                    years=options["years"], seed=options["seed"], until=options["until"],
                )
            )  # fmt: skip
        elapsed = time.perf_counter() - started
        if removed:
            self.stdout.write(f"Replaced the earlier synthetic data ({sum(removed.values()):,} rows deleted).")
        if real:
            self.stdout.write(self.style.WARNING(f"Written beside the real people ({real:,}) because of --force."))
        communes = covered["communes"]
        self.stdout.write(
            f"Synthetic data for {covered['province'].name}: {len(communes)} communes "
            f"({communes[0].code}…{communes[-1].code}), {covered['start']:%d/%m/%Y} to {covered['until']:%d/%m/%Y}, "
            f"seed {options['seed']}, in {elapsed:.1f} s "
            f"(people {covered['people']:.1f} s, case work {covered['casework']:.1f} s, "
            f"support {covered['support']:.1f} s, community {covered['community']:.1f} s):"
        )
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name.ljust(width)} {count:>9,}")
        measures = Counter(Episode.objects.filter(person__in=synthetic_people()).values_list("episode_type", flat=True))
        relapses = Episode.objects.filter(person__in=synthetic_people(), end_reason=EndReason.RELAPSE).count()
        self.stdout.write(
            "  legal measures by type: "
            + ", ".join(f"{kind} {measures[kind]:,}" for kind in EpisodeType.values if measures[kind])
            + f"; {relapses:,} ended by a relapse"
        )


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date: {text} (YYYY-MM-DD)") from error
