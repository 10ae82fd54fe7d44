"""What the case-work test modules share.

- A commune officer of Phú Thượng (`officer`) and a client logged in as that officer (`api`). The team and plan
  pages' modules name their officer, so they define their own.
- The commune officer's pages (`test_views_team`, `test_views_coverage`, `test_views_quarter`): Phú Thượng's
  volunteer team and its `world` of volunteers and people, built with `add_volunteer` and `register`, and Lan's
  login (`volunteer_user`; the API modules define their own).
- The plan pages (`test_views_plans`, `test_views_instruments`): Hùng and Lan, registered 400 days ago, and a
  volunteer assigned to Hùng.
- The volunteer's pages (`test_views_field`, `test_views_assessment`): `follow`, which puts a new person of
  Phú Thượng under post-rehab management for 400 days. Those modules have their own volunteer and Hùng.

The pages use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
LONG_AGO = TODAY - 400 * DAY


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


# --- the commune officer's pages -----------------------------------------------------------------


def add_volunteer(officer, team, name, **fields):
    fields.setdefault("sex", "female")
    fields.setdefault("affiliation", "youth_union")
    fields.setdefault("start_date", LONG_AGO)
    return services.volunteer_add(actor=officer, team=team, full_name=name, **fields)


def register(officer, at, name):
    return person_register(
        actor=officer, unit=at, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=LONG_AGO - 10 * DAY
    )


@pytest.fixture
def hai_chau_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


@pytest.fixture
def volunteer_user(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Trần Thị Lan")


@pytest.fixture
def team(officer, phu_thuong):
    return services.team_create(actor=officer, unit=phu_thuong, name="Đội tình nguyện Phú Thượng")


@pytest.fixture
def world(officer, team, phu_thuong, volunteer_user):
    """Phú Thượng: 3 active volunteers (Lan helps two, Mai one, Hoa nobody) and one who stopped;
    4 people followed (3 with a volunteer, Dũng without one) and one registered but not followed."""
    lan = add_volunteer(officer, team, "Trần Thị Lan", user=volunteer_user, phone="0912000111", hamlet="Tổ 3")
    mai = add_volunteer(officer, team, "Lê Thị Mai", affiliation="womens_union")
    hoa = add_volunteer(officer, team, "Phạm Thị Hoa", affiliation="veterans")
    gone = add_volunteer(officer, team, "Đỗ Văn Cũ", end_date=TODAY - 30 * DAY)
    hung = register(officer, phu_thuong, "Nguyễn Văn Hùng")
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)
    binh = register(officer, phu_thuong, "Trần Văn Bình")
    cuong = register(officer, phu_thuong, "Lê Văn Cường")
    dung = register(officer, phu_thuong, "Phạm Văn Dũng")
    episode_open(actor=officer, person=dung, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)
    register(officer, phu_thuong, "Hoàng Văn Em")  # registered, not followed
    for person, volunteer in ((hung, lan), (binh, lan), (cuong, mai)):
        services.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=LONG_AGO)
    return {
        "team": team,
        "lan": lan,
        "mai": mai,
        "hoa": hoa,
        "gone": gone,
        "hung": hung,
        "binh": binh,
        "cuong": cuong,
        "dung": dung,
    }


# --- the plan pages ------------------------------------------------------------------------------


@pytest.fixture
def hung(officer, phu_thuong) -> Person:
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=TODAY - datetime.timedelta(days=400),
    )


@pytest.fixture
def lan(officer, phu_thuong) -> Person:
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Trần Thị Lan",
        sex=Sex.FEMALE,
        birth_year=1992,
        registered_on=TODAY - datetime.timedelta(days=400),
    )


@pytest.fixture
def volunteer(make_user, phu_thuong, hung, assign_volunteer):
    user = make_user(Role.VOLUNTEER, phu_thuong, full_name="Lê Thị Mai")
    assign_volunteer(user, hung)
    return user


# --- the volunteer's pages -----------------------------------------------------------------------


@pytest.fixture
def follow(officer, phu_thuong):
    """A person of Phú Thượng under post-rehab management for 400 days."""

    def make(full_name: str = "Nguyễn Văn Hùng", **fields: object) -> Person:
        fields.setdefault("current_hamlet", "Tổ dân phố 3")
        person = person_register(
            actor=officer,
            unit=phu_thuong,
            full_name=full_name,
            sex=Sex.MALE,
            birth_year=1990,
            registered_on=LONG_AGO - datetime.timedelta(days=30),
            **fields,
        )
        episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)
        return person

    return make
