"""The API under a schema-driven fuzzer (schemathesis): every operation of the OpenAPI schema, with values drawn
from it and values it refuses, as three roles of the demo world (a commune officer, a volunteer with the people
assigned to them, and a national manager), over the demo's people, case work, support and community records. Every
answer must keep to the schema: no server error, a status code, a content type, headers and a body the schema
documents for the operation.

A record's id in a path is, one case in two, that of a record of the operation's kind that exists, so that details
and their actions answer with real rows (a blank code, a missing value) and not only 404. Bounded (FUZZ_EXAMPLES, 3
cases per operation and role: about two minutes in all, the demo world included) and the same cases every run, so
that the suite does not fail by chance; FUZZ_RANDOM=1 draws new ones each run, and a larger FUZZ_EXAMPLES explores
further (`FUZZ_RANDOM=1 FUZZ_EXAMPLES=20 pytest donghanh/core/tests/test_api_fuzz.py`: about ten minutes). It runs
in the suite's PostgreSQL half, on the production database; the bounded ids and bounded texts tests cover both.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import resolve
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
