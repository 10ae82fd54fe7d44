"""The case-work services: contacts, plans and goals, monthly assessments and the scored instruments.

State is built through the services; each test names the rule it holds the service to.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import ContactMode, DrugUseInMonth, GoalStatus, PlanDomain, PlanStatus, Topic
from donghanh.casework.models import Contact, InstrumentRecord, MonthlyAssessment, PlanGoal, RatingLevel
from donghanh.core.dates import month_start, shift_month_start
from donghanh.orgunits.models import OrgUnit
from donghanh.people.services import drug_test_add

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
THIS_MONTH = month_start(TODAY)
LAST_MONTH = shift_month_start(THIS_MONTH, -1)

# WHO ASSIST manual's worked example: Q2 weekly 4 + Q3 monthly 4 + Q4 once/twice 4 + Q5 never 0
# + Q6 yes in the past 3 months 6 + Q7 no 0 = 18, moderate risk.
CANNABIS_18 = {
    "q1": "yes",
    "q2": "weekly",
    "q3": "monthly",
    "q4": "once_twice",
    "q5": "never",
    "q6": "yes_past_3_months",
    "q7": "no",
}


@pytest.fixture
def volunteer(make_user, phu_thuong, hung, assign_volunteer):
    user = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(user, hung)
    return user


def level(code: str = "good", *, unit: OrgUnit | None = None) -> RatingLevel:
    return RatingLevel.objects.get(scale__unit=unit, code=code)


def assessment(**fields):
    return {
        "drug_use": DrugUseInMonth.NONE,
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        "rating": level(),
        **fields,
    }


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- contacts ------------------------------------------------------------------------------------


def test_a_contact_keeps_known_topics_once_and_refuses_unknown_ones(officer, hung):
    contact = services.contact_record(
        actor=officer,
        person=hung,
        date=YESTERDAY,
        mode=ContactMode.HOME_VISIT,
        topics=[Topic.HARMS, Topic.FAMILY, Topic.HARMS],
    )
    assert contact.topics == [Topic.HARMS, Topic.FAMILY]
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            actor=officer, person=hung, date=YESTERDAY, mode=ContactMode.PHONE, topics=[Topic.LEGAL, "astrology"]
        )
    assert "astrology" in messages_of(refused.value, "topics")
    assert Contact.objects.filter(person=hung).count() == 1


def test_a_next_step_before_the_contact_is_refused(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            actor=officer,
            person=hung,
            date=YESTERDAY,
            mode=ContactMode.PHONE,
            next_step="Gọi lại",
            next_step_date=YESTERDAY - datetime.timedelta(days=1),
        )
    assert "next_step_date" in refused.value.message_dict
    contact = services.contact_record(
        actor=officer, person=hung, date=YESTERDAY, mode=ContactMode.PHONE, next_step="Gọi lại", next_step_date=TODAY
    )
    assert contact.next_step_date == TODAY


def test_a_contact_in_the_future_is_refused(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            actor=officer, person=hung, date=TODAY + datetime.timedelta(days=1), mode=ContactMode.HOME_VISIT
        )
    assert "date" in refused.value.message_dict
    assert not Contact.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(1949, 12, 31)])
def test_a_contact_before_1950_is_refused_on_its_date(officer, hung, day):
    with pytest.raises(ValidationError) as refused:
        services.contact_record(actor=officer, person=hung, date=day, mode=ContactMode.HOME_VISIT)
    assert list(refused.value.message_dict) == ["date"]
    assert "01/01/1950" in refused.value.message_dict["date"][0]
    assert not Contact.objects.exists()
    assert services.contact_record(
        actor=officer, person=hung, date=datetime.date(1950, 1, 1), mode=ContactMode.HOME_VISIT
    ).date == datetime.date(1950, 1, 1)


def test_a_volunteer_records_contacts_only_with_the_person_assigned_to_them(volunteer, hung, lan):
    contact = services.contact_record(actor=volunteer, person=hung, date=TODAY, mode=ContactMode.HOME_VISIT)
    assert contact.volunteer is not None and contact.volunteer.user == volunteer
    assert contact.recorded_by == volunteer
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=volunteer, person=lan, date=TODAY, mode=ContactMode.HOME_VISIT)
    assert list(Contact.objects.values_list("person", flat=True)) == [hung.pk]


def test_a_commune_outside_the_scope_cannot_record_a_contact(make_user, hai_chau, hung):
    da_nang = make_user(Role.COMMUNE_OFFICER, hai_chau)
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=da_nang, person=hung, date=TODAY, mode=ContactMode.PHONE)


# --- plans and goals -----------------------------------------------------------------------------


def test_one_active_plan_per_person(officer, hung):
    first = services.plan_create(actor=officer, person=hung, start_date=LAST_MONTH)
    with pytest.raises(ValidationError):
        services.plan_create(actor=officer, person=hung, start_date=THIS_MONTH)
    services.plan_close(actor=officer, plan=first, on=YESTERDAY)
    first.refresh_from_db()
    assert first.status == PlanStatus.CLOSED and first.end_date == YESTERDAY
    second = services.plan_create(actor=officer, person=hung, start_date=TODAY)
    assert second.status == PlanStatus.ACTIVE


def test_a_plan_cannot_end_before_it_starts(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=officer, person=hung, start_date=TODAY, end_date=YESTERDAY)
    assert "end_date" in refused.value.message_dict


def test_a_goal_target_before_the_plan_starts_is_refused(officer, hung):
    plan = services.plan_create(actor=officer, person=hung, start_date=THIS_MONTH)
    with pytest.raises(ValidationError) as refused:
        services.goal_add(
            actor=officer,
            plan=plan,
            domain=PlanDomain.WORK,
            goal="Có việc làm ổn định",
            actions="Học nghề hàn",
            target_date=THIS_MONTH - datetime.timedelta(days=1),
        )
    assert "target_date" in refused.value.message_dict
    goal = services.goal_add(
        actor=officer, plan=plan, domain=PlanDomain.WORK, goal="Có việc làm", actions="Học nghề\nXin việc"
    )
    assert goal.action_lines() == ["Học nghề", "Xin việc"]
    assert goal.status == GoalStatus.NOT_STARTED


def test_a_closed_plan_takes_no_new_goal_and_no_change(officer, hung):
    plan = services.plan_create(actor=officer, person=hung, start_date=LAST_MONTH)
    goal = services.goal_add(
        actor=officer, plan=plan, domain=PlanDomain.FAMILY, goal="Hòa thuận", actions="Họp gia đình"
    )
    services.plan_close(actor=officer, plan=plan, on=TODAY)
    with pytest.raises(ValidationError):
        services.goal_add(actor=officer, plan=plan, domain=PlanDomain.LEGAL, goal="Giấy tờ", actions="Làm CCCD")
    with pytest.raises(ValidationError):
        services.goal_update(expected_version=goal.version, actor=officer, plan_goal=goal, status=GoalStatus.ACHIEVED)
    assert PlanGoal.objects.get().status == GoalStatus.NOT_STARTED


def test_a_goal_review_is_recorded(officer, hung):
    plan = services.plan_create(actor=officer, person=hung, start_date=LAST_MONTH)
    goal = services.goal_add(actor=officer, plan=plan, domain=PlanDomain.HEALTH, goal="Điều trị", actions="Methadone")
    services.goal_update(
        expected_version=goal.version,
        actor=officer,
        plan_goal=goal,
        goal="Điều trị methadone",
        status=GoalStatus.IN_PROGRESS,
        reviewed_on=TODAY,
        review_notes="Uống đều",
    )
    goal.refresh_from_db()
    assert (goal.goal, goal.status, goal.reviewed_on, goal.review_notes) == (
        "Điều trị methadone",
        GoalStatus.IN_PROGRESS,
        TODAY,
        "Uống đều",
    )


def test_a_volunteer_plans_only_for_the_person_assigned_to_them(volunteer, hung, lan):
    assert services.plan_create(actor=volunteer, person=hung, start_date=TODAY).person == hung
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=volunteer, person=lan, start_date=TODAY)


# --- monthly assessments -------------------------------------------------------------------------


def test_a_month_that_has_not_begun_cannot_be_assessed(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(actor=officer, person=hung, month=shift_month_start(THIS_MONTH, 1), **assessment())
    assert "month" in refused.value.message_dict
    done = services.assessment_submit(actor=officer, person=hung, month=TODAY, **assessment())
    assert done.month == THIS_MONTH  # any day of the month names the month


def test_confirmed_drug_use_needs_a_positive_test_of_that_month(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(
            actor=officer, person=hung, month=LAST_MONTH, **assessment(drug_use=DrugUseInMonth.CONFIRMED)
        )
    assert "drug_use" in refused.value.message_dict
    negative = drug_test_add(
        actor=officer,
        person=hung,
        date=LAST_MONTH,
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "negative"},
    )
    with pytest.raises(ValidationError):
        services.assessment_submit(
            actor=officer,
            person=hung,
            month=LAST_MONTH,
            drug_tests=[negative],
            **assessment(drug_use=DrugUseInMonth.CONFIRMED),
        )
    earlier = drug_test_add(
        actor=officer,
        person=hung,
        date=shift_month_start(LAST_MONTH, -1),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "positive"},
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(
            actor=officer,
            person=hung,
            month=LAST_MONTH,
            drug_tests=[earlier],
            **assessment(drug_use=DrugUseInMonth.CONFIRMED),
        )
    assert "drug_tests" in refused.value.message_dict
    positive = drug_test_add(
        actor=officer,
        person=hung,
        date=LAST_MONTH + datetime.timedelta(days=9),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "positive", "methamphetamine": "negative"},
    )
    done = services.assessment_submit(
        actor=officer,
        person=hung,
        month=LAST_MONTH,
        drug_tests=[negative, positive],
        **assessment(drug_use=DrugUseInMonth.CONFIRMED),
    )
    assert done.drug_use == DrugUseInMonth.CONFIRMED
    assert set(done.drug_tests.all()) == {negative, positive}


def test_a_volunteer_cannot_link_drug_tests(officer, volunteer, hung):
    test = drug_test_add(
        actor=officer,
        person=hung,
        date=THIS_MONTH,
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "negative"},
    )
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=volunteer, person=hung, month=THIS_MONTH, drug_tests=[test], **assessment())
    assert services.assessment_submit(actor=volunteer, person=hung, month=THIS_MONTH, **assessment()).volunteer


def test_a_correction_of_the_same_month_keeps_one_row(officer, hung):
    services.assessment_submit(actor=officer, person=hung, month=LAST_MONTH, **assessment())
    corrected = services.assessment_submit(
        actor=officer,
        person=hung,
        month=LAST_MONTH + datetime.timedelta(days=14),
        **assessment(rating=level("poor"), drug_use=DrugUseInMonth.SUSPECTED, notes="Sửa lại"),
    )
    [row] = MonthlyAssessment.objects.filter(person=hung)
    assert row.pk == corrected.pk
    assert (row.rating.code, row.drug_use, row.notes) == ("poor", DrugUseInMonth.SUSPECTED, "Sửa lại")
    assert row.history.count() == 2


def test_a_rating_from_another_provinces_scale_is_refused(make_user, unit, officer, hung):
    da_nang = unit("48", level=OrgUnit.Level.PROVINCE)
    province_officer = make_user(Role.PROVINCE_OFFICER, da_nang)
    services.rating_scale_set(
        actor=province_officer,
        province=da_nang,
        name="Tiến bộ / chưa tiến bộ",
        levels=[
            ("progress", "Tiến bộ", "Progressing", True),
            ("no_progress", "Chưa tiến bộ", "Not progressing", False),
        ],
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(
            actor=officer, person=hung, month=LAST_MONTH, **assessment(rating=level("progress", unit=da_nang))
        )
    assert "rating" in refused.value.message_dict
    assert not MonthlyAssessment.objects.exists()


# --- scored instruments --------------------------------------------------------------------------


def test_assist_keeps_the_worked_example_score_per_substance(officer, hung):
    record = services.instrument_record(
        actor=officer,
        person=hung,
        instrument="assist",
        date=YESTERDAY,
        answers={"cannabis": CANNABIS_18, "tobacco": {"q1": "no"}, "alcohol": {"q1": "no"}},
        injection="no",
    )
    record.refresh_from_db()
    assert record.score == 18
    assert record.scores == {"cannabis": {"score": 18, "risk": "moderate"}}
    assert record.answers["substances"]["cannabis"] == CANNABIS_18
    assert record.answers["injection"] == "no"
    assert record.recorded_by == officer


def test_assist_answers_that_cannot_be_scored_are_refused(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.instrument_record(
            actor=officer,
            person=hung,
            instrument="assist",
            date=YESTERDAY,
            answers={"tobacco": {"q1": "yes", "q2": "daily", "q5": "daily"}},
        )
    assert refused.value.message_dict["answers"]
    assert not InstrumentRecord.objects.exists()


def test_a_volunteer_cannot_record_assist(volunteer, hung):
    with pytest.raises(PermissionDenied):
        services.instrument_record(
            actor=volunteer, person=hung, instrument="assist", date=YESTERDAY, answers={"cannabis": CANNABIS_18}
        )
    assert not InstrumentRecord.objects.exists()


def test_barc10_keeps_the_total(volunteer, hung):
    answers = [6, 5, 5, 4, 6, 5, 4, 6, 5, 4]
    record = services.instrument_record(actor=volunteer, person=hung, instrument="barc10", date=TODAY, answers=answers)
    record.refresh_from_db()
    assert record.score == 50
    assert record.answers == answers
    assert record.scores == {}
    with pytest.raises(ValidationError) as refused:
        services.instrument_record(actor=volunteer, person=hung, instrument="barc10", date=TODAY, answers=[6] * 9)
    assert refused.value.message_dict["answers"]


def test_an_instrument_in_the_future_or_unknown_is_refused(officer, hung):
    with pytest.raises(ValidationError) as refused:
        services.instrument_record(
            actor=officer, person=hung, instrument="barc10", date=TODAY + datetime.timedelta(days=1), answers=[3] * 10
        )
    assert "date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.instrument_record(actor=officer, person=hung, instrument="phq9", date=TODAY, answers=[])
    assert "instrument" in refused.value.message_dict
