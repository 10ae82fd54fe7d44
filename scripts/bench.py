#!/usr/bin/env python
"""Benchmarks on a scratch database: the tree, search, roll-ups and the API; the people registry and case work;
the reports on a synthetic province, beside hand-written SQL for the same figures.

Prints figures; the only thing it checks is that the hand-written SQL gives the report's figures (it exits
non-zero if not). `make bench` runs it on SQLite, then on PostgreSQL when the local server answers; set
BENCH_DATABASE_URL to a PostgreSQL URL to measure that server (a database named test_<name> is created and
dropped). BENCH_ONLY=foundation,people,imports,reports runs some parts only; see docs/benchmarks.md.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
            birth_year=rng.randint(1960, 2005), unit=commune, citizen_id=f"001{i:09d}", phone=f"09{i:08d}",
            family_contacts=f"Mẹ: Trần Thị {i}",
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
    # Encryption at rest: the CCCD, phone and family contacts above were encrypted (and hashed) by the bulk insert.
    from donghanh.people.selectors import filter_by_identifier

    wanted = people[len(people) // 2]
    timed(
        "find one person by CCCD (keyed hash), whole registry",
        lambda: list(filter_by_identifier(Person.objects.all(), f"{wanted.citizen_id[:3]} {wanted.citizen_id[3:]}")),
        20,
    )
    timed(
        "read 200 people with CCCD, phone, contacts decrypted",
        lambda: list(Person.objects.values_list("citizen_id", "phone", "family_contacts")[:200]),
        20,
    )


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


HEADLINE = ("people.registered", "people.in_facility", "people.at_residence", "people.post_rehab", "people.methadone")
REPORT_RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "5"))

# The headline figures written by hand, two ways; each is one statement over the same rows as the report. The
# second names the frame's units by id: with `path LIKE 'VN/NP48/%'` PostgreSQL estimates one unit where there
# are 95 (the path's histogram cannot tell a prefix's share) and nests loops that take seconds.
HANDWRITTEN = {
    "correlated subqueries": """
