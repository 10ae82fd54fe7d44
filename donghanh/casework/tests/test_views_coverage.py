"""The commune officer's pages as users see them: coverage (who helps whom), assignments and overdue assessments.

State is built through the services; the pages use today's date, so dates here are relative to it.
Assertions read the rendered pages (elements by data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.casework.models import Assignment
from donghanh.casework.tests.conftest import DAY, LONG_AGO, TODAY, add_volunteer, register
from donghanh.casework.tests.test_views_team import COVERAGE, OVERDUE, assess, follow, text, vi
from donghanh.casework.worklist import assessment_months
from donghanh.core.tests.pages import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


# --- coverage -----------------------------------------------------------------------------------


def test_coverage_counts_both_sides_of_the_rule(client, world, officer):
    client.force_login(officer)
    page = client.get(COVERAGE)
    assert text(page, "volunteers") == "3"
    assert text(page, "volunteers-helping") == "2 (66,7 %)"
    assert text(page, "people") == "4"
    assert text(page, "people-covered") == "3 (75 %)"
    idle = parse(page).get(data_testid="idle-volunteers")
    assert idle.links() == [("Phạm Thị Hoa", reverse("casework:volunteer_detail", args=[world["hoa"].pk]))]
    unassigned = parse(page).get(data_testid="unassigned-people")
    assert ("Phạm Văn Dũng", reverse("people:detail", args=[world["dung"].pk])) in unassigned.links()
    assert (vi("Assign"), reverse("casework:assign", args=[world["dung"].pk])) in unassigned.links()
    assert len(unassigned.find_all("li")) == 1


def test_coverage_of_a_province_goes_down_to_its_communes(client, world, make_user, unit, phu_thuong):
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=1))
    client.force_login(province_officer)
    page = client.get(COVERAGE)
    assert text(page, "volunteers") == "3" and text(page, "people") == "4"
    assert parse(page).find(data_testid="assign-link") is None  # the province does not assign
    choices = {o.attrs["value"] for o in parse(page).get("select", name="unit").find_all("option")}
    assert str(phu_thuong.pk) in choices
    commune = client.get(COVERAGE, {"unit": phu_thuong.pk})
    assert text(commune, "people-covered") == "3 (75 %)"
    assert client.get(COVERAGE, {"unit": unit("20242").pk}).status_code == 404  # Hải Châu: outside the province


def test_long_coverage_lists_show_the_first_rows(client, world, officer, settings):
    settings.LIST_PAGE_SIZE = 1
    add_volunteer(officer, world["team"], "Vũ Thị Hằng")
    client.force_login(officer)
    page = parse(client.get(COVERAGE))
    assert len(page.get(data_testid="idle-volunteers").find_all("li")) == 1
    more = "and %(count)s more: choose a commune to see them all."
    with translation.override("vi"):
        expected = translation.ngettext(more, more, 1) % {"count": 1}
    assert page.get(data_testid="idle-more").text == expected


def test_percentages_use_the_decimal_comma():
    template = Template('{{ share|floatformat:"-1" }} %')
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(Context({"share": 62.5})) == "62,5 %"
            assert template.render(Context({"share": 100.0})) == "100 %"


def test_coverage_queries_do_not_grow_with_rows(client, world, officer, phu_thuong):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(COVERAGE).status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        add_volunteer(officer, world["team"], f"Tình nguyện viên {n}")
        follow(officer, register(officer, phu_thuong, f"Người Thứ {n}"))
    many = count()
    assert text(client.get(COVERAGE), "people") == "8"
    assert few == many
    # session, user, roles, the unit, its sub-units, four counts, the two lists
    assert many <= 11


# --- assignments --------------------------------------------------------------------------------


def test_a_reassignment_shows_the_history(client, world, officer):
    client.force_login(officer)
    hung, mai = world["hung"], world["mai"]
    assign = reverse("casework:assign", args=[hung.pk])
    page = client.get(assign)
    assert "Trần Thị Lan" in text(page, "current-volunteer")
    offered = {o.text for o in parse(page).get("select", name="volunteer").find_all("option")}
    assert not any("Trần Thị Lan" in o for o in offered)  # not the one helping now
    assert not any("Đỗ Văn Cũ" in o for o in offered)  # not one who stopped
    start = TODAY - 5 * DAY
    response = client.post(
        assign, {"volunteer": mai.pk, "start_date": start.strftime("%d/%m/%Y"), "reason": "Gần nhà hơn"}
    )
    assert response.status_code == 302 and response["Location"] == assign
    page = client.get(assign)
    assert "Lê Thị Mai" in text(page, "current-volunteer")
    history = parse(page).get(data_testid="assignment-history").rows()
    assert history == [
        ["Trần Thị Lan", LONG_AGO.strftime("%d/%m/%Y"), (start - DAY).strftime("%d/%m/%Y"), "Gần nhà hơn"]
    ]


def test_a_reassignment_before_the_current_start_is_refused_on_the_field(client, world, officer):
    client.force_login(officer)
    assign = reverse("casework:assign", args=[world["hung"].pk])
    too_early = (LONG_AGO - DAY).strftime("%d/%m/%Y")
    refused = client.post(assign, {"volunteer": world["mai"].pk, "start_date": too_early, "reason": "x"})
    assert refused.status_code == 400
    field = parse(refused).get(data_testid="assign-form").get(data_field="start_date")
    assert field.get("input").attrs["value"] == too_early
    assert Assignment.objects.get(person=world["hung"]).volunteer == world["lan"]


def test_an_assignment_is_ended_with_a_reason(client, world, officer):
    client.force_login(officer)
    assignment = Assignment.objects.get(person=world["cuong"])
    end = reverse("casework:assignment_end", args=[assignment.pk])
    assert client.get(end).status_code == 405
    refused = client.post(end, {"end_date": TODAY.strftime("%d/%m/%Y"), "reason": ""})
    assert refused.status_code == 400
    assert parse(refused).find(data_testid="end-form") is not None
    response = client.post(end, {"end_date": TODAY.strftime("%d/%m/%Y"), "reason": "Chuyển đi nơi khác"})
    assert response["Location"] == reverse("casework:assign", args=[world["cuong"].pk])
    assignment.refresh_from_db()
    assert (assignment.end_date, assignment.end_reason) == (TODAY, "Chuyển đi nơi khác")


def test_a_person_without_a_team_is_pointed_to_setting_it_up(client, hai_chau_officer, hai_chau):
    person = follow(hai_chau_officer, register(hai_chau_officer, hai_chau, "Nguyễn Văn An"))
    client.force_login(hai_chau_officer)
    page = client.get(reverse("casework:assign", args=[person.pk]))
    assert page.status_code == 200
    assert parse(page).find(data_testid="no-team") is not None


# --- overdue assessments ------------------------------------------------------------------------


def test_overdue_assessments_across_the_scope(client, world, officer):
    _due, overdue = assessment_months(TODAY)
    hung = world["hung"]
    assess(officer, hung, overdue[0], "good")  # the latest overdue month of Hùng is done
    client.force_login(officer)
    page = client.get(OVERDUE)
    rows = parse(page).get(data_testid="overdue-table").rows()
    # Four people followed, each missing every overdue month, but Hùng one fewer.
    assert len(rows) == 4 * len(overdue) - 1
    hung_rows = [row for row in rows if row[0].startswith("Nguyễn Văn Hùng")]
    assert [row[2] for row in hung_rows] == [m.strftime("%m/%Y") for m in sorted(overdue[1:])]
    assert all(row[3] == "Trần Thị Lan" for row in hung_rows)
    dung = next(row for row in rows if row[0].startswith("Phạm Văn Dũng"))
    assert dung[3] == "—"
    oldest = min(overdue)
    assess_link = f"{reverse('casework:assessment', args=[hung.pk])}?month={oldest:%Y-%m}"
    assert assess_link in [href for _text, href in parse(page).get(data_testid="overdue-table").links()]
    assert rows[0][2] == oldest.strftime("%m/%Y")  # oldest month first


@pytest.mark.parametrize("cap", [1000, 15])  # counted to the end, or only up to 3 rows and paged on from there
def test_overdue_pages_follow_each_other_across_the_months(client, world, officer, settings, cap):
    _due, overdue = assessment_months(TODAY)
    assess(officer, world["hung"], overdue[0], "good")
    client.force_login(officer)
    everything = parse(client.get(OVERDUE)).get(data_testid="overdue-table").rows()
    settings.LIST_PAGE_SIZE, settings.LIST_COUNT_CAP = 2, cap
    paged, number = [], 1
    while True:
        page = parse(client.get(OVERDUE, {"page": number}))
        paged += page.get(data_testid="overdue-table").rows()
        if not [href for _text, href in page.links() if f"page={number + 1}" in href]:
            break
        number += 1
    assert paged == everything and len(everything) == 4 * len(overdue) - 1
    assert number == -(-len(everything) // 2)


def test_no_overdue_assessment_shows_the_empty_state(client, officer):
    client.force_login(officer)
    assert parse(client.get(OVERDUE)).find(data_testid="empty") is not None
