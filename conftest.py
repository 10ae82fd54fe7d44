"""Fixtures shared by the whole suite.

The full organisation tree (both eras, about 14,000 units) is loaded once per test session, so
every test reads the real tree. Transactional tests (the browser tests under `live_server`)
run last and flush the database; they load the provinces they need themselves
(`demo_world`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Mat-khau-thu-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    from donghanh.orgunits.services import orgunits_load

    with django_db_blocker.unblock():
        orgunits_load()


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
    from django.core.management import call_command

    from donghanh.casework.models import RatingScale
    from donghanh.community.models import ModelType
    from donghanh.demo.world import demo_data_create
    from donghanh.episodes.models import EpisodeRule
    from donghanh.orgunits.services import orgunits_load
    from donghanh.support.models import ServiceType

    # A transactional test empties every table, the rows data migrations installed included. Each app whose
    # seed rows are gone goes back to its first migration; unapplying one also unapplies the migrations of the
    # apps that depend on it, so one full `migrate` afterwards puts every app and its rows back.
    seeded = {"episodes": EpisodeRule, "casework": RatingScale, "support": ServiceType, "community": ModelType}
    emptied = [app for app, model in seeded.items() if not model.objects.exists()]
    for app in emptied:
        call_command("migrate", app, "0001", verbosity=0)
    if emptied:
        call_command("migrate", verbosity=0)
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
