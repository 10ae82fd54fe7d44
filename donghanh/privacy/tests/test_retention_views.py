"""The retention pages as users see them: who is anonymised next month (a dry run, scoped to the user's units),
legal holds placed and lifted from the person page, the person page's retention section and the menu.

State is built through the services; assertions read the rendered pages (elements by data-testid, the English
msgids with Accept-Language: en) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.dates import add_months_civil
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.people.tests.test_views import field_errors
from donghanh.privacy.models import Anonymisation, LegalHold
from donghanh.privacy.retention import legal_hold_place
from donghanh.reports.tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
EN = {"Accept-Language": "en"}
RETENTION = reverse("privacy:retention")
# Identity kept a year, the rest longer: next month's list is about identity only.
YEARS = {"identity": 1, "health": 5, "legal": 10, "casework": 5, "support": 5, "community": 5, "privacy": 10}
YEAR_AGO = add_months_civil(TODAY, -12)


@pytest.fixture(autouse=True)
def retention_years(settings: Any) -> None:
    settings.RETENTION_YEARS = dict(YEARS)


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.fixture
def ha_noi(unit: Any) -> OrgUnit:
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def da_nang(unit: Any) -> OrgUnit:
    return unit("48", level=OrgUnit.Level.PROVINCE)


def left(world: World, unit: OrgUnit, on: datetime.date) -> Person:
    person = world.person(unit, TODAY - 800 * DAY)
    world.take_off(person, on)
    person.refresh_from_db()
    return person


def listed(client: Any, user: Any, **params: Any) -> tuple[Any, dict[int, Any]]:
    client.force_login(user)
    response = client.get(RETENTION, params, headers=EN)
    assert response.status_code == 200
    page = parse(response)
    return page, {int(item.attrs["data-person"]): item for item in page.find_all(data_testid="retention-person")}


@pytest.fixture
def people(world: World, phu_thuong: OrgUnit, hai_chau: OrgUnit) -> dict[str, Person]:
    return {
        "soon": left(world, phu_thuong, YEAR_AGO + 10 * DAY),  # identity due in 10 days
        "overdue": left(world, phu_thuong, YEAR_AGO - 3 * DAY),  # due 3 days ago (the daily run has not come yet)
        "later": left(world, phu_thuong, YEAR_AGO + 45 * DAY),  # due in 45 days: not next month
        "on_roster": world.person(phu_thuong, TODAY - 800 * DAY),
        "held": left(world, phu_thuong, YEAR_AGO + 5 * DAY),
        "da_nang": left(world, hai_chau, YEAR_AGO + 10 * DAY),
    }


def test_the_dry_run_lists_who_is_due_next_month_in_the_users_units_and_changes_nothing(
    client: Any, world: World, people: dict[str, Person], ha_noi: OrgUnit, phu_thuong: OrgUnit
) -> None:
    legal_hold_place(actor=world.officer(ha_noi), person=people["held"], reason="Vụ án đang điều tra")
    page, rows = listed(client, world.officer(ha_noi))
    assert set(rows) == {people["soon"].pk, people["overdue"].pk, people["held"].pk}
    assert page.get(data_testid="retention-count").text == "3 people"
    soon = rows[people["soon"].pk]
    assert f"Left the roster on {YEAR_AGO + 10 * DAY:%d/%m/%Y}" in soon.get(data_testid="retention-left").text
    assert [k.attrs["data-kind"] for k in soon.find_all(data_testid="retention-kind")] == ["identity"]
    assert f"due on {TODAY + 10 * DAY:%d/%m/%Y}" in soon.get(data_testid="retention-kind").text
    assert f"due since {TODAY - 3 * DAY:%d/%m/%Y}" in rows[people["overdue"].pk].text
    assert rows[people["held"].pk].attrs.get("data-held") == "yes"
    assert rows[people["soon"].pk].find(data_testid="retention-held") is None
    holds = page.get(data_testid="holds-list").find_all(data_testid="hold")
    assert [h.attrs["data-hold"] for h in holds] == [str(LegalHold.objects.get().pk)]
    # Nothing was written, nothing anonymised.
    assert not Anonymisation.objects.exists()
    assert Person.objects.get(pk=people["soon"].pk).full_name == people["soon"].full_name


def test_another_province_sees_its_own_people_only_and_the_country_sees_both(
    client: Any, world: World, people: dict[str, Person], da_nang: OrgUnit, hai_chau: OrgUnit, make_user: Any, unit: Any
) -> None:
    _page, rows = listed(client, world.officer(da_nang))
    assert set(rows) == {people["da_nang"].pk}
    _page, rows = listed(client, world.user(Role.COMMUNE_POLICE, hai_chau))
    assert set(rows) == {people["da_nang"].pk}
    _page, rows = listed(client, make_user(Role.NATIONAL_MANAGER, unit("VN", level=OrgUnit.Level.NATION)))
    assert set(rows) == {people["soon"].pk, people["overdue"].pk, people["held"].pk, people["da_nang"].pk}


def test_the_kind_filter_the_counts_the_empty_state_and_the_htmx_table(
    client: Any, world: World, people: dict[str, Person], ha_noi: OrgUnit
) -> None:
    page, rows = listed(client, world.officer(ha_noi), kind="identity")
    assert len(rows) == 3
    options = {o.attrs["value"]: o.text for o in page.get(id="retention-kind").find_all("option")}
    assert options["identity"].endswith("(3)") and options["health"].endswith("(0)")
    page, rows = listed(client, world.officer(ha_noi), kind="health")
    assert rows == {}
    assert page.get(data_testid="empty").text == "No one is due for anonymisation in the coming month."
    _page, rows = listed(client, world.officer(ha_noi), kind="nonsense", page="x")
    assert len(rows) == 3
    response = client.get(RETENTION, {"kind": "identity"}, headers={**EN, "HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.content
    assert len(parse(response).find_all(data_testid="retention-person")) == 3


def test_pages_are_paginated(client: Any, world: World, phu_thuong: OrgUnit, ha_noi: OrgUnit, settings: Any) -> None:
    for _ in range(32):
        left(world, phu_thuong, YEAR_AGO)
    page, rows = listed(client, world.officer(ha_noi))
    assert len(rows) == 30 and "32 people" in page.get(data_testid="retention-count").text
    _page, rows = listed(client, world.officer(ha_noi), page=2)
    assert len(rows) == 2


def test_roles_without_the_capability_are_refused(client: Any, world: World, phu_thuong: OrgUnit) -> None:
    client.force_login(world.officer(phu_thuong))  # a commune officer manages people, not retention
    assert client.get(RETENTION).status_code == 403
    client.logout()
    assert client.get(RETENTION).status_code == 302


def test_a_hold_placed_and_lifted_from_the_person_page(
    client: Any, world: World, people: dict[str, Person], phu_thuong: OrgUnit
) -> None:
    police = world.user(Role.COMMUNE_POLICE, phu_thuong)
    person = people["soon"]
    client.force_login(police)
    detail = parse(client.get(reverse("people:detail", args=[person.pk]), headers=EN))
    section = detail.get(data_testid="retention")
    assert section.get(data_testid="retention-hold").attrs["data-held"] == "no"
    schedule = {row.attrs["data-kind"]: row.text for row in section.find_all(data_testid="retention-schedule")}
    assert f"due on {TODAY + 10 * DAY:%d/%m/%Y}" in schedule["identity"]
    place = section.get(data_testid="hold-place").attrs["href"]

    refused = client.post(place, {"reason": "   "}, headers=EN)
    assert refused.status_code == 400 and field_errors(refused, "reason")
    too_long = client.post(place, {"reason": "x" * 301}, headers=EN)
    assert too_long.status_code == 400 and "x" * 301 in too_long.content.decode()  # kept as typed
    done = client.post(place, {"reason": "Vụ án đang điều tra"})
    assert done.status_code == 302 and done["Location"] == reverse("people:detail", args=[person.pk])
    hold = LegalHold.objects.get(person=person, lifted_at__isnull=True)
    assert hold.placed_by == police and hold.history.get().history_user == police

    detail = parse(client.get(reverse("people:detail", args=[person.pk]), headers=EN))
    assert detail.get(data_testid="retention-hold").attrs["data-held"] == "yes"
    lift = detail.get(data_testid="retention").get(data_testid="hold-lift").attrs["href"]
    assert client.post(lift, {"lift_reason": ""}, headers=EN).status_code == 400
    lifted = client.post(lift, {"lift_reason": "Đã kết thúc điều tra", "next": "retention"})
    assert lifted.status_code == 302 and lifted["Location"] == RETENTION
    hold.refresh_from_db()
    assert hold.lifted_by == police and hold.lift_reason == "Đã kết thúc điều tra"
    assert client.get(lift).status_code == 404  # lifted: no longer standing


def test_the_section_and_the_hold_pages_are_for_those_who_manage_retention_in_scope(
    client: Any, world: World, people: dict[str, Person], phu_thuong: OrgUnit, hai_chau: OrgUnit
) -> None:
    person = people["soon"]
    client.force_login(world.officer(phu_thuong))
    detail = parse(client.get(reverse("people:detail", args=[person.pk]), headers=EN))
    assert detail.find(data_testid="retention") is None
    assert client.get(reverse("privacy:hold_place", args=[person.pk])).status_code == 403
    client.force_login(world.user(Role.COMMUNE_POLICE, hai_chau))
    assert client.get(reverse("privacy:hold_place", args=[person.pk])).status_code == 404
    hold = legal_hold_place(actor=world.user(Role.COMMUNE_POLICE, phu_thuong), person=person, reason="Điều tra")
    assert client.get(reverse("privacy:hold_lift", args=[hold.pk])).status_code == 404
    assert client.post(reverse("privacy:hold_lift", args=[hold.pk]), {"lift_reason": "x"}).status_code == 404


def test_the_menu_leads_the_roles_that_manage_retention_to_the_page(
    client: Any, world: World, phu_thuong: OrgUnit
) -> None:
    client.force_login(world.user(Role.COMMUNE_POLICE, phu_thuong))
    assert parse(client.get(reverse("home"), headers=EN)).get(data_testid="nav-retention").attrs["href"] == RETENTION
    client.force_login(world.officer(phu_thuong))
    assert parse(client.get(reverse("home"), headers=EN)).find(data_testid="nav-retention") is None


def test_the_page_is_vietnamese_by_default(client: Any, world: World, ha_noi: OrgUnit) -> None:
    client.force_login(world.officer(ha_noi))
    page = parse(client.get(RETENTION))
    assert page.get("h1").text == "Ẩn danh theo thời hạn lưu trữ"


def test_the_page_reads_in_a_fixed_number_of_queries(
    client: Any, world: World, phu_thuong: OrgUnit, ha_noi: OrgUnit
) -> None:
    officer = world.officer(ha_noi)
    client.force_login(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(RETENTION).status_code == 200
        return len(captured)

    people = [left(world, phu_thuong, YEAR_AGO) for _ in range(2)]
    legal_hold_place(actor=officer, person=people[0], reason="Điều tra")
    few = queries()
    for someone in [left(world, phu_thuong, YEAR_AGO) for _ in range(12)]:
        legal_hold_place(actor=officer, person=someone, reason="Điều tra")
    assert queries() == few
