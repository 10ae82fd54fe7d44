"""The report page and its drill-down as users see them: who may open which unit's report, the figures and the links
behind them, the breakdown by the units below, the people behind a figure (and the access log for sensitive ones),
and the number of queries, which does not grow with the number of people or units.

State is built through the services (the `world` of conftest.py); assertions read the rendered pages.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.reports.indicators import FAMILIES
from donghanh.reports.tests.conftest import breakdown_queries

pytestmark = pytest.mark.django_db

D = datetime.date
REPORT = reverse("reports:report")
PEOPLE = reverse("reports:people")
TREND = reverse("reports:trend")
POST_REHAB = EpisodeType.POST_REHAB_MANAGEMENT


@pytest.fixture
def hanoi(unit):
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def danang(unit):
    return unit("48", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def ward(world, phu_thuong, hai_chau):
    """Phú Thượng in 2025: four people registered in January 2024, one of them in a facility from March 2025, two
    under post-rehab management (one of them with a volunteer), one who moved to Hải Châu (Đà Nẵng) on 01/09/2025;
    and one person of Hải Châu's own."""
    names = ("Bùi Văn Hùng", "Lê Thị Lan", "Ngô Văn Minh", "Trần Văn Tuấn")
    hung, lan, minh, tuan = (world.person(phu_thuong, name=name) for name in names)
    world.whereabouts(hung, Whereabouts.IN_FACILITY, D(2025, 3, 1))
    world.measure(lan, POST_REHAB, D(2025, 1, 10))
    world.measure(minh, POST_REHAB, D(2025, 2, 1))
    world.assign(lan, world.volunteer(phu_thuong), D(2025, 2, 1))
    world.transfer(tuan, hai_chau, D(2025, 9, 1))
    far = world.person(hai_chau, name="Phạm Văn Xa")
    return {"hung": hung, "lan": lan, "minh": minh, "tuan": tuan, "far": far}


def vi(text):
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def get(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def figure(page, code):
    """The value cell of an indicator's row: (text, link or None)."""
    cell = page.get(data_testid=f"indicator-{code}").get(data_testid="value")
    link = cell.find("a")
    return cell.text, link.attrs["href"] if link else None


def query_of(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def names(page):
    return sorted(row[1] for row in page.get(data_testid="drill-table").rows())


# --- who may open which report ---------------------------------------------------------------------------------


def test_a_commune_officer_reads_their_commune_only(client, world, ward, phu_thuong, hai_chau, hanoi):
    officer = world.officer(phu_thuong)
    page = get(client, officer, REPORT)  # no unit asked: their own
    assert page.status_code == 200
    assert "Phường Phú Thượng" in parse(page).get(data_testid="report-title").text

    for other in (hai_chau, hanoi):
        assert get(client, officer, REPORT, unit=other.pk).status_code == 404
        assert get(client, officer, PEOPLE, unit=other.pk, indicator="people.registered").status_code == 404
    assert get(client, officer, REPORT, unit="nope").status_code == 404


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.BOARD_MEMBER])
def test_roles_without_reports_are_refused(client, make_user, phu_thuong, role):
    user = make_user(role, phu_thuong)
    assert get(client, user, REPORT).status_code == 403
    assert get(client, user, PEOPLE, indicator="people.registered").status_code == 403
    assert get(client, user, reverse("reports:targets")).status_code == 403
    home = parse(get(client, user, reverse("home")))
    assert home.find(data_testid="nav-reports") is None


def test_a_province_officer_reads_the_province_and_its_communes(client, world, ward, hanoi, phu_thuong, hai_chau):
    officer = world.officer(hanoi)
    page = parse(get(client, officer, REPORT, period="2025Q3"))
    assert "Thành phố Hà Nội" in page.get(data_testid="report-title").text
    assert page.get(data_testid="nav-reports").attrs["href"] == REPORT
    assert get(client, officer, REPORT, unit=phu_thuong.pk).status_code == 200
    assert get(client, officer, REPORT, unit=hai_chau.pk).status_code == 404


# --- the figures and the links behind them ----------------------------------------------------------------------


