"""The registry's indicators on small data written through the services, with the answer worked out by hand:
status, moves and merges, the structure before the reform, roll-ups, periods and trends, and the number of queries.
Each family's own indicators are tested in `test_indicator_families.py`.

Most tests read the third quarter of 2025 (01/07–30/09/2025, after the reform): a stock is measured on its last
day, 30/09/2025; a flow counts what started, ended or was closed within it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.core.periods import period_of
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.reports.engine import share_text
from donghanh.reports.indicators import FAMILIES, INDICATORS, Kind
from donghanh.reports.indicators.base import registry
from donghanh.reports.tests.conftest import (
    DAY,
    EDUCATION,
    FIRST,
    LAST,
    POST,
    Q3,
    USER,
    D,
    child,
    period,
    report,
    values,
)
from donghanh.support.choices import ReferralStatus

pytestmark = pytest.mark.django_db

COMPULSORY = EpisodeType.COMPULSORY_REHAB
STATUS_CODES = [
    "people.registered", "people.in_facility", "people.at_residence", "people.post_rehab", "people.education",
    "people.user_management", "people.community_rehab", "people.methadone", "people.whereabouts_unknown",
]  # fmt: skip


# --- status on the period's last day ------------------------------------------------------------------------


def test_status_is_read_on_the_periods_last_day(world, phu_thuong):
    world.person(phu_thuong)  # at residence, under no measure
    world.measure(world.person(phu_thuong), POST, D(2025, 1, 10))
    in_facility = world.person(phu_thuong)
    world.measure(in_facility, COMPULSORY, D(2024, 10, 1))
    world.whereabouts(in_facility, Whereabouts.IN_FACILITY, D(2024, 10, 1))
    world.measure(world.person(phu_thuong), EDUCATION, D(2025, 8, 1))
    world.measure(world.person(phu_thuong), USER, D(2025, 2, 3))
    world.measure(world.person(phu_thuong), EpisodeType.VOLUNTARY_COMMUNITY_REHAB, D(2025, 5, 5))
    world.measure(world.person(phu_thuong), EpisodeType.METHADONE, D(2023, 6, 1))
    world.whereabouts(world.person(phu_thuong), Whereabouts.UNKNOWN, LAST)  # from the last day: counted
    world.whereabouts(world.person(phu_thuong), Whereabouts.UNKNOWN, LAST + DAY)  # from the day after: not yet
    world.whereabouts(world.person(phu_thuong), Whereabouts.DETAINED, D(2025, 7, 15))
    world.person(phu_thuong, LAST + DAY)  # registered after the period

    q3 = report(phu_thuong, Q3)
    assert values(q3, STATUS_CODES) == {
        "people.registered": 10, "people.in_facility": 1, "people.at_residence": 7, "people.post_rehab": 1,
        "people.education": 1, "people.user_management": 1, "people.community_rehab": 1, "people.methadone": 1,
        "people.whereabouts_unknown": 1,
    }  # fmt: skip
    # Followed by case work: post-rehab, education, drug-user management, rehab in the community (not methadone).
    assert q3.value("people.in_casework") == 4
    assert q3.row("people.with_volunteer").figure.numerator == 0 and q3.value("people.with_volunteer") == 0.0

    q2 = report(phu_thuong, "2025Q2")  # 30/06/2025: education not begun, the detention and the loss not yet
    assert values(q2, STATUS_CODES) == {
        "people.registered": 10, "people.in_facility": 1, "people.at_residence": 9, "people.post_rehab": 1,
        "people.education": 0, "people.user_management": 1, "people.community_rehab": 1, "people.methadone": 1,
        "people.whereabouts_unknown": 0,
    }  # fmt: skip


def test_a_measure_ending_on_the_last_day_counts_one_ending_the_day_before_does_not(world, phu_thuong):
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=LAST)
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=LAST - DAY)
    world.measure(world.person(phu_thuong), POST, LAST)  # begins on the last day: counted
    world.measure(world.person(phu_thuong), POST, LAST + DAY)  # begins the day after: not

    for code in (Q3, "2025-09"):
        assert report(phu_thuong, code, codes=["people.post_rehab"]).value("people.post_rehab") == 2, code
    assert report(phu_thuong, "2025Q4", codes=["people.post_rehab"]).value("people.post_rehab") == 2  # the last two
    assert report(phu_thuong, "2025-08", codes=["people.post_rehab"]).value("people.post_rehab") == 2  # the first two


def test_relapses_are_post_rehab_measures_ended_by_a_relapse_in_the_period(world, phu_thuong):
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=D(2025, 8, 20), reason=EndReason.RELAPSE)
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=FIRST, reason=EndReason.RELAPSE)
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=FIRST - DAY, reason=EndReason.RELAPSE)
    world.measure(world.person(phu_thuong), POST, D(2024, 10, 1), end=D(2025, 9, 1), reason=EndReason.DETAINED)
    world.measure(world.person(phu_thuong), USER, D(2024, 10, 1), end=D(2025, 9, 1), reason=EndReason.RELAPSE)

    assert report(phu_thuong, Q3, codes=["casework.relapses"]).value("casework.relapses") == 2
    assert report(phu_thuong, "2025Q2", codes=["casework.relapses"]).value("casework.relapses") == 1
    assert report(phu_thuong, "2025", codes=["casework.relapses"]).value("casework.relapses") == 3


# --- moves and merges -------------------------------------------------------------------------------------------


def test_a_person_moved_between_communes_mid_period(world, phu_thuong, ba_dinh, ha_noi):
    """Status counts where the person is managed on the last day; a service where they were managed on the day it
    started (the move's day belongs to the new commune); the province counts the person once."""
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 3, 3))
    world.service(person, "emergency_aid", D(2025, 7, 20))
    world.service(person, "preferential_loan", D(2025, 8, 14), amount=30_000_000)  # the day before the move
    world.transfer(person, ba_dinh, D(2025, 8, 15))
    world.service(person, "vocational_training", D(2025, 8, 15))  # the day of the move
    world.service(person, "emergency_aid", D(2025, 9, 1))
    codes = ["people.registered", "people.post_rehab", "support.emergency_aid", "support.loan_people",
             "support.vocational_or_school"]  # fmt: skip

    assert values(report(phu_thuong, Q3, codes=codes), codes) == {
        "people.registered": 0, "people.post_rehab": 0, "support.emergency_aid": 1, "support.loan_people": 1,
        "support.vocational_or_school": 0,
    }  # fmt: skip
    assert values(report(ba_dinh, Q3, codes=codes), codes) == {
        "people.registered": 1, "people.post_rehab": 1, "support.emergency_aid": 1, "support.loan_people": 0,
        "support.vocational_or_school": 1,
    }  # fmt: skip
    province = report(ha_noi, Q3, codes=codes)
    assert values(province, codes) == {
        "people.registered": 1, "people.post_rehab": 1, "support.emergency_aid": 1, "support.loan_people": 1,
        "support.vocational_or_school": 1,
    }  # fmt: skip
    assert child(province, phu_thuong)["people.registered"] == 0
    assert child(province, phu_thuong)["support.emergency_aid"] == 1
    assert child(province, ba_dinh)["people.registered"] == 1
    assert child(province, ba_dinh)["support.emergency_aid"] == 1
    # Before the move, July is Phú Thượng's.
    assert report(phu_thuong, "2025-07", codes=["people.registered"]).value("people.registered") == 1
    assert report(ba_dinh, "2025-07", codes=["people.registered"]).value("people.registered") == 0
    assert report(ba_dinh, "2025-08", codes=["people.registered"]).value("people.registered") == 1


