"""Targets: setting one (validated field by field, within the actor's scope), which one holds for a report (the
unit's own over its province's, the period's own over the quarter's or year's, a flow only for its period), and
whether it is met, at risk while the period runs, or missed once it is over."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.indicators import INDICATORS, context_for, indicators_for
from donghanh.reports.models import Comparison, Target
from donghanh.reports.targets import STATUS_LABELS, TargetStatus, applicable_targets, judge, target_set
from donghanh.reports.tests.conftest import DAY, TODAY, D, period, report

pytestmark = pytest.mark.django_db

PROVINCE = OrgUnit.Level.PROVINCE
LAST = D(2025, 9, 30)  # the last day of the third quarter of 2025


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def province_officer(make_user, ha_noi):
    return make_user(Role.PROVINCE_OFFICER, ha_noi)


def refused(**fields) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        target_set(**fields)
    return error.value.message_dict


def good(actor, unit, **fields):
    values = {"indicator": "members.counselled", "period": "2025", "comparison": "gte", "value": "100", **fields}
    return {"actor": actor, "unit": unit, **values}


def every_indicator(code: str = "2025Q3"):
    return indicators_for(context_for(period(code), TODAY))


# --- setting a target --------------------------------------------------------------------------------------------


def test_every_field_at_fault_is_named_with_its_message(officer, unit):
    legacy = OrgUnit.objects.get(era=OrgUnit.Era.LEGACY, level=OrgUnit.Level.COMMUNE, code="00091")
    errors = refused(actor=officer, unit=legacy, indicator="people.flying", period="2025Q5", comparison="eq",
                     value="nhiều")  # fmt: skip
    assert errors == {
        "indicator": ["Choose an indicator from the list."],
        "period": ["Give a year (2025), a quarter (2025Q2) or a month (2025-04)."],
        "comparison": ["Choose how the value is compared."],
        "value": ["Give a number, e.g. 70 or 12,5."],
        "unit": ["Targets are set for current units only."],
    }
    assert not Target.objects.exists()


@pytest.mark.parametrize("value", ["100.5", "101", "250"])
def test_a_share_is_at_most_100(officer, phu_thuong, value):
    assert refused(**good(officer, phu_thuong, value=value)) == {"value": ["A share is at most 100 %."]}


def test_values_accepted_and_refused(officer, phu_thuong):
    assert target_set(**good(officer, phu_thuong, value="100")).value == Decimal("100")
    assert target_set(**good(officer, phu_thuong, indicator="members.drug_free", value="72,5")).value == Decimal("72.5")
    assert target_set(**good(officer, phu_thuong, indicator="people.registered", value="250")).value == 250  # a count
    assert (
        target_set(**good(officer, phu_thuong, indicator="support.loan_amount", value=" 500000000 ")).value
        == 500_000_000
    )
    assert refused(**good(officer, phu_thuong, value="-1")) == {"value": ["A target cannot be negative."]}
    assert refused(**good(officer, phu_thuong, value="")) == {"value": ["Give a number, e.g. 70 or 12,5."]}


@pytest.mark.parametrize("indicator", ["people.flying", "", "members", "models.type.flying_club", "classification.x"])
def test_an_unknown_indicator_is_refused(officer, phu_thuong, indicator):
    assert refused(**good(officer, phu_thuong, indicator=indicator, value="5")) == {
        "indicator": ["Choose an indicator from the list."]
    }


def test_every_indicator_of_a_report_can_have_a_target(officer, phu_thuong):
    for indicator in every_indicator():
        target_set(**good(officer, phu_thuong, indicator=indicator.code, value="50"))
    assert Target.objects.count() == len(every_indicator()) > len(INDICATORS)  # with types and levels


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "2025-13", "2025-00", "25", "1800", "Q3 2025", "2025/07", ""])
def test_a_bad_period_is_refused(officer, phu_thuong, text):
    assert refused(**good(officer, phu_thuong, period=text)) == {
        "period": ["Give a year (2025), a quarter (2025Q2) or a month (2025-04)."]
    }


def test_the_period_is_stored_by_its_code(officer, phu_thuong):
    stored = [target_set(**good(officer, phu_thuong, period=text)).period for text in ("2025q3", " 2025-07 ", "2026")]
    assert stored == ["2025Q3", "2025-07", "2026"]


def test_a_target_is_set_within_the_actors_scope(
    make_user, officer, province_officer, phu_thuong, ba_dinh, ha_noi, hai_chau
):
    out_of_scope = {"unit": ["You cannot set targets for this unit."]}
    assert refused(**good(officer, ba_dinh)) == out_of_scope  # another commune
    assert refused(**good(officer, ha_noi)) == out_of_scope  # the province above
    assert refused(**good(province_officer, hai_chau)) == out_of_scope  # another province
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)  # reads reports, sets no targets
    assert refused(**good(police, phu_thuong)) == out_of_scope
    assert target_set(**good(province_officer, phu_thuong)).unit == phu_thuong
    assert target_set(**good(province_officer, ha_noi)).unit == ha_noi
    national = make_user(Role.NATIONAL_MANAGER, OrgUnit.objects.get(level=OrgUnit.Level.NATION))
    assert target_set(**good(national, hai_chau)).unit == hai_chau


def test_legacy_units_and_districts_take_no_target(province_officer):
    only_current = {"unit": ["Targets are set for current units only."]}
    district = OrgUnit.objects.get(era=OrgUnit.Era.LEGACY, level=OrgUnit.Level.DISTRICT, code="003")
    legacy_province = OrgUnit.objects.get(era=OrgUnit.Era.LEGACY, level=PROVINCE, code="01")
    assert refused(**good(province_officer, district)) == only_current
    assert refused(**good(province_officer, legacy_province)) == only_current


def test_setting_again_changes_the_one_target_with_its_history(officer, phu_thuong):
    first = target_set(**good(officer, phu_thuong, value="90", note="  Kế hoạch năm  "))
    again = target_set(**good(officer, phu_thuong, comparison="gt", value="95"))
    assert again.pk == first.pk and Target.objects.count() == 1
    again.refresh_from_db()
    assert (again.comparison, again.value, again.note, again.set_by) == ("gt", Decimal("95"), "", officer)
    assert [(h.value, h.history_user) for h in again.history.order_by("history_date")] == [
        (Decimal("90"), officer),
        (Decimal("95"), officer),
    ]
    assert first.note == "Kế hoạch năm"


# --- which target holds ----------------------------------------------------------------------------------------


def test_the_communes_own_target_beats_its_provinces(officer, province_officer, phu_thuong, ba_dinh, ha_noi):
    province = target_set(**good(province_officer, ha_noi, value="100"))
    own = target_set(**good(officer, phu_thuong, value="90"))
    indicators = every_indicator("2025")
    assert applicable_targets(phu_thuong, period("2025"), indicators)["members.counselled"] == own
    assert applicable_targets(ba_dinh, period("2025"), indicators)["members.counselled"] == province
    assert applicable_targets(ha_noi, period("2025"), indicators)["members.counselled"] == province


def test_the_periods_own_target_beats_the_quarters_and_the_years(officer, phu_thuong):
    year = target_set(**good(officer, phu_thuong, period="2025", value="80"))
    quarter = target_set(**good(officer, phu_thuong, period="2025Q3", value="60"))
    month = target_set(**good(officer, phu_thuong, period="2025-08", value="40"))

    def holding(code):
        return applicable_targets(phu_thuong, period(code), every_indicator(code)).get("members.counselled")

    assert holding("2025") == year
    assert holding("2025Q3") == quarter
    assert holding("2025Q2") == year
    assert holding("2025-08") == month
    assert holding("2025-09") == quarter
    assert holding("2025-04") == year
    assert holding("2026") is None and holding("2024Q3") is None


def test_the_units_own_target_comes_before_a_nearer_period(officer, province_officer, phu_thuong, ha_noi):
    target_set(**good(province_officer, ha_noi, period="2025Q3", value="100"))
    own_year = target_set(**good(officer, phu_thuong, period="2025", value="90"))
    assert applicable_targets(phu_thuong, period("2025Q3"), every_indicator())["members.counselled"] == own_year


def test_a_national_target_holds_everywhere_below(make_user, phu_thuong, hai_chau):
    national = make_user(Role.NATIONAL_MANAGER, OrgUnit.objects.get(level=OrgUnit.Level.NATION))
    target = target_set(
        actor=national, unit=OrgUnit.objects.get(level=OrgUnit.Level.NATION), indicator="members.counselled",
        period="2025", comparison="gte", value="80", note="Chương trình quốc gia đến 2030",
    )  # fmt: skip
    for commune in (phu_thuong, hai_chau):
        assert applicable_targets(commune, period("2025Q3"), every_indicator())["members.counselled"] == target


def test_a_flow_takes_only_a_target_for_its_very_period(officer, phu_thuong):
    """People given emergency aid in a quarter compare only with a target for that quarter; a stock (people
    registered) and a share take the year's target for its quarters and months too."""
    for code in ("support.emergency_aid", "people.registered", "members.counselled"):
        target_set(**good(officer, phu_thuong, indicator=code, period="2025", value="10"))
    in_quarter = applicable_targets(phu_thuong, period("2025Q3"), every_indicator())
    assert "support.emergency_aid" not in in_quarter
    assert {"people.registered", "members.counselled"} <= set(in_quarter)
    in_month = applicable_targets(phu_thuong, period("2025-08"), every_indicator("2025-08"))
    assert "support.emergency_aid" not in in_month and "people.registered" in in_month
    assert "support.emergency_aid" in applicable_targets(phu_thuong, period("2025"), every_indicator("2025"))
    quarter = target_set(**good(officer, phu_thuong, indicator="support.emergency_aid", period="2025Q3", value="3"))
    assert applicable_targets(phu_thuong, period("2025Q3"), every_indicator())["support.emergency_aid"] == quarter


