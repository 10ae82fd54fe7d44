"""API: GET /api/v1/reports/indicators/ — a unit's indicators for a period as `build_report` computes them, with
targets and the breakdown by the units below; scoped like the report page; a fixed number of queries.

The data: five people in Phường Phú Thượng and three in Phường Ba Đình (Hà Nội), registered in 2024; two of Phú
Thượng's under post-rehab management, one of them with a volunteer; a 40 million đồng loan in the fourth quarter of
2025; a fourth person of Ba Đình registered and moved abroad in that quarter; two targets set by the province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from donghanh.accounts.models import User
from donghanh.accounts.roles import Role
from donghanh.core.periods import parse_period
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.reports.engine import build_report
from donghanh.reports.frames import frame_for
from donghanh.reports.indicators import FAMILIES
from donghanh.reports.targets import target_set
from donghanh.reports.tests.conftest import D, World, breakdown_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/indicators/"
FIGURE_KEYS = {"code", "name", "value", "numerator", "denominator"}
# The session, the user, their roles, the legacy units passed into their province (their scope), the unit, the
# communes below it (the frame), the indicators that depend on data (rating levels, model types), the post-rehab
# decision's deadline rules and the public holidays, how far the people's monthly status rows reach and whether any
# are stale (one query), one query per family of indicators for the unit and its breakdown (two apart but on
# PostgreSQL), the targets.
QUERIES = 6 + 2 + 2 + 1 + len(FAMILIES) + breakdown_queries(len(FAMILIES)) + 1


def vi(text: str) -> str:
    """What a Vietnamese answer says for this English message (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


@dataclass
class Data:
    hanoi: OrgUnit
    phu_thuong: OrgUnit
    ba_dinh: OrgUnit
    province_officer: User
    commune_officer: User


@pytest.fixture(scope="module")
def data(module_world: World, django_db_blocker: Any) -> Data:
    world = module_world
    with django_db_blocker.unblock():
        hanoi = OrgUnit.objects.get(code="01", level=OrgUnit.Level.PROVINCE, era=OrgUnit.Era.CURRENT)
        phu_thuong = OrgUnit.objects.get(code="00091", level=3, era=OrgUnit.Era.CURRENT)
        ba_dinh = OrgUnit.objects.get(code="00004", level=3, era=OrgUnit.Era.CURRENT)
        people = world.people(phu_thuong, 5)
        world.people(ba_dinh, 3)
        for person in people[:2]:
            world.measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 2, 1))
        world.assign(people[0], world.volunteer(phu_thuong), D(2025, 3, 1))
        world.take_off(world.person(ba_dinh, D(2025, 10, 6)), D(2025, 11, 3), reason="moved_abroad")
        world.service(people[4], "preferential_loan", D(2025, 11, 10))
        province = world.officer(hanoi)
        target_set(
            actor=province, unit=hanoi, indicator="people.with_volunteer", period="2025", comparison="gte", value="70"
        )
        target_set(
            actor=province, unit=hanoi, indicator="people.registered", period="2025Q4", comparison="lte", value="10"
        )
        return Data(hanoi, phu_thuong, ba_dinh, province, world.officer(phu_thuong))


