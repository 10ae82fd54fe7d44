"""The API under a schema-driven fuzzer (schemathesis): every operation of the OpenAPI schema, with values drawn
from it (and out of it), as three roles: a commune officer, a volunteer and a national manager. No answer may be a
server error. Bounded (FUZZ_EXAMPLES, 3, cases per operation and role: about half a minute in all) and the same
cases every run, so that the suite does not fail by chance; FUZZ_RANDOM=1 draws new ones each run, and a larger
FUZZ_EXAMPLES explores further (`FUZZ_RANDOM=1 FUZZ_EXAMPLES=50 pytest donghanh/core/tests/test_api_fuzz.py`). It
runs in the suite's PostgreSQL half, on the production database; the bounded ids test covers both.

The schema's own conformance (every status documented, read-only fields marked) is not checked here yet.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings

from donghanh.accounts.roles import Role
from donghanh.accounts.services import api_token_issue
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
ROLES = {
    Role.COMMUNE_OFFICER: ("00091", OrgUnit.Level.COMMUNE),
    Role.VOLUNTEER: ("00091", OrgUnit.Level.COMMUNE),
    Role.NATIONAL_MANAGER: ("VN", OrgUnit.Level.NATION),
}

schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request (`close_old_connections`), which would
    end the test's transaction on PostgreSQL: as Django's test client does, keep it open while the test runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="run on PostgreSQL, the production database, in the suite's PostgreSQL half (keeps the SQLite half short)",
)
@pytest.mark.parametrize("role", list(ROLES), ids=str)
def test_no_operation_answers_a_server_error(role, make_user, unit, phu_thuong, connection_kept):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    for name in ("Nguyễn Văn Hùng", "Lê Thị Lan"):
        person_register(actor=officer, unit=phu_thuong, full_name=name, sex=Sex.MALE, birth_year=1990)
    code, level = ROLES[role]
    headers = {"Authorization": f"Token {api_token_issue(actor=make_user(role, unit(code, level=level))).key}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            derandomize=not RANDOM,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: {response.text[:300]}"
                )

        call()
    assert failures == []
