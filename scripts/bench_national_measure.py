#!/usr/bin/env python
"""One database's part of `make bench-national` (scripts/bench_national.py runs it): the reports, the other pages
and the headline figures beside hand-written SQL, timed in-process with Django's test client under the benchmark's
production settings (`config.settings.bench`). Prints one JSON object per measurement on standard output.

    DATABASE_URL=postgres://…/donghanh_national python scripts/bench_national_measure.py country,province,pages

Parts: `token` (API tokens of a national manager and of the province's officer, for the load test), `country`
(the whole country's report page, its trend loaded after it, Excel file and API), `province` (Đà Nẵng's quarter
and its busiest commune's month: report pages, their trends and whole reports), `headline` (the five headline
figures through the engine and by hand, for the three), `pages` (home pages and their dashboards, a unit page, the
people list, a person page, the work list).
The users it reads as (a national manager, Đà Nẵng's province officer, an officer of its busiest commune) are
made once through the accounts services and kept.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# A measurement whose warm-up run took longer than this many seconds is timed once only (and says so).
PATIENCE = float(os.environ.get("BENCH_PATIENCE", "60"))
PROVINCE = os.environ.get("BENCH_PROVINCE", "48")
YEAR, QUARTER, MONTH = (os.environ.get(f"BENCH_{name}", default) for name, default in
                        (("YEAR", "2026"), ("QUARTER", "2026Q3"), ("MONTH", "2026-10")))  # fmt: skip
PASSWORD_LENGTH = 24


def emit(**fields: Any) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, int, int]:
    """The median seconds of RUNS runs after a warm-up run, the warm-up's number of queries, and the runs timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        fn()
    warm = time.perf_counter() - started
    count = len(queries)  # now: the log is read lazily, and each request empties it
    runs = 1 if warm > PATIENCE else RUNS
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), count, runs


def measure(part: str, what: str, fn: Callable[[], object], **extra: Any) -> None:
    seconds, queries, runs = timed(fn)
    emit(part=part, what=what, ms=round(seconds * 1000, 1), queries=queries, runs=runs, **extra)


def bench_users(province: Any, commune: Any) -> dict[str, Any]:
    """The users the pages are read as, made once through the accounts services (by a superuser made for it)."""
    import secrets

    from donghanh.accounts.models import User
    from donghanh.accounts.roles import Role
    from donghanh.accounts.services import role_assignment_add, user_create
    from donghanh.orgunits.models import OrgUnit

    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            username="bench-admin", full_name="Đo hiệu năng", password=secrets.token_urlsafe(PASSWORD_LENGTH)
        )
    wanted = {
        "national": (Role.NATIONAL_MANAGER, OrgUnit.objects.get(level=OrgUnit.Level.NATION)),
        "province": (Role.PROVINCE_OFFICER, province),
        "commune": (Role.COMMUNE_OFFICER, commune),
    }
    users = {}
    for name, (role, unit) in wanted.items():
        username = f"bench-{name}-{unit.code}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=admin, username=username, full_name=f"Đo hiệu năng {unit.name}",
                password=secrets.token_urlsafe(PASSWORD_LENGTH),
            )  # fmt: skip
            role_assignment_add(actor=admin, user=user, role=role, unit=unit)
        users[name] = user
    return users


def busiest_commune(province: Any) -> Any:
    """The commune of the province with the most people on its roster today (the same in both databases)."""
    from django.db.models import Count

    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import Person

    top = (
        Person.objects.filter(unit__path__startswith=province.path, unit__level=OrgUnit.Level.COMMUNE)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    if top is None:
        sys.exit(f"No people in province {province.code}: seed the database first.")
    return OrgUnit.objects.get(pk=top["unit_id"])


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client: Any, url: str) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response.content

    return fetch


def whole_report(unit: Any, period: Any, user: Any) -> Callable[[], object]:
    """What the Excel export does: every indicator, the breakdown, the six-period trend, then the workbook."""
    from donghanh.reports.engine import TREND_PERIODS, build_report
    from donghanh.reports.exports import report_xlsx

    return lambda: report_xlsx(build_report(unit, period, trend=TREND_PERIODS), user)


