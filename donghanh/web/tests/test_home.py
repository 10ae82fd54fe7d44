"""Each role's home page shows its work first; who the user is and what they may do move to the profile."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.accounts.models import User
from donghanh.casework.worklist import work_list
from donghanh.community.models import CommunityModel, board_models_of
from donghanh.community.selectors import members_on
from donghanh.core.tests.pages import parse
from donghanh.demo.community import demo_board_seats
from donghanh.demo.tests.clock import stopped_on
from donghanh.demo.world import demo_data_create
from donghanh.web.tests.world import guide_world

TODAY = datetime.date(2026, 11, 20)  # the 20th: last month's assessments are overdue

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo accounts and a little of Phú Thượng (people under measures, two helped by the demo volunteer, a club
    chaired by the demo board member), read on a fixed day, rolled back after the module."""
    with stopped_on(TODAY), django_db_blocker.unblock(), transaction.atomic():
        demo_data_create(people=False)
        guide_world(TODAY)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with stopped_on(TODAY):
        yield


def home_of(username: str) -> Any:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return parse(response.content)


def test_a_volunteer_sees_what_is_due_today_and_their_people_first() -> None:
    volunteer = User.objects.get(username="tnv.phuthuong")
    items = work_list(volunteer, TODAY)
    urgent = [item for item in items if item.overdue or item.due_date is not None]
    assert urgent, "the demo volunteer has assessments due on the 20th"

    page = home_of("tnv.phuthuong")
    shown = page.find_all(**{"data-testid": "home-item"})
    assert len(shown) == min(len(urgent), 8)
    assert shown[0].text.startswith(urgent[0].subject)
    # An assessment or a contact done from the home page comes back to it.
    assert [item.attrs["href"] for item in shown] == [item.link("/") for item in urgent[: len(shown)]]
    assert any("?next=%2F" in item.attrs["href"] or "&next=%2F" in item.attrs["href"] for item in shown)
    overdue = sum(1 for item in urgent if item.overdue)
    if overdue:
        assert page.get(**{"data-testid": "home-overdue-count"}).text.startswith(str(overdue))
    assert len(page.find_all(**{"data-testid": "home-person"})) == 2  # Trần Văn Nam, Lê Thị Bình
    assert f"({len(items)})" in page.get(**{"data-testid": "open-worklist"}).text
    # No list of permissions, no API key, no office parts, and none of the office's menu entries.
    text = page.text
    assert page.find(**{"data-testid": "capabilities"}) is None
    assert "API" not in text
    assert page.find(**{"data-testid": "home-work-summary"}) is None
    assert page.find(**{"data-testid": "nav-orgunits"}) is None
    assert page.find(**{"data-testid": "nav-more"}) is None
    assert page.find(**{"data-testid": "dashboard-slot"}) is None


def test_a_board_member_has_their_club_and_todays_session_one_tap_away() -> None:
    member = User.objects.get(username="clb.phuthuong")
    models = list(CommunityModel.objects.filter(pk__in=board_models_of(member, TODAY)))
    assert models

    page = home_of("clb.phuthuong")
    rows = page.find_all(**{"data-testid": "home-model"})
    assert len(rows) == len(models)
    for model, row in zip(sorted(models, key=lambda m: m.search_name), rows, strict=True):
        assert model.name in row.text
        assert f"{members_on(model, TODAY).count()} " in row.text
        [link] = row.find_all(**{"data-testid": "home-session-today"})
        assert link.attrs["href"] == reverse("community:session_today", args=[model.pk])
    assert page.find(**{"data-testid": "home-today"}) is None
    assert page.find(**{"data-testid": "nav-orgunits"}) is None
    assert "API" not in page.text
    # What `demo_data` prints beside the account (and the README points to) is what the page shows.
    [seat] = demo_board_seats(TODAY)
    assert (seat.username, seat.model_name) == ("clb.phuthuong", models[0].name)
    assert f"{seat.members} " in rows[0].text


@pytest.mark.parametrize("username", ["xa.phuthuong", "congan.phuthuong"])
def test_the_communes_office_has_its_work_list_summary_and_decisions_beside_the_dashboard(username: str) -> None:
    user = User.objects.get(username=username)
    items = work_list(user, TODAY)

    page = home_of(username)
    kinds = page.find_all(**{"data-testid": "home-kind"})
    assert sum(int(node.text.split()[-1]) for node in kinds) == len(items)
    assert page.find(**{"data-testid": "home-decisions"}) is not None
    assert page.find(**{"data-testid": "dashboard-slot"}) is not None
    assert page.find(**{"data-testid": "nav-more"}) is not None
    assert page.find(**{"data-testid": "home-today"}) is None


def test_a_province_reads_the_dashboard() -> None:
    page = home_of("tinh.hanoi")
    assert page.find(**{"data-testid": "dashboard-slot"}) is not None
    assert page.find(**{"data-testid": "home-work-summary"}) is None
    assert page.find(**{"data-testid": "home-today"}) is None


def test_the_profile_holds_the_roles_permissions_and_api_token() -> None:
    client = Client()
    client.force_login(User.objects.get(username="tnv.phuthuong"))
    page = parse(client.get(reverse("profile")).content)
    assert "Tình nguyện viên" in page.get(**{"data-testid": "profile-roles"}).text
    assert page.get(**{"data-testid": "capabilities"}).find_all("li")
    assert page.get(**{"data-testid": "api-token-link"}).attrs["href"] == reverse("api_token")


def test_the_volunteers_home_reads_a_fixed_number_of_queries() -> None:
    client = Client()
    client.force_login(User.objects.get(username="tnv.phuthuong"))
    client.get(reverse("home"))  # the scope and the session, cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert len(queries) <= 40, "\n".join(q["sql"][:200] for q in queries.captured_queries)
