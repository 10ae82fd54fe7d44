"""The pages under hostile input: no server error, whatever the query string, the path's numbers or a form's fields.

Three roles of the demo world (a commune officer, a volunteer, a national manager) walk the site from their home
page, following the links they are shown, as a person would. Then every page they reached is asked again:

- with every query parameter a page reads set at once to each of a set of hostile values (a number too large for
  the database, a negative one, an impossible date, a NUL, markup, a very long text, a repeated parameter);
- with each number in its path replaced by 0 and by a number too large for the database;
- and each form it shows (method post) is sent with its fields empty, then filled with hostile values.

Any answer of 500 or more fails, with the request that caused it. The same requests every run; PAGE_FUZZ_PAGES
(40 by default) bounds the pages each role walks, one per view. It runs in the suite's PostgreSQL half, on the
production database (an integer too large for a column, or a NUL in a text, is an error there, not on SQLite).
"""

from __future__ import annotations

import datetime
import os
import re
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from donghanh.accounts.models import User
from donghanh.core.tests.pages import Node, parse
from donghanh.demo.casework import demo_casework_create
from donghanh.demo.community import demo_community_create
from donghanh.demo.people import demo_people_create
from donghanh.demo.support import demo_support_create
from donghanh.demo.tests.clock import stopped_on
from donghanh.demo.world import demo_data_create

PAGES = int(os.environ.get("PAGE_FUZZ_PAGES", "40"))
DEMO_DAY = datetime.date(2026, 11, 20)  # as in the demo's tests: after the demo people's last record
ROLES = ["xa.phuthuong", "tnv.phuthuong", "trunguong"]  # commune officer, volunteer, national manager
# Paths not walked: they end the session, or leave the site's pages.
SKIPPED = re.compile(r"^/(accounts/logout|i18n/|api/|static/|media/)")
# What the pages read from a query string (their filters and parameters).
PARAMETERS = [
    "q", "page", "unit", "period", "next", "person", "indicator", "field", "episode_type", "status", "month",
    "year", "model", "date", "breakdown", "as_of", "age_band", "sex", "hamlet", "whereabouts", "roster", "kind",
    "category", "type", "service_type", "level", "era", "since", "until", "date_from", "date_to", "sent_from",
    "sent_to", "started_from", "started_to", "open", "active", "offers", "role", "volunteer", "code", "cursor",
]  # fmt: skip
TOO_LARGE = "99999999999999999999"
HOSTILE = [TOO_LARGE, "-1", "2026-02-30", "\x00", "<script>alert(1)</script>'\"%' OR 1=1 --" + "x" * 3000]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo world (accounts, people, case work, support, community), rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with stopped_on(DEMO_DAY):
            demo_data_create(people=False)
            demo_people_create()
            demo_casework_create(today=DEMO_DAY)
            demo_support_create(today=DEMO_DAY)
            demo_community_create(today=DEMO_DAY)
        yield
        transaction.set_rollback(True)


def on_site(href: str) -> str | None:
    """The path and query of a link to one of the site's pages, or None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.match(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client: Client, limit: int) -> dict[str, Node]:
    """The pages reached from home by following links, breadth first, one per view; each parsed."""
    seen: dict[str, Node] = {}
    per_view: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= 1:
            continue
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} -> {response.status_code}"
        per_view[view] = per_view.get(view, 0) + 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = parse(response.content.decode())
        seen[url] = page
        for _text, href in page.links():
            target = on_site(href)
            if target and target not in seen:
                queue.append(target)
    return seen


def hostile_paths(path: str) -> list[str]:
    """The path with each of its numbers replaced by 0 and by a number too large for the database."""
    numbers = list(re.finditer(r"(?<=/)\d+(?=/)", path))
    return [
        path[: match.start()] + value + path[match.end() :] for match in numbers for value in ("0", TOO_LARGE)
    ]


def post_forms(page: Node) -> list[tuple[str, list[str]]]:
    """(action, field names) of each form of the page sent by POST."""
    forms = []
    for form in page.find_all("form"):
        if (form.attrs.get("method") or "get").lower() != "post":
            continue
        names = sorted(
            {
                node.attrs["name"] or ""
                for node in form.iter()
                if node.tag in ("input", "select", "textarea") and node.attrs.get("name")
            }
            - {"csrfmiddlewaretoken"}
        )
        forms.append((form.attrs.get("action") or "", names))
    return forms


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="run on PostgreSQL, the production database, in the suite's PostgreSQL half",
)
@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_no_page_answers_a_server_error_whatever_it_is_sent(username: str, demo: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    pages = walk(client, PAGES)
    assert len(pages) >= 10, sorted(pages)  # the walk reached the site, not only the home page
    failures: list[str] = []
    sent = 0

    def check(method: str, url: str, data: Any = None) -> None:
        nonlocal sent
        if SKIPPED.match(urlsplit(url).path):
            return
        sent += 1
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.status_code >= 500:
            failures.append(f"{method} {url[:300]} {str(data)[:300]} -> {response.status_code}")
        client.force_login(User.objects.get(username=username))  # whatever the request did to the session

    for url, page in pages.items():
        path = urlsplit(url).path
        for value in HOSTILE:
            check("GET", f"{path}?{urlencode(dict.fromkeys(PARAMETERS, value))}")
        check("GET", f"{path}?{urlencode([(name, v) for name in PARAMETERS for v in ('1', TOO_LARGE)])}")
        for wrong in hostile_paths(path):
            check("GET", wrong)
        for action, names in post_forms(page):
            target = on_site(action) if action else url
            if target is None:
                continue
            check("POST", target, {})
            for value in (TOO_LARGE, "\x00", "2026-02-30<b>'\"" + "x" * 5000):
                check("POST", target, dict.fromkeys(names, value))
    print(f"{username}: {len(pages)} pages walked, {sent} requests sent")
    assert failures == [], "\n".join(failures)
