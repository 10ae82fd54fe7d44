"""The pages to browse and search the tree, as a user sees them."""

import pytest
from django.urls import reverse
from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.tests import package

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
Level = OrgUnit.Level
LIST = reverse("orgunits:list")


def detail_url(unit: OrgUnit) -> str:
    return reverse("orgunits:detail", args=[unit.pk])


@pytest.fixture
def national_client(client, make_user, unit):
    client.force_login(make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION)))
    return client


# --- list and search ---------------------------------------------------------------------------


def test_unit_list_without_query_shows_the_users_top_units(national_client, unit):
    response = national_client.get(LIST)
    assert response.status_code == 200
    top = parse(response).get(data_testid="top-units")
    root = unit("VN", level=Level.NATION)
    assert [href for _, href in top.links()] == [detail_url(root)]
    assert root.name in top.text
    assert parse(response).find(data_testid="unit-results") is None


def test_search_lists_matching_current_units_with_links(national_client, unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = national_client.get(LIST, {"q": "phu thuong"})
    assert response.status_code == 200
    page = parse(response)
    assert page.find("html") is not None
    table = page.get(data_testid="unit-results")
    assert ("Phường Phú Thượng", detail_url(unit("00091"))) in table.links()
    rows = table.rows()
    assert rows[[r[0] for r in rows].index("Phường Phú Thượng")][:2] == ["Phường Phú Thượng", "00091"]
    # Legacy units only when asked for.
    assert detail_url(unit("00091", era=LEGACY)) not in [href for _, href in table.links()]


def test_search_including_legacy_units(national_client, unit):
    response = national_client.get(LIST, {"q": "phu thuong", "era": ""})
    hrefs = [href for _, href in parse(response).get(data_testid="unit-results").links()]
    assert detail_url(unit("00091")) in hrefs
    assert detail_url(unit("00091", era=LEGACY)) in hrefs
    legacy_only = national_client.get(LIST, {"q": "phu thuong", "era": LEGACY})
    hrefs = [href for _, href in parse(legacy_only).get(data_testid="unit-results").links()]
    assert detail_url(unit("00091", era=LEGACY)) in hrefs
    assert detail_url(unit("00091")) not in hrefs


def test_htmx_search_returns_only_the_results_table(national_client, unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = national_client.get(LIST, {"q": "phu thuong"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "<nav" not in content
    table = parse(content).get(data_testid="unit-results")
    assert ("Phường Phú Thượng", detail_url(unit("00091"))) in table.links()


def test_search_without_match_shows_the_empty_state(national_client):
    response = national_client.get(LIST, {"q": "khong co ten nay zzz"})
    empty = parse(response).get(data_testid="empty")
    assert "khong co ten nay zzz" in empty.text
    assert parse(response).find(data_testid="unit-results") is None


def test_search_results_are_paginated_with_a_constant_number_of_queries(national_client, django_assert_max_num_queries):
    total = OrgUnit.objects.filter(era=CURRENT, search_name__contains="xa").count()
    assert total > 100
    pages = (total + 49) // 50
    with django_assert_max_num_queries(5):
        first = national_client.get(LIST, {"q": "xa"})
    assert len(parse(first).get(data_testid="unit-results").rows()) == 50
    with django_assert_max_num_queries(5):
        last = national_client.get(LIST, {"q": "xa", "page": str(pages)})
    assert len(parse(last).get(data_testid="unit-results").rows()) == total - 50 * (pages - 1)


def test_unit_picker_offers_radio_buttons_for_matching_units(national_client, unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = national_client.get(reverse("orgunits:picker"), {"q": "phu thuong", "field": "unit"})
    radios = parse(response).find_all("input", type="radio", name="unit")
    assert str(unit("00091").pk) in [r.attrs["value"] for r in radios]
    assert len(radios) <= 15
    short = national_client.get(reverse("orgunits:picker"), {"q": "p"})
    assert parse(short).find_all("input") == []


# --- detail ------------------------------------------------------------------------------------


def test_root_page_lists_provinces_of_both_eras_with_their_commune_counts(
    national_client, unit, django_assert_max_num_queries
):
    root = unit("VN", level=Level.NATION)
    with django_assert_max_num_queries(8):
        response = national_client.get(detail_url(root))
    assert response.status_code == 200
    table = parse(response).get(data_testid="children")
    counts = {}
    for row in table.get("tbody").find_all("tr"):
        cells = row.find_all("td")
        link = cells[0].get("a")
        era = LEGACY if cells[0].find("span") is not None else CURRENT
        # Counts may carry a thousands separator in some languages.
        counts[(era, link.text, cells[1].text)] = cells[3].text.replace(".", "").replace(",", "")
    expected = {}
    for p in package.current_provinces():
        code = package.province_code(p.code)
        expected[(CURRENT, p.name, code)] = str(package.wards_per_current_province()[code])
    for p in package.legacy_provinces():
        code = package.province_code(p.code)
        expected[(LEGACY, p.name, code)] = str(package.legacy_wards_per_province()[code])
    assert counts == expected
    assert len(counts) == 34 + 63


def test_province_page_lists_its_communes_and_breadcrumb(national_client, unit, django_assert_max_num_queries):
    hanoi = unit("01", level=Level.PROVINCE)
    with django_assert_max_num_queries(9):
        first = national_client.get(detail_url(hanoi))
    page = parse(first)
    assert page.get("h1").text.startswith(hanoi.name)
    assert unit("VN", level=Level.NATION).name in page.get("ol", **{"class": "breadcrumb"}).text
    children = page.get(data_testid="children").rows()
    assert len(children) == 100  # the first page of 126
    second = parse(national_client.get(detail_url(hanoi), {"page": 2})).get(data_testid="children").rows()
    codes = {row[1] for row in children + second}
    assert codes == {package.commune_code(w.code) for w in package.current_wards() if int(w.province_code) == 1}
    assert all(row[3] == "—" for row in children)


def test_legacy_commune_page_lists_its_successors(national_client, unit, django_assert_max_num_queries):
    old_code, entry = next((code, e) for code, e in WARD_OLD_TO_NEW.items() if len(e.new_wards) >= 2)
    legacy = unit(package.commune_code(old_code), era=LEGACY)
    with django_assert_max_num_queries(8):
        response = national_client.get(detail_url(legacy))
    page = parse(response)
    successors = page.get(data_testid="successors")
    expected = [unit(package.commune_code(w.code)) for w in entry.new_wards]
    assert sorted(successors.links(), key=lambda link: link[1]) == sorted(
        ((u.name, detail_url(u)) for u in expected), key=lambda link: link[1]
    )
    # The district and province it belonged to are in the breadcrumb.
    crumbs = page.get("ol", **{"class": "breadcrumb"}).text
    assert legacy.parent.name in crumbs and legacy.parent.parent.name in crumbs


def test_current_commune_page_lists_its_predecessors(national_client, unit):
    commune = unit("00091")
    response = national_client.get(detail_url(commune))
    predecessors = parse(response).get(data_testid="predecessors")
    expected = {
        package.commune_code(old) for old, e in WARD_OLD_TO_NEW.items() if any(int(w.code) == 91 for w in e.new_wards)
    }
    hrefs = {href for _, href in predecessors.links()}
    assert hrefs == {detail_url(unit(code, era=LEGACY)) for code in expected}


def test_unknown_unit_is_404(national_client):
    assert national_client.get(reverse("orgunits:detail", args=[10**9])).status_code == 404