def test_the_report_shows_each_figure_with_its_drill_down(client, world, ward, phu_thuong):
    response = get(client, world.officer(phu_thuong), REPORT, unit=phu_thuong.pk, period="2025Q2")
    assert_csp_and_no_inline_code(response, "report page")
    page = parse(response)
    assert "Quý 2/2025" in page.get(data_testid="report-title").text

    # Tuấn moved out after the quarter: he counts where he was on its last day.
    expected = {"people.registered": "4", "people.in_facility": "1", "people.at_residence": "3",
                "people.post_rehab": "2", "people.education": "0"}  # fmt: skip
    for code, value in expected.items():
        text, link = figure(page, code)
        assert text == value, code
        if value == "0":
            assert link is None, code  # nobody to list
        else:
            assert query_of(link) == {"unit": str(phu_thuong.pk), "period": "2025Q2", "indicator": code}

    # A share: its value, numerator over denominator, and the link to those not yet counted.
    share = page.get(data_testid="indicator-people.with_volunteer")
    assert share.get(data_testid="value").text == "50,0 %"
    assert "1 / 2" in share.get(data_testid="fraction").text
    rest = share.get(data_testid="drill-rest")
    assert query_of(rest.attrs["href"])["rest"] == "1"
    # Sections, the downloads, the targets page.
    for section in ("status", "volunteers", "community", "support", "casework"):
        assert page.find(data_testid=f"section-{section}") is not None
    # The files are asked for with a POST (made in the background; see test_export_jobs.py).
    xlsx, pdf = page.get(data_testid="download-xlsx-form"), page.get(data_testid="download-pdf-form")
    assert (
        query_of(xlsx.attrs["action"])
        == query_of(pdf.attrs["action"])
        == {"unit": str(phu_thuong.pk), "period": "2025Q2"}
    )
    assert xlsx.attrs["method"] == pdf.attrs["method"] == "post"
    assert xlsx.attrs["action"].startswith(reverse("reports:xlsx"))
    assert pdf.attrs["action"].startswith(reverse("reports:pdf"))
    assert query_of(page.get(data_testid="targets-link").attrs["href"]) == {"unit": str(phu_thuong.pk)}


def test_the_roster_movements_have_their_section_and_their_people(client, world, ward, phu_thuong):
    gone = world.person(phu_thuong, name="Đỗ Văn Đi")
    world.take_off(gone, D(2025, 5, 5))  # removed by the ward's decision
    back = world.person(phu_thuong, name="Vũ Văn Về")
    world.measure(back, POST_REHAB, D(2024, 4, 1), end=D(2025, 3, 31))  # completed: off the roster on 31/03
    world.measure(back, POST_REHAB, D(2025, 4, 14))  # back on it with a new measure
    officer = world.officer(phu_thuong)
    page = parse(get(client, officer, REPORT, unit=phu_thuong.pk, period="2025Q2"))

    section = page.get(data_testid="section-roster")
    for code in ("roster.left", "roster.left_removed", "roster.deaths", "roster.returned", "roster.released",
                 "roster.awaiting_decision", "roster.decision_overdue", "roster.transfers_pending"):  # fmt: skip
        assert section.find(data_testid=f"indicator-{code}") is not None, code
    assert page.get(data_testid="section-casework").find(data_testid="indicator-casework.relapses") is not None
    assert figure(page, "people.registered")[0] == "5"  # the four, Tuấn included, and Vũ Văn Về; not Đỗ Văn Đi
    assert figure(page, "roster.left_removed")[0] == "1"
    text, link = figure(page, "roster.left")
    assert text == "1" and query_of(link)["indicator"] == "roster.left"
    assert names(parse(client.get(link))) == ["Đỗ Văn Đi"]
    text, link = figure(page, "roster.returned")
    assert text == "1" and names(parse(client.get(link))) == ["Vũ Văn Về"]
    assert figure(page, "roster.awaiting_decision") == ("0", None)


