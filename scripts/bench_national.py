#!/usr/bin/env python
"""`make bench-national`: the reports, the pages and the API at national scale, on PostgreSQL.

Two databases, made once and reused (docs/benchmarks.md, "National scale"):

- BENCH_NATIONAL_URL (postgres://postgres@127.0.0.1:5432/donghanh_national): the whole country, 34 provinces;
- BENCH_PROVINCE_URL (…/donghanh_dn48): the same tree with Đà Nẵng's people only (the same rows as in the
  national one), for the one-province vs national ratio.

A database that is missing or holds no people is created, migrated, loaded (`load_orgunits`), seeded
(`seed_synthetic --country --until BENCH_UNTIL`, or `--provinces 48`) and analysed; one that holds people is
migrated and reused as it is. Then, in-process with Django's test client under production settings
(`config.settings.bench`, DEBUG off), each figure the median of BENCH_RUNS (3) runs after a warm-up with its
number of queries (`scripts/bench_national_measure.py`): the country's report page, whole report and API; Đà
Nẵng's quarter and its busiest commune's month in both databases; the five headline figures through the engine
beside hand-written SQL (exits non-zero, printing MISMATCH, if they differ); the other pages. Last, the API lists
under load (`scripts/bench_national_load.py`). BENCH_ONLY=reports,pages,load runs some parts only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SERVER = "postgres://postgres@127.0.0.1:5432"
NATIONAL_URL = os.environ.get("BENCH_NATIONAL_URL", f"{SERVER}/donghanh_national")
PROVINCE_URL = os.environ.get("BENCH_PROVINCE_URL", f"{SERVER}/donghanh_dn48")
PROVINCE = os.environ.get("BENCH_PROVINCE", "48")
UNTIL = os.environ.get("BENCH_UNTIL", "2026-11-30")  # the data's last day when seeding
ONLY = {part for part in os.environ.get("BENCH_ONLY", "").split(",") if part} or {"reports", "pages", "load"}
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "15"))
LOAD_CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "50"))
LOAD_WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "3"))
PYTHON = sys.executable


def manage(url: str, *args: str, settings: str = "config.settings.local") -> str:
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings, "DEBUG": "0"}
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed on {url.split('@')[-1]}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def people_in(url: str) -> int | None:
    """How many people the database holds; None when it does not exist."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            row = connection.execute("SELECT to_regclass('people_person') IS NOT NULL").fetchone()
            if not row or not row[0]:
                return 0
            count = connection.execute("SELECT count(*) FROM people_person").fetchone()
            return int(count[0]) if count else 0
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise


def status_rows_in(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as connection:
        row = connection.execute("SELECT EXISTS (SELECT 1 FROM reports_monthlystatus)").fetchone()
        return bool(row and row[0])


def ensure(url: str, provinces: list[str]) -> None:
    """Make the database when it is missing or empty (seeded with `provinces`), else migrate it and reuse it."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    people = people_in(url)
    if people is None:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--no-input")
    if people:
        print(f"  {name}: {people:,} people, reused")
        if not status_rows_in(url):  # seeded before the reports read monthly status rows
            print("    " + manage(url, "status_rebuild").strip())
        return
    started = time.perf_counter()
    manage(url, "load_orgunits")
    seeded = manage(url, "seed_synthetic", *provinces, "--until", UNTIL)
    print("    " + "\n    ".join(seeded.splitlines()[-30:]))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(f"  {name}: made in {time.perf_counter() - started:.0f} s")


def static_stale() -> bool:
    """Whether the pages' static files must be collected again (compressing them all takes minutes)."""
    manifest = Path(os.environ.get("BENCH_STATIC_ROOT") or ROOT / "var" / "bench-static") / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "donghanh").glob("**/static/**/*") if path.is_file())


def measure(url: str, parts: str) -> list[dict[str, Any]]:
    """Run the measuring script on the database, showing each figure as it comes; the figures."""
    env = os.environ | {"DATABASE_URL": url, "BENCH_PROVINCE": PROVINCE}
    command = [PYTHON, str(HERE / "bench_national_measure.py"), parts]
    rows, lines = [], []
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line)
            if line.startswith("{"):
                row = json.loads(line)
                rows.append(row)
                if "ms" in row:
                    print(f"    {url.rsplit('/', 1)[1]}: {row['what']}{' ' + row['how'] if 'how' in row else ''}: "
                          f"{ms(row['ms'])}, {row['queries']} queries", flush=True)  # fmt: skip
    if child.returncode:
        sys.exit(f"bench_national_measure.py {parts} failed on {url.split('@')[-1]}:\n{''.join(lines)}")
    return rows


def ms(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1000:,.2f} s" if value >= 1000 else f"{value:,.1f} ms"


def table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    for n, row in enumerate([headers, *rows]):
        cells = [str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i]) for i, cell in enumerate(row)]
        print("  " + " | ".join(cells))
        if n == 0:
            print("  " + "-|-".join("-" * width for width in widths))


