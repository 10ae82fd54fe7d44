"""API: /api/v1/org-units/ — paginated, searchable, filterable, scoped."""

import pytest

from donghanh.accounts.roles import Role
from donghanh.accounts.services import api_token_issue
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.tests import package

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level = OrgUnit.Level
URL = "/api/v1/org-units/"


@pytest.fixture
def national_client(client, make_user, unit):
    client.force_login(make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION)))
    return client


def test_list_is_paginated(national_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = national_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert "count" not in body  # no list counts the whole scope
    assert len(body["results"]) == 50
    assert "cursor=" in body["next"] and body["previous"] is None
    assert body["results"][0]["path"] == "VN/"

    second = national_client.get(body["next"]).json()
    assert national_client.get(second["previous"]).json()["results"] == body["results"]
    first_ids = {u["id"] for u in body["results"]}
    assert not first_ids & {u["id"] for u in second["results"]}
    assert second["results"][0]["path"] > body["results"][-1]["path"]


def test_the_pages_hold_every_unit_once_in_order(national_client):
    paths, url = [], f"{URL}?page_size=200"
    while url:
        body = national_client.get(url).json()
        paths += [u["path"] for u in body["results"]]
        url = body["next"]
    assert paths == list(OrgUnit.objects.order_by("path").values_list("path", flat=True))


def test_page_size_is_bounded(national_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = national_client.get(URL, {"page_size": 10_000}).json()
    assert len(body["results"]) == 200


def test_q_searches_names_without_diacritics(national_client, unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = national_client.get(URL, {"q": "phu thuong"}).json()
    codes = {(u["code"], u["era"]) for u in body["results"]}
    assert ("00091", CURRENT) in codes
    assert ("00091", LEGACY) in codes
    assert body["next"] is None
    names = OrgUnit.objects.filter(pk__in=[u["id"] for u in body["results"]]).values_list("search_name", flat=True)
    assert all("phu" in name and "thuong" in name for name in names)
    assert national_client.get(URL, {"q": "Phú Thượng"}).json()["results"] == body["results"]


def test_level_and_era_filter_current_provinces(national_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = national_client.get(URL, {"level": 1, "era": "2025"}).json()
    assert len(body["results"]) == 34 == len(package.current_provinces())
    assert {u["code"] for u in body["results"]} == {package.province_code(p.code) for p in package.current_provinces()}
    assert {(u["level"], u["era"], u["parent_code"]) for u in body["results"]} == {(1, "2025", "VN")}


def test_legacy_districts_of_a_legacy_province(national_client, unit):
    hanoi_legacy = unit("01", level=Level.PROVINCE, era=LEGACY)
    body = national_client.get(URL, {"parent": hanoi_legacy.pk, "page_size": 200}).json()
    expected = {package.district_code(d.code) for d in package.legacy_districts() if int(d.province_code) == 1}
    assert {u["code"] for u in body["results"]} == expected
    assert body["next"] is None


def test_kind_and_code_filters(national_client):
    zones = national_client.get(URL, {"kind": "special_zone"}).json()
    assert len(zones["results"]) == 13
    by_code = national_client.get(URL, {"code": "00091", "era": "2025"}).json()
    assert [u["name"] for u in by_code["results"]] == ["Phường Phú Thượng"]


def test_invalid_filter_value_is_400(national_client):
    assert national_client.get(URL, {"level": 9}).status_code == 400


def test_retrieve(national_client, unit, django_assert_max_num_queries):
    commune = unit("00091")
    with django_assert_max_num_queries(4):
        response = national_client.get(f"{URL}{commune.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": commune.pk,
        "code": "00091",
        "name": "Phường Phú Thượng",
        "kind": "ward",
        "level": 3,
        "era": "2025",
        "parent": commune.parent_id,
        "parent_code": "01",
        "path": commune.path,
        "valid_from": "2025-07-01",
        "valid_to": None,
    }


def test_root_has_no_parent_code(national_client, unit):
    body = national_client.get(f"{URL}{unit('VN', level=Level.NATION).pk}/").json()
    assert body["parent"] is None and body["parent_code"] is None


def test_read_only(national_client, unit):
    commune = unit("00091")
    assert national_client.post(URL, {"code": "1", "name": "x"}).status_code == 405
    assert (
        national_client.patch(f"{URL}{commune.pk}/", {"name": "x"}, content_type="application/json").status_code == 405
    )
    assert national_client.delete(f"{URL}{commune.pk}/").status_code == 405


def test_token_authentication(client, make_user, unit):
    user = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    key = api_token_issue(actor=user, name="sync").key
    body = client.get(URL, {"era": CURRENT}, headers={"Authorization": f"Token {key}"}).json()
    assert [u["code"] for u in body["results"]] == ["00091"]
