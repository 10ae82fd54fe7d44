"""Each family of indicators on small data written through the services, with the answer worked out by hand.

The tests read the third quarter of 2025 (01/07–30/09/2025, after the reform) unless they say otherwise: a stock
is measured on its last day, 30/09/2025; a flow counts what started, ended or was closed within it.
"""

from __future__ import annotations

import pytest

from donghanh.community.choices import ModelStatus
from donghanh.episodes.choices import EpisodeType
from donghanh.reports.engine import share_text
from donghanh.reports.indicators import Kind
from donghanh.reports.tests.conftest import DAY, EDUCATION, FIRST, LAST, POST, Q3, USER, D, child, report, values
from donghanh.support.choices import ReferralStatus

pytestmark = pytest.mark.django_db

MODELS = [
    "models.operating",
    *(
        f"models.type.{t}"
        for t in ("counselling_point", "post_rehab_club", "early_intervention_club", "self_help_group")
    ),
    *(f"models.status.{s}" for s in ModelStatus.values),
]
LEVELS = ["classification.good", "classification.fair", "classification.average", "classification.poor"]


def test_volunteers_active_and_helping_on_the_last_day(world, phu_thuong):
    helping = world.volunteer(phu_thuong, D(2023, 1, 1))
    stopped_helping = world.volunteer(phu_thuong, D(2023, 1, 1))
    world.volunteer(phu_thuong, D(2023, 1, 1), end=LAST)  # active on the last day, helping nobody
    world.volunteer(phu_thuong, D(2023, 1, 1), end=LAST - DAY)  # no longer active
    world.volunteer(phu_thuong, LAST + DAY)  # not yet active
    followed = world.person(phu_thuong)
    world.assign(followed, helping, D(2025, 5, 1))
    left = world.person(phu_thuong)
    world.end_assignment(world.assign(left, stopped_helping, D(2025, 1, 1)), LAST - DAY)
    world.measure(world.person(phu_thuong), USER, D(2025, 3, 3))  # followed by case work, no volunteer

    q3 = report(phu_thuong, Q3)
    assert q3.value("volunteers.active") == 3
    assert (q3.row("volunteers.helping").figure.numerator, q3.value("volunteers.helping")) == (1, 33.3)
    assert q3.value("people.in_casework") == 2
    assert q3.value("people.with_volunteer") == 50.0
    q2 = report(phu_thuong, "2025Q2")  # on 30/06/2025 both volunteers helped someone
    assert (q2.value("volunteers.active"), q2.value("volunteers.helping")) == (4, 50.0)
    assert (q2.value("people.in_casework"), q2.value("people.with_volunteer")) == (3, 66.7)


def test_communes_with_a_volunteer_team(world, ha_noi, phu_thuong, ba_dinh, ngoc_ha):
    world.team(phu_thuong, established_on=D(2025, 3, 1))
    world.team(ba_dinh, established_on=LAST + DAY)
    world.team(ngoc_ha, established_on=None)  # no date: counted
    q3 = report(ha_noi, Q3)
    assert q3.value("communes.total") == 126
    assert q3.row("communes.with_team").figure.numerator == 2 and q3.value("communes.with_team") == 1.6
    assert report(ha_noi, "2025Q4", codes=["communes.with_team"]).row("communes.with_team").figure.numerator == 3
    assert child(q3, phu_thuong)["communes.with_team"] == 100.0 and child(q3, ba_dinh)["communes.with_team"] == 0.0
    assert report(phu_thuong, Q3, codes=["communes.total"]).value("communes.total") == 1


def test_community_models_by_type_and_status_on_the_last_day(world, phu_thuong, ba_dinh, ha_noi):
    point = world.model(phu_thuong, "counselling_point", D(2024, 6, 10))
    world.status(point, ModelStatus.ACTIVE, D(2025, 6, 16))
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    world.status(club, ModelStatus.SUSPENDED, LAST)  # suspended from the last day: not operating
    early = world.model(ba_dinh, "early_intervention_club", D(2016, 4, 20))
    world.status(early, ModelStatus.STABLE, D(2019, 6, 1))
    world.status(early, ModelStatus.DISSOLVED, LAST + DAY)
    world.model(phu_thuong, "self_help_group", LAST + DAY)  # established after the quarter

    q3 = report(ha_noi, Q3, codes=MODELS)
    assert values(q3, ["models.operating", "models.type.counselling_point", "models.type.post_rehab_club",
                       "models.type.early_intervention_club", "models.type.self_help_group"]) == {
        "models.operating": 2, "models.type.counselling_point": 1, "models.type.post_rehab_club": 0,
        "models.type.early_intervention_club": 1, "models.type.self_help_group": 0,
    }  # fmt: skip
    statuses = [f"models.status.{s}" for s in ModelStatus.values]
    assert [q3.value(code) for code in statuses] == [0, 1, 1, 1, 0]  # pilot, active, stable, suspended, dissolved
    q4 = report(ha_noi, "2025Q4", codes=MODELS)
    assert q4.value("models.operating") == 2  # the point and the new group
    assert [q4.value(code) for code in statuses] == [1, 1, 0, 1, 1]
    assert report(ha_noi, "2019", codes=MODELS).value("models.type.early_intervention_club") == 1
    assert report(ha_noi, "2016", codes=MODELS).value("models.type.early_intervention_club") == 1
    assert report(ha_noi, "2015", codes=MODELS).value("models.operating") == 0