def test_a_person_moved_to_another_province_leaves_the_first(world, phu_thuong, hai_chau, ha_noi):
    person = world.person(phu_thuong)
    world.transfer(person, hai_chau, D(2025, 9, 30))
    assert report(ha_noi, Q3, codes=["people.registered"]).value("people.registered") == 0
    assert report(ha_noi, "2025-08", codes=["people.registered"]).value("people.registered") == 1
    assert report(hai_chau, Q3).value("people.registered") == 1


def test_a_merged_record_is_counted_once(world, phu_thuong):
    keep = world.person(phu_thuong, name="Nguyễn Văn An")
    duplicate = world.person(phu_thuong, D(2024, 5, 6), name="Nguyễn Văn An")
    world.measure(duplicate, POST, D(2025, 2, 1))
    world.service(keep, "emergency_aid", D(2025, 7, 3))
    world.service(duplicate, "emergency_aid", D(2025, 8, 3))
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    world.join(club, keep, D(2025, 3, 1))
    world.join(club, duplicate, D(2025, 3, 1))
    codes = ["people.registered", "people.post_rehab", "support.emergency_aid", "members.total"]

    assert values(report(phu_thuong, Q3, codes=codes), codes) == {
        "people.registered": 2, "people.post_rehab": 1, "support.emergency_aid": 2, "members.total": 2,
    }  # fmt: skip
    world.merge(keep, duplicate)
    assert values(report(phu_thuong, Q3, codes=codes), codes) == {
        "people.registered": 1, "people.post_rehab": 1, "support.emergency_aid": 1, "members.total": 1,
    }  # fmt: skip