def test_only_targets_of_the_indicators_asked_for(officer, phu_thuong):
    target_set(**good(officer, phu_thuong))
    assert applicable_targets(phu_thuong, period("2025"), [INDICATORS["people.registered"]]) == {}


def test_finding_the_targets_takes_one_query(officer, province_officer, phu_thuong, ha_noi):
    for code in ("members.counselled", "people.registered", "support.emergency_aid"):
        target_set(**good(officer, phu_thuong, indicator=code, value="10"))
        target_set(**good(province_officer, ha_noi, indicator=code, period="2025Q3", value="10"))
    indicators = every_indicator()
    with CaptureQueriesContext(connection) as captured:
        found = applicable_targets(phu_thuong, period("2025Q3"), indicators)
    assert len(captured.captured_queries) == 1 and len(found) == 3


# --- judging ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "target", "value", "met"),
    [
        ("gte", "70", 70.0, True), ("gte", "70", 69.9, False),
        ("gt", "50", 50.0, False), ("gt", "50", 50.1, True),
        ("lte", "1", 1, True), ("lte", "1", 2, False),
        ("lt", "20", 19.9, True), ("lt", "20", 20, False),
    ],
)  # fmt: skip
def test_judge_met_at_risk_while_the_period_runs_missed_after(comparison, target, value, met):
    quarter = period("2025Q3")
    goal = Target(indicator="members.drug_free", period="2025Q3", comparison=comparison, value=Decimal(target))
    for today in (D(2025, 7, 1), D(2025, 9, 30), D(2025, 10, 1), TODAY):
        expected = TargetStatus.MET if met else (TargetStatus.AT_RISK if today <= quarter.last else TargetStatus.MISSED)
        assert judge(goal, value, quarter, today) == expected, today