def test_members_attendance_progress_counselling_and_drug_use(world, phu_thuong):
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    regular, irregular, late, leaves_last_day, left = (world.person(phu_thuong) for _ in range(5))
    m = {p.pk: world.join(club, p, D(2025, 6, 1)) for p in (regular, irregular, leaves_last_day, left)}
    m[late.pk] = world.join(club, late, D(2025, 8, 20))
    world.session(club, D(2025, 6, 15), [m[irregular.pk]])  # before the quarter: not counted
    world.session(club, D(2025, 7, 10), [m[regular.pk], m[irregular.pk], m[leaves_last_day.pk]])
    world.session(club, D(2025, 8, 10), [m[regular.pk], m[irregular.pk], m[leaves_last_day.pk], m[left.pk]])
    world.session(club, D(2025, 9, 10), [m[regular.pk], m[late.pk], m[leaves_last_day.pk], m[left.pk]])
    world.session(club, D(2025, 9, 25), [m[late.pk], m[leaves_last_day.pk], m[left.pk]])
    world.leave(m[leaves_last_day.pk], LAST)  # still a member on the last day
    world.leave(m[left.pk], LAST - DAY)
    world.assess(regular, D(2025, 7, 1), rating="poor", drug_use="suspected")
    world.assess(regular, D(2025, 9, 1), rating="good")  # the last assessment rates the member
    world.assess(irregular, D(2025, 8, 1), rating="good")
    world.assess(irregular, D(2025, 9, 1), rating="poor")
    world.assess(leaves_last_day, D(2025, 9, 1), rating="fair")
    world.assess(late, D(2025, 6, 1), rating="good")  # before the quarter
    world.contact(regular, D(2025, 7, 2))
    world.contact(irregular, FIRST - DAY)  # before the quarter
    world.contact(late, LAST)

    q3 = report(phu_thuong, Q3)
    assert q3.value("members.total") == 4
    figures = {code: (q3.row(code).figure.numerator, q3.row(code).figure.denominator) for code in (
        "members.regular", "members.progressing", "members.counselled", "members.drug_free")}  # fmt: skip
    assert figures == {
        "members.regular": (3, 4),  # 3 of 4 sessions (75 %) counts; 2 of 2 since joining counts; 2 of 4 does not
        "members.progressing": (2, 4),
        "members.counselled": (2, 4),
        "members.drug_free": (2, 4),  # assessed in the quarter with no use recorded in any month of it
    }
    assert q3.value("members.regular") == 75.0


def test_support_given_in_the_period(world, phu_thuong):
    studies = world.person(phu_thuong)
    world.service(studies, "vocational_training", FIRST)
    world.service(studies, "general_education", D(2025, 8, 1))  # the same person: counted once
    world.service(world.person(phu_thuong), "general_education", LAST)
    world.service(world.person(phu_thuong), "vocational_training", FIRST - DAY)  # before the quarter
    world.service(world.person(phu_thuong), "emergency_aid", D(2025, 8, 8), amount=2_000_000)
    world.service(world.person(phu_thuong), "preferential_loan", D(2025, 7, 15), amount=40_000_000)
    world.service(world.person(phu_thuong), "preferential_loan", D(2025, 9, 1), amount=25_000_000)
    world.service(world.person(phu_thuong), "preferential_loan", LAST + DAY, amount=10_000_000)
    world.service(world.person(phu_thuong), "job_placement", D(2025, 6, 30))  # held 3 months on 30/09: stable
    world.service(world.person(phu_thuong), "job_placement", FIRST)  # one day short of 3 months
    world.service(world.person(phu_thuong), "job_placement", D(2025, 1, 2), end=LAST - DAY)  # ended
    world.service(world.person(phu_thuong), "job_placement", D(2025, 1, 2), end=LAST)  # held to the last day

    q3 = report(phu_thuong, Q3)
    assert values(q3, ["support.vocational_or_school", "support.emergency_aid", "support.loan_people",
                       "support.loan_amount", "support.job_placement", "support.stable_job"]) == {
        "support.vocational_or_school": 2, "support.emergency_aid": 1, "support.loan_people": 2,
        "support.loan_amount": 65_000_000, "support.job_placement": 1, "support.stable_job": 2,
    }  # fmt: skip
    assert share_text(q3.value("support.loan_amount"), Kind.AMOUNT) == "65.000.000 ₫"