# --- the structure before the reform -------------------------------------------------------------------------


def test_a_quarter_before_the_reform_rolls_up_through_the_legacy_districts(world, phu_thuong, ba_dinh, ha_noi):
    """Records are kept under current units: before 01/07/2025 they show on the row of their own (unit None); the
    legacy districts have the communes that existed then."""
    for _ in range(3):
        world.measure(world.person(phu_thuong), POST, D(2025, 1, 6))
    world.people(ba_dinh, 2)
    world.service(world.person(ba_dinh), "emergency_aid", D(2025, 5, 5))

    q2 = report(ha_noi, "2025Q2")
    legacy = [row for row in q2.children if row.unit is not None]
    assert {row.unit for row in legacy} == set(q2.frame.children)
    assert len(legacy) == 30 and all(row.unit.is_legacy and row.unit.level == OrgUnit.Level.DISTRICT for row in legacy)
    assert all(row.figures["people.registered"].value == 0 for row in legacy)
    own, codes = child(q2, None), ("people.registered", "people.post_rehab", "support.emergency_aid")
    assert [own[code] for code in codes] == [q2.value(code) for code in codes] == [6, 3, 1]
    # The communes of 30/06/2025 are the legacy ones, by legacy district; the current ones did not exist yet.
    legacy_communes = OrgUnit.objects.filter(
        era=OrgUnit.Era.LEGACY, level=OrgUnit.Level.COMMUNE, path__startswith="VN/OP01/"
    )
    assert q2.value("communes.total") == legacy_communes.count() == 526
    assert sum(row.figures["communes.total"].numerator for row in legacy) == 526
    tay_ho = OrgUnit.objects.get(era=OrgUnit.Era.LEGACY, level=OrgUnit.Level.DISTRICT, code="003")
    assert child(q2, tay_ho)["communes.total"] == legacy_communes.filter(parent=tay_ho).count() == 8
    assert own["communes.total"] == 0

    # After the reform the breakdown is by the current communes, and there is no row of its own.
    q3 = report(ha_noi, Q3)
    assert all(row.unit is not None and not row.unit.is_legacy for row in q3.children)
    assert child(q3, phu_thuong)["people.registered"] == 3 and child(q3, ba_dinh)["people.registered"] == 3
    assert q3.value("communes.total") == 126


def test_a_commune_before_the_reform_breaks_down_by_the_legacy_communes_it_was_formed_from(world, phu_thuong):
    world.people(phu_thuong, 2)
    q2 = report(phu_thuong, "2025Q2")
    assert len([row for row in q2.children if row.unit is not None]) == 5
    assert all(row.figures["people.registered"].value == 0 for row in q2.children if row.unit is not None)
    assert child(q2, None)["people.registered"] == 2 == q2.value("people.registered")
    assert report(phu_thuong, Q3).children == []  # a current commune has nothing below it