def test_a_figure_is_a_link_only_for_those_who_may_list_its_people(client, world, ward, phu_thuong):
    auditor = world.user(Role.AUDITOR, phu_thuong)  # reads reports and people, not legal measures
    page = parse(get(client, auditor, REPORT, period="2025Q2"))
    assert figure(page, "people.post_rehab") == ("2", None)
    assert figure(page, "people.registered")[1] is not None
    denied = get(client, auditor, PEOPLE, unit=phu_thuong.pk, period="2025Q2", indicator="people.post_rehab")
    assert denied.status_code == 404
    # Figures nobody can list (volunteers, communes) never link.
    officer_page = parse(get(client, world.officer(phu_thuong), REPORT, period="2025Q2"))
    assert figure(officer_page, "volunteers.active") == ("1", None)


def test_periods_the_legacy_note_and_a_wrong_period(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    before = parse(get(client, officer, REPORT, period="2025Q2"))
    assert before.find(data_testid="legacy-note") is not None
    assert query_of(before.get(data_testid="period-previous").attrs["href"])["period"] == "2025Q1"
    assert query_of(before.get(data_testid="period-next").attrs["href"])["period"] == "2025Q3"
    after = parse(get(client, officer, REPORT, period="2025-08"))
    assert after.find(data_testid="legacy-note") is None
    assert "Tháng 08/2025" in after.get(data_testid="report-title").text
    assert figure(after, "people.registered")[0] == "4"  # Tuấn left on 01/09

    wrong = get(client, officer, REPORT, period="2025Q7")
    assert wrong.status_code == 200
    assert "2025Q7" in parse(wrong).get("main").text  # the warning names what was typed
    assert wrong.context["period"].kind == "quarter"


def test_the_breakdown_by_the_units_below(client, world, ward, hanoi, phu_thuong):
    officer = world.officer(hanoi)
    page = parse(get(client, officer, REPORT, period="2025Q3"))
    table = page.get(data_testid="breakdown-table")
    columns = [th.attrs.get("data-code") for th in table.find("thead").find_all("th")[1:]]
    assert columns[0] == "people.registered"
    row = table.get(data_testid=f"child-{phu_thuong.code}")
    name = row.get("th").get("a")
    assert query_of(name.attrs["href"]) == {"unit": str(phu_thuong.pk), "period": "2025Q3"}
    cells = row.find_all("td")
    assert cells[0].text == "3"  # Tuấn is in Hải Châu on 30/09/2025
    assert query_of(cells[0].get("a").attrs["href"]) == {
        "unit": str(phu_thuong.pk), "period": "2025Q3", "indicator": "people.registered"
    }  # fmt: skip
    assert len(table.find("tbody").find_all("tr")) == len(OrgUnit.objects.filter(parent=hanoi))
    assert page.find(data_testid="child-current") is None  # a period after the reform has no such row

    # Columns of one section instead of the key indicators.
    support = parse(get(client, officer, REPORT, period="2025Q3", breakdown="support"))
    codes = [th.attrs.get("data-code") for th in support.get(data_testid="breakdown-table").find_all("th")[1:]]
    assert "support.loan_amount" in codes and "people.registered" not in codes


def test_the_breakdown_hides_units_with_only_zeros_and_sorts_by_any_column(client, world, ward, hanoi, unit):
    """Hà Nội, 2025Q3: three people in Phú Thượng, one in Ba Đình, nobody in its 124 other communes."""
    world.person(unit("00004"), name="Đinh Văn Bảo")
    officer = world.officer(hanoi)
    page = parse(get(client, officer, REPORT, period="2025Q3"))
    assert len(page.get(data_testid="breakdown-table").find("tbody").find_all("tr")) == 126  # every unit by default
    toggle = page.get(data_testid="hide-zero")
    assert (toggle.attrs["name"], toggle.attrs["value"], "checked" in toggle.attrs) == ("hide_zero", "1", False)
    assert vi("Hide units with only zeros") == "Ẩn đơn vị toàn số 0"
    assert page.get("label", **{"for": "hide-zero"}).text == "Ẩn đơn vị toàn số 0"
    assert page.find(data_testid="breakdown-hidden") is None

    # Ticked (a plain GET form): the two communes with a figure, and how many were left out.
    hidden = parse(get(client, officer, REPORT, period="2025Q3", hide_zero="1"))
    table = hidden.get(data_testid="breakdown-table")
    rows = [row.attrs["data-testid"] for row in table.find("tbody").find_all("tr")]
    assert rows == ["child-00004", "child-00091"]  # as the tree lists them
    assert hidden.get(data_testid="breakdown-hidden").text == "124 xã/phường có toàn số 0 không được liệt kê."
    assert "checked" in hidden.get(data_testid="hide-zero").attrs

    # Each header is a link sorting by its column, figures largest first, and the other way once sorted so.
    link = table.get(data_testid="sort-people.registered")
    assert query_of(link.attrs["href"]) == {
        "unit": str(hanoi.pk), "period": "2025Q3", "breakdown": "key", "hide_zero": "1", "sort": "-people.registered"
    }  # fmt: skip
    assert link.attrs["href"].endswith("#breakdown-title")
    by_registered = parse(client.get(link.attrs["href"]))
    table = by_registered.get(data_testid="breakdown-table")
    assert [row.attrs["data-testid"] for row in table.find("tbody").find_all("tr")] == ["child-00091", "child-00004"]
    header = table.get(data_testid="sort-people.registered").parent
    assert header.attrs["aria-sort"] == "descending"
    assert query_of(header.get("a").attrs["href"])["sort"] == "people.registered"  # the other way next
    assert query_of(table.get(data_testid="sort-unit").attrs["href"])["sort"] == "unit"
    # The order and the toggle stay with the page's other links, its forms and the files it offers.
    kept = {"hide_zero": "1", "sort": "-people.registered"}
    previous = query_of(by_registered.get(data_testid="period-previous").attrs["href"])
    assert previous.items() >= kept.items() and previous["period"] == "2025Q2"
    for form in ("download-xlsx-form", "download-pdf-form"):
        action = by_registered.get(data_testid=form).attrs["action"]
        assert query_of(action) == {"unit": str(hanoi.pk), "period": "2025Q3", **kept}
    picker = by_registered.get(data_testid="breakdown-form")
    assert {i.attrs["name"]: i.attrs.get("value") for i in picker.find_all("input") if i.attrs["type"] == "hidden"} == {
        "unit": str(hanoi.pk), "period": "2025Q3", "sort": "-people.registered"
    }  # fmt: skip
    # Sorted by a column of the section shown instead; a column the table does not have is no order.
    section = parse(get(client, officer, REPORT, period="2025Q3", breakdown="support", sort="-people.registered"))
    assert not [th for th in section.get(data_testid="breakdown-table").find_all("th") if "aria-sort" in th.attrs]
    assert "sort" not in query_of(section.get(data_testid="download-xlsx-form").attrs["action"])


def test_a_pre_reform_period_breaks_down_by_the_units_of_the_time(client, world, ward, phu_thuong):
    page = parse(get(client, world.officer(phu_thuong), REPORT, period="2025Q2"))
    table = page.get(data_testid="breakdown-table")
    current = table.get(data_testid="child-current")  # everything was recorded under the new ward
    assert vi("Recorded under the current units") in current.text
    assert current.find_all("td")[0].text == "4"
    assert current.find("a") is None
    legacy_rows = [row for row in table.find("tbody").find_all("tr") if row.attrs["data-testid"] != "child-current"]
    assert legacy_rows  # the legacy communes the ward was formed from
    legacy = legacy_rows[0].get("th").get("a")
    unit = OrgUnit.objects.get(pk=query_of(legacy.attrs["href"])["unit"])
    assert unit.is_legacy
    legacy_page = parse(get(client, world.officer(phu_thuong), REPORT, unit=unit.pk, period="2025Q2"))
    assert legacy_page.find(data_testid="legacy-unit") is not None
    crumbs = legacy_page.get(data_testid="report-crumbs").links()
    assert query_of(crumbs[-1][1]) == {"unit": str(phu_thuong.pk), "period": "2025Q2"}  # back to the ward


def test_the_charts_get_their_figures_from_json(client, world, ward, hanoi):
    officer = world.officer(hanoi)
    response = get(client, officer, REPORT, period="2025Q3")
    page = parse(response)
    assert page.find("script", id="report-bars-data") is not None
    assert page.find("canvas", **{"data-report-chart": "report-bars-data"}) is not None
    scripts = [s.attrs.get("src") for s in page.find_all("script") if s.attrs.get("src")]
    assert any(src.endswith("vendor/chartjs/chart.umd.min.js") for src in scripts)
    assert any(src.endswith("reports/charts.js") for src in scripts)

    # The key indicators over time come after the page, for the same unit and period.
    slot = page.get(data_testid="trend-slot")
    assert query_of(slot.attrs["hx-get"]) == {"unit": str(hanoi.pk), "period": "2025Q3"}
    assert page.find("script", id="report-trend-counts") is None
    trend = client.get(slot.attrs["hx-get"])
    counts = trend.context["trend_counts"]
    assert counts["labels"][-1] == "Quý 3/2025" and len(counts["labels"]) == 6
    registered = next(s for s in counts["series"] if s["label"] == vi("People registered"))
    assert registered["values"][-1] == 3
    fragment = parse(trend)
    assert fragment.find("script", id="report-trend-counts") is not None
    assert fragment.find("script", id="report-trend-shares") is not None
    assert fragment.find("canvas", **{"data-report-chart": "report-trend-counts"}) is not None


def test_the_trend_is_scoped_like_the_report(client, world, ward, phu_thuong, hai_chau):
    officer = world.officer(phu_thuong)
    trend = TREND
    assert get(client, officer, trend, unit=phu_thuong.pk, period="2025Q3").status_code == 200
    assert get(client, officer, trend, unit=hai_chau.pk, period="2025Q3").status_code == 404
    assert get(client, officer, trend, unit="x", period="2025Q3").status_code == 404
    assert get(client, officer, trend, period="nope").status_code == 200  # their commune, this quarter


# --- the people behind a figure ---------------------------------------------------------------------------------


def test_the_drill_down_lists_exactly_the_people_behind_a_figure(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    response = get(client, officer, PEOPLE, unit=phu_thuong.pk, period="2025Q2", indicator="people.registered")
    assert_csp_and_no_inline_code(response, "drill-down")
    page = parse(response)
    assert page.get(data_testid="drill-title").text == f"{vi('People registered')} — Phường Phú Thượng — Quý 2/2025"
    # Tuấn counts (he was here on 30/06/2025) but has moved outside the officer's units since.
    assert names(page) == ["Bùi Văn Hùng", "Lê Thị Lan", "Ngô Văn Minh"]
    assert "3" in page.get(data_testid="drill-count").text and "4" in page.get(data_testid="drill-count").text
    assert page.find(data_testid="drill-fewer") is not None
    link = page.get(data_testid=f"drill-person-{ward['lan'].pk}").get("a")
    assert link.attrs["href"] == reverse("people:detail", args=[ward["lan"].pk])
    assert not AccessLogEntry.objects.exists()  # being registered is not sensitive

    facility = parse(get(client, officer, PEOPLE, unit=phu_thuong.pk, period="2025Q2", indicator="people.in_facility"))
    assert names(facility) == ["Bùi Văn Hùng"]
    assert facility.find(data_testid="drill-fewer") is None

    # A province officer sees Tuấn too: Hải Châu is not theirs either, so the same three.
    hanoi_officer = world.officer(phu_thuong.parent)
    province = parse(get(client, hanoi_officer, PEOPLE, period="2025Q2", indicator="people.registered"))
    assert names(province) == ["Bùi Văn Hùng", "Lê Thị Lan", "Ngô Văn Minh"]


def test_a_share_lists_those_counted_and_those_not_yet(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    query = {"unit": phu_thuong.pk, "period": "2025Q2", "indicator": "people.with_volunteer"}
    counted = parse(get(client, officer, PEOPLE, **query))
    assert names(counted) == ["Lê Thị Lan"]
    other = counted.get(data_testid="drill-other-side").attrs["href"]
    assert query_of(other)["rest"] == "1"
    rest = parse(client.get(other))
    assert names(rest) == ["Ngô Văn Minh"]
    assert rest.find(data_testid="drill-rest-title") is not None


def test_sensitive_drill_downs_write_the_access_log(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    page = parse(get(client, officer, PEOPLE, unit=phu_thuong.pk, period="2025Q2", indicator="people.post_rehab"))
    assert names(page) == ["Lê Thị Lan", "Ngô Văn Minh"]
    assert page.find(data_testid="drill-logged") is not None
    entries = AccessLogEntry.objects.filter(user=officer).order_by("object_id")
    assert sorted(int(e.object_id) for e in entries) == sorted([ward["lan"].pk, ward["minh"].pk])
    assert all(e.unit_id == phu_thuong.pk and "legal measures" in e.detail for e in entries)
    assert all("people.post_rehab" in e.detail and "2025Q2" in e.detail for e in entries)


@override_settings(LIST_PAGE_SIZE=2)
def test_the_drill_down_is_paginated_and_logs_only_the_page_shown(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    query = {"unit": phu_thuong.pk, "period": "2025Q2", "indicator": "people.post_rehab"}
    world.measure(ward["hung"], POST_REHAB, D(2025, 4, 1))
    first = parse(get(client, officer, PEOPLE, **query))
    assert len(first.get(data_testid="drill-table").rows()) == 2
    assert AccessLogEntry.objects.count() == 2
    second = parse(client.get(PEOPLE, {**query, "page": 2}))
    assert len(second.get(data_testid="drill-table").rows()) == 1
    assert AccessLogEntry.objects.count() == 3


def test_unknown_indicators_and_figures_without_people_answer_404(client, world, ward, phu_thuong):
    officer = world.officer(phu_thuong)
    assert get(client, officer, PEOPLE, period="2025Q2", indicator="nope").status_code == 404
    assert get(client, officer, PEOPLE, period="2025Q2", indicator="volunteers.active").status_code == 404


# --- queries --------------------------------------------------------------------------------------------------


def _queries(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured.captured_queries)


# session, user, grants; the unit, its frame, the units to pick from, the breadcrumb; the indicators that depend on
# data (rating levels, model types); the post-rehab decision's deadline rules and the public holidays; per family one
# query for the period and its breakdown (two apart but on PostgreSQL); how far the people's monthly status rows
# reach and whether any are stale; the targets.
REPORT_QUERIES = 31 - len(FAMILIES) + breakdown_queries(len(FAMILIES))
# The charts' trend, loaded after the page: session, user, grants, the unit, its frame, the indicators that depend
# on data, how far the status rows reach; per family with a key indicator one query for each of the six periods;
# the frames of the periods before the reform; the targets.
TREND_QUERIES = 41
# session, user, grants, the unit, the indicators that depend on data (rating levels and model types), the frame,
# the figure, the people counted and shown, how far the status rows reach (for the figure and for the people), the
# access-log insert
DRILL_QUERIES = 14


def test_queries_do_not_grow_with_people_or_units(
    client, world, hanoi, phu_thuong, unit, django_capture_on_commit_callbacks
):
    """The province's report and a drill-down, with one person in one commune, then with more people under more
    measures in three communes: the same number of queries."""
    officer = world.officer(hanoi)
    client.force_login(officer)
    world.measure(world.person(phu_thuong), POST_REHAB, D(2025, 8, 1))
    report_query = {"period": "2025Q3"}
    drill_query = {"period": "2025Q3", "indicator": "people.post_rehab"}
    counted = ((REPORT, report_query), (TREND, report_query), (PEOPLE, drill_query))
    # Warm the caches (content types, scales) shared with every later request.
    client.get(REPORT, report_query)
    client.get(PEOPLE, drill_query)
    client.get(TREND, report_query)
    small = tuple(_queries(client, url, query) for url, query in counted)

    communes = [phu_thuong, *OrgUnit.objects.filter(parent=hanoi).exclude(pk=phu_thuong.pk).order_by("code")[:2]]
    # The people's status rows are redone as their commit hook does it.
    with django_capture_on_commit_callbacks(execute=True):
        for commune in communes:
            volunteer = world.volunteer(commune)
            for n in range(3):
                person = world.person(commune)
                world.measure(person, POST_REHAB, D(2025, 7, 1 + n))
                world.assign(person, volunteer, D(2025, 7, 10))
                world.service(person, "emergency_aid", D(2025, 8, 1), amount=1_000_000)
    large = tuple(_queries(client, url, query) for url, query in counted)
    page = parse(client.get(PEOPLE, drill_query))
    assert len(page.get(data_testid="drill-table").rows()) == 10

    assert small == large
    assert large == (REPORT_QUERIES, TREND_QUERIES, DRILL_QUERIES)
