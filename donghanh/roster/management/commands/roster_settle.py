"""Take off the roster the people whom nothing keeps on it any more: once, after upgrading a database whose
periods were never ended (before the roster had a lifecycle, only a move ended one).

A person leaves on the day their last measure ended as completed, when no measure is open and nothing else
holds them (whereabouts, a pending post-rehab decision, an officer's keep-on). `--dry-run` lists them only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from donghanh.episodes.choices import EndReason
from donghanh.episodes.models import Episode
from donghanh.people.choices import RosterExit
from donghanh.people.models import ManagementPeriod
from donghanh.people.roster import period_end, roster_holds


class Command(BaseCommand):
    help = "End the roster periods of people whom nothing keeps on the roster (their last measure completed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the people; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        open_measure = Episode.objects.filter(person=OuterRef("person_id"), actual_end_date__isnull=True)
        last_end = (
            Episode.objects.filter(person=OuterRef("person_id"))
            .values("person")
            .annotate(last=Max("actual_end_date"))
            .values("last")
        )
        candidates = (
            ManagementPeriod.objects.filter(end_date__isnull=True, kept_on_reason="", person__died_on__isnull=True)
            .filter(~Exists(open_measure), Exists(Episode.objects.filter(person=OuterRef("person_id"))))
            .annotate(last_end=last_end)
            .select_related("person")
            .order_by("person_id")
        )
        ended = 0
        for period in candidates.iterator(chunk_size=2000):
            last = Episode.objects.filter(person=period.person, actual_end_date=period.last_end).order_by("-pk").first()
            if (
                last is None
                or last.end_reason != EndReason.COMPLETED
                or roster_holds(period.person, last.actual_end_date)
            ):
                continue
            day = max(last.actual_end_date, period.start_date)
            self.stdout.write(f"{period.person.code}\t{period.unit_id}\t{day:%d/%m/%Y}")
            if not dry_run:
                with transaction.atomic():
                    period_end(None, period, day, RosterExit.COMPLETED)  # type: ignore[arg-type]
            ended += 1
        verb = "would leave" if dry_run else "left"
        self.stdout.write(self.style.SUCCESS(f"{ended} people {verb} the roster."))
