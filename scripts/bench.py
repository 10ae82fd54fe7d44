#!/usr/bin/env python
"""Benchmarks of the foundation: tree load, search, roll-up and the API, on a scratch database.

Prints figures; asserts nothing. `make bench` runs it on SQLite; set BENCH_DATABASE_URL to a
PostgreSQL URL (its database is created and dropped) to measure PostgreSQL too.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label: str, fn: Callable[[], object], repeat: int = 1) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    suffix = f" (median of {repeat})" if repeat > 1 else ""
    print(f"  {label:<55} {median * 1000:9.1f} ms{suffix}")
    return median


PEOPLE_PER_COMMUNE = int(os.environ.get("BENCH_PEOPLE_PER_COMMUNE", "67"))  # the national average


def people_bench(client: object, province: object) -> None:
    """Registry figures for one province at the national average of people per commune.

    Rows are bulk-inserted (the services' per-person checks are not what is measured here); the
    reads go through the same code as the pages: status_as_of and the people list.
    """
    import datetime
    import random

    from django.db import connection
    from django.db.models import Count

    from donghanh.accounts.models import RoleAssignment, User
    from donghanh.accounts.roles import Role
    from donghanh.episodes.models import Episode, EpisodeRule
    from donghanh.episodes.selectors import status_as_of
    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord

    rng = random.Random(1)
    communes = list(OrgUnit.objects.filter(parent=province, level=OrgUnit.Level.COMMUNE))
    rule = EpisodeRule.objects.get(episode_type="post_rehab_management")
    start = datetime.date(2024, 1, 1)
    people = [
        Person(
            code=f"B{i:08d}", full_name=f"Nguyễn Văn {i}", search_name=f"nguyen van {i}", sex="male",
            birth_year=rng.randint(1960, 2005), unit=commune,
        )
        for i, commune in enumerate(c for c in communes for _ in range(PEOPLE_PER_COMMUNE))
    ]  # fmt: skip
    started = time.perf_counter()
    Person.objects.bulk_create(people, batch_size=2000)
    ManagementPeriod.objects.bulk_create(
        [ManagementPeriod(person=p, unit=p.unit, start_date=start, reason="registered") for p in people], 2000
    )
    WhereaboutsRecord.objects.bulk_create(
        [
            WhereaboutsRecord(person=p, status=rng.choice(["at_residence"] * 4 + ["in_facility"]), since=start)
            for p in people
        ],
        2000,
    )
    Episode.objects.bulk_create(
        [
            Episode(person=p, episode_type="post_rehab_management", rule=rule, start_date=datetime.date(2024, 7, 1),
                    planned_end_date=datetime.date(2025, 6, 30))
            for p in people if rng.random() < 0.6
        ],
        2000,
    )  # fmt: skip
    print(f"  {len(people):,} people in {len(communes)} communes of {province} ({time.perf_counter() - started:.1f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    officer = User.objects.create_user(username="bench-province", password="bench-password-2026", full_name="Bench")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    day = datetime.date(2025, 3, 31)
    timed(
        "status_as_of, whole province, counted by whereabouts",
        lambda: list(status_as_of(officer, day).order_by().values("whereabouts_at").annotate(n=Count("pk"))),
        10,
    )
    timed(
        "status_as_of, post-rehab on a date, first page of 50",
        lambda: list(status_as_of(officer, day, episode_types=["post_rehab_management"])[:50]),
        10,
    )
    client.force_login(officer)  # type: ignore[attr-defined]
    started = time.perf_counter()
    for _ in range(20):
        response = client.get("/people/", {"as_of": "31/03/2025", "episode_type": "post_rehab_management"})  # type: ignore[attr-defined]
        assert response.status_code == 200, response.status_code
    rate = 20 / (time.perf_counter() - started)
    print(f"  {'HTML /people/ as of a date, filtered (in-process)':<55} {rate:9.1f} req/s")


def casework_bench(province: object) -> None:
    """Work lists and coverage on the people loaded by people_bench (their measures run until today)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from donghanh.accounts.models import RoleAssignment, User
    from donghanh.accounts.roles import Role
    from donghanh.casework.selectors import coverage
    from donghanh.casework.worklist import work_list
    from donghanh.orgunits.models import OrgUnit

    today = timezone.localdate()
    commune = OrgUnit.objects.filter(parent=province, level=OrgUnit.Level.COMMUNE).order_by("path").first()
    officer = User.objects.create_user(username="bench-commune", password="bench-password-2026", full_name="Bench")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    province_officer = User.objects.get(username="bench-province")
    for label, user in (
        (f"commune officer of {commune}", officer),
        (f"province officer of {province}", province_officer),
    ):
        with CaptureQueriesContext(connection) as queries:
            items = work_list(user, today)
        timed(
            f"work list, {label} ({len(items):,} items, {len(queries)} queries)", lambda u=user: work_list(u, today), 5
        )
    timed(
        f"coverage of {commune}",
        lambda: coverage(officer, commune, today),  # type: ignore[arg-type]
        10,
    )


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="donghanh-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ["DONGHANH_VAR_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"Database: {connection.vendor} ({url.split('@')[-1]})")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from donghanh.accounts.models import RoleAssignment, User
        from donghanh.accounts.roles import Role
        from donghanh.core.rollup import with_subtree_count
        from donghanh.orgunits.models import OrgUnit
        from donghanh.orgunits.selectors import unit_search
        from donghanh.orgunits.services import orgunits_load

        timed("load the whole tree (14,166 units, 10,618 successions)", orgunits_load)
        timed("reload, nothing changed", orgunits_load)
        root = OrgUnit.objects.get(level=OrgUnit.Level.NATION)
        manager = User.objects.create_user(username="bench", password="bench-password-2026", full_name="Bench")
        RoleAssignment.objects.create(user=manager, role=Role.NATIONAL_MANAGER, unit=root)
        timed("search 'phu thuong' over the whole country", lambda: list(unit_search(manager, "phu thuong")), 50)
        provinces = OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE)
        communes = OrgUnit.objects.filter(level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
        timed(
            "roll-up: communes per province (34 rows, one query)",
            lambda: list(with_subtree_count(provinces, communes, unit_path="path")),
            20,
        )
        hanoi = provinces.get(code="01")
        timed(
            "subtree of Hà Nội (all units below)",
            lambda: list(OrgUnit.objects.filter(path__startswith=hanoi.path)),
            20,
        )

        client = Client()
        client.force_login(manager)
        requests = 200
        started = time.perf_counter()
        for i in range(requests):
            response = client.get("/api/v1/org-units/", {"q": "phuong", "page": i % 5 + 1})
            assert response.status_code == 200, response.status_code
        elapsed = time.perf_counter() - started
        print(f"  {'API /api/v1/org-units/?q=phuong (in-process client)':<55} {requests / elapsed:9.1f} req/s")
        started = time.perf_counter()
        for _ in range(50):
            client.get("/units/", {"q": "phu"})
        rate = 50 / (time.perf_counter() - started)
        print(f"  {'HTML /units/?q=phu (in-process client)':<55} {rate:9.1f} req/s")
        people_bench(client, provinces.get(code="01"))
        casework_bench(provinces.get(code="01"))
    finally:
        teardown_databases(old, verbosity=0)
        call_command("check", verbosity=0)


if __name__ == "__main__":
    main()