SELECT COUNT(*),
       COALESCE(SUM(CASE WHEN t.where_at = 'in_facility' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN t.where_at = 'at_residence' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(t.post_rehab), 0), COALESCE(SUM(t.methadone), 0)
FROM (
  SELECT DISTINCT mp.person_id,
    (SELECT w.status FROM people_whereaboutsrecord w WHERE w.person_id = mp.person_id AND w.since <= %s
      ORDER BY w.since DESC, w.id DESC LIMIT 1) AS where_at,
    CASE WHEN EXISTS (SELECT 1 FROM episodes_episode e WHERE e.person_id = mp.person_id
      AND e.episode_type = 'post_rehab_management' AND e.start_date <= %s
      AND (e.actual_end_date IS NULL OR e.actual_end_date >= %s)) THEN 1 ELSE 0 END AS post_rehab,
    CASE WHEN EXISTS (SELECT 1 FROM episodes_episode e WHERE e.person_id = mp.person_id
      AND e.episode_type = 'methadone' AND e.start_date <= %s
      AND (e.actual_end_date IS NULL OR e.actual_end_date >= %s)) THEN 1 ELSE 0 END AS methadone
  FROM people_managementperiod mp
  JOIN people_person p ON p.id = mp.person_id
  JOIN orgunits_orgunit u ON u.id = mp.unit_id
  WHERE p.merged_into_id IS NULL AND mp.start_date <= %s AND (mp.end_date IS NULL OR mp.end_date >= %s)
    AND ({paths})
) t
""",
    "joins and a window function, units by id": """
WITH managed AS (
  SELECT DISTINCT mp.person_id
  FROM people_managementperiod mp
  JOIN people_person p ON p.id = mp.person_id
  WHERE p.merged_into_id IS NULL AND mp.start_date <= %s AND (mp.end_date IS NULL OR mp.end_date >= %s)
    AND mp.unit_id IN ({units})
), latest AS (
  SELECT w.person_id, w.status,
         ROW_NUMBER() OVER (PARTITION BY w.person_id ORDER BY w.since DESC, w.id DESC) AS n
  FROM people_whereaboutsrecord w
  WHERE w.since <= %s
), measures AS (
  SELECT e.person_id,
         MAX(CASE WHEN e.episode_type = 'post_rehab_management' THEN 1 ELSE 0 END) AS post_rehab,
         MAX(CASE WHEN e.episode_type = 'methadone' THEN 1 ELSE 0 END) AS methadone
  FROM episodes_episode e
  WHERE e.episode_type IN ('post_rehab_management', 'methadone') AND e.start_date <= %s
    AND (e.actual_end_date IS NULL OR e.actual_end_date >= %s)
  GROUP BY e.person_id
)
SELECT COUNT(*),
       COALESCE(SUM(CASE WHEN l.status = 'in_facility' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN l.status = 'at_residence' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(me.post_rehab), 0), COALESCE(SUM(me.methadone), 0)
FROM managed m
LEFT JOIN latest l ON l.person_id = m.person_id AND l.n = 1
LEFT JOIN measures me ON me.person_id = m.person_id
""",
}


def handwritten(name: str, prefixes: tuple[str, ...], day: object) -> tuple[str, list[object]]:
    """The statement and its parameters, in the order its placeholders appear."""
    from django.db.models import Q

    from donghanh.orgunits.models import OrgUnit

    if name == "correlated subqueries":
        paths = " OR ".join(["u.path LIKE %s"] * len(prefixes))
        return HANDWRITTEN[name].format(paths=paths), [day] * 7 + [f"{prefix}%" for prefix in prefixes]
    within = Q(pk__in=[])
    for prefix in prefixes:
        within |= Q(path__startswith=prefix)
    units = list(OrgUnit.objects.filter(within).values_list("pk", flat=True))
    sql = HANDWRITTEN[name].format(units=", ".join(["%s"] * len(units)))
    return sql, [day, day, *units, day, day, day]


def retention_bench(province: object) -> None:
    """Who is anonymised next month (the retention page) over the synthetic province, for its officer: as configured
    (few due), and with every kind kept one year (most who left are due)."""
    import datetime

    from django.conf import settings
    from django.test import override_settings

    from donghanh.accounts.models import RoleAssignment, User
    from donghanh.accounts.roles import Role
    from donghanh.privacy.retention import anonymisation_run, retention_counts, retention_due_for

    officer = User.objects.create_user(username="bench-retention", password="bench-password-2026", full_name="Bench")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    until = datetime.date.today() + datetime.timedelta(days=31)
    for label, years in (("as configured", None), ("every kind kept 1 year", 1)):
        kept = settings.RETENTION_YEARS if years is None else dict.fromkeys(settings.RETENTION_YEARS, years)
        with override_settings(RETENTION_YEARS=kept):
            due = retention_due_for(officer, until=until)
            count = due.count()
            timed(f"retention page ({label}, {count:,} due): first 30", lambda due=due: list(due[:30]), 5)
            timed(f"retention page ({label}): count per kind", lambda due=due: retention_counts(due), 5)
            timed(f"anonymisation's daily run, dry ({label})", lambda: anonymisation_run(dry_run=True), 3)


def reports_bench(code: str) -> bool:
    """Reports on a synthetic province (manage.py seed_synthetic): the engine beside hand-written SQL.

    Returns False when a hand-written figure differs from the report's.
    """
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from donghanh.core.periods import MONTH, QUARTER, period_of
    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import Person
    from donghanh.reports.indicators import INDICATORS
    from donghanh.reports.synthetic import PERSON_PREFIX

    out = io.StringIO()
    started = time.perf_counter()
    # A scratch database: the people of the registry benchmark (not synthetic) may be there, hence --force.
    call_command("seed_synthetic", province=code, force=True, stdout=out)
    elapsed = time.perf_counter() - started
    lines = out.getvalue().splitlines()
    print(f"  {'seed_synthetic --province ' + code:<55} {elapsed * 1000:9.1f} ms")
    print("    " + "\n    ".join(line.strip() for line in lines if not line.startswith("Written beside")))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    province = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code=code)
    retention_bench(province)
    busiest = (
        Person.objects.filter(code__startswith=PERSON_PREFIX, unit__path__startswith=province.path)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    assert busiest is not None
    commune = OrgUnit.objects.get(pk=busiest["unit_id"])
    today = timezone.localdate()
    quarter, month = period_of(QUARTER, today).shifted(-1), period_of(MONTH, today).shifted(-1)
    rows: list[tuple[str, str, float, int]] = []
    agree = True
    for label, unit, period in (
        (f"{province.name}, quarter", province, quarter),
        (f"{commune.name}, month", commune, month),
    ):
        title = f"{label} {period.code}"
        report = measure(rows, title, "report: every indicator, breakdown by child, 6-period trend", unit, period)
        measure(
            rows,
            title,
            "report page: the same, trend of the key indicators only",
            unit,
            period,
            trend_codes=[code for code, indicator in INDICATORS.items() if indicator.key],
        )
        measure(
            rows,
            title,
            "report: the 5 headline figures only",
            unit,
            period,
            codes=list(HEADLINE),
            children=False,
            trend=1,
        )
        figures = [report.value(code) for code in HEADLINE]
        same, fastest = True, len(rows)
        for name in HANDWRITTEN:
            sql, params = handwritten(name, report.frame.prefixes, period.last)

            def run(sql: str = sql, params: list[object] = params) -> list[int]:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return [int(value) for value in cursor.fetchone()]

            counted = run()
            rows.append((title, f"hand-written SQL, {name}", timed_quietly(run), 1))
            fastest = fastest if rows[fastest][2] <= rows[-1][2] else len(rows) - 1
            if counted != figures:
                same = False
                print(f"  MISMATCH {title}, {name}: {counted} by hand, {figures} in the report")
        rows[fastest] = (rows[fastest][0], f"{rows[fastest][1]} (fastest)", *rows[fastest][2:])
        agree = agree and same
        print(
            f"  {title}: "
            + ", ".join(f"{code.split('.')[1]} {value:,}" for code, value in zip(HEADLINE, figures, strict=True))
            + (" — the hand-written SQL gives the same figures" if same else "")
        )
    # The whole country: where PostgreSQL's JIT compiler starts (the planner expects many rows; see the docs).
    root = OrgUnit.objects.get(level=OrgUnit.Level.NATION)
    title = f"{root.name}, quarter {quarter.code}"
    measure(rows, title, "report: every indicator, no breakdown, no trend", root, quarter, children=False, trend=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        measure(
            rows, title, "the same, with PostgreSQL's JIT off (SET jit = off)", root, quarter, children=False, trend=1
        )
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    print()
    print(f"  {'report':<40} {'what':<70} {'median':>11} {'queries':>8}")
    for title, what, seconds, queries in rows:
        print(f"  {title:<40} {what:<70} {seconds * 1000:8.1f} ms {queries:>8}")
    print(f"  (median of {REPORT_RUNS} runs after one to warm up)")
    return agree


def measure(
    rows: list[tuple[str, str, float, int]], title: str, what: str, unit: object, period: object, **options: object
) -> Any:
    """Time build_report(unit, period, **options) and count its queries; a row for the table, and the report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from donghanh.reports.engine import build_report

    with CaptureQueriesContext(connection) as queries:
        report = build_report(unit, period, **options)  # type: ignore[arg-type]
    seconds = timed_quietly(lambda: build_report(unit, period, **options))  # type: ignore[arg-type]
    rows.append((title, what, seconds, len(queries)))
    return report


def timed_quietly(fn: Callable[[], object], repeat: int = REPORT_RUNS) -> float:
    """The median time of `repeat` runs, after one run to warm the caches."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="donghanh-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ["DONGHANH_VAR_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "0"
    only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
    reports_province = os.environ.get("BENCH_REPORTS_PROVINCE", "48")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MFA_REQUIRED_ROLES = []  # the in-process client logs in with force_login: no second step to pass
    print(f"Database: {connection.vendor} ({url.split('@')[-1]})")
    old = setup_databases(verbosity=0, interactive=False)
    agree = True
    try:
        from donghanh.orgunits.services import orgunits_load

        if only and "foundation" not in only:
            orgunits_load(province_codes={"01", reports_province})
        else:
            foundation_bench()
        from donghanh.orgunits.models import OrgUnit

        hanoi = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code="01")
        if not only or "people" in only:
            people_bench(Client(), hanoi)
            casework_bench(hanoi)
        if not only or "imports" in only:
            from bench_imports import imports_bench

            print(f"Excel import ({connection.vendor}):")
            imports_bench(OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code="00091"))
        if not only or "reports" in only:
            print(f"Reports on synthetic data ({connection.vendor}):")
            agree = reports_bench(reports_province)
    finally:
        teardown_databases(old, verbosity=0)
        call_command("check", verbosity=0)
        shutil.rmtree(scratch, ignore_errors=True)
    if not agree:
        sys.exit("The hand-written SQL and the report disagree (see MISMATCH above).")


def foundation_bench() -> None:
    """The tree, search, roll-ups and the units API and pages."""
    from django.test import Client

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


if __name__ == "__main__":
    main()
