"""Scope: a user sees their own units and nothing else, in the pages and in the API alike.

A grant covers its unit's current subtree, plus the legacy units whose territory passed into it
(and, for communes, the legacy districts those belonged to) — see OrgUnit.scope_filter.
"""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.tests import package

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level = OrgUnit.Level
API = "/api/v1/org-units/"


def page_url(unit: OrgUnit) -> str:
    return reverse("orgunits:detail", args=[unit.pk])


def api_url(unit: OrgUnit) -> str:
    return f"{API}{unit.pk}/"


def api_all(client, **params) -> list[dict]:
    """Every row of the list, page after page."""
    body = client.get(API, {"page_size": 200, **params}).json()
    results = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        results += body["results"]
    return results


@pytest.fixture
def phu_thuong_officer_client(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, unit("00091")))
    return client


@pytest.fixture
def hanoi_officer_client(client, make_user, unit):
    client.force_login(make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE)))
    return client


# --- a commune officer -------------------------------------------------------------------------


def test_commune_officer_reaches_their_own_commune(phu_thuong_officer_client, unit):
    own = unit("00091")
    page = phu_thuong_officer_client.get(page_url(own))
    assert page.status_code == 200
    assert parse(page).get("h1").text.startswith("Phường Phú Thượng")
    api = phu_thuong_officer_client.get(api_url(own))
    assert api.status_code == 200
    assert api.json()["code"] == "00091"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("20242", Level.COMMUNE),  # Phường Hải Châu, Đà Nẵng
        ("00004", Level.COMMUNE),  # another commune of Hà Nội
        ("01", Level.PROVINCE),  # their own province
        ("48", Level.PROVINCE),
        ("VN", Level.NATION),
    ],
)
def test_commune_officer_gets_404_outside_their_commune(phu_thuong_officer_client, unit, code, level):
    other = unit(code, level=level)
    assert phu_thuong_officer_client.get(page_url(other)).status_code == 404
    assert phu_thuong_officer_client.get(api_url(other)).status_code == 404


def test_commune_officer_gets_404_for_a_legacy_commune_that_did_not_become_theirs(phu_thuong_officer_client, unit):
    unrelated = sorted(package.legacy_ward_codes() - package.predecessors_of({"00091"}))[0]
    other = unit(unrelated, era=LEGACY)
    assert phu_thuong_officer_client.get(page_url(other)).status_code == 404
    assert phu_thuong_officer_client.get(api_url(other)).status_code == 404


def test_commune_officer_api_list_holds_their_commune_and_its_predecessors(phu_thuong_officer_client):
    assert [u["code"] for u in api_all(phu_thuong_officer_client, era=CURRENT)] == ["00091"]
    legacy_communes = {u["code"] for u in api_all(phu_thuong_officer_client, era=LEGACY, level=Level.COMMUNE)}
    assert legacy_communes == package.predecessors_of({"00091"})
    legacy_districts = {u["code"] for u in api_all(phu_thuong_officer_client, era=LEGACY, level=Level.DISTRICT)}
    assert legacy_districts == {package.legacy_ward_district()[c] for c in legacy_communes}
    assert api_all(phu_thuong_officer_client, level=Level.PROVINCE) == []
    assert api_all(phu_thuong_officer_client, level=Level.NATION) == []
    assert api_all(phu_thuong_officer_client, q="hai chau") == []


def test_commune_officer_page_of_their_commune_links_nowhere_outside(phu_thuong_officer_client, unit):
    page = parse(phu_thuong_officer_client.get(page_url(unit("00091"))))
    hrefs = {href for _, href in page.links()}
    assert page_url(unit("01", level=Level.PROVINCE)) not in hrefs
    assert page_url(unit("VN", level=Level.NATION)) not in hrefs


# --- a province officer ------------------------------------------------------------------------


def test_province_officer_api_list_is_the_province_and_all_its_communes(hanoi_officer_client):
    results = api_all(hanoi_officer_client, era=CURRENT)
    expected = package.current_communes_of("01")
    assert len(results) == len(expected) + 1 == package.wards_per_current_province()["01"] + 1
    assert [(u["code"], u["level"]) for u in results if u["level"] != Level.COMMUNE] == [("01", Level.PROVINCE)]
    assert {u["code"] for u in results if u["level"] == Level.COMMUNE} == expected


def test_province_officer_sees_the_legacy_communes_that_became_theirs(hanoi_officer_client):
    results = api_all(hanoi_officer_client, era=LEGACY, level=Level.COMMUNE)
    assert len(results) == len(package.predecessors_of(package.current_communes_of("01")))


def test_province_officer_does_not_see_the_national_root(hanoi_officer_client, unit):
    root = unit("VN", level=Level.NATION)
    assert hanoi_officer_client.get(page_url(root)).status_code == 404
    assert hanoi_officer_client.get(api_url(root)).status_code == 404
    assert api_all(hanoi_officer_client, level=Level.NATION) == []


@pytest.mark.parametrize(("code", "level"), [("48", Level.PROVINCE), ("20242", Level.COMMUNE)])
def test_province_officer_gets_404_for_da_nang(hanoi_officer_client, unit, code, level):
    other = unit(code, level=level)
    assert hanoi_officer_client.get(page_url(other)).status_code == 404
    assert hanoi_officer_client.get(api_url(other)).status_code == 404


def test_province_officer_sees_no_da_nang_unit_at_all(hanoi_officer_client, unit):
    da_nang = unit("48", level=Level.PROVINCE)
    assert api_all(hanoi_officer_client, parent=da_nang.pk) == []
    assert api_all(hanoi_officer_client, q="da nang") == []
    da_nang_communes = package.current_communes_of("48")
    for code in sorted(da_nang_communes)[:5]:
        assert hanoi_officer_client.get(api_url(unit(code))).status_code == 404
    legacy_da_nang = unit("48", level=Level.PROVINCE, era=LEGACY)
    assert hanoi_officer_client.get(api_url(legacy_da_nang)).status_code == 404


def test_province_officer_sees_a_commune_of_their_province(hanoi_officer_client, unit):
    assert hanoi_officer_client.get(page_url(unit("00091"))).status_code == 200
    assert hanoi_officer_client.get(api_url(unit("00091"))).status_code == 200


# --- a user with no role -----------------------------------------------------------------------


def test_user_without_role_sees_the_empty_unit_list(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("orgunits:list"))
    assert response.status_code == 200
    top = parse(response).get(data_testid="top-units")
    assert top.links() == []
    assert top.find("p") is not None


def test_user_without_role_gets_an_empty_api_list(client, make_user):
    client.force_login(make_user())
    response = client.get(API)
    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_user_without_role_may_not_see_users(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("accounts:list")).status_code == 403


def test_user_without_role_gets_no_unit_page(client, make_user, unit):
    client.force_login(make_user())
    assert client.get(page_url(unit("00091"))).status_code in {403, 404}
    assert client.get(api_url(unit("00091"))).status_code in {403, 404}


def test_deactivated_user_cannot_log_in(client, make_user, unit):
    user = make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION), is_active=False)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
