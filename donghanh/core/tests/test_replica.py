"""Reads on a replica: the router and the middleware of donghanh/core/replica.py.

The replica is Django's test mirror of the default database (config/settings/test.py): the same test database
under the alias `replica`, opened read-only. Each connection's queries are captured separately, so a test sees
which alias ran what. The page tests are transactional: the replica's connection sees only committed rows, as a
real replica does.
"""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.core.replica import (
    PIN_COOKIE,
    REPLICA_DB_ALIAS,
    ReplicaPinningMiddleware,
    ReplicaRouter,
    replica_reads,
)
from donghanh.orgunits.models import OrgUnit

ROUTER = "donghanh.core.replica.ReplicaRouter"
MIDDLEWARE = "donghanh.core.replica.ReplicaPinningMiddleware"
BASE_SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings" / "base.py"
BOTH = ["default", "replica"]
pages = pytest.mark.django_db(transaction=True, databases=BOTH)


@pytest.fixture
def replica_routing(settings: Any) -> None:
    """The router and the middleware, installed as base.py installs them when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = [ROUTER]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware"), MIDDLEWARE)
    settings.MIDDLEWARE = middleware


@contextmanager
def captured() -> Iterator[dict[str, CaptureQueriesContext]]:
    """The statements each alias ran within the block."""
    with ExitStack() as stack:
        yield {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in BOTH}


@contextmanager
def in_order() -> Iterator[list[tuple[str, str]]]:
    """(alias, SQL) of every statement within the block, in the order they ran on either connection."""
    ran: list[tuple[str, str]] = []

    def recorder(alias: str) -> Any:
        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            ran.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in BOTH:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield ran


def sql_of(capture: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in capture.captured_queries)


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


# --- the router --------------------------------------------------------------------------------------------------


def test_migrations_run_on_the_primary_only():
    replica_router = ReplicaRouter()
    assert replica_router.allow_migrate(DEFAULT_DB_ALIAS, "people", "person") is True
    assert replica_router.allow_migrate(REPLICA_DB_ALIAS, "people", "person") is False
    assert replica_router.allow_migrate(REPLICA_DB_ALIAS, "contenttypes") is False


def test_outside_a_request_every_read_goes_to_the_primary(replica_routing):
    # The task worker, management commands, the shell: they read and write in one flow.
    assert router.db_for_read(OrgUnit) == DEFAULT_DB_ALIAS
    assert router.db_for_write(OrgUnit) == DEFAULT_DB_ALIAS


def test_a_write_pins_the_rest_of_the_block_to_the_primary(replica_routing):
    with replica_reads():
        assert router.db_for_read(OrgUnit) == REPLICA_DB_ALIAS
        assert router.db_for_write(OrgUnit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(OrgUnit) == DEFAULT_DB_ALIAS
    with replica_reads():  # the next request starts afresh
        assert router.db_for_read(OrgUnit) == REPLICA_DB_ALIAS
    with replica_reads(allowed=False):
        assert router.db_for_read(OrgUnit) == DEFAULT_DB_ALIAS
    assert router.db_for_read(OrgUnit) == DEFAULT_DB_ALIAS


@pages
def test_reads_inside_a_transaction_stay_on_the_primary(replica_routing):
    with replica_reads():
        assert router.db_for_read(OrgUnit) == REPLICA_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(OrgUnit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(OrgUnit) == REPLICA_DB_ALIAS


@pages
def test_a_row_read_on_the_replica_is_referenced_by_a_row_written_on_the_primary(replica_routing, demo_world):
    from donghanh.accounts.models import User
    from donghanh.audit.services import access_log_record

    with replica_reads(), captured() as ran:
        unit = OrgUnit.objects.get(code="00091", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
        user = User.objects.get(username="xa.phuthuong")
        assert unit._state.db == user._state.db == REPLICA_DB_ALIAS
        entry = access_log_record(actor=user, obj=unit, unit=unit)
    assert entry._state.db == DEFAULT_DB_ALIAS
    assert entry.user == user
    assert "INSERT" in sql_of(ran["default"])
    assert not any(is_write(query["sql"]) for query in ran["replica"].captured_queries)


@pages
def test_the_replica_of_the_tests_reads_committed_rows_and_refuses_writes_as_a_standby_does():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    assert Session.objects.using(REPLICA_DB_ALIAS).get().session_key == "k" * 32
    with pytest.raises(DatabaseError):
        Session.objects.using(REPLICA_DB_ALIAS).update(session_data="ghi nhầm chỗ")
    assert Session.objects.get().session_data == ""


# --- pages and the API -------------------------------------------------------------------------------------------


@pages
def test_report_page_reads_from_the_replica(replica_routing, demo_world, client):
    from donghanh.accounts.models import User

    client.force_login(User.objects.get(username="tinh.hanoi"))
    with captured() as ran:
        response = client.get(reverse("reports:report"))
    assert response.status_code == 200
    assert "Hà Nội" in response.text
    assert len(ran["replica"]) > 5
    assert "django_session" in sql_of(ran["replica"])  # the session and the user too
    assert len(ran["default"]) == 0, sql_of(ran["default"])
    assert PIN_COOKIE not in response.cookies


@pages
def test_people_list_and_api_list_read_from_the_replica(replica_routing, demo_world, client):
    from donghanh.accounts.models import User
    from donghanh.people.services import person_register

    officer = User.objects.get(username="xa.phuthuong")
    commune = OrgUnit.objects.get(code="00091", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
    person_register(actor=officer, unit=commune, full_name="Nguyễn Văn Bản Sao", sex="male", birth_year=1990)
    client.force_login(officer)

    for url in (reverse("people:list"), "/api/v1/people/"):
        with captured() as ran:
            response = client.get(url)
        assert response.status_code == 200
        assert "Nguyễn Văn Bản Sao" in response.text
        assert "people_person" in sql_of(ran["replica"])
        assert len(ran["default"]) == 0


@pages
def test_a_page_that_writes_reads_the_primary_from_its_first_write_on(replica_routing, demo_world, client):
    from donghanh.accounts.models import User
    from donghanh.people.services import person_register

    officer = User.objects.get(username="xa.phuthuong")
    commune = OrgUnit.objects.get(code="00091", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
    person = person_register(actor=officer, unit=commune, full_name="Trần Thị Ghi", sex="female", birth_year=1988)
    client.force_login(officer)

    # The person page logs who saw the sensitive sections, then renders them.
    with in_order() as ran:
        response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    first_write = next(i for i, (_alias, sql) in enumerate(ran) if is_write(sql))
    assert "audit_accesslogentry" in ran[first_write][1]
    assert {alias for alias, _sql in ran[:first_write]} == {"replica"}
    assert {alias for alias, _sql in ran[first_write:]} == {"default"}
    assert len(ran) > first_write + 1  # the sections read after the entry was written
    # An access-log entry is not something the user reads next: it does not pin the browser.
    assert PIN_COOKIE not in response.cookies


@pages
def test_a_post_and_the_pages_after_it_read_the_primary(replica_routing, demo_world, client):
    from donghanh.accounts.models import User
    from donghanh.casework.models import Notification

    officer = User.objects.get(username="xa.phuthuong")
    notification = Notification.objects.create(
        user=officer, kind="no_contact", key="k1", text="Quá 30 ngày chưa liên hệ", url="/casework/notifications/"
    )
    client.force_login(officer)

    with captured() as ran:
        response = client.post(reverse("casework:notification_read", args=[notification.pk]))
    assert response.status_code == 302
    assert len(ran["replica"]) == 0  # what a POST reads before it writes is read on the primary too
    assert "SELECT" in sql_of(ran["default"])
    assert 'UPDATE "casework_notification"' in sql_of(ran["default"])
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    assert cookie["httponly"]

    # The page the user is sent to, within the pin's seconds: on the primary, whatever the replica's lag.
    with captured() as ran:
        response = client.get(reverse("casework:notifications"))
    assert response.status_code == 200
    assert len(ran["replica"]) == 0
    assert "casework_notification" in sql_of(ran["default"])

    # Once the cookie has expired, the replica again.
    del client.cookies[PIN_COOKIE]
    with captured() as ran:
        response = client.get(reverse("casework:notifications"))
    assert response.status_code == 200
    assert "casework_notification" in sql_of(ran["replica"])
    assert len(ran["default"]) == 0


def test_the_middleware_pins_only_after_a_method_that_may_write(rf):
    middleware = ReplicaPinningMiddleware(lambda request: HttpResponse("ok"))
    for method in ("get", "head", "options"):
        assert PIN_COOKIE not in middleware(getattr(rf, method)("/")).cookies
    for method in ("post", "put", "patch", "delete"):
        assert PIN_COOKIE in middleware(getattr(rf, method)("/")).cookies


# --- settings ----------------------------------------------------------------------------------------------------


def base_settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, Any]:
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_CONN_MAX_AGE", "DATABASE_REPLICA_PIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def test_without_a_replica_url_there_is_one_database_and_no_router(monkeypatch):
    base = base_settings(monkeypatch, DATABASE_URL="postgres://app@db.example:5432/donghanh")
    assert list(base["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in base
    assert MIDDLEWARE not in base["MIDDLEWARE"]


def test_the_replica_url_adds_the_alias_with_the_primary_options_the_router_and_the_middleware(monkeypatch):
    base = base_settings(
        monkeypatch,
        DATABASE_URL="postgres://app@primary.example:5432/donghanh",
        DATABASE_REPLICA_URL="postgres://app@standby.example:5432/donghanh",
        DATABASE_CONN_MAX_AGE="60",
    )
    default, replica = base["DATABASES"]["default"], base["DATABASES"]["replica"]
    assert replica["HOST"] == "standby.example"
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] == 60
    assert "-c jit=off" in replica["OPTIONS"]["options"]
    assert "default_transaction_read_only=on" in replica["OPTIONS"]["options"]
    assert replica["TEST"] == {"MIRROR": "default"}  # a test run never touches the real replica
    assert base["DATABASE_ROUTERS"] == [ROUTER]
    middleware = base["MIDDLEWARE"]
    assert middleware.index(MIDDLEWARE) < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


def test_a_replica_that_is_not_postgresql_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        base_settings(monkeypatch, DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3")


def test_production_pools_the_replica_connections_too_and_passes_the_deploy_checks():
    environ = {
        **{
            name: value
            for name, value in os.environ.items()
            if name not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "donghanh.example.vn",
        "DATABASE_URL": "postgres://app:secret@primary.example:5432/donghanh",
        "DATABASE_REPLICA_URL": "postgres://app:secret@standby.example:5432/donghanh",
        "DATABASE_POOL_MAX": "7",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_LOOKUP_KEY": secrets.token_urlsafe(32),
    }
    read = (
        "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES))"
    )
    result = subprocess.run(
        [sys.executable, "-c", read], cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)
    assert databases["replica"]["HOST"] == "standby.example"
    assert (
        databases["replica"]["OPTIONS"]["pool"]
        == databases["default"]["OPTIONS"]["pool"]
        == {
            "min_size": 2,
            "max_size": 7,
        }
    )
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout + check.stderr
