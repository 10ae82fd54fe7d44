"""Time the everyday pages and API lists per role on an existing database, in-process (Django's test Client).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/donghanh_national .venv/bin/python scripts/bench_lists.py
    BENCH_PROVINCE=48 BENCH_RUNS=3 BENCH_ONLY=people,api ...

Prints, for each page and role, the median of BENCH_RUNS runs (after one warm-up) and the number of queries.
The users it needs (a national manager, an officer of the province and of its busiest commune, a volunteer
of that commune with the people assigned to a volunteer there) are made inside a transaction that is rolled
back at the end: the database is left as it was. BENCH_SLOW=<ms> prints the slowest statements of any page
slower than that.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PROVINCE = os.environ.get("BENCH_PROVINCE", "48")
ONLY = {part for part in os.environ.get("BENCH_ONLY", "").split(",") if part}
LABELS = {part for part in os.environ.get("BENCH_LABELS", "").split("|") if part}
ROLES = {part for part in os.environ.get("BENCH_ROLES", "").split(",") if part}
SLOW_MS = float(os.environ.get("BENCH_SLOW", "0") or 0)
SQL_CHARS = int(os.environ.get("BENCH_SQL_CHARS", "600"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") == "1"


class Rollback(Exception):
    pass


def users(province: Any, commune: Any) -> dict[str, Any]:
    from donghanh.accounts.models import RoleAssignment, User
    from donghanh.accounts.roles import Role
    from donghanh.casework.models import Assignment, Volunteer
    from donghanh.orgunits.models import OrgUnit

    root = OrgUnit.objects.get(path="VN/")

    def make(name: str, role: str, unit: Any) -> Any:
        user = User.objects.create(username=f"bench-lists-{name}", full_name=name)
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
        return user

    made = {
        "national": make("national", Role.NATIONAL_MANAGER, root),
        "province": make("province", Role.PROVINCE_OFFICER, province),
        "commune": make("commune", Role.COMMUNE_OFFICER, commune),
    }
    # The volunteer of the commune who follows the most people today.
    busiest = (
        Assignment.objects.filter(volunteer__team__unit=commune, end_date__isnull=True, volunteer__user__isnull=True)
        .values("volunteer")
        .order_by()
    )
    from django.db.models import Count

    top = busiest.annotate(n=Count("pk")).order_by("-n").first()
    if top is not None:
        volunteer_user = make("volunteer", Role.VOLUNTEER, commune)
        Volunteer.objects.filter(pk=top["volunteer"]).update(user=volunteer_user)
        made["volunteer"] = volunteer_user
    return made


def measure(client: Any, url: str) -> tuple[float, int, int, list[tuple[float, str]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if url.startswith("next:"):  # the page after the first, through the first page's link
        url = client.get(url.removeprefix("next:")).json().get("next") or url.removeprefix("next:")
    client.get(url)  # warm-up
    times = []
    status = 0
    queries: list[dict[str, str]] = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        queries = ctx.captured_queries
    slow = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries), reverse=True)[
        : int(os.environ.get("BENCH_TOP", "5"))
    ]
    return statistics.median(times), len(queries), status, slow


def pages(province: Any, commune: Any) -> list[tuple[str, str, str]]:
    """(part, label, url) for every page measured."""
    from donghanh.casework.models import Assignment
    from donghanh.people.models import Person

    person = Person.objects.filter(unit=commune, merged_into__isnull=True).order_by("pk").first()
    followed = Assignment.objects.filter(volunteer__team__unit=commune, end_date__isnull=True).order_by("pk").first()
    person_pk = person.pk if person else 0
    from donghanh.casework.models import VolunteerTeam
    from donghanh.community.models import CommunityModel

    team = VolunteerTeam.objects.filter(unit=commune).first()
    club = CommunityModel.objects.filter(unit__path__startswith=commune.path).first()
    return [
        ("home", "home", "/"),
        ("units", "unit: the country", f"/units/{province.parent_id}/"),
        ("units", "unit: the province", f"/units/{province.pk}/"),
        ("units", "unit: the commune", f"/units/{commune.pk}/"),
        ("units", "unit search", "/units/?q=phu"),
        ("people", "people list", "/people/"),
        ("people", "people list, page 3", "/people/?page=3"),
        ("people", "people list, name", "/people/?q=nguyen+van"),
        ("people", "people list, one common word", "/people/?q=nguyen"),
        ("people", "people list, at residence", "/people/?whereabouts=at_residence"),
        ("people", "people list, left roster", "/people/?roster=left"),
        ("people", "people list, all", "/people/?roster=all"),
        ("people", "person page", f"/people/{person_pk}/"),
        ("people", "person page (followed)", f"/people/{followed.person_id if followed else person_pk}/"),
        ("casework", "work list", "/casework/"),
        ("casework", "my people", "/casework/my-people/"),
        ("casework", "teams", "/casework/teams/"),
        ("casework", "team page", f"/casework/teams/{team.pk if team else 0}/"),
        ("casework", "person at a glance", f"/casework/people/{followed.person_id if followed else person_pk}/"),
        ("casework", "person's plan", f"/casework/people/{followed.person_id if followed else person_pk}/plan/"),
        ("casework", "coverage", "/casework/coverage/"),
        ("casework", "overdue", "/casework/overdue/"),
        ("casework", "overdue, page 20", "/casework/overdue/?page=20"),
        ("casework", "quarter", "/casework/quarters/"),
        ("casework", "notifications", "/casework/notifications/"),
        ("support", "support overview", "/support/"),
        ("support", "partners", "/support/partners/"),
        ("support", "person support", f"/support/people/{person_pk}/"),
        ("community", "community models", "/community/"),
        ("community", "activities", "/community/activities/"),
        ("community", "model page", f"/community/{club.pk if club else 0}/"),
        ("community", "roadmap", "/community/roadmap/"),
        ("roster", "transfers", "/roster/transfers/"),
        ("roster", "releases", "/roster/releases/"),
        ("roster", "relapses", "/roster/relapses/"),
        ("users", "users", "/users/"),
        ("api", "API people", "/api/v1/people/"),
        ("api", "API people, next page", "next:/api/v1/people/"),
        ("api", "API assessments, next page", "next:/api/v1/assessments/"),
        ("api", "API episodes", "/api/v1/episodes/"),
        ("api", "API contacts", "/api/v1/contacts/"),
        ("api", "API assessments", "/api/v1/assessments/"),
        ("api", "API services", "/api/v1/services/"),
        ("api", "API org-units", "/api/v1/org-units/"),
        ("api", "API volunteers", "/api/v1/volunteers/"),
        ("api", "API memberships", "/api/v1/memberships/"),
        ("api", "API referrals", "/api/v1/referrals/"),
        ("api", "API work list", "/api/v1/worklist/"),
    ]


def main() -> None:
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)  # refusals (403/404) are expected for some roles and shown in the table
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client

    from donghanh.orgunits.models import OrgUnit
    from donghanh.people.models import Person

    settings.ALLOWED_HOSTS = ["testserver"]
    province = OrgUnit.objects.get(era="2025", level=1, code=PROVINCE)
    busiest = (
        Person.objects.filter(unit__path__startswith=province.path)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    commune = OrgUnit.objects.get(pk=busiest["unit"]) if busiest else province
    print(f"{connection.vendor}: {Person.objects.count():,} people; {province.name}, {commune.name}; {RUNS} runs")
    try:
        with transaction.atomic():
            roles = users(province, commune)
            rows = [
                p for p in pages(province, commune) if (not ONLY or p[0] in ONLY) and (not LABELS or p[1] in LABELS)
            ]
            roles = {name: user for name, user in roles.items() if not ROLES or name in ROLES}
            print(f"{'page':34}" + "".join(f"{role:>18}" for role in roles))
            for _part, label, url in rows:
                cells = []
                for user in roles.values():
                    client = Client()
                    client.force_login(user)
                    ms, queries, status, slow = measure(client, url)
                    cell = f"{ms:8.1f} ms {queries:3d}q" if status == 200 else f"{status:>13}"
                    cells.append(f"{cell:>18}")
                    if SLOW_MS and ms > SLOW_MS and status == 200:
                        for q_ms, sql in slow:
                            print(f"    [{user.username} {url}] {q_ms:.0f} ms: {sql[:SQL_CHARS]}")
                        if EXPLAIN and connection.vendor == "postgresql":
                            with connection.cursor() as cursor:
                                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow[0][1])
                                print("\n".join("      " + row[0] for row in cursor.fetchall()))
                print(f"{label:34}" + "".join(cells), flush=True)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