def test_the_nation_before_the_reform_accounts_for_every_record_in_its_breakdown(world, phu_thuong, hai_chau):
    """The nation's breakdown before the reform is by legacy province; what is recorded under the current units
    must still show, on the row of its own, so that the rows add up to the total."""
    world.people(phu_thuong, 2)
    world.people(hai_chau, 1)
    nation = OrgUnit.objects.get(level=OrgUnit.Level.NATION)
    q2 = report(nation, "2025Q2", codes=["people.registered"])
    assert q2.value("people.registered") == 3
    assert sum(row.figures["people.registered"].numerator for row in q2.children) == 3


# --- roll-up: the children add up to the total -----------------------------------------------------------------


def test_the_communes_add_up_to_the_province(world, ha_noi, phu_thuong, ba_dinh, ngoc_ha):
    """When nobody moved, every count, amount, numerator and denominator of the province is the sum of its
    communes'."""
    for commune, n in ((phu_thuong, 3), (ba_dinh, 2), (ngoc_ha, 1)):
        volunteer = world.volunteer(commune, D(2024, 1, 1))
        club = world.model(commune, "post_rehab_club", D(2024, 3, 1))
        for k in range(n):
            person = world.person(commune)
            world.measure(person, POST if k % 2 == 0 else USER, D(2025, 2, 1))
            if k == 0:
                world.assign(person, volunteer, D(2025, 2, 1))
            membership = world.join(club, person, D(2025, 3, 1))
            world.session(club, D(2025, 7, 10 + k), [membership])
            world.contact(person, D(2025, 8, 1))
            world.assess(person, D(2025, 7, 1), rating="good" if k else "poor")
            world.classify(person, 2025, 3, "fair")
            world.service(person, "vocational_training", D(2025, 8, 5))
            world.service(person, "preferential_loan", D(2025, 8, 6), amount=(k + 1) * 10_000_000)
            world.referral(
                person, D(2025, 7, 1), ReferralStatus.COMPLETED if k else ReferralStatus.DECLINED, D(2025, 8, 1)
            )
        world.volunteer(commune, D(2024, 1, 1))  # helping nobody

    q3 = report(ha_noi, Q3)
    assert len(q3.children) == 126
    assert len(q3.rows) > 40
    for row in q3.rows:
        code, figure = row.indicator.code, row.figure
        assert sum(c.figures[code].numerator for c in q3.children) == figure.numerator, code
        if row.indicator.is_share:
            assert sum(c.figures[code].denominator or 0 for c in q3.children) == figure.denominator, code
    assert q3.value("people.registered") == 6 and q3.value("volunteers.active") == 6
    assert q3.value("support.loan_amount") == (10 + 20 + 30 + 10 + 20 + 10) * 1_000_000
    assert q3.value("classification.fair") == 6
    assert child(q3, phu_thuong)["volunteers.helping"] == 50.0


def test_a_provinces_own_model_shows_in_its_breakdown(world, ha_noi, phu_thuong):
    """A model may belong to the province itself: its figures count in the province's total, and the breakdown
    must account for them (on a row of their own) for the rows to add up."""
    own = world.model(ha_noi, "self_help_group", D(2024, 3, 1))
    world.join(own, world.person(phu_thuong), D(2025, 3, 1))
    world.model(phu_thuong, "post_rehab_club", D(2024, 3, 1))
    q3 = report(ha_noi, Q3, codes=["models.operating", "members.total"])
    assert (q3.value("models.operating"), q3.value("members.total")) == (2, 1)
    assert sum(row.figures["models.operating"].numerator for row in q3.children) == 2
    assert sum(row.figures["members.total"].numerator for row in q3.children) == 1


def test_a_person_served_in_two_communes_counts_once_in_the_province(world, ha_noi, phu_thuong, ba_dinh):
    person = world.person(phu_thuong)
    world.service(person, "emergency_aid", D(2025, 7, 2))
    world.transfer(person, ba_dinh, D(2025, 8, 1))
    world.service(person, "emergency_aid", D(2025, 8, 2))
    q3 = report(ha_noi, Q3, codes=["support.emergency_aid"])
    assert q3.value("support.emergency_aid") == 1
    assert sum(c.figures["support.emergency_aid"].numerator for c in q3.children) == 2


