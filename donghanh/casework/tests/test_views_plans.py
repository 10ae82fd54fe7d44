"""Plans as users see them: the plan page with its goals, reviews and closing, and who may see and write them.

The pages' helpers are here, and test_views_instruments imports them; Hùng, Lan and the volunteer are in conftest.

State is built through the services; assertions read the rendered pages (elements by data-testid
and data attributes, which do not change with the language) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import GoalStatus, PlanDomain, PlanStatus
from donghanh.casework.models import PlanGoal, ReintegrationPlan
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.tests.pages import Node, parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
THIS_MONTH = month_start(TODAY)
LAST_MONTH = shift_month_start(THIS_MONTH, -1)


def dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def url(name: str, *args: object) -> str:
    return reverse(f"casework:{name}", args=args)


def person_page(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def field_value(page: Node, name: str) -> str:
    """What a text input or a textarea of the form holds."""
    node = page.find("input", name=name) or page.get("textarea", name=name)
    return node.attrs.get("value") or "" if node.tag == "input" else node.text


def field_errors(page: Node, name: str) -> str:
    box = page.get(data_field=name)
    return " ".join(div.text for div in box.find_all("div") if "invalid-feedback" in (div.attrs.get("class") or ""))


def selected(page: Node, name: str) -> str:
    select = page.get("select", name=name)
    chosen = [o.attrs.get("value") or "" for o in select.find_all("option") if "selected" in o.attrs]
    return chosen[0] if chosen else ""


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def plan(officer, hung) -> ReintegrationPlan:
    return services.plan_create(actor=officer, person=hung, start_date=LAST_MONTH)


# --- the plan page -------------------------------------------------------------------------------


def test_an_officer_makes_a_plan_adds_goals_reviews_one_and_closes_the_plan(client, officer, hung):
    client.force_login(officer)
    page = parse(client.get(url("plan", hung.pk)))
    assert page.find(data_testid="no-active-plan") is not None
    assert page.find(data_testid="goal-form") is None

    response = client.post(url("plan", hung.pk), {"start_date": dmy(LAST_MONTH), "end_date": "", "notes": "Sáu tháng"})
    assert response.status_code == 302 and response["Location"] == url("plan", hung.pk)
    plan = ReintegrationPlan.objects.get(person=hung)
    assert (plan.start_date, plan.status, plan.created_by) == (LAST_MONTH, PlanStatus.ACTIVE, officer)

    response = client.post(
        url("goal_add", plan.pk),
        {
            "domain": PlanDomain.WORK,
            "goal": "Có việc làm ổn định",
            "actions": "Học nghề hàn\n\nXin việc ở xưởng cơ khí",
            "target_date": dmy(TODAY + datetime.timedelta(days=90)),
            "review_date": dmy(TODAY + datetime.timedelta(days=30)),
        },
    )
    assert response.status_code == 302
    client.post(
        url("goal_add", plan.pk),
        {"domain": PlanDomain.HEALTH, "goal": "Điều trị methadone", "actions": "Uống thuốc hằng ngày"},
    )
    response = client.get(url("plan", hung.pk))
    assert_csp_and_no_inline_code(response, "plan page")
    page = parse(response)
    active = page.get(data_testid="active-plan")
    assert dmy(LAST_MONTH) in active.get(data_testid="plan-period").text
    # Goals are grouped by domain, in the vocabulary's order: health before work.
    domains = [n.attrs["data-testid"] for n in active.find_all("section") if n.attrs["data-testid"] != "active-plan"]
    assert domains == ["domain-health", "domain-work"]
    [work] = active.get(data_testid="goals-work").rows()
    assert work[0] == "Có việc làm ổn định"
    actions = active.get(data_testid="goals-work").find_all("li")
    assert [li.text for li in actions] == ["Học nghề hàn", "Xin việc ở xưởng cơ khí"]
    assert work[2] == dmy(TODAY + datetime.timedelta(days=90))
    assert work[3] == dmy(TODAY + datetime.timedelta(days=30))
    assert page.find(data_testid="goal-form") is not None and page.find(data_testid="plan-form") is None

    goal = PlanGoal.objects.get(domain=PlanDomain.WORK)
    edit = client.get(url("goal_edit", goal.pk))
    assert edit.status_code == 200
    assert field_value(parse(edit), "goal") == "Có việc làm ổn định"
    response = client.post(
        url("goal_edit", goal.pk),
        {
            "status": GoalStatus.IN_PROGRESS,
            "reviewed_on": dmy(TODAY),
            "review_notes": "Đã đăng ký học nghề",
            "review_date": dmy(TODAY + datetime.timedelta(days=60)),
            "domain": PlanDomain.WORK,
            "goal": "Có việc làm ổn định",
            "actions": goal.actions,
            "target_date": dmy(TODAY + datetime.timedelta(days=90)),
            "version": field_value(parse(edit), "version"),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    row = parse(client.get(url("plan", hung.pk))).get(id=f"goal-{goal.pk}")
    assert row.attrs["data-status"] == GoalStatus.IN_PROGRESS
    assert dmy(TODAY) in row.text and "Đã đăng ký học nghề" in row.text

    response = client.post(url("plan_close", plan.pk), {"on": dmy(TODAY)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.end_date) == (PlanStatus.CLOSED, TODAY)
    page = parse(client.get(url("plan", hung.pk)))
    [closed] = page.get(data_testid="closed-plans").find_all(data_testid="closed-plan")
    assert closed.tag == "details" and dmy(LAST_MONTH) in closed.get("summary").text
    assert len(closed.find_all(data_testid="goal")) == 2
    assert closed.find(data_testid="edit-goal") is None
    assert page.find(data_testid="plan-form") is not None  # a new plan can be made


def test_closing_a_plan_needs_a_post(client, officer, plan):
    client.force_login(officer)
    assert client.get(url("plan_close", plan.pk)).status_code == 405
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_a_refused_goal_keeps_what_was_typed_with_the_error_on_its_field(client, officer, hung, plan):
    client.force_login(officer)
    response = client.post(
        url("goal_add", plan.pk),
        {
            "domain": PlanDomain.FAMILY,
            "goal": "Hòa giải với gia đình",
            "actions": "Họp gia đình\nThăm bố mẹ",
            "target_date": dmy(LAST_MONTH - datetime.timedelta(days=1)),
            "review_date": "",
        },
    )
    assert response.status_code == 400
    page = parse(response)
    assert field_errors(page, "target_date")
    assert field_value(page, "goal") == "Hòa giải với gia đình"
    assert field_value(page, "actions") == "Họp gia đình Thăm bố mẹ"
    assert field_value(page, "target_date") == dmy(LAST_MONTH - datetime.timedelta(days=1))
    assert selected(page, "domain") == PlanDomain.FAMILY
    assert not PlanGoal.objects.exists()


def test_a_refused_plan_keeps_what_was_typed(client, officer, hung):
    client.force_login(officer)
    response = client.post(
        url("plan", hung.pk), {"start_date": dmy(TODAY), "end_date": dmy(YESTERDAY), "notes": "Kế hoạch năm"}
    )
    assert response.status_code == 400
    page = parse(response)
    assert field_errors(page, "end_date")
    assert field_value(page, "start_date") == dmy(TODAY)
    assert field_value(page, "notes") == "Kế hoạch năm"
    response = client.post(url("plan", hung.pk), {"start_date": "31/02/2026", "end_date": "", "notes": ""})
    assert response.status_code == 400 and field_errors(parse(response), "start_date")
    assert not ReintegrationPlan.objects.exists()


def test_a_refused_review_keeps_what_was_typed(client, officer, plan):
    goal = services.goal_add(actor=officer, plan=plan, domain=PlanDomain.LEGAL, goal="Làm CCCD", actions="Nộp hồ sơ")
    client.force_login(officer)
    response = client.post(
        url("goal_edit", goal.pk),
        {
            "status": GoalStatus.ACHIEVED,
            "reviewed_on": dmy(TODAY),
            "review_notes": "Đã có CCCD",
            "review_date": "",
            "domain": PlanDomain.LEGAL,
            "goal": "Làm CCCD",
            "actions": "Nộp hồ sơ",
            "target_date": dmy(LAST_MONTH - datetime.timedelta(days=3)),
            "version": goal.version,
        },
    )
    assert response.status_code == 400
    page = parse(response)
    assert field_errors(page, "target_date")
    assert selected(page, "status") == GoalStatus.ACHIEVED
    assert field_value(page, "review_notes") == "Đã có CCCD"
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED


def test_goals_whose_review_date_has_come_are_marked_review_due(client, officer, hung, plan):
    due = services.goal_add(
        actor=officer, plan=plan, domain=PlanDomain.WORK, goal="Đi làm", actions="Xin việc", review_date=YESTERDAY
    )
    later = services.goal_add(
        actor=officer,
        plan=plan,
        domain=PlanDomain.WORK,
        goal="Tiết kiệm",
        actions="Mở sổ",
        review_date=TODAY + datetime.timedelta(days=7),
    )
    done = services.goal_add(
        actor=officer,
        plan=plan,
        domain=PlanDomain.FAMILY,
        goal="Về nhà",
        actions="Thăm nhà",
        review_date=YESTERDAY,
        status=GoalStatus.ACHIEVED,
    )
    client.force_login(officer)
    page = parse(client.get(url("plan", hung.pk)))
    assert page.get(id=f"goal-{due.pk}").attrs.get("data-review-due") == "true"
    assert page.get(id=f"goal-{due.pk}").find(data_testid="review-due") is not None
    for quiet in (later, done):
        assert "data-review-due" not in page.get(id=f"goal-{quiet.pk}").attrs
    summary = parse(client.get(person_page(hung))).get(data_testid="casework-plan")
    assert summary.find(data_testid="plan-review-due") is not None
    counts = {b.attrs["data-status"]: b.text for b in summary.find_all("span") if b.attrs.get("data-status")}
    assert counts[GoalStatus.NOT_STARTED].endswith(": 2") and counts[GoalStatus.ACHIEVED].endswith(": 1")


def test_plans_outside_the_scope_answer_404(client, make_user, hai_chau, officer, hung, plan):
    goal = services.goal_add(actor=officer, plan=plan, domain=PlanDomain.WORK, goal="Đi làm", actions="Xin việc")
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(url("plan", hung.pk)).status_code == 404
    assert client.post(url("goal_add", plan.pk), {"domain": "work", "goal": "x", "actions": "y"}).status_code == 404
    assert client.get(url("goal_edit", goal.pk)).status_code == 404
    assert client.post(url("plan_close", plan.pk), {"on": dmy(TODAY)}).status_code == 404
    assert client.get(url("instrument_add", hung.pk, "barc10")).status_code == 404
    assert client.get(url("plan", 999999)).status_code == 404


def test_a_volunteer_works_on_the_plan_of_the_person_assigned_to_them_only(client, volunteer, hung, lan):
    client.force_login(volunteer)
    response = client.post(url("plan", hung.pk), {"start_date": dmy(TODAY), "end_date": "", "notes": ""})
    assert response.status_code == 302
    plan = ReintegrationPlan.objects.get(person=hung)
    assert (
        client.post(
            url("goal_add", plan.pk), {"domain": "social", "goal": "Sinh hoạt câu lạc bộ", "actions": "Đi họp"}
        ).status_code
        == 302
    )
    assert client.get(url("plan", lan.pk)).status_code == 404
    assert client.get(url("instrument_add", lan.pk, "barc10")).status_code == 404


def test_who_sees_case_work_but_does_not_record_it_gets_no_form_and_403_on_writes(client, make_user, unit, hung, plan):
    auditor = make_user(Role.AUDITOR, unit("01", level=OrgUnit.Level.PROVINCE))
    client.force_login(auditor)
    page = parse(client.get(url("plan", hung.pk)))
    assert page.find(data_testid="active-plan") is not None
    for testid in ("goal-form", "close-form", "edit-goal", "plan-form"):
        assert page.find(data_testid=testid) is None, testid
    assert client.post(url("plan", hung.pk), {"start_date": dmy(TODAY)}).status_code == 403
    assert client.post(url("goal_add", plan.pk), {"domain": "work", "goal": "x", "actions": "y"}).status_code == 403
    assert client.post(url("plan_close", plan.pk), {"on": dmy(TODAY)}).status_code == 403
    assert client.get(url("instrument_add", hung.pk, "barc10")).status_code == 403


def test_an_unknown_instrument_answers_404(client, officer, hung):
    client.force_login(officer)
    assert client.get(url("instrument_add", hung.pk, "phq9")).status_code == 404