def get(client: Any, user: User | None, **params: Any) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def test_the_answer_has_exactly_the_shape_and_build_report_s_figures(client, data):
    answer = get(client, data.province_officer, unit="01", period="2025Q4")
    assert answer.status_code == 200
    body = answer.json()
    expected = build_report(data.hanoi, parse_period("2025Q4"), trend=1)

    assert set(body) == {"unit", "period", "indicators", "children"}
    assert body["unit"] == {"code": "01", "name": "Thành phố Hà Nội"}
    assert body["period"] == "2025Q4"
    assert [item["code"] for item in body["indicators"]] == [row.indicator.code for row in expected.rows]
    for item, row in zip(body["indicators"], expected.rows, strict=True):
        assert set(item) == FIGURE_KEYS | {"target", "status"}
        assert item["name"] == str(row.indicator.name)
        assert (item["value"], item["numerator"], item["denominator"]) == (
            row.figure.value,
            row.figure.numerator,
            row.figure.denominator,
        )
        assert item["status"] == (row.status.value if row.status else None)
        assert (item["target"] is None) == (row.target is None)

    assert len(body["children"]) == len(expected.children) == 126
    for child, row in zip(body["children"], expected.children, strict=True):
        assert set(child) == {"unit", "indicators"}
        assert row.unit is not None and child["unit"] == {"code": row.unit.code, "name": row.unit.name}
        assert all(set(item) == FIGURE_KEYS for item in child["indicators"])
        assert {item["code"]: item["value"] for item in child["indicators"]} == {
            code: figure.value for code, figure in row.figures.items()
        }

    figures = {item["code"]: item for item in body["indicators"]}
    assert figures["people.registered"] == {
        "code": "people.registered", "name": vi("People registered"), "value": 8, "numerator": 8,
        "denominator": None, "target": 10, "status": "met",
    }  # fmt: skip
    assert type(figures["people.registered"]["value"]) is int  # a count stays a whole number in JSON
    with_volunteer = figures["people.with_volunteer"]
    assert (with_volunteer["value"], with_volunteer["numerator"], with_volunteer["denominator"]) == (50.0, 1, 2)
    assert (with_volunteer["target"], with_volunteer["status"]) == (70, "missed")  # 2025 is over
    assert figures["support.loan_amount"]["value"] == 40_000_000
    assert figures["members.regular"]["value"] is None  # a share of nobody
    children = {child["unit"]["code"]: child for child in body["children"]}
    phu_thuong = {item["code"]: item["value"] for item in children["00091"]["indicators"]}
    assert (phu_thuong["people.registered"], phu_thuong["people.post_rehab"]) == (5, 2)
    assert {item["code"]: item["value"] for item in children["00004"]["indicators"]}["people.registered"] == 3
    # The roster's movements: one of Ba Đình's moved abroad in November.
    assert {"roster.awaiting_decision", "roster.transfers_pending", "casework.relapses"} <= set(figures)
    assert (figures["roster.left"]["value"], figures["roster.left_moved_abroad"]["value"]) == (1, 1)
    ba_dinh = {item["code"]: item["value"] for item in children["00004"]["indicators"]}
    assert (ba_dinh["roster.left"], ba_dinh["roster.left_moved_abroad"], phu_thuong["roster.left"]) == (1, 1, 0)


def test_the_breakdown_and_the_indicators_can_be_left_out(client, data):
    body = get(client, data.province_officer, unit="01", period="2025Q4", children="0").json()
    assert body["children"] == []
    assert len(body["indicators"]) > 30

    # Only the indicators asked for (in report order), not the denominators their shares need.
    codes = "people.with_volunteer, people.registered"
    body = get(client, data.province_officer, unit="01", period="2025Q4", indicators=codes).json()
    assert [item["code"] for item in body["indicators"]] == ["people.registered", "people.with_volunteer"]
    assert body["indicators"][1]["value"] == 50.0
    assert {tuple(item["code"] for item in child["indicators"]) for child in body["children"]} == {
        ("people.registered", "people.with_volunteer")
    }

    refused = get(client, data.province_officer, unit="01", indicators="people.registered,people.nobody,x")
    assert refused.status_code == 400
    assert refused.json() == {"indicators": [vi("Unknown indicators: %(codes)s.") % {"codes": "people.nobody, x"}]}


@pytest.mark.parametrize("period", ["2025Q5", "2025-13", "Q2/2025", "25", "2025-4"])
def test_a_wrong_period_is_refused_naming_the_forms_accepted(client, data, period):
    answer = get(client, data.province_officer, unit="01", period=period)
    assert answer.status_code == 400
    message = vi("Give a year (2025), a quarter (2025Q2) or a month (2025-04).")
    assert answer.json() == {"period": [message]}
    assert all(form in message for form in ("2025", "2025Q2", "2025-04"))


def test_periods_of_every_kind(client, data):
    for period in ("2025", "2025Q4", "2025-11", "2025q4"):
        body = get(client, data.commune_officer, unit="00091", period=period, children="0").json()
        assert body["period"] == parse_period(period).code
        assert {item["code"]: item["value"] for item in body["indicators"]}["people.registered"] == 5
    # Without a period, the current quarter; without a unit, the user's own.
    body = get(client, data.commune_officer).json()
    assert body["unit"] == {"code": "00091", "name": "Phường Phú Thượng"}
    assert body["period"] == build_report(data.phu_thuong, parse_period(body["period"]), children=False).period.code


