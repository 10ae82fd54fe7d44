"""The services behind the officer's pages: assignments, volunteers stopping, the quarter and the rating scale.

State is built through the services; each test names the rule it holds the service to.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import Compliance, DrugUseInMonth, FamilyRelations, Participation, WorkStatus
from donghanh.casework.models import Assignment, MonthlyAssessment, QuarterlyClassification, RatingLevel, RatingScale
from donghanh.casework.selectors import derived_level, rating_levels_for
from donghanh.core.dates import previous_quarter, quarter_months, quarter_of
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
LAST_QUARTER = previous_quarter(*quarter_of(TODAY))


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def team(officer, phu_thuong):
    return services.team_create(actor=officer, unit=phu_thuong, name="Đội tình nguyện Phú Thượng")


def add_volunteer(officer, team, name, *, start=None, **fields):
    fields.setdefault("sex", "female")
    fields.setdefault("affiliation", "youth_union")
    return services.volunteer_add(
        actor=officer, team=team, full_name=name, start_date=start or TODAY - 400 * DAY, **fields
    )


def register(officer, at, name="Nguyễn Văn Hùng"):
    return person_register(
        actor=officer, unit=at, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=TODAY - 500 * DAY
    )


@pytest.fixture
def hung(officer, phu_thuong):
    return register(officer, phu_thuong)


def levels(person):
    return {level.code: level for level in rating_levels_for(person.unit)}


def assess(officer, person, month, rating):
    return services.assessment_submit(
        actor=officer,
        person=person,
        month=month,
        drug_use=DrugUseInMonth.NONE,
        participation=Participation.FULL,
        work_status=WorkStatus.CASUAL,
        family_relations=FamilyRelations.GOOD,
        compliance=Compliance.COMPLIES,
        rating=levels(person)[rating],
    )


# --- assignments --------------------------------------------------------------------------------


def test_a_reassignment_ends_the_current_one_the_day_before(officer, team, hung):
    lan = add_volunteer(officer, team, "Trần Thị Lan")
    mai = add_volunteer(officer, team, "Lê Thị Mai")
    first = services.assignment_make(actor=officer, person=hung, volunteer=lan, start_date=TODAY - 100 * DAY)
    second = services.assignment_make(
        actor=officer, person=hung, volunteer=mai, start_date=TODAY - 10 * DAY, reason="Chị Lan chuyển công tác"
    )
    first.refresh_from_db()
    assert first.end_date == TODAY - 11 * DAY
    assert first.end_reason == "Chị Lan chuyển công tác"
    assert second.end_date is None
    assert list(Assignment.objects.filter(person=hung).values_list("volunteer__full_name", flat=True)) == [
        "Lê Thị Mai",
        "Trần Thị Lan",
    ]


def test_a_reassignment_without_a_reason_says_who_takes_over(officer, team, hung):
    lan = add_volunteer(officer, team, "Trần Thị Lan")
    mai = add_volunteer(officer, team, "Lê Thị Mai")
    first = services.assignment_make(actor=officer, person=hung, volunteer=lan, start_date=TODAY - 100 * DAY)
    services.assignment_make(actor=officer, person=hung, volunteer=mai, start_date=TODAY)
    first.refresh_from_db()
    assert "Lê Thị Mai" in first.end_reason


def test_a_reassignment_cannot_start_before_the_current_one(officer, team, hung):
    lan = add_volunteer(officer, team, "Trần Thị Lan")
    mai = add_volunteer(officer, team, "Lê Thị Mai")
    services.assignment_make(actor=officer, person=hung, volunteer=lan, start_date=TODAY - 10 * DAY)
    for start in (TODAY - 10 * DAY, TODAY - 20 * DAY):
        with pytest.raises(ValidationError) as refused:
            services.assignment_make(actor=officer, person=hung, volunteer=mai, start_date=start)
        assert "start_date" in refused.value.message_dict
    assert Assignment.objects.get(person=hung).end_date is None  # the current one is untouched


def test_a_volunteer_of_another_commune_is_refused(officer, make_user, team, hung, hai_chau):
    hai_chau_officer = make_user(Role.COMMUNE_OFFICER, hai_chau)
    other_team = services.team_create(actor=hai_chau_officer, unit=hai_chau, name="Đội Hải Châu")
    stranger = add_volunteer(hai_chau_officer, other_team, "Phạm Thị Hoa")
    with pytest.raises(ValidationError) as refused:
        services.assignment_make(actor=officer, person=hung, volunteer=stranger, start_date=TODAY)
    assert "volunteer" in refused.value.message_dict
    assert not Assignment.objects.filter(person=hung).exists()


def test_an_inactive_volunteer_is_refused(officer, team, hung):
    stopped = add_volunteer(officer, team, "Trần Thị Lan", start=TODAY - 300 * DAY, end_date=TODAY - 30 * DAY)
    not_yet = add_volunteer(officer, team, "Lê Thị Mai", start=TODAY + 10 * DAY)
    for volunteer in (stopped, not_yet):
        with pytest.raises(ValidationError) as refused:
            services.assignment_make(actor=officer, person=hung, volunteer=volunteer, start_date=TODAY)
        assert "volunteer" in refused.value.message_dict


def test_another_communes_officer_cannot_assign(make_user, hai_chau, team, officer, hung):
    lan = add_volunteer(officer, team, "Trần Thị Lan")
    with pytest.raises(PermissionDenied):
        services.assignment_make(
            actor=make_user(Role.COMMUNE_OFFICER, hai_chau), person=hung, volunteer=lan, start_date=TODAY
        )


# --- volunteers ---------------------------------------------------------------------------------


def test_a_volunteer_who_stops_ends_their_assignments_that_day(officer, team, hung, phu_thuong):
    lan = add_volunteer(officer, team, "Trần Thị Lan")
    hoa = register(officer, phu_thuong, "Phạm Văn Hòa")
    services.assignment_make(actor=officer, person=hung, volunteer=lan, start_date=TODAY - 100 * DAY)
    services.assignment_make(actor=officer, person=hoa, volunteer=lan, start_date=TODAY - 5 * DAY)
    services.volunteer_update(expected_version=lan.version, actor=officer, volunteer=lan, end_date=TODAY - 7 * DAY)
    ended = {a.person_id: a for a in Assignment.objects.filter(volunteer=lan)}
    assert ended[hung.pk].end_date == TODAY - 7 * DAY
    assert ended[hoa.pk].end_date == TODAY - 5 * DAY  # started after: ends the day it started
    assert all(a.end_reason for a in ended.values())


def test_a_volunteers_end_before_their_start_is_refused(officer, team):
    lan = add_volunteer(officer, team, "Trần Thị Lan", start=TODAY - 10 * DAY)
    with pytest.raises(ValidationError) as refused:
        services.volunteer_update(expected_version=lan.version, actor=officer, volunteer=lan, end_date=TODAY - 20 * DAY)
    assert "end_date" in refused.value.message_dict
    with pytest.raises(ValidationError):
        add_volunteer(officer, team, "Lê Thị Mai", start=TODAY, end_date=TODAY - DAY)


def test_one_login_for_one_volunteer(officer, team, make_user, phu_thuong):
    login = make_user(Role.VOLUNTEER, phu_thuong)
    add_volunteer(officer, team, "Trần Thị Lan", user=login)
    with pytest.raises(ValidationError) as refused:
        add_volunteer(officer, team, "Lê Thị Mai", user=login)
    assert "user" in refused.value.message_dict


# --- the quarter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "derived"),
    [
        (["good", "good", "poor"], "good"),
        (["poor", "good", "good"], "good"),
        (["good", "fair", "poor"], "fair"),
        (["poor", "average", "average"], "average"),
        (["good", None, "good"], None),
    ],
)
def test_the_quarter_is_the_median_of_its_months(officer, hung, ratings, derived):
    year, quarter = LAST_QUARTER
    for month, rating in zip(quarter_months(year, quarter), ratings, strict=True):
        if rating:
            assess(officer, hung, month, rating)
    level, assessments = services.quarter_derive(hung, year, quarter)
    assert (level.code if level else None) == derived
    assert len(assessments) == sum(1 for r in ratings if r)


def test_derived_level_needs_three_ratings(hung):
    scale = levels(hung)
    assert derived_level([scale["good"], scale["poor"]]) is None
    assert derived_level([scale["fair"], scale["good"], scale["average"]]) == scale["fair"]


@pytest.fixture
def assessed_quarter(officer, hung):
    year, quarter = LAST_QUARTER
    for month, rating in zip(quarter_months(year, quarter), ["good", "fair", "poor"], strict=True):
        assess(officer, hung, month, rating)
    return year, quarter


def test_confirming_the_derived_classification_needs_no_reason(officer, hung, assessed_quarter):
    year, quarter = assessed_quarter
    confirmed = services.classification_confirm(
        actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["fair"], reason="  "
    )
    assert confirmed.derived.code == "fair" and confirmed.level.code == "fair"
    assert not confirmed.overridden and confirmed.override_reason == ""
    assert confirmed.confirmed_by == officer


def test_another_classification_needs_a_reason(officer, hung, assessed_quarter):
    year, quarter = assessed_quarter
    with pytest.raises(ValidationError) as refused:
        services.classification_confirm(
            actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["good"], reason=""
        )
    assert "override_reason" in refused.value.message_dict
    assert not QuarterlyClassification.objects.exists()
    confirmed = services.classification_confirm(
        actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["good"], reason="Đã có việc làm"
    )
    assert confirmed.overridden and confirmed.override_reason == "Đã có việc làm"
    # Confirming the derived level later drops the reason, and there is still one row.
    services.classification_confirm(
        actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["fair"], reason="Đã có việc làm"
    )
    again = QuarterlyClassification.objects.get()
    assert again.level.code == "fair" and again.override_reason == ""


def test_a_quarter_with_a_missing_month_is_classified_only_with_a_reason(officer, hung):
    year, quarter = LAST_QUARTER
    assess(officer, hung, quarter_months(year, quarter)[0], "good")
    with pytest.raises(ValidationError):
        services.classification_confirm(
            actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["good"]
        )
    confirmed = services.classification_confirm(
        actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["good"], reason="Đi làm xa 2 tháng"
    )
    assert confirmed.derived is None and confirmed.overridden


def test_classification_outside_the_scope_or_by_the_police_is_refused(make_user, hai_chau, phu_thuong, hung):
    year, quarter = LAST_QUARTER
    for actor in (make_user(Role.COMMUNE_OFFICER, hai_chau), make_user(Role.COMMUNE_POLICE, phu_thuong)):
        with pytest.raises(PermissionDenied):
            services.classification_confirm(
                actor=actor, person=hung, year=year, quarter=quarter, level=levels(hung)["good"], reason="x"
            )


def test_the_current_quarter_waits_for_its_last_month(officer, hung):
    year, quarter = quarter_of(TODAY)
    if quarter_months(year, quarter)[-1] <= TODAY:
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    with pytest.raises(ValidationError) as refused:
        services.classification_confirm(
            actor=officer, person=hung, year=year, quarter=quarter, level=levels(hung)["good"], reason="x"
        )
    assert "quarter" in refused.value.message_dict


# --- the rating scale ---------------------------------------------------------------------------

TWO_LEVELS = [("progressing", "Tiến bộ", "Progressing", True), ("not_progressing", "Chưa tiến bộ", "Not yet", False)]


@pytest.fixture
def ha_noi(unit):
    return unit("01", level=1)


@pytest.fixture
def province_officer(make_user, ha_noi):
    return make_user(Role.PROVINCE_OFFICER, ha_noi)


def test_a_province_sets_its_own_scale(province_officer, ha_noi, hung):
    default = RatingScale.objects.get(unit__isnull=True)
    scale = services.rating_scale_set(actor=province_officer, province=ha_noi, name="Hà Nội", levels=TWO_LEVELS)
    assert scale.unit == ha_noi and scale != default
    assert [(lv.rank, lv.code, lv.counts_as_progress) for lv in scale.levels.order_by("rank")] == [
        (1, "progressing", True),
        (2, "not_progressing", False),
    ]
    assert set(levels(hung)) == {"progressing", "not_progressing"}  # the province's people are rated with it
    assert default.levels.count() == 4  # the default scale is untouched


def test_a_scale_needs_two_levels_with_different_codes(province_officer, ha_noi):
    for wrong in (TWO_LEVELS[:1], [TWO_LEVELS[0], TWO_LEVELS[0]]):
        with pytest.raises(ValidationError) as refused:
            services.rating_scale_set(actor=province_officer, province=ha_noi, name="Hà Nội", levels=wrong)
        assert "levels" in refused.value.message_dict
    assert not RatingScale.objects.filter(unit=ha_noi).exists()


def test_a_scale_mixes_progressing_and_not(province_officer, ha_noi):
    for flag in (True, False):
        wrong = [(code, vi, en, flag) for code, vi, en, _flag in TWO_LEVELS]
        with pytest.raises(ValidationError) as refused:
            services.rating_scale_set(actor=province_officer, province=ha_noi, name="Hà Nội", levels=wrong)
        assert "levels" in refused.value.message_dict


def test_levels_in_use_cannot_be_removed_but_may_be_renamed(province_officer, ha_noi, officer, hung):
    services.rating_scale_set(actor=province_officer, province=ha_noi, name="Hà Nội", levels=TWO_LEVELS)
    assess(officer, hung, quarter_months(*LAST_QUARTER)[0], "progressing")
    with pytest.raises(ValidationError) as refused:
        services.rating_scale_set(
            actor=province_officer,
            province=ha_noi,
            name="Hà Nội",
            levels=[("good", "Tốt", "Good", True), ("not_progressing", "Chưa tiến bộ", "Not yet", False)],
        )
    assert "progressing" in str(refused.value.message_dict["levels"])
    renamed = [("progressing", "Có tiến bộ", "Making progress", True), *TWO_LEVELS[1:], ("bad", "Kém", "Bad", False)]
    services.rating_scale_set(actor=province_officer, province=ha_noi, name="Hà Nội", levels=renamed)
    assessment = MonthlyAssessment.objects.get()
    assert assessment.rating.label_vi == "Có tiến bộ"
    assert list(RatingLevel.objects.filter(scale__unit=ha_noi).values_list("code", flat=True)) == [
        "progressing",
        "not_progressing",
        "bad",
    ]


def test_only_a_province_officer_sets_a_scale(officer, make_user, ha_noi, unit):
    with pytest.raises(PermissionDenied):
        services.rating_scale_set(actor=officer, province=ha_noi, name="Hà Nội", levels=TWO_LEVELS)
    da_nang_officer = make_user(Role.PROVINCE_OFFICER, unit("48", level=1))
    with pytest.raises(PermissionDenied):
        services.rating_scale_set(actor=da_nang_officer, province=ha_noi, name="Hà Nội", levels=TWO_LEVELS)
