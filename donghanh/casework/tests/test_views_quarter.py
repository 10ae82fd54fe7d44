"""The commune officer's pages as users see them: the quarter's sign-off of each person's classification, and
the province's rating scale.

State is built through the services; the pages use today's date, so dates here are relative to it.
Assertions read the rendered pages (elements by data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.casework.models import QuarterlyClassification, RatingScale
from donghanh.casework.selectors import rating_levels_for
from donghanh.casework.tests.conftest import TODAY, register
from donghanh.casework.tests.test_views_team import (
    LAST_QUARTER,
    SCALE,
    TEAMS,
    assess,
    follow,
    quarter_url,
    selected,
    text,
    vi,
)
from donghanh.core.dates import previous_quarter, quarter_months, quarter_of
from donghanh.core.tests.pages import parse
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db


def texts(response, testid: str) -> list[str]:
    return [node.text for node in parse(response).find_all(data_testid=testid)]


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


# --- the quarter's sign-off ---------------------------------------------------------------------


@pytest.fixture
def quarter(world, officer):
    """Last quarter: Hùng rated good, fair, poor (derives fair); Bình good, good, poor (derives good);
    Cường rated in one month only; Dũng not rated at all."""
    year, q = LAST_QUARTER
    months = quarter_months(year, q)
    for month, rating in zip(months, ["good", "fair", "poor"], strict=True):
        assess(officer, world["hung"], month, rating)
    for month, rating in zip(months, ["good", "good", "poor"], strict=True):
        assess(officer, world["binh"], month, rating)
    assess(officer, world["cuong"], months[1], "average")
    return year, q


def row_of(response, person: Person):
    return parse(response).get(data_testid="quarter-row", data_person=str(person.pk))


def test_the_latest_quarter_is_the_last_finished_one(client, officer):
    client.force_login(officer)
    response = client.get(reverse("casework:quarter_latest"))
    assert response.status_code == 302 and response["Location"] == quarter_url(*LAST_QUARTER)


def test_the_quarter_shows_the_months_and_what_they_give(client, world, officer, quarter):
    client.force_login(officer)
    page = client.get(quarter_url(*quarter))
    rows = {row[0].split(" DH")[0]: row for row in parse(page).get(data_testid="quarter-table").rows()}
    assert set(rows) == {"Nguyễn Văn Hùng", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"}
    labels = {lv.code: lv.label_vi for lv in rating_levels_for(world["hung"].unit)}
    assert rows["Nguyễn Văn Hùng"][1:5] == [labels["good"], labels["fair"], labels["poor"], labels["fair"]]
    assert rows["Trần Văn Bình"][4] == labels["good"]
    assert rows["Lê Văn Cường"][1:4] == ["—", labels["average"], "—"]
    assert rows["Lê Văn Cường"][4] == vi("A month is missing")
    form = row_of(page, world["hung"]).get("form", id=f"person-{world['hung'].pk}")
    chosen = selected(form.get("select", name="level"))
    assert chosen.text == labels["fair"]  # one click confirms what the months give


def test_confirming_without_override_needs_no_reason(client, world, officer, quarter):
    client.force_login(officer)
    year, q = quarter
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    url = quarter_url(year, q)
    response = client.post(url, {"person": world["hung"].pk, "level": fair.pk, "override_reason": ""})
    assert response.status_code == 302 and response["Location"] == f"{url}#person-{world['hung'].pk}"
    confirmed = QuarterlyClassification.objects.get(person=world["hung"], year=year, quarter=q)
    assert confirmed.level == fair and not confirmed.overridden and confirmed.confirmed_by == officer
    page = client.get(url)
    assert row_of(page, world["hung"]).get(data_testid="confirmed").text.startswith(fair.label_vi)
    summary = texts(page, "summary-level")
    assert summary == [f"{fair.label_vi}: 1"]


def test_an_override_needs_a_reason_shown_on_its_row(client, world, officer, quarter):
    client.force_login(officer)
    year, q = quarter
    good = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "good")
    url = quarter_url(year, q)
    refused = client.post(url, {"person": world["hung"].pk, "level": good.pk, "override_reason": "  "})
    assert refused.status_code == 400
    row = row_of(refused, world["hung"])
    errors = " ".join(node.text for node in row.find_all(data_testid="row-errors"))
    assert vi("Give the reason for a classification other than the one the months give.") in errors
    assert selected(row.get("select", name="level")).attrs["value"] == str(good.pk)
    assert row_of(refused, world["binh"]).find(data_testid="row-errors") is None  # only the row acted on
    assert not QuarterlyClassification.objects.exists()

    reason = "Đã có việc làm ổn định từ tháng cuối"
    response = client.post(url, {"person": world["hung"].pk, "level": good.pk, "override_reason": reason})
    assert response.status_code == 302
    confirmed = QuarterlyClassification.objects.get(person=world["hung"])
    assert confirmed.overridden and confirmed.override_reason == reason
    shown = row_of(client.get(url), world["hung"]).get(data_testid="override-reason").text
    assert reason in shown


def test_the_quarter_moves_back_and_not_past_the_current_one(client, officer, quarter):
    client.force_login(officer)
    page = parse(client.get(quarter_url(*quarter)))
    assert page.get(data_testid="quarter-previous").attrs["href"] == quarter_url(*previous_quarter(*quarter))
    assert page.get(data_testid="quarter-next").attrs["href"] == quarter_url(*quarter_of(TODAY))
    current = parse(client.get(quarter_url(*quarter_of(TODAY))))
    assert current.find(data_testid="quarter-next") is None
    assert client.get(quarter_url(2026, 5)).status_code == 404


def test_roles_that_may_only_look_see_no_form_and_cannot_post(client, world, make_user, phu_thuong, quarter):
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    url = quarter_url(*quarter)
    page = client.get(url)
    assert page.status_code == 200 and parse(page).find(data_testid="classification-form") is None
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    assert client.post(url, {"person": world["hung"].pk, "level": fair.pk}).status_code == 403


def test_another_communes_officer_cannot_confirm(client, world, hai_chau_officer, quarter):
    client.force_login(hai_chau_officer)
    url = quarter_url(*quarter)
    assert parse(client.get(url)).find(data_testid="quarter-table") is None
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    assert client.post(url, {"person": world["hung"].pk, "level": fair.pk}).status_code == 404


def test_the_quarter_queries_do_not_grow_with_rows(client, world, officer, quarter, phu_thuong):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(quarter_url(*quarter)).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        person = follow(officer, register(officer, phu_thuong, f"Người Thứ {n}"))
        assess(officer, person, quarter_months(*quarter)[0], "good")
    assert count() == few


# --- the rating scale ---------------------------------------------------------------------------


def scale_post(name, rows):
    data = {
        "name": name,
        "levels-TOTAL_FORMS": "6",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "6",
    }
    for i in range(6):
        code, label_vi, label_en, progress = rows[i] if i < len(rows) else ("", "", "", False)
        data |= {f"levels-{i}-code": code, f"levels-{i}-label_vi": label_vi, f"levels-{i}-label_en": label_en}
        if progress:
            data[f"levels-{i}-counts_as_progress"] = "on"
    return data


def test_a_province_officer_sets_the_provinces_scale(client, make_user, unit):
    ha_noi = unit("01", level=1)
    client.force_login(make_user(Role.PROVINCE_OFFICER, ha_noi))
    page = client.get(SCALE)
    default = RatingScale.objects.get(unit__isnull=True)
    assert default.name in text(page, "scale-in-force")
    rows = parse(page).get(data_testid="scale-levels").rows()
    assert [row[1] for row in rows] == ["good", "fair", "average", "poor"]
    assert parse(page).get("input", name="levels-0-code").attrs["value"] == "good"  # the form starts from it

    two = [("progressing", "Tiến bộ", "Progressing", True), ("not_progressing", "Chưa tiến bộ", "Not yet", False)]
    refused = client.post(SCALE, scale_post("Thang Hà Nội", [(c, vi_, en, True) for c, vi_, en, _p in two]))
    assert refused.status_code == 400
    assert vi("Some levels must count as progressing and some not.") in text(refused, "form-errors")
    assert parse(refused).get("input", name="levels-1-label_vi").attrs["value"] == "Chưa tiến bộ"
    half_filled = client.post(SCALE, scale_post("Thang Hà Nội", [*two, ("bad", "", "", False)]))
    assert half_filled.status_code == 400
    assert not RatingScale.objects.filter(unit=ha_noi).exists()

    response = client.post(SCALE, scale_post("Thang Hà Nội", two))
    assert response.status_code == 302
    scale = RatingScale.objects.get(unit=ha_noi)
    assert scale.name == "Thang Hà Nội"
    assert list(scale.levels.order_by("rank").values_list("code", "counts_as_progress")) == [
        ("progressing", True),
        ("not_progressing", False),
    ]
    assert "Thang Hà Nội" in text(client.get(SCALE), "scale-in-force")


def test_a_commune_officer_cannot_open_the_scale(client, officer):
    client.force_login(officer)
    assert client.get(SCALE).status_code == 403
    assert client.post(SCALE, scale_post("x", [])).status_code == 403


def test_the_nav_shows_volunteers_to_officers(client, officer):
    client.force_login(officer)
    link = parse(client.get(reverse("home"))).get(data_testid="nav-volunteers")
    assert link.attrs["href"] == TEAMS