def test_sanctioned_users_given_vocational_or_job_support(world, phu_thuong):
    referred = world.person(phu_thuong)
    world.measure(referred, USER, D(2024, 10, 1))  # runs to 30/09/2025
    world.service(referred, "job_referral", D(2025, 8, 1))
    trained_before = world.person(phu_thuong)
    world.measure(trained_before, EDUCATION, D(2025, 7, 15))
    world.service(trained_before, "vocational_training", FIRST - DAY)
    ended_before = world.person(phu_thuong)
    world.measure(ended_before, USER, D(2024, 7, 1), end=FIRST - DAY)  # not sanctioned in the quarter
    world.service(ended_before, "vocational_training", D(2025, 7, 5))
    placed = world.person(phu_thuong)
    world.measure(placed, USER, LAST)
    world.service(placed, "job_placement", LAST)
    aided = world.person(phu_thuong)
    world.measure(aided, USER, D(2025, 3, 1))
    world.service(aided, "emergency_aid", D(2025, 7, 5))  # not vocational or job support
    world.service(world.person(phu_thuong), "vocational_training", D(2025, 7, 5))  # not sanctioned

    q3 = report(phu_thuong, Q3)
    assert q3.value("people.sanctioned") == 4
    assert q3.row("support.sanctioned_supported").figure.numerator == 2
    assert q3.value("support.sanctioned_supported") == 50.0


def test_referrals_closed_in_the_period(world, phu_thuong):
    world.referral(world.person(phu_thuong), D(2025, 7, 1), ReferralStatus.COMPLETED, D(2025, 8, 1))
    world.referral(world.person(phu_thuong), D(2025, 7, 1), ReferralStatus.DECLINED, LAST)
    world.referral(world.person(phu_thuong), D(2025, 6, 1), ReferralStatus.LOST, FIRST - DAY)
    world.referral(world.person(phu_thuong), D(2025, 8, 1), ReferralStatus.SENT, D(2025, 8, 1))
    world.referral(world.person(phu_thuong), D(2025, 9, 1), ReferralStatus.COMPLETED, LAST + DAY)

    q3 = report(phu_thuong, Q3)
    assert q3.value("referrals.closed") == 2
    assert q3.value("referrals.completed") == 50.0
    assert report(phu_thuong, "2025", codes=["referrals.completed"]).value("referrals.closed") == 4
    assert report(phu_thuong, "2025", codes=["referrals.completed"]).value("referrals.completed") == 50.0


def test_monthly_assessments_due_and_done(world, phu_thuong):
    whole = world.person(phu_thuong)
    world.measure(whole, POST, D(2025, 1, 10))  # followed at the end of July, August and September
    world.assess(whole, D(2025, 7, 1))
    world.assess(whole, D(2025, 9, 1))
    from_august = world.person(phu_thuong)
    world.measure(from_august, USER, D(2025, 8, 15))  # August and September
    world.assess(from_august, D(2025, 8, 1))
    with_volunteer = world.person(phu_thuong)  # under no measure, but with a volunteer from 20/07
    world.assign(with_volunteer, world.volunteer(phu_thuong), D(2025, 7, 20))
    world.measure(world.person(phu_thuong), EpisodeType.METHADONE, D(2024, 1, 1))  # not assessed monthly

    q3 = report(phu_thuong, Q3)
    assert q3.value("casework.assessments_due") == 3 + 2 + 3
    assert q3.row("casework.assessments_done").figure.numerator == 3
    assert q3.value("casework.assessments_done") == 37.5
    # Read on 03/09/2025, only July is due: August is within its grace days.
    early = report(phu_thuong, Q3, today=D(2025, 9, 3))
    assert early.value("casework.assessments_due") == 2
    assert early.value("casework.assessments_done") == 50.0
    assert report(phu_thuong, "2025-08", codes=["casework.assessments_done"]).value("casework.assessments_due") == 3


def test_the_classification_of_the_periods_last_quarter(world, phu_thuong):
    good, poor, earlier = (world.person(phu_thuong) for _ in range(3))
    world.classify(good, 2025, 3, "good")
    world.classify(poor, 2025, 3, "poor")
    world.classify(earlier, 2025, 2, "good")

    q3 = report(phu_thuong, Q3)
    assert values(q3, ["classification.good", "classification.fair", "classification.average",
                       "classification.poor"]) == {
        "classification.good": 1, "classification.fair": 0, "classification.average": 0, "classification.poor": 1,
    }  # fmt: skip
    assert report(phu_thuong, "2025Q2", codes=LEVELS).value("classification.good") == 1
    assert report(phu_thuong, "2025", codes=LEVELS).value("classification.good") == 0  # the year's last quarter is Q4
    assert report(phu_thuong, "2025-09", codes=LEVELS).value("classification.poor") == 1
    assert not [row for row in report(phu_thuong, "2025-08").rows if row.indicator.code.startswith("classification.")]
