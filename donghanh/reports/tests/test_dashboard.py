"""The officers' dashboard on the home page: the key indicators of their broadest unit this quarter with their
sparklines, the targets at risk, the empty states, and no dashboard for those who read no reports."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.periods import QUARTER, YEAR, period_of
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.indicators import INDICATORS
from donghanh.reports.targets import target_set

pytestmark = pytest.mark.django_db

D = datetime.date
HOME = reverse("home")
DASHBOARD = reverse("reports:dashboard")
KEY = sorted(code for code, indicator in INDICATORS.items() if indicator.key)


@pytest.fixture
def hanoi(unit):
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def followed(world, phu_thuong):
    """Three people under post-rehab management since 2025, none with a volunteer."""
    people = world.people(phu_thuong, 3)
    for person in people:
        world.measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 1, 10))
    return people


def this_year():
    return period_of(YEAR, timezone.localdate()).code


def home(client, user):
    client.force_login(user)
    return client.get(HOME)


def panel(client, user):
    """The dashboard as the home page loads it: the page names where, htmx fetches it."""
    page = parse(home(client, user))
    assert page.get(data_testid="dashboard-slot").attrs["hx-get"] == DASHBOARD
    assert page.find(data_testid="dashboard-loading") is not None
    return client.get(DASHBOARD)


def test_the_dashboard_shows_the_key_indicators_and_the_targets_at_risk(client, world, hanoi, phu_thuong, followed):
    target_set(actor=world.officer(hanoi), unit=hanoi, indicator="people.with_volunteer", period=this_year(),
               comparison="gte", value=80)  # fmt: skip
    assert_csp_and_no_inline_code(home(client, world.officer(phu_thuong)), "home")
    response = panel(client, world.officer(phu_thuong))
    assert_csp_and_no_inline_code(response, "the dashboard")
    page = parse(response)
    dashboard = page.get(data_testid="dashboard")
    quarter = period_of(QUARTER, timezone.localdate())
    assert "Phường Phú Thượng" in dashboard.text and quarter.label in dashboard.text
    report = f"{reverse('reports:report')}?unit={phu_thuong.pk}&period={quarter.code}"
    assert dashboard.get(data_testid="open-report").attrs["href"] == report

    tiles = dashboard.get(data_testid="dashboard-tiles")
    assert sorted(t.attrs["data-testid"].removeprefix("tile-") for t in tiles.find_all("div") if
                  t.attrs.get("data-testid", "").startswith("tile-")) == KEY  # fmt: skip
    registered = tiles.get(data_testid="tile-people.registered")
    assert registered.get(data_testid="tile-value").text == "3"
    assert registered.get(data_testid="tile-value").attrs["href"] == f"{report}#indicator-peopleregistered"
    # Each tile's sparkline reads its figures from a json_script block.
    canvas = registered.get("canvas")
    data = page.get("script", id=canvas.attrs["data-report-chart"])
    assert data.attrs["type"] == "application/json"
    assert '"values": [' in data.text and data.text.count(",") >= 5

    at_risk = dashboard.get(data_testid="at-risk")
    item = at_risk.get(data_testid="at-risk-people.with_volunteer")
    assert "0,0 %" in item.text and "≥ 80 %" in item.text
    assert item.get("span", **{"data-status": "at_risk"}) is not None
    assert item.get("a").attrs["href"] == f"{report}#indicator-peoplewith_volunteer"
    assert dashboard.find(data_testid="no-targets") is None


def test_a_target_on_an_indicator_that_is_not_key_is_judged_too(client, world, phu_thuong, followed):
    target_set(actor=world.officer(phu_thuong), unit=phu_thuong, indicator="people.education",
               period=this_year(), comparison="gte", value=2)  # fmt: skip
    dashboard = parse(panel(client, world.officer(phu_thuong))).get(data_testid="dashboard")
    assert dashboard.get(data_testid="at-risk").find(data_testid="at-risk-people.education") is not None
    assert dashboard.find(data_testid="tile-people.education") is None  # a tile only for key indicators


def test_empty_states(client, world, phu_thuong, followed):
    officer = world.officer(phu_thuong)
    none_set = parse(panel(client, officer)).get(data_testid="dashboard")
    assert none_set.find(data_testid="at-risk") is None
    link = none_set.get(data_testid="no-targets").get("a")
    assert link.attrs["href"] == f"{reverse('reports:target_create')}?unit={phu_thuong.pk}"

    target_set(actor=officer, unit=phu_thuong, indicator="people.registered", period=this_year(),
               comparison="gte", value=3)  # fmt: skip
    all_met = parse(panel(client, officer)).get(data_testid="dashboard")
    assert all_met.find(data_testid="no-risk") is not None
    assert all_met.get(data_testid="tile-people.registered").find("span", **{"data-status": "met"}) is not None


def test_the_province_officer_sees_the_province(client, world, hanoi, phu_thuong, followed):
    dashboard = parse(panel(client, world.officer(hanoi))).get(data_testid="dashboard")
    assert "Thành phố Hà Nội" in dashboard.text
    assert dashboard.get(data_testid="tile-people.registered").get(data_testid="tile-value").text == "3"


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.BOARD_MEMBER])
def test_no_dashboard_for_those_who_read_no_reports(client, make_user, phu_thuong, role):
    page = parse(home(client, make_user(role, phu_thuong)))
    assert page.find(data_testid="dashboard-slot") is None
    assert page.find(data_testid="roles") is not None  # the rest of home stays
    assert client.get(DASHBOARD).status_code == 403


def test_other_readers_of_reports_see_it_and_the_rest_of_home_stays(client, make_user, phu_thuong):
    staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    dashboard = parse(panel(client, staff)).get(data_testid="dashboard")
    assert dashboard.find(data_testid="no-targets").find("a") is None  # health staff set no target
    page = parse(home(client, staff))
    assert page.find(data_testid="home-work-summary") is not None and page.find(data_testid="roles") is not None


# The home page's own at a province: session, user, grants, the roles held (no work list: that is a commune's).
HOME_QUERIES = 4
# The dashboard's (loaded after the page): session, user, grants, the unit, the indicators with a target, the
# indicators that depend on data, the frame, per family one query for each of the six quarters of the sparklines, the
# frames of the quarters before the reform, how far the people's monthly status rows reach, targets.
DASHBOARD_QUERIES = 40


def test_home_queries_do_not_grow_with_people(client, world, phu_thuong, hanoi, django_capture_on_commit_callbacks):
    officer = world.officer(hanoi)
    target_set(actor=officer, unit=hanoi, indicator="people.with_volunteer", period=this_year(), comparison="gte",
               value=80)  # fmt: skip
    world.person(phu_thuong)
    client.force_login(officer)
    client.get(HOME)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200
    with CaptureQueriesContext(connection) as small_panel:
        assert client.get(DASHBOARD).status_code == 200
    others = OrgUnit.objects.filter(parent=hanoi).exclude(pk=phu_thuong.pk).order_by("code")[:2]
    # The people's status rows are redone as their commit hook does it.
    with django_capture_on_commit_callbacks(execute=True):
        for commune in [phu_thuong, *others]:
            volunteer = world.volunteer(commune)
            for person in world.people(commune, 3):
                world.measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 1, 10))
                world.assign(person, volunteer, D(2025, 2, 1))
    with CaptureQueriesContext(connection) as large:
        assert client.get(HOME).status_code == 200
    with CaptureQueriesContext(connection) as large_panel:
        page = parse(client.get(DASHBOARD))
    assert page.get(data_testid="tile-people.registered").get(data_testid="tile-value").text == "10"
    assert len(small.captured_queries) == len(large.captured_queries) == HOME_QUERIES
    assert len(small_panel.captured_queries) == len(large_panel.captured_queries) == DASHBOARD_QUERIES