def test_nothing_to_judge_in_a_share_of_nobody():
    goal = Target(indicator="members.drug_free", period="2025", comparison="gte", value=Decimal(70))
    assert judge(goal, None, period("2025"), TODAY) is None


def test_status_labels():
    with translation.override("en"):
        assert {str(label) for label in STATUS_LABELS.values()} == {"Met", "At risk", "Missed"}
    assert set(Comparison.values) == {"gte", "gt", "lte", "lt"}


def test_the_status_of_each_target_on_a_report(world, officer, province_officer, phu_thuong, ha_noi):
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    members = [world.person(phu_thuong) for _ in range(4)]
    for person in members:
        world.join(club, person, D(2025, 3, 1))
    for person in members[:3]:
        world.contact(person, D(2025, 8, 1))  # 3 of 4 counselled: 75 %
    world.service(members[0], "emergency_aid", D(2025, 8, 5))
    target_set(**good(province_officer, ha_noi, indicator="members.counselled", period="2025", value="100"))
    target_set(**good(officer, phu_thuong, indicator="members.counselled", period="2025Q3", value="70"))
    target_set(**good(officer, phu_thuong, indicator="people.registered", period="2025", comparison="lt", value="4"))
    target_set(**good(officer, phu_thuong, indicator="support.emergency_aid", period="2025Q3", comparison="gt",
                      value="1"))  # fmt: skip
    target_set(**good(officer, phu_thuong, indicator="people.with_volunteer", period="2025", value="90"))

    def statuses(built):
        return {row.indicator.code: row.status for row in built.rows if row.target is not None}

    after = report(phu_thuong, "2025Q3")
    assert statuses(after) == {
        "members.counselled": TargetStatus.MET,  # the commune's quarter target, 70 %
        "people.registered": TargetStatus.MISSED,  # 4, not under 4
        "support.emergency_aid": TargetStatus.MISSED,  # 1, not more than 1
        "people.with_volunteer": None,  # nobody followed by case work: a share of nobody
    }
    assert after.row("members.counselled").target.value == Decimal("70")
    assert {row.indicator.code for row in after.at_risk} == {"people.registered", "support.emergency_aid"}
    running = report(phu_thuong, "2025Q3", today=D(2025, 9, 30))
    assert statuses(running)["people.registered"] == TargetStatus.AT_RISK
    assert statuses(running)["support.emergency_aid"] == TargetStatus.AT_RISK
    # Without its own quarter target, the commune answers to the province's year target of 100 %.
    province_year = report(phu_thuong, "2025Q4", today=D(2025, 10, 1))
    assert province_year.row("members.counselled").target.unit == ha_noi
    assert province_year.row("members.counselled").figure.numerator == 0
    assert province_year.row("members.counselled").status == TargetStatus.AT_RISK
    assert report(phu_thuong, "2025Q4").row("members.counselled").status == TargetStatus.MISSED
    # The province's own report: 75 % of its members against 100 %.
    assert report(ha_noi, "2025Q3", codes=["members.counselled"]).row("members.counselled").status == (
        TargetStatus.MISSED
    )
    assert report(phu_thuong, "2025Q3", today=LAST + DAY).row("members.counselled").status == TargetStatus.MET