def headline(title: str, unit: Any, period: Any) -> None:
    """The five headline figures through the engine and by each hand-written statement; they must agree."""
    from bench import HANDWRITTEN, HEADLINE, handwritten
    from django.db import connection

    from donghanh.reports.engine import build_report

    def engine() -> list[int]:
        report = build_report(unit, period, codes=list(HEADLINE), children=False, trend=1)
        return [int(report.value(code) or 0) for code in HEADLINE]

    figures = engine()
    seconds, queries, runs = timed(engine)
    emit(part="headline", what=title, how="engine", ms=round(seconds * 1000, 1), queries=queries, runs=runs,
         figures=figures)  # fmt: skip
    for name in HANDWRITTEN:
        sql, params = handwritten(name, build_report(unit, period, codes=[HEADLINE[0]], trend=1).frame.prefixes,
                                  period.last)  # fmt: skip

        def run(sql: str = sql, params: list[Any] = params) -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [int(value) for value in cursor.fetchone()]

        counted = run()
        seconds, _queries, runs = timed(run)
        emit(part="headline", what=title, how=name, ms=round(seconds * 1000, 1), queries=1, runs=runs,
             figures=counted, same=counted == figures)  # fmt: skip


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from donghanh.core.periods import parse_period
    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import Person

    parts = set(sys.argv[1].split(",")) if len(sys.argv) > 1 else {"country", "province", "headline", "pages"}
    root = OrgUnit.objects.get(level=OrgUnit.Level.NATION)
    province = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code=PROVINCE)
    commune = busiest_commune(province)
    users = bench_users(province, commune)
    year, quarter, month = (parse_period(code) for code in (YEAR, QUARTER, MONTH))
    people = Person.objects.filter(unit__path__startswith=province.path).count()
    emit(part="about", database=connection.settings_dict["NAME"], people=Person.objects.count(),
         province=province.name, province_people=people, commune=commune.name,
         commune_people=Person.objects.filter(unit=commune).count())  # fmt: skip
    national, officer, local = (client_for(users[name]) for name in ("national", "province", "commune"))
    if "token" in parts:  # for the load test: the national manager's and the province officer's API tokens
        from donghanh.accounts.services import api_token_issue

        emit(part="token", **{name: api_token_issue(actor=users[name]).key for name in ("national", "province")})
    if "country" in parts:
        measure(
            "country",
            f"{root.name}, year {YEAR}: report page",
            get(national, f"/reports/?unit={root.pk}&period={YEAR}"),
        )
        measure("country", f"{root.name}, year {YEAR}: its trend (loaded after the page)",
                get(national, f"/reports/trend/?unit={root.pk}&period={YEAR}"))  # fmt: skip
        measure(
            "country",
            f"{root.name}, year {YEAR}: whole report (Excel file)",
            whole_report(root, year, users["national"]),
        )
        measure("country", f"{root.name}, year {YEAR}: /api/v1/reports/indicators/",
                get(national, f"/api/v1/reports/indicators/?period={YEAR}"))  # fmt: skip
    if "province" in parts:
        measure("province", f"{province.name}, {QUARTER}: report page",
                get(officer, f"/reports/?unit={province.pk}&period={QUARTER}"))  # fmt: skip
        measure("province", f"{province.name}, {QUARTER}: its trend (loaded after the page)",
                get(officer, f"/reports/trend/?unit={province.pk}&period={QUARTER}"))  # fmt: skip
        measure("province", f"{province.name}, {QUARTER}: whole report (Excel file)",
                whole_report(province, quarter, users["province"]))  # fmt: skip
        measure("commune", f"{commune.name}, {MONTH}: report page",
                get(local, f"/reports/?unit={commune.pk}&period={MONTH}"))  # fmt: skip
        measure("commune", f"{commune.name}, {MONTH}: its trend (loaded after the page)",
                get(local, f"/reports/trend/?unit={commune.pk}&period={MONTH}"))  # fmt: skip
        measure("commune", f"{commune.name}, {MONTH}: whole report (Excel file)",
                whole_report(commune, month, users["commune"]))  # fmt: skip
    if "headline" in parts:
        headline(f"{root.name}, {YEAR}", root, year)
        headline(f"{province.name}, {QUARTER}", province, quarter)
        headline(f"{commune.name}, {MONTH}", commune, month)
    if "pages" in parts:
        person = Person.objects.filter(unit=commune).order_by("code").first()
        assert person is not None
        for what, client, url in (
            ("home page, national manager", national, "/"),
            ("its dashboard (/reports/dashboard/, loaded after the page)", national, "/reports/dashboard/"),
            (f"home page, officer of {province.name}", officer, "/"),
            ("its dashboard", officer, "/reports/dashboard/"),
            (f"home page, officer of {commune.name}", local, "/"),
            ("its dashboard", local, "/reports/dashboard/"),
            (f"unit page of {province.name} (/units/<id>/)", officer, f"/units/{province.pk}/"),
            ("people list, national manager (/people/)", national, "/people/"),
            (f"people list, officer of {province.name}", officer, "/people/"),
            ("a person's page (/people/<id>/)", local, f"/people/{person.pk}/"),
            (f"work list, officer of {commune.name} (/casework/)", local, "/casework/"),
        ):
            measure("pages", what, get(client, url))


if __name__ == "__main__":
    main()
