"""The API and the pages under fuzzers, over one demo world (people, case work, support, community) made once for
the module, as three of its roles (a commune officer, a volunteer with the people assigned to them, and a national
manager). Both run in the suite's PostgreSQL half, on the production database (an integer too large for a column,
or a NUL in a text, is an error there, not on SQLite); the bounded ids and bounded texts tests cover both databases.

The API, under a schema-driven fuzzer (schemathesis): every operation of the OpenAPI schema, with values drawn from
it and values it refuses. Every answer must keep to the schema: no server error, a status code, a content type,
headers and a body the schema documents for the operation. A record's id in a path is, one case in two, that of a
record of the operation's kind that exists, so that details and their actions answer with real rows (a blank code,
a missing value) and not only 404. Bounded (FUZZ_EXAMPLES, 3 cases per operation and role) and the same cases every
run, so that the suite does not fail by chance; FUZZ_RANDOM=1 draws new ones each run, and a larger FUZZ_EXAMPLES
explores further (`FUZZ_RANDOM=1 FUZZ_EXAMPLES=20 pytest donghanh/core/tests/test_fuzz.py`: about ten minutes).

The pages, under hostile input: each role walks the site from its home page, following the links it is shown, as a
person would. Then every page it reached is asked again:

- with every query parameter a page reads set at once to each of a set of hostile values (a number too large for
  the database, a negative one, an impossible date, a NUL, markup with a very long text, a repeated parameter);
- with each number in its path replaced by 0 and by a number too large for the database;
- and each form it shows (method post) is sent with its fields empty, then filled with hostile values.

Any answer of 500 or more fails, with the request that caused it. The same requests every run; PAGE_FUZZ_PAGES
(40 by default) bounds the pages each role walks, one per view.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from donghanh.accounts.models import User
from donghanh.accounts.services import api_token_issue
from donghanh.community.models import CommunityModel
from donghanh.core.tests.pages import Node, parse
from donghanh.demo.casework import demo_casework_create
from donghanh.demo.community import demo_community_create
from donghanh.demo.people import demo_people_create
from donghanh.demo.support import demo_support_create
from donghanh.demo.tests.clock import stopped_on
from donghanh.demo.world import demo_data_create

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
DEMO_DAY = datetime.date(2026, 11, 20)  # as in the demo's tests: after the demo people's last record
ROLES = ["xa.phuthuong", "tnv.phuthuong", "trunguong"]  # commune officer, volunteer, national manager
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

PAGES = int(os.environ.get("PAGE_FUZZ_PAGES", "40"))
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


schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="run on PostgreSQL, the production database, in the suite's PostgreSQL half (keeps the SQLite half short)",
)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo world (accounts, people, case work, support, community), rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with stopped_on(DEMO_DAY):  # made as on that day; read today
            demo_data_create(people=False)
            demo_people_create()
            demo_casework_create(today=DEMO_DAY)
            demo_support_create(today=DEMO_DAY)
            demo_community_create(today=DEMO_DAY)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (`close_old_connections`), which would
    end the test's transaction on PostgreSQL: as Django's test client does, keep it open while the test runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def existing_ids(path: str) -> list[int]:
    """Ids of records that the operation's `{id}` may name: rows of the model its viewset reads (a few)."""
    view = getattr(resolve(path.replace("{id}", "1")).func, "cls", None)
    serializer = getattr(view, "read_serializer_class", None) or getattr(view, "serializer_class", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return []
    return list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:20])


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_operation_answers_as_its_schema_says(username, demo, connection_kept):
    assert CommunityModel.objects.exists()  # the demo world is there
    token = api_token_issue(actor=User.objects.get(username=username), name="fuzz").key
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100

    for operation in operations:
        ids = existing_ids(operation.path) if "{id}" in operation.path else []

        # Cases the schema allows and cases it refuses (a wrong type, a value out of bounds, a malformed id).
        cases = st.one_of(operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(
            max_examples=EXAMPLES,
            derandomize=not RANDOM,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases, existing=st.one_of(st.none(), st.sampled_from(ids)) if ids else st.none())
        def call(case, existing):
            if existing is not None:
                case.path_parameters["id"] = existing
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query} {case.body!r} -> {response.status_code}"
                        f" [{failure.title}] {failure.message[:600]}"
                    )

        call()
    assert failures == [], "\n".join(failures)


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
    return [path[: match.start()] + value + path[match.end() :] for match in numbers for value in ("0", TOO_LARGE)]


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
