"""Plans, the scored instruments and the case-work section of a person's page, as users see them.

State is built through the services; assertions read the rendered pages (elements by data-testid
and data attributes, which do not change with the language) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.choices import ContactMode, DrugUseInMonth, GoalStatus, PlanDomain, PlanStatus
from donghanh.casework.models import InstrumentRecord, MonthlyAssessment, PlanGoal, RatingLevel, ReintegrationPlan
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.tests.pages import Node, parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
THIS_MONTH = month_start(TODAY)
LAST_MONTH = shift_month_start(THIS_MONTH, -1)
ASSIST_SUBSTANCES = [
    "tobacco", "alcohol", "cannabis", "cocaine", "amphetamines", "inhalants", "sedatives", "hallucinogens", "opioids",
    "other",
]  # fmt: skip
CANNABIS_18 = {
    "q1": "yes",
    "q2": "weekly",
    "q3": "monthly",
    "q4": "once_twice",
    "q5": "never",
    "q6": "yes_past_3_months",
    "q7": "no",
}
BARC10_50 = [6, 5, 5, 4, 6, 5, 4, 6, 5, 4]


def dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def url(name: str, *args: object) -> str:
    return reverse(f"casework:{name}", args=args)


def person_page(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def access_log(person: Person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk)).order_by("pk"))


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


def checked(page: Node, name: str) -> str:
    chosen = [i.attrs.get("value") or "" for i in page.find_all("input", name=name) if "checked" in i.attrs]
    return chosen[0] if chosen else ""


def alerts(response) -> str:
    return " ".join(node.text for node in parse(response).find_all(role="alert"))


def assist_post(**substances: dict[str, str]) -> dict[str, str]:
    """The ASSIST form: Q1 "no" for every substance not given, the answers given for the others."""
    data = {"date": dmy(YESTERDAY), "injection": "no"}
    for substance in ASSIST_SUBSTANCES:
        for question, answer in substances.get(substance, {"q1": "no"}).items():
            data[f"{substance}_{question}"] = answer
    return data


def barc10_post(answers: list[int], day: datetime.date = TODAY) -> dict[str, str]:
    return {"date": dmy(day), **{f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}}


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def hung(officer, phu_thuong) -> Person:
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=TODAY - datetime.timedelta(days=400),
    )


@pytest.fixture
def lan(officer, phu_thuong) -> Person:
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Trần Thị Lan",
        sex=Sex.FEMALE,
        birth_year=1992,
        registered_on=TODAY - datetime.timedelta(days=400),
    )


@pytest.fixture
def volunteer(make_user, phu_thuong, hung, assign_volunteer):
    user = make_user(Role.VOLUNTEER, phu_thuong, full_name="Lê Thị Mai")
    assign_volunteer(user, hung)
    return user


@pytest.fixture
def health_staff(make_user, phu_thuong):
    return make_user(Role.HEALTH_STAFF, phu_thuong)


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


# --- the scored instruments ----------------------------------------------------------------------


def test_barc10_is_scored_and_shown_on_the_person_page(client, volunteer, hung):
    client.force_login(volunteer)
    form = client.get(url("instrument_add", hung.pk, "barc10"))
    assert_csp_and_no_inline_code(form, "BARC-10 form")
    radios = parse(form).find_all("input", name="item_1")
    assert [r.attrs["value"] for r in radios] == ["1", "2", "3", "4", "5", "6"]

    response = client.post(url("instrument_add", hung.pk, "barc10"), barc10_post(BARC10_50))
    assert response.status_code == 302
    assert response["Location"] == person_page(hung) + "#casework"
    record = InstrumentRecord.objects.get(person=hung)
    assert (record.instrument, record.score, record.recorded_by) == ("barc10", 50, volunteer)
    shown = client.get(response["Location"])
    assert "50/60" in alerts(shown)
    rows = parse(shown).get(data_testid="barc10-table").rows()
    assert rows == [[dmy(TODAY), "50/60", rows[0][2]]]
    assert parse(shown).get(data_testid="barc10-table").find(data_meets="true") is not None


def test_a_barc10_form_with_a_statement_unanswered_comes_back_with_the_answers_kept(client, officer, hung):
    client.force_login(officer)
    data = barc10_post(BARC10_50)
    del data["item_7"]
    response = client.post(url("instrument_add", hung.pk, "barc10"), data)
    assert response.status_code == 400
    page = parse(response)
    assert field_errors(page, "item_7")
    assert checked(page, "item_1") == "6" and checked(page, "item_10") == "4"
    assert not InstrumentRecord.objects.exists()


def test_assist_worked_example_is_scored_and_shown_to_health_staff(client, health_staff, hung):
    client.force_login(health_staff)
    form = client.get(url("instrument_add", hung.pk, "assist"))
    assert_csp_and_no_inline_code(form, "ASSIST form")
    grid = parse(form).get(data_testid="assist-grid")
    assert [row.attrs["data-assist-row"] for row in grid.find_all("tr") if "data-assist-row" in row.attrs] == (
        ASSIST_SUBSTANCES
    )
    assert grid.find("select", name="tobacco_q5") is None  # not asked for tobacco
    assert grid.find("select", name="alcohol_q5") is not None
    assert not AccessLogEntry.objects.exists()  # an empty form shows nothing recorded

    response = client.post(url("instrument_add", hung.pk, "assist"), assist_post(cannabis=CANNABIS_18))
    assert response.status_code == 302 and response["Location"] == person_page(hung) + "#casework"
    record = InstrumentRecord.objects.get(person=hung)
    assert record.score == 18 and record.scores == {"cannabis": {"score": 18, "risk": "moderate"}}
    shown = client.get(response["Location"])
    assert "18" in alerts(shown)
    table = parse(shown).get(data_testid="assist-table")
    assert [th.attrs.get("data-substance") for th in table.get("thead").find_all("th")] == [None, "cannabis"]
    [row] = table.rows()
    assert row[0] == dmy(YESTERDAY) and row[1].startswith("18")
    assert table.get("td", data_substance="cannabis").attrs["data-risk"] == "moderate"
    [entry] = access_log(hung)[-1:]
    assert "ASSIST scores" in entry.detail


def test_refused_assist_answers_are_listed_and_what_was_typed_is_kept(client, officer, hung):
    client.force_login(officer)
    data = assist_post(cannabis={"q1": "yes", "q2": "weekly", "q6": "no"}, opioids={"q1": "no", "q2": "daily"})
    response = client.post(url("instrument_add", hung.pk, "assist"), data)
    assert response.status_code == 400
    page = parse(response)
    errors = page.get(data_testid="form-errors").find_all("li")
    assert len(errors) >= 3  # cannabis Q3, Q4, Q5 and Q7 missing; opioids answered past Q1
    assert checked(page, "cannabis_q1") == "yes" and checked(page, "opioids_q1") == "no"
    assert selected(page, "cannabis_q2") == "weekly" and selected(page, "cannabis_q6") == "no"
    assert selected(page, "opioids_q2") == "daily"
    assert selected(page, "injection") == "no"
    assert not InstrumentRecord.objects.exists()


def test_assist_needs_the_right_to_record_drug_use(client, volunteer, hung):
    client.force_login(volunteer)
    assert client.get(url("instrument_add", hung.pk, "assist")).status_code == 403
    assert client.post(url("instrument_add", hung.pk, "assist"), assist_post(cannabis=CANNABIS_18)).status_code == 403
    assert not InstrumentRecord.objects.exists()


# --- the case-work section of the person's page -------------------------------------------------


def good() -> RatingLevel:
    return RatingLevel.objects.get(scale__unit__isnull=True, code="good")


def assess(actor, person, month, **fields):
    values = {
        "drug_use": DrugUseInMonth.NONE,
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        "rating": good(),
        **fields,
    }
    return services.assessment_submit(actor=actor, person=person, month=month, **values)


def fill(officer, person, contacts: int = 6, months: int = 3, instruments: int = 2) -> None:
    """Case work of every kind about `person`."""
    for n in range(contacts):
        services.contact_record(
            actor=officer,
            person=person,
            date=TODAY - datetime.timedelta(days=n),
            mode=ContactMode.HOME_VISIT,
            topics=["harms", "family"],
            next_step=f"Bước {n}",
        )
    plan = services.plan_create(actor=officer, person=person, start_date=shift_month_start(THIS_MONTH, -months))
    for domain in (PlanDomain.WORK, PlanDomain.FAMILY, PlanDomain.HEALTH):
        services.goal_add(actor=officer, plan=plan, domain=domain, goal=f"Mục tiêu {domain}", actions="Làm")
    for n in range(months):
        assess(officer, person, shift_month_start(THIS_MONTH, -n), drug_use=DrugUseInMonth.SUSPECTED if n else "none")
    for n in range(instruments):
        day = TODAY - datetime.timedelta(days=30 * n)
        services.instrument_record(
            actor=officer, person=person, instrument="barc10", date=day, answers=[4 + n % 2] * 10
        )
        services.instrument_record(
            actor=officer, person=person, instrument="assist", date=day, answers={"cannabis": CANNABIS_18}
        )


def test_the_person_page_shows_case_work_with_links(client, officer, hung, volunteer):
    fill(officer, hung)
    client.force_login(officer)
    response = client.get(person_page(hung))
    assert_csp_and_no_inline_code(response, "person page with case work")
    section = parse(response).get(id="casework")
    assert section.attrs["data-testid"] == "casework"
    links = [href for _text, href in section.links()]
    for target in (
        url("contact_add", hung.pk),
        url("person", hung.pk),
        url("plan", hung.pk),
        url("assign", hung.pk),
        url("instrument_add", hung.pk, "barc10"),
        url("instrument_add", hung.pk, "assist"),
    ):
        assert target in links, target
    assert section.get(data_testid="volunteer-name").text.startswith("Lê Thị Mai")
    contacts = section.get(data_testid="contacts").rows()
    assert len(contacts) == 5 and contacts[0][0] == dmy(TODAY)
    assessments = section.get(data_testid="assessments").rows()
    assert [row[0] for row in assessments] == [f"{shift_month_start(THIS_MONTH, -n):%m/%Y}" for n in range(3)]
    assert section.get(data_testid="assessments").find(data_drug_use="suspected") is not None
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    # The charts read the same figures from data blocks; their scripts are static files.
    barc10 = json.loads(section.get("script", id="barc10-chart-data").text)
    assert barc10["values"] == [50, 40] and barc10["threshold"] == 47
    assist = json.loads(section.get("script", id="assist-chart-data").text)
    assert [s["key"] for s in assist["series"]] == ["cannabis"] and assist["series"][0]["values"] == [18, 18]
    sources = [s.attrs.get("src") or "" for s in parse(response).find_all("script")]
    assert any(src.endswith("vendor/chartjs/chart.umd.min.js") for src in sources)
    assert any(src.endswith("casework/charts.js") for src in sources)
    [entry] = access_log(hung)
    assert entry.detail.endswith("monthly drug use, ASSIST scores")


def test_a_volunteer_sees_case_work_without_drug_use_and_leaves_no_access_log(client, officer, volunteer, hung):
    fill(officer, hung)
    client.force_login(volunteer)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="assist") is None
    assert section.find("script", id="assist-chart-data") is None
    assert section.find(data_testid="add-assist") is None
    assert section.find(data_testid="assign-volunteer") is None
    assert section.find(data_testid="log-contact") is not None
    assessments = section.get(data_testid="assessments")
    assert assessments.find(data_drug_use="suspected") is None and len(assessments.rows()[0]) == 2
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    assert access_log(hung) == []


def test_without_the_right_to_see_drug_use_nothing_of_it_is_shown_or_logged(client, make_user, unit, officer, hung):
    fill(officer, hung)
    auditor = make_user(Role.AUDITOR, unit("01", level=OrgUnit.Level.PROVINCE))
    client.force_login(auditor)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="assist") is None
    assert section.find(data_testid="log-contact") is None
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    assert access_log(hung) == []


def test_police_see_assist_scores_and_the_log_says_so_once(client, make_user, phu_thuong, officer, hung):
    fill(officer, hung, contacts=1, months=1, instruments=1)
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.get(data_testid="assist-table").get("td", data_substance="cannabis").attrs["data-risk"] == "moderate"
    [entry] = access_log(hung)
    words = entry.detail.split(", ")
    assert "ASSIST scores" in words and "monthly drug use" in words and "HIV status" not in words


def test_no_case_work_recorded_adds_nothing_to_the_access_log(client, officer, hung):
    client.force_login(officer)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="no-volunteer") is not None
    assert section.find("canvas") is None
    [entry] = access_log(hung)
    assert "ASSIST" not in entry.detail and "monthly" not in entry.detail


# Measured: session, user and roles (3), the person page's own reads (8), its access-log entry (1) and
# seven for case work (volunteer, contacts, assessments, classifications, instruments, plan, goal counts).
PERSON_PAGE_QUERIES = 20


def test_the_person_page_reads_case_work_in_a_fixed_number_of_queries(
    client, officer, hung, lan, volunteer, django_assert_max_num_queries
):
    fill(officer, hung, contacts=2, months=2, instruments=1)
    fill(officer, lan, contacts=8, months=6, instruments=5)
    client.force_login(officer)
    client.get(person_page(hung))  # warm the caches the first request fills
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES) as few:
        assert client.get(person_page(hung)).status_code == 200
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES) as many:
        assert client.get(person_page(lan)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_monthly_assessments_older_than_a_year_are_left_out(client, officer, hung):
    for n in (0, 11, 12):
        assess(officer, hung, shift_month_start(THIS_MONTH, -n))
    assert MonthlyAssessment.objects.count() == 3
    client.force_login(officer)
    rows = parse(client.get(person_page(hung))).get(data_testid="assessments").rows()
    assert [row[0] for row in rows] == [f"{shift_month_start(THIS_MONTH, -n):%m/%Y}" for n in (0, 11)]
