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
    finally:
        teardown_databases(old, verbosity=0)
        call_command("check", verbosity=0)


if __name__ == "__main__":
    main()
