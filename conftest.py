"""Fixtures shared by the whole suite.

The full organisation tree (both eras, about 14,000 units) is loaded once per test session (once per
pytest-xdist worker), so every test reads the real tree. Transactional tests (the browser tests under
`live_server`) run last and flush the database; they load the provinces they need themselves
(`demo_world`). docs/development/checks.md tells how `make test` spreads the suite over the cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Mat-khau-thu-2026"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile` (what `make test` uses), made safe for pytest-django's order.

    Each xdist worker runs a module's tests together, so a module-scoped fixture (a demo world, seed 004's clubs)
    is built once, not once per worker. Plain loadfile would also send a module's transactional tests with its
    other tests, though pytest-django runs them last because they empty the database (the organisation tree
    included): here a unit of work is a run of consecutive tests of one module in pytest-django's order, and the
    units are handed out in that order.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleRunScheduling(LoadScopeScheduling):
        scopes: dict[str, str]

        def schedule(self) -> None:
            if self.collection is None and self.collection_is_completed:
                self.scopes, module, runs = {}, None, 0
                for nodeid in next(iter(self.registered_collections.values())):
                    if nodeid.split("::", 1)[0] != module:
                        module, runs = nodeid.split("::", 1)[0], runs + 1
                    self.scopes[nodeid] = f"{module} (run {runs})"
                self.config.option.loadscopereorder = False  # biggest units first would break the order
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return self.scopes[nodeid]

    return ModuleRunScheduling(config, log)


# The rows the data migrations install (rating scale, service types…), as (model, JSON), read once per session (per
# xdist worker) right after the migrations, before any transactional test empties them.
SEED_ROWS: list[tuple[Any, str]] = []


# A worker's database copied from the first worker's, migrated once (donghanh/core/tests/template_db.py).
TEMPLATE: list[Any] = []


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> bool:
    """pytest-django's, but a worker whose database was copied from the template keeps it: nothing to migrate."""
    from donghanh.core.tests.template_db import template_start

    reuse: bool = request.config.getvalue("reuse_db")
    if reuse or request.config.getvalue("create_db"):
        return reuse
    clone = template_start(getattr(request.config, "workerinput", {}).get("workerid"))
    if clone is None:
        return False
    TEMPLATE.append(clone)
    return clone.cloned


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.apps import apps
    from django.core import serializers

    from donghanh.orgunits.services import orgunits_load

    # Content types and permissions are not seeds: flush's post_migrate signal puts them back.
    recreated = {"contenttypes.ContentType", "auth.Permission"}
    with django_db_blocker.unblock():
        for clone in TEMPLATE:
            clone.migrated()
        for model in apps.get_models():
            if model._meta.label in recreated or model._meta.proxy or not model._meta.managed:
                continue
            rows = model._base_manager.order_by("pk")
            if rows.exists():
                SEED_ROWS.append((model, serializers.serialize("json", rows)))
        orgunits_load()
    yield
    with django_db_blocker.unblock():
        for clone in TEMPLATE:
            clone.end()


def seed_rows_restore() -> None:
    """Put back the rows of the data migrations that a transactional test's flush removed."""
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection, transaction

    emptied = [(model, data) for model, data in SEED_ROWS if not model._base_manager.exists()]
    with transaction.atomic():  # foreign keys are checked at commit, whatever the order of the rows
        for _model, data in emptied:
            for row in serializers.deserialize("json", data):
                row.save()  # a raw save: no change history, as in the migration
        # The rows keep their primary keys: move each sequence past them (PostgreSQL).
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in emptied]):
                cursor.execute(statement)


@pytest.fixture
def unit() -> Callable[..., Any]:
    """unit("00091") → the current commune with that code; unit("01", level=1) → a province."""
    from donghanh.orgunits.models import OrgUnit

    def get(code: str, level: int = OrgUnit.Level.COMMUNE, era: str = OrgUnit.Era.CURRENT) -> OrgUnit:
        return OrgUnit.objects.get(code=code, level=level, era=era)

    return get


@pytest.fixture
def phu_thuong(unit: Callable[..., Any]) -> Any:
    """Phường Phú Thượng, Hà Nội (seed 002): the demo commune."""
    return unit("00091")


@pytest.fixture
def hai_chau(unit: Callable[..., Any]) -> Any:
    """Phường Hải Châu, Đà Nẵng: a commune of another province, for scoping."""
    return unit("20242")


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """make_user("commune_officer", some_unit) → a user holding that role there (password PASSWORD)."""
    from donghanh.accounts.models import RoleAssignment, User

    counter = {"n": 0}

    def make(role: str | None = None, at: Any = None, *, username: str | None = None, **fields: Any) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}",
            password=PASSWORD,
            full_name=fields.pop("full_name", f"Người dùng {counter['n']}"),
            **fields,
        )
        if role:
            RoleAssignment.objects.create(user=user, role=role, unit=at)
        return user

    return make


@pytest.fixture
def demo_world(transactional_db: None) -> Any:
    """For transactional tests: Hà Nội and Đà Nẵng (both eras) and the demo accounts (not the demo people)."""
    from donghanh.demo.world import demo_data_create
    from donghanh.orgunits.services import orgunits_load

    # A transactional test empties every table, the rows data migrations installed included: put those back
    # from the copy read after the migrations (much faster than unapplying and reapplying the migrations).
    seed_rows_restore()
    orgunits_load(province_codes={"01", "48"})
    return demo_data_create(people=False)


@pytest.fixture
def assign_volunteer(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """assign_volunteer(volunteer_user, person) → the person assigned to that user's volunteer record, via services.

    The commune's team and the volunteer record are made when missing; the start defaults to a year ago.
    """
    import datetime

    from donghanh.accounts.roles import Role
    from donghanh.casework import services
    from donghanh.casework.models import Volunteer, VolunteerTeam

    officers: dict[int, Any] = {}

    def assign(user: Any, person: Any, start: datetime.date | None = None) -> Any:
        commune = person.unit
        officer = officers.get(commune.pk) or make_user(Role.COMMUNE_OFFICER, commune)
        officers[commune.pk] = officer
        start = start or datetime.date.today() - datetime.timedelta(days=365)
        team = VolunteerTeam.objects.filter(unit=commune).first() or services.team_create(
            actor=officer, unit=commune, name=f"Đội tình nguyện {commune.name}"
        )
        volunteer = Volunteer.objects.filter(user=user).first() or services.volunteer_add(
            actor=officer,
            team=team,
            full_name=user.full_name,
            sex="female",
            affiliation="youth_union",
            start_date=start,
            user=user,
        )
        return services.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=start)

    return assign