# --- periods, trends, shares, options ---------------------------------------------------------------------------


def test_flows_count_in_the_month_quarter_and_year_they_happen_in(world, phu_thuong):
    first, second, third = (world.person(phu_thuong) for _ in range(3))
    world.service(first, "emergency_aid", D(2025, 8, 10))
    world.service(second, "emergency_aid", D(2025, 11, 5))
    world.service(first, "emergency_aid", D(2025, 12, 20))
    world.service(third, "emergency_aid", FIRST - DAY)
    aid = {code: report(phu_thuong, code, codes=["support.emergency_aid"]).value("support.emergency_aid") for code in (
        "2025-06", "2025-08", "2025-09", "2025Q2", Q3, "2025Q4", "2025", "2024")}  # fmt: skip
    assert aid == {"2025-06": 1, "2025-08": 1, "2025-09": 0, "2025Q2": 1, Q3: 1, "2025Q4": 2, "2025": 3, "2024": 0}


def test_stocks_are_read_on_the_last_day_of_the_month_quarter_or_year(world, phu_thuong):
    world.person(phu_thuong, D(2025, 2, 28))
    world.person(phu_thuong, D(2025, 3, 1))
    world.person(phu_thuong, D(2025, 12, 31))
    registered = {code: report(phu_thuong, code, codes=["people.registered"]).value("people.registered") for code in (
        "2025-02", "2025-03", "2025Q1", "2024Q4", "2025Q4", "2025", "2024")}  # fmt: skip
    assert registered == {"2025-02": 1, "2025-03": 2, "2025Q1": 2, "2024Q4": 0, "2025Q4": 3, "2025": 3, "2024": 0}