def reports_table(national: list[dict[str, Any]], province: list[dict[str, Any]]) -> bool:
    """The issue's table, then the headline figures; False when the engine and the SQL disagree."""
    reports = ("country", "province", "commune")
    found = {(row["part"], row["what"]): row for row in national if "ms" in row and row["part"] in reports}
    alone = {row["what"]: row for row in province if "ms" in row}
    headline = [row for row in national if row["part"] == "headline"]
    fastest: dict[str, dict[str, Any]] = {}
    for row in headline:
        if row["how"] != "engine" and (row["what"] not in fastest or row["ms"] < fastest[row["what"]]["ms"]):
            fastest[row["what"]] = row
    titles = list(fastest)  # in the order measured: the country, the province, the commune
    sql_for = dict(zip(reports, (fastest[title] for title in titles), strict=False))
    rows = []
    for (part, what), row in found.items():
        runs = f"{row['runs']}" + ("" if row["runs"] >= RUNS else " (slow)")
        other = alone.get(what)
        ratio = f"{row['ms'] / other['ms']:.2f}" if other and part in ("province", "commune") else ""
        sql = sql_for.get(part)
        hand = ms(sql["ms"]) if sql and what.endswith("report page") else ""
        rows.append([what, ms(row["ms"]), str(row["queries"]), runs, ms(other["ms"]) if other else "", ratio, hand])
    print("\nReports at national scale (median after a warm-up; one-province database beside; ratio national/one):")
    table(["what", "national", "queries", "runs", "one province", "ratio", "hand-written SQL"], rows)
    agree = True
    rows = []
    for what in titles:
        engine = next(row for row in headline if row["what"] == what and row["how"] == "engine")
        for row in [engine, *[r for r in headline if r["what"] == what and r["how"] != "engine"]]:
            same = row.get("same", True)
            agree = agree and same
            mark = "same" if same else "MISMATCH"
            factor = f"{engine['ms'] / fastest[what]['ms']:.2f}×" if row is engine else ""
            rows.append([f"{what}: {row['how']}", ms(row["ms"]), str(row["queries"]), factor,
                         ", ".join(f"{value:,}" for value in row["figures"]), mark])  # fmt: skip
    print("\nThe five headline figures (registered, in a facility, at residence, post-rehab, methadone):")
    table(["what", "median", "queries", "engine/fastest SQL", "figures", "check"], rows)
    for row in headline:
        if not row.get("same", True):
            print(f"  MISMATCH {row['what']}, {row['how']}: {row['figures']} by hand, the engine differs")
    return agree


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows when piped too
    print(f"National-scale benchmark on {NATIONAL_URL.split('@')[-1]} and {PROVINCE_URL.split('@')[-1]}")
    ensure(NATIONAL_URL, ["--country"])
    ensure(PROVINCE_URL, ["--provinces", PROVINCE])
    if static_stale():
        manage(NATIONAL_URL, "collectstatic", "--no-input", "-v", "0", settings="config.settings.bench")
    parts = ["token"] if "load" in ONLY else []
    if "reports" in ONLY:
        parts += ["country", "province", "headline"]
    if "pages" in ONLY:
        parts.append("pages")
    national = measure(NATIONAL_URL, ",".join(parts)) if parts else []
    about = next((row for row in national if row["part"] == "about"), None)
    if about:
        print(f"  {about['people']:,} people in the country; {about['province']} {about['province_people']:,}; "
              f"{about['commune']} {about['commune_people']:,}")  # fmt: skip
    agree = True
    if "reports" in ONLY:
        agree = reports_table(national, measure(PROVINCE_URL, "province"))
    if "pages" in ONLY:
        rows = [[row["what"], ms(row["ms"]), str(row["queries"]), str(row["runs"])]
                for row in national if row["part"] == "pages"]  # fmt: skip
        print("\nOther pages at national scale:")
        table(["page", "median", "queries", "runs"], rows)
    if "load" in ONLY:
        from bench_national_load import load_test

        tokens = next(row for row in national if row["part"] == "token")
        results = load_test(
            NATIONAL_URL,
            {name: tokens[name] for name in ("national", "province")},
            seconds=LOAD_SECONDS,
            connections=LOAD_CONNECTIONS,
            workers=LOAD_WORKERS,
        )
        print(f"\nAPI under load: {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s each, gunicorn with "
              f"{LOAD_WORKERS} workers, production settings, loopback:")  # fmt: skip
        if isinstance(results, str):
            print(f"  {results}")
        else:
            bare = results[-1].rate or 1
            table(
                ["URL", "token of", "req/s", "of bare view", "p50", "p95", "errors", "worker peak RSS"],
                [[r.url, r.who, r.note or f"{r.rate:,.0f}", "" if r.note else f"{r.rate / bare:.0%}",
                  ms(r.p50 or None), ms(r.p95 or None), "" if r.note else str(r.errors), f"{r.peak_mb:,.0f} MB"]
                 for r in results],
            )  # fmt: skip
    if not agree:
        sys.exit("The hand-written SQL and the engine disagree (see MISMATCH above).")


if __name__ == "__main__":
    main()
