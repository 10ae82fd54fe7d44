"""Targets as users see them: the targets that hold for a unit (its province's marked as such), setting and changing
one through the form (a refused form keeps what was typed, each error on its field), who may do it, and the
target beside its figure on the report page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.core.periods import YEAR, period_of
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.indicators import Section
from donghanh.reports.models import Target
from donghanh.reports.targets import target_set

pytestmark = pytest.mark.django_db

D = datetime.date
TARGETS = reverse("reports:targets")
CREATE = reverse("reports:target_create")


def vi(text):
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def hanoi(unit):
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def province_target(world, hanoi):
    return target_set(
        actor=world.officer(hanoi), unit=hanoi, indicator="people.with_volunteer", period="2025", comparison="gte",
        value=80, note="Chỉ tiêu của thành phố",
    )  # fmt: skip


def get(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def form_data(**changes):
    data = {"indicator": "members.drug_free", "period": "2025", "comparison": "gte", "value": "70", "note": ""}
    return {**data, **changes}


# --- the list --------------------------------------------------------------------------------------------------


def test_a_commune_sees_its_own_targets_and_its_provinces(client, world, hanoi, phu_thuong, province_target):
    officer = world.officer(phu_thuong)
    own = target_set(actor=officer, unit=phu_thuong, indicator="members.counselled", period="2025Q2",
                     comparison="gte", value=100)  # fmt: skip
    response = get(client, officer, TARGETS)
    assert_csp_and_no_inline_code(response, "targets")
    page = parse(response)
    inherited = page.get(data_testid=f"target-{province_target.pk}")
    assert "Thành phố Hà Nội" in inherited.get(data_testid="inherited").text
    assert "≥ 80 %" in inherited.text and "Năm 2025" in inherited.text
    assert inherited.find(data_testid="edit-target") is None  # the province's to change
    mine = page.get(data_testid=f"target-{own.pk}")
    assert mine.find(data_testid="inherited") is None
    assert mine.get(data_testid="edit-target").attrs["href"] == reverse("reports:target_edit", args=[own.pk])
    assert page.get(data_testid="add-target").attrs["href"] == f"{CREATE}?unit={phu_thuong.pk}"

    # Another commune's target does not hold here.
    other = OrgUnit.objects.filter(parent=hanoi).exclude(pk=phu_thuong.pk).first()
    theirs = target_set(actor=world.officer(hanoi), unit=other, indicator="members.counselled", period="2025",
                        comparison="gte", value=90)  # fmt: skip
    assert page.find(data_testid=f"target-{theirs.pk}") is None


def test_a_communes_own_target_replaces_the_provinces(client, world, hanoi, phu_thuong, province_target):
    own = target_set(actor=world.officer(phu_thuong), unit=phu_thuong, indicator="people.with_volunteer",
                     period="2025", comparison="gte", value=60)  # fmt: skip
    page = parse(get(client, world.officer(phu_thuong), TARGETS))
    assert page.get(data_testid=f"target-{province_target.pk}").find(data_testid="replaced") is not None
    assert page.get(data_testid=f"target-{own.pk}").find(data_testid="replaced") is None
    # The province officer sees only the province's own targets on the province, and may change the commune's.
    province = parse(get(client, world.officer(hanoi), TARGETS))
    assert province.find(data_testid=f"target-{own.pk}") is None
    commune = parse(get(client, world.officer(hanoi), TARGETS, unit=phu_thuong.pk))
    assert commune.get(data_testid=f"target-{own.pk}").find(data_testid="edit-target") is not None


def test_the_targets_of_a_unit_outside_scope_answer_404(client, world, phu_thuong, hai_chau, hanoi):
    officer = world.officer(phu_thuong)
    assert get(client, officer, TARGETS, unit=hai_chau.pk).status_code == 404
    assert get(client, officer, TARGETS, unit=hanoi.pk).status_code == 404
    empty = parse(get(client, officer, TARGETS))
    assert empty.find(data_testid="empty") is not None


# --- setting a target -------------------------------------------------------------------------------------------


def test_a_commune_officer_sets_a_target(client, world, phu_thuong):
    officer = world.officer(phu_thuong)
    form = parse(get(client, officer, CREATE, unit=phu_thuong.pk))
    unit_select = form.get("select", name="unit")
    chosen = [o for o in unit_select.find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in chosen] == [str(phu_thuong.pk)]
    indicators = form.get("select", name="indicator")
    assert len(indicators.find_all("optgroup")) == len(Section) == 6  # one group per section
    assert form.get("input", name="period").attrs["value"] == period_of(YEAR, timezone.localdate()).code

    response = client.post(CREATE, form_data(unit=phu_thuong.pk, value="12,5", note="Giảm tái nghiện"))
    assert response.status_code == 302
    assert response["Location"] == f"{TARGETS}?unit={phu_thuong.pk}"
    target = Target.objects.get()
    assert (target.unit, target.indicator, target.period, target.comparison) == (
        phu_thuong, "members.drug_free", "2025", "gte"
    )  # fmt: skip
    assert (target.value, target.note, target.set_by) == (Decimal("12.5"), "Giảm tái nghiện", officer)
    listed = parse(client.get(response["Location"]))
    assert "≥ 12,5 %" in listed.get(data_testid=f"target-{target.pk}").text


def test_a_refused_form_keeps_what_was_typed_and_shows_each_error_on_its_field(client, world, phu_thuong):
    officer = world.officer(phu_thuong)
    client.force_login(officer)
    response = client.post(CREATE, form_data(unit=phu_thuong.pk, period="2025Q7", value="bảy mươi", note="Ghi chú"))
    assert response.status_code == 400
    page = parse(response)
    assert page.find(data_testid="form-errors") is not None
    period, value = page.get(data_field="period"), page.get(data_field="value")
    assert period.get("input").attrs["value"] == "2025Q7"
    assert "is-invalid" in period.get("input").attrs["class"]
    assert vi("Give a year (2025), a quarter (2025Q2) or a month (2025-04).") in period.text
    assert value.get("input").attrs["value"] == "bảy mươi"
    assert vi("Give a number, e.g. 70 or 12,5.") in value.text
    assert page.get(data_field="note").get("input").attrs["value"] == "Ghi chú"
    options = page.get("select", name="indicator").find_all("option")
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == ["members.drug_free"]
    assert not Target.objects.exists()

    # A share above 100 %, a unit the officer does not set targets for.
    over = parse(client.post(CREATE, form_data(unit=phu_thuong.pk, value="150")))
    assert vi("A share is at most 100 %.") in over.get(data_field="value").text
    elsewhere = OrgUnit.objects.get(code="20242", era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE)
    outside = client.post(CREATE, form_data(unit=elsewhere.pk))
    assert outside.status_code == 400
    assert vi("Choose a unit where you set the targets.") in parse(outside).get(data_field="unit").text
    assert not Target.objects.exists()


def test_only_those_who_set_targets_reach_the_form(client, world, make_user, phu_thuong):
    health = make_user(Role.HEALTH_STAFF, phu_thuong)  # reads reports, sets no target
    assert get(client, health, CREATE).status_code == 403
    assert get(client, health, TARGETS).status_code == 200
    assert parse(get(client, health, TARGETS)).find(data_testid="add-target") is None


# --- changing a target ------------------------------------------------------------------------------------------


def test_changing_a_target(client, world, hanoi, phu_thuong, province_target):
    own = target_set(actor=world.officer(phu_thuong), unit=phu_thuong, indicator="members.counselled",
                     period="2025", comparison="gte", value=100)  # fmt: skip
    edit = reverse("reports:target_edit", args=[own.pk])
    officer = world.officer(phu_thuong)
    form = parse(get(client, officer, edit))
    assert form.get(data_field="value").get("input").attrs["value"] == "100"
    assert form.find("select", name="indicator") is None  # what the target is stays as it is
    assert "Năm 2025" in form.get(data_testid="target-what").text

    refused = client.post(edit, {"comparison": "gte", "value": "-5", "note": ""})
    assert refused.status_code == 400
    assert parse(refused).get(data_field="value").get("input").attrs["value"] == "-5"
    own.refresh_from_db()
    assert own.value == Decimal(100)

    loaded = form.get("input", name="version").attrs["value"]
    saved = client.post(edit, {"comparison": "gt", "value": "95,5", "note": "Điều chỉnh", "version": loaded})
    assert saved.status_code == 302
    own.refresh_from_db()
    assert (own.comparison, own.value, own.note) == ("gt", Decimal("95.5"), "Điều chỉnh")
    assert Target.objects.count() == 2

    # The commune may not touch the province's target; the province may change the commune's.
    assert get(client, officer, reverse("reports:target_edit", args=[province_target.pk])).status_code == 404
    assert get(client, world.officer(hanoi), edit).status_code == 200


# --- the target on the report -----------------------------------------------------------------------------------


def test_the_report_shows_the_target_that_holds_and_its_status(client, world, phu_thuong, province_target):
    lan, minh = world.person(phu_thuong), world.person(phu_thuong)
    world.measure(lan, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 1, 10))
    world.measure(minh, EpisodeType.POST_REHAB_MANAGEMENT, D(2025, 1, 10))
    world.assign(lan, world.volunteer(phu_thuong), D(2025, 2, 1))
    page = parse(get(client, world.officer(phu_thuong), reverse("reports:report"), period="2025Q2"))
    row = page.get(data_testid="indicator-people.with_volunteer")
    assert row.get(data_testid="value").text == "50,0 %"
    assert "≥ 80 %" in row.get(data_testid="target").text
    assert "Thành phố Hà Nội" in row.get(data_testid="target").text  # set by the province
    status = row.get(data_testid="status").get("span")
    assert status.attrs["data-status"] == "missed"  # the quarter is over
    assert page.get(data_testid="report-at-risk").find("a") is not None