@pytest.mark.parametrize(
    ("code", "expected_periods", "expected"),
    [
        (Q3, ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", Q3], [1, 2, 3, 4, 5, 6]),
        ("2025-09", ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"], [4, 5, 5, 5, 6, 6]),
        ("2025", ["2020", "2021", "2022", "2023", "2024", "2025"], [0, 0, 0, 0, 3, 6]),
    ],
)
def test_the_trend_has_six_periods_oldest_first(world, phu_thuong, code, expected_periods, expected):
    for day in (D(2024, 5, 10), D(2024, 8, 10), D(2024, 11, 10), D(2025, 2, 10), D(2025, 5, 10), D(2025, 8, 10)):
        world.person(phu_thuong, day)
    built = report(phu_thuong, code, trend=6)
    row = built.row("people.registered")
    assert [p.code for p, _figure in row.trend] == expected_periods
    assert [figure.value for _p, figure in row.trend] == expected
    assert row.trend[-1] == (period(code), row.figure)
    assert all(len(r.trend) == 6 for r in built.rows)
    assert len(report(phu_thuong, code, trend=3).row("people.registered").trend) == 3


def test_shares_of_nobody_are_none(world, ngoc_ha):
    empty = report(ngoc_ha, Q3)
    for code in ("volunteers.helping", "people.with_volunteer", "members.regular", "members.progressing",
                 "members.counselled", "members.drug_free", "support.sanctioned_supported", "referrals.completed",
                 "casework.assessments_done"):  # fmt: skip
        figure = empty.row(code).figure
        assert (figure.numerator, figure.denominator, figure.value) == (0, 0, None), code
        assert share_text(figure.value, Kind.SHARE) == "—"
    assert empty.value("communes.with_team") == 0.0  # one commune, without a team
    assert share_text(empty.value("communes.with_team"), Kind.SHARE) == "0,0 %"
    assert empty.value("people.registered") == 0
    assert all(row.status is None and row.target is None for row in empty.rows)


def test_share_text():
    assert share_text(1234, Kind.COUNT) == "1.234"
    assert share_text(72.5, Kind.SHARE) == "72,5 %"
    assert share_text(100.0, Kind.SHARE) == "100,0 %"
    assert share_text(40_000_000, Kind.AMOUNT) == "40.000.000 ₫"
    assert share_text(None, Kind.COUNT) == "—"


def test_codes_restrict_the_report_to_those_indicators_and_their_denominators(world, phu_thuong, ha_noi):
    world.people(phu_thuong, 2)
    built = report(ha_noi, Q3, codes=["people.with_volunteer", "support.emergency_aid"])
    expected = {"people.with_volunteer", "people.in_casework", "support.emergency_aid"}
    assert {row.indicator.code for row in built.rows} == expected
    assert all(set(c.figures) == expected for c in built.children)
    with pytest.raises(StopIteration):
        built.row("people.registered")
    assert report(ha_noi, Q3, children=False).children == []


def test_every_registered_family_is_read_by_a_report(world, phu_thuong):
    built = report(phu_thuong, Q3)
    assert {row.indicator.family for row in built.rows} == set(FAMILIES)
    codes = [row.indicator.code for row in built.rows]
    assert len(codes) == len(set(codes))
    assert built.period == period_of("quarter", LAST) and built.computed_on == D(2026, 11, 22)


def test_the_registry_lists_the_families_and_their_indicators_in_report_order():
    assert list(FAMILIES) == [
        "people", "roster", "transfers", "volunteers", "communes", "models", "members", "services", "referrals",
    ]  # fmt: skip
    assert list(INDICATORS) == [indicator.code for family in FAMILIES.values() for indicator in family.indicators]
    assert all(indicator.family == code for code, family in FAMILIES.items() for indicator in family.indicators)


def test_the_registry_refuses_a_family_or_an_indicator_twice():
    people = FAMILIES["people"]
    with pytest.raises(ValueError, match="family people registered twice"):
        registry(people, people)
    registered = INDICATORS["people.registered"]
    again = replace(people, code="again", indicators=(replace(registered, family="again"),))
    with pytest.raises(ValueError, match=r"indicator people\.registered registered twice"):
        registry(people, again)
    with pytest.raises(ValueError, match="names family people, not elsewhere"):
        registry(replace(people, code="elsewhere"))


# --- the database does the counting -----------------------------------------------------------------------------


def _people_with_records(world, commune, count, volunteer):
    # Each batch has records of every kind the status rows keep, so the rows redone before the report take the same
    # statements whatever the batch.
    club = world.model(commune, "post_rehab_club", D(2024, 3, 1))
    for k in range(count):
        person = world.person(commune)
        world.measure(person, POST, D(2025, 2, 1))
        world.assess(person, D(2025, 8, 1))
        world.service(person, "emergency_aid", D(2025, 8, 2))
        world.referral(person, D(2025, 7, 1), ReferralStatus.DECLINED, D(2025, 7, 9))
        world.classify(person, 2025, 3, "good")
        world.join(club, person, D(2025, 3, 1))
        if volunteer is not None and k == 0:
            world.assign(person, volunteer, D(2025, 3, 1))


def _queries(unit, code=Q3) -> int:
    with CaptureQueriesContext(connection) as captured:
        report(unit, code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("code", [Q3, "2025Q2"])
def test_the_number_of_queries_does_not_grow_with_the_people(world, phu_thuong, code):
    _people_with_records(world, phu_thuong, 1, None)
    one = _queries(phu_thuong, code)
    _people_with_records(world, phu_thuong, 9, world.volunteer(phu_thuong))
    assert _queries(phu_thuong, code) == one


@pytest.mark.parametrize("code", [Q3, "2025Q2", "2025"])
def test_the_number_of_queries_does_not_grow_with_the_communes(world, ha_noi, phu_thuong, ba_dinh, ngoc_ha, code):
    _people_with_records(world, phu_thuong, 2, None)
    one = _queries(ha_noi, code)
    _people_with_records(world, ba_dinh, 2, None)
    _people_with_records(world, ngoc_ha, 2, world.volunteer(ngoc_ha))
    assert _queries(ha_noi, code) == one