def test_units_outside_the_user_s_scope_answer_404_and_roles_without_reports_403(client, data, make_user, hai_chau):
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    assert get(client, other, unit="00091", period="2025Q4").status_code == 404
    assert get(client, other, unit="01", period="2025Q4").status_code == 404
    assert get(client, other, unit="99999", period="2025Q4").status_code == 404
    assert get(client, other, unit="20242", period="2025Q4").status_code == 200
    assert get(client, data.commune_officer, unit="01").status_code == 404  # their province is above them
    volunteer = make_user(Role.VOLUNTEER, data.phu_thuong)
    assert get(client, volunteer, unit="00091", period="2025Q4").status_code == 403
    client.logout()
    assert get(client, None, unit="00091").status_code in (401, 403)
    police = make_user(Role.COMMUNE_POLICE, data.phu_thuong)
    assert get(client, police, unit="00091", period="2025Q4").status_code == 200


def test_a_period_before_the_reform_on_a_current_province_breaks_down_by_its_legacy_units(client, data):
    body = get(client, data.province_officer, unit="01", period="2025Q2").json()
    assert body["unit"] == {"code": "01", "name": "Thành phố Hà Nội"}
    legacy = frame_for(data.hanoi, parse_period("2025Q2")).children
    assert legacy and all(unit.is_legacy and unit.level == OrgUnit.Level.DISTRICT for unit in legacy)
    assert [child["unit"] for child in body["children"][:-1]] == [{"code": u.code, "name": u.name} for u in legacy]
    # Records made at the current wards (the people were registered there) fall on a row of their own.
    current = body["children"][-1]
    assert current["unit"] == {"code": None, "name": vi("Recorded under the current units")}
    values = {item["code"]: item["value"] for item in current["indicators"]}
    assert values["people.registered"] == 8
    assert all(
        {item["code"]: item["value"] for item in child["indicators"]}["people.registered"] == 0
        for child in body["children"][:-1]
    )


def test_the_query_count_is_pinned_whatever_the_people_or_the_units_with_records(
    client, data, make_user, django_capture_on_commit_callbacks
):
    client.force_login(data.province_officer)
    get(client, None, unit="01", period="2025Q4")
    with CaptureQueriesContext(connection) as few:
        assert get(client, None, unit="01", period="2025Q4").status_code == 200
    assert len(few) == QUERIES, "\n".join(query["sql"][:150] for query in few.captured_queries)

    # The people's status rows are redone as their commit hook does it.
    with django_capture_on_commit_callbacks(execute=True):
        for code, count in (("00070", 6), ("00082", 4), ("00025", 2)):  # three more wards with people
            ward = OrgUnit.objects.get(code=code, level=3, era=OrgUnit.Era.CURRENT)
            officer = make_user(Role.COMMUNE_OFFICER, ward)
            for n in range(count):
                person_register(
                    actor=officer, unit=ward, full_name=f"Trần Văn Bình {n}", sex=Sex.MALE, birth_year=1991,
                    registered_on=D(2024, 6, 1),
                )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        body = get(client, None, unit="01", period="2025Q4").json()
    assert len(more) == QUERIES
    assert {item["code"]: item["value"] for item in body["indicators"]}["people.registered"] == 20
    # Leaving out the breakdown saves its queries, where it has queries of its own.
    with CaptureQueriesContext(connection) as alone:
        get(client, None, unit="01", period="2025Q4", children="0")
    assert len(alone) == QUERIES - breakdown_queries(len(FAMILIES))


def test_the_schema_describes_the_endpoint(client, data):
    client.force_login(data.province_officer)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/reports/indicators/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"unit", "period", "children", "indicators"}
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ReportIndicators"}  # one object, not a list
    components = schema["components"]["schemas"]
    assert set(components["ReportIndicators"]["properties"]) == {"unit", "period", "indicators", "children"}
    assert set(components["ReportIndicator"]["properties"]) == FIGURE_KEYS | {"target", "status"}
    assert set(components["ReportFigure"]["properties"]) == FIGURE_KEYS
    assert components["ReportUnit"]["properties"]["code"]["nullable"] is True
