"""The Excel import at the size of a large register: 10,000 people rows with a measure each, checked and applied
into one commune, then the same file again (nothing changes), then undone; beside the same rows registered one by
one through the services the pages call. Part "imports" of scripts/bench.py.
"""

from __future__ import annotations

import datetime
import os
import random
import resource
import time
from io import BytesIO
from typing import Any

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
ONE_BY_ONE = 500  # rows registered through the services one at a time; the rate is what is compared


def _cccd(rng: random.Random, sex: str, year: int, taken: set[str]) -> str:
    century = 0 if year < 2000 else 2
    while True:
        number = f"001{century + (sex == 'Nữ')}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        if number not in taken:
            taken.add(number)
            return number


def register_workbook(rows: int, seed: int = 7) -> bytes:
    """A register as a commune keeps it: a title row, then name, sex, birth, CCCD, hamlet, phone, measure, start."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    taken: set[str] = set()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH NGƯỜI SỬ DỤNG TRÁI PHÉP CHẤT MA TÚY TRÊN ĐỊA BÀN"])
    sheet.append(["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Thôn/tổ", "Số điện thoại", "Biện pháp",
                  "Ngày bắt đầu", "Ghi chú"])  # fmt: skip
    first = datetime.date.today() - datetime.timedelta(days=300)
    for index in range(rows):
        sex = rng.choice(["Nam"] * 9 + ["Nữ"])
        born = datetime.date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
        sheet.append([
            index + 1, f"Nguyễn Văn Bench {index}", sex, born.strftime("%d/%m/%Y"), _cccd(rng, sex, born.year, taken),
            f"Tổ {rng.randint(1, 30)}", f"09{rng.randint(0, 99_999_999):08d}",
            "Quản lý người sử dụng trái phép chất ma túy",
            (first + datetime.timedelta(days=rng.randint(0, 280))).strftime("%d/%m/%Y"), "",
        ])  # fmt: skip
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def imports_bench(commune: Any) -> None:
    from django.db import connection

    from donghanh.accounts.models import RoleAssignment, User
    from donghanh.accounts.roles import Role
    from donghanh.episodes.services import episode_open
    from donghanh.imports.models import ImportBatch
    from donghanh.imports.services import import_apply, import_check, import_undo, import_upload
    from donghanh.people.models import Person
    from donghanh.people.services import person_register

    officer = User.objects.create_user(username="bench-import", password="x" * 12)
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    started = time.perf_counter()
    content = register_workbook(ROWS)
    print(f"  {ROWS:,} rows written as XLSX ({len(content) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")

    def run(label: str) -> ImportBatch:
        rss = _rss_mb()
        t0 = time.perf_counter()
        batch = import_upload(actor=officer, unit=commune, kind="people", file_name="bench.xlsx", content=content)
        import_check(batch.pk)  # what the task worker runs
        t1 = time.perf_counter()
        batch.refresh_from_db()
        counts = {key: value for key, value in batch.counts.items() if value}
        if batch.status == "checked" and not batch.count("error"):
            batch.status = "applying"
            batch.save(update_fields=["status"])
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.runcall(import_apply, batch.pk, officer.pk)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
            else:
                import_apply(batch.pk, officer.pk)
        t2 = time.perf_counter()
        batch.refresh_from_db()
        print(f"  {label:<55} check {t1 - t0:5.1f} s, apply {t2 - t1:5.1f} s, total {t2 - t0:5.1f} s  {counts}")
        print(f"  {'':<55} peak memory of the process {_rss_mb():.0f} MB (before: {rss:.0f} MB); {batch.status}")
        return batch

    before = Person.objects.count()
    batch = run(f"{ROWS:,} new people with a measure each ({connection.vendor})")
    print(f"  {'':<55} people registered: {Person.objects.count() - before:,}")
    run("the same file again: every row unchanged")
    t0 = time.perf_counter()
    import_undo(actor=officer, batch=batch)
    print(f"  {'undo of the first import':<55} {time.perf_counter() - t0:9.1f} s")

    rng = random.Random(3)
    t0 = time.perf_counter()
    for index in range(ONE_BY_ONE):
        person = person_register(actor=officer, unit=commune, full_name=f"Trần Văn Một {index}", sex="male",
                                 birth_year=rng.randint(1965, 2004), registered_on=datetime.date.today())  # fmt: skip
        episode_open(actor=officer, person=person, episode_type="drug_user_management",
                     start_date=datetime.date.today())  # fmt: skip
    each = (time.perf_counter() - t0) / ONE_BY_ONE
    print(f"  {'one by one through person_register + episode_open':<55} {each * 1000:7.1f} ms a row "
          f"({ONE_BY_ONE} rows; {ROWS:,} rows would take {each * ROWS:.0f} s)")  # fmt: skip
