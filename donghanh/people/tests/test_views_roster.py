"""The people list by place on the roster: those on it on the day (the default), those who had left it by
then with the date and why, or both; scoped to the communes that managed them last, paged and read in a
fixed number of queries. The officers and Hùng are in conftest.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import DeathSource, RosterExit
from donghanh.people.roster import roster_leave
from donghanh.people.tests.conftest import register
from donghanh.people.tests.test_views import LIST, login, names_in_list
from donghanh.roster.death import death_record

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
REGISTERED = TODAY - 90 * DAY
EN = {"Accept-Language": "en"}


def table(client, **params):
    return parse(client.get(LIST, params, headers=EN)).find(data_testid="people-table")


@pytest.fixture
def people(officer, phu_thuong):
    """Hùng removed by a decision 10 days ago, Lan died 5 days ago, Bình still on the roster."""
    hung = register(officer, phu_thuong, "Nguyễn Văn Hùng", on=REGISTERED)
    lan = register(officer, phu_thuong, "Trần Thị Lan", on=REGISTERED, sex="female")
    binh = register(officer, phu_thuong, "Lê Văn Bình", on=REGISTERED)
    roster_leave(
        actor=officer, person=hung, on=TODAY - 10 * DAY, reason=RosterExit.REMOVED, decision_number="7/QĐ",
        note="Không còn cư trú",
    )  # fmt: skip
    death_record(actor=officer, person=lan, died_on=TODAY - 5 * DAY, source=DeathSource.FAMILY)
    return hung, lan, binh


def test_the_list_shows_the_roster_by_default_and_those_who_left_with_the_date_and_why(client, officer, people):
    login(client, officer)
    page = parse(client.get(LIST))
    options = page.get("select", name="roster").find_all("option")
    assert [o.attrs["value"] for o in options] == ["on", "left", "all"]
    assert names_in_list(client.get(LIST)) == ["Lê Văn Bình"]
    assert len(page.get(data_testid="people-table").find_all("th")) == 8  # no column of leaving

    left = table(client, roster="left")
    rows = {row[1]: row for row in left.rows()}
    assert sorted(rows) == ["Nguyễn Văn Hùng", "Trần Thị Lan"]
    assert rows["Nguyễn Văn Hùng"][7] == f"{TODAY - 10 * DAY:%d/%m/%Y} Removed by an officer's decision"
    assert rows["Trần Thị Lan"][7] == f"{TODAY - 5 * DAY:%d/%m/%Y} Died"
    assert rows["Trần Thị Lan"][5] == "Phường Phú Thượng"

    everyone = {row[1]: row for row in table(client, roster="all").rows()}
    assert sorted(everyone) == ["Lê Văn Bình", "Nguyễn Văn Hùng", "Trần Thị Lan"]
    assert everyone["Lê Văn Bình"][7] == "—"
    assert everyone["Nguyễn Văn Hùng"][7].startswith(f"{TODAY - 10 * DAY:%d/%m/%Y}")


def test_the_roster_filter_follows_the_date_and_the_other_filters(client, officer, people):
    login(client, officer)
    before = f"{TODAY - 20 * DAY:%d/%m/%Y}"
    assert names_in_list(client.get(LIST, {"roster": "left", "as_of": before})) == []
    assert len(names_in_list(client.get(LIST, {"as_of": before}))) == 3
    between = f"{TODAY - 7 * DAY:%d/%m/%Y}"
    assert names_in_list(client.get(LIST, {"roster": "left", "as_of": between})) == ["Nguyễn Văn Hùng"]
    assert names_in_list(client.get(LIST, {"roster": "left", "sex": "female"})) == ["Trần Thị Lan"]
    assert names_in_list(client.get(LIST, {"roster": "all", "q": "hung"})) == ["Nguyễn Văn Hùng"]
    # A measure running on the day keeps a person on the roster: no one who left is under one.
    wanted = {"roster": "left", "episode_type": EpisodeType.DRUG_USER_MANAGEMENT}
    assert names_in_list(client.get(LIST, wanted)) == []
    refused = client.get(LIST, {"roster": "gone"})
    assert parse(refused).find(data_testid="filter-errors") is not None


def test_those_who_left_stay_with_the_commune_that_managed_them_last(client, da_nang_officer, officer, people):
    assert names_in_list(login(client, da_nang_officer).get(LIST, {"roster": "all"})) == []
    hung = people[0]
    response = login(client, officer).get("/api/v1/people/", {"roster": "left"}, headers=EN)
    assert response.status_code == 200
    found = {row["code"]: row for row in response.json()["results"]}
    assert sorted(found) == sorted(p.code for p in people[:2])
    assert found[hung.code]["unit_at"] == hung.unit_id


def test_the_whole_country_sees_on_and_left_as_one_list(client, make_user, unit, officer, phu_thuong, people):
    """For a national grant "all" is read as "on a roster on the day or before it": the same people as both lists."""
    register(officer, phu_thuong, "Phạm Văn Muộn", on=TODAY - 2 * DAY)  # not yet registered on the earlier days
    login(client, make_user(Role.NATIONAL_MANAGER, unit("VN", level=OrgUnit.Level.NATION)))
    for day in (REGISTERED - DAY, REGISTERED, TODAY - 7 * DAY, TODAY - 3 * DAY, TODAY):
        as_of = f"{day:%d/%m/%Y}"
        both = names_in_list(client.get(LIST, {"as_of": as_of})) + names_in_list(
            client.get(LIST, {"roster": "left", "as_of": as_of})
        )
        assert names_in_list(client.get(LIST, {"roster": "all", "as_of": as_of})) == sorted(set(both)), as_of
    assert len(names_in_list(client.get(LIST, {"roster": "all"}))) == 4


def test_the_list_of_those_who_left_is_read_in_a_fixed_number_of_queries(client, officer, phu_thuong):
    def count(**params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, params).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        person = register(officer, phu_thuong, f"Người Thứ {n}", on=REGISTERED)
        if n % 2:
            roster_leave(actor=officer, person=person, on=TODAY - DAY, reason=RosterExit.MOVED_ABROAD)
        else:
            episode_open(
                actor=officer, person=person, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=REGISTERED
            )

    for n in range(2):
        add(n)
    login(client, officer)
    few = {mode: count(roster=mode) for mode in ("left", "all")}
    for n in range(2, 10):
        add(n)
    assert {mode: count(roster=mode) for mode in ("left", "all")} == few
    assert len(names_in_list(client.get(LIST, {"roster": "left"}))) == 5
    assert len(names_in_list(client.get(LIST, {"roster": "all"}))) == 10
    assert few["all"] <= 7  # session, user, roles, count, page, measures, commune names
