"""Health text of case work (`casework.health_text`): masked on pages and in the API for roles without the health
right (commune police, volunteer, auditor), shown and logged for those with it (commune officer, health staff);
writers who may not see it cannot change it.

The services use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.choices import GoalStatus, PlanDomain, Topic
from donghanh.casework.health_access import SEEN_API_HEALTH_TEXT, SEEN_HEALTH_TEXT
from donghanh.casework.models import Contact, Notification, PlanGoal
from donghanh.casework.notifications import notifications_refresh
from donghanh.casework.tests.conftest import LONG_AGO, TODAY
from donghanh.casework.tests.test_api import assess, patch
from donghanh.casework.worklist import work_list
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
MASK = "nội dung sức khỏe — không hiển thị"
NEXT_STEP = "đi xét nghiệm HIV"
CONTACT_NOTES = "Đã nói chuyện về điều trị ARV"
HEALTH_GOAL = "khám sức khỏe, xét nghiệm HIV và viêm gan"
HEALTH_ACTIONS = "Hẹn trạm y tế"
WORK_GOAL = "Có việc làm ổn định"
PLAN_NOTES = "Theo dõi sức khỏe tâm thần"
ASSESSMENT_NOTES = "Có dấu hiệu trầm cảm"
SECRETS = [NEXT_STEP, CONTACT_NOTES, HEALTH_GOAL, HEALTH_ACTIONS, PLAN_NOTES]

MASKED_ROLES = [Role.COMMUNE_POLICE, Role.VOLUNTEER, Role.AUDITOR]
READING_ROLES = [Role.COMMUNE_OFFICER, Role.HEALTH_STAFF]


def label(topic: Topic) -> str:
    with translation.override("vi"):
        return str(topic.label)


@pytest.fixture
def record(make_user, phu_thuong, assign_volunteer):
    """Hùng, with a volunteer; a contact whose next step (due yesterday) is an HIV test; a plan with a health goal
    and a work goal; an assessment with a note about depression."""
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong, username="recorder")
    hung = person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=LONG_AGO,
    )
    volunteer = make_user(Role.VOLUNTEER, phu_thuong, username="volunteer")
    assign_volunteer(volunteer, hung, LONG_AGO)
    contact = services.contact_record(
        actor=officer,
        person=hung,
        date=TODAY - 3 * DAY,
        mode="home_visit",
        topics=[Topic.HIV_PREVENTION, Topic.FAMILY],
        notes=CONTACT_NOTES,
        next_step=NEXT_STEP,
        next_step_date=TODAY - DAY,
    )
    plan = services.plan_create(actor=officer, person=hung, start_date=TODAY - 30 * DAY, notes=PLAN_NOTES)
    health_goal = services.goal_add(
        actor=officer, plan=plan, domain=PlanDomain.SOCIAL, goal=HEALTH_GOAL, actions=HEALTH_ACTIONS
    )
    work_goal = services.goal_add(actor=officer, plan=plan, domain=PlanDomain.WORK, goal=WORK_GOAL, actions="Học nghề")
    assessment = assess(officer, hung, notes=ASSESSMENT_NOTES)
    return {
        "person": hung,
        "volunteer": volunteer,
        "contact": contact,
        "plan": plan,
        "health_goal": health_goal,
        "work_goal": work_goal,
        "assessment": assessment,
    }


def reader(make_user, phu_thuong, record, role: str) -> Any:
    if role == Role.VOLUNTEER:
        return record["volunteer"]
    return make_user(role, phu_thuong, username=f"reader-{role}")


def health_logged(user, detail: str = SEEN_HEALTH_TEXT) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(user=user, detail__contains=detail))


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def page_urls(record) -> list[str]:
    person = record["person"]
    return [
        reverse("people:detail", args=[person.pk]),
        reverse("casework:person", args=[person.pk]),
        reverse("casework:plan", args=[person.pk]),
    ]


def test_the_services_mark_health_related_records(record):
    assert record["contact"].health_related
    assert record["plan"].health_related
    assert record["health_goal"].health_related
    assert not record["work_goal"].health_related
    assert record["assessment"].health_related


# --- pages ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_pages_mask_health_text_and_log_nothing(client, make_user, phu_thuong, record, role):
    user = reader(make_user, phu_thuong, record, role)
    for url in page_urls(record):
        html = page(client, user, url)
        for secret in SECRETS:
            assert secret not in html, (url, secret)
        assert MASK in html, url
        assert label(Topic.HIV_PREVENTION) not in html, url
    quick_view = page(client, user, reverse("casework:person", args=[record["person"].pk]))
    assert WORK_GOAL in quick_view  # a goal that does not concern health stays
    assert label(Topic.FAMILY) in quick_view  # and so do the other topics
    assert health_logged(user) == []


@pytest.mark.parametrize("role", READING_ROLES)
def test_pages_show_health_text_and_log_it(client, make_user, phu_thuong, record, role):
    user = reader(make_user, phu_thuong, record, role)
    person = record["person"]
    for url in page_urls(record):
        before = len(health_logged(user))
        html = page(client, user, url)
        assert MASK not in html, url
        assert len(health_logged(user)) == before + 1, url
    plan_page = page(client, user, reverse("casework:plan", args=[person.pk]))
    for text in (HEALTH_GOAL, HEALTH_ACTIONS, PLAN_NOTES, WORK_GOAL):
        assert text in plan_page
    quick_view = page(client, user, reverse("casework:person", args=[person.pk]))
    assert NEXT_STEP in quick_view and label(Topic.HIV_PREVENTION) in quick_view
    entries = health_logged(user)
    assert {(e.object_id, e.unit_id) for e in entries} == {(str(person.pk), person.unit_id)}


def test_the_work_list_and_notifications_mask_the_next_step(client, make_user, phu_thuong, record):
    volunteer, officer = record["volunteer"], make_user(Role.COMMUNE_OFFICER, phu_thuong, username="reader-officer")
    [masked] = [i for i in work_list(volunteer, TODAY) if i.kind == "follow_up"]
    assert masked.detail == str(translation.gettext("health content — not shown")) and not masked.health_text
    html = page(client, volunteer, reverse("casework:worklist"))
    assert NEXT_STEP not in html and MASK in html
    assert health_logged(volunteer) == []

    [shown] = [i for i in work_list(officer, TODAY) if i.kind == "follow_up"]
    assert shown.detail == NEXT_STEP and shown.health_text
    html = page(client, officer, reverse("casework:worklist"))
    assert NEXT_STEP in html
    assert len(health_logged(officer)) == 1

    # A notification is stored and may be mailed: the health text stays out of it, whoever it is for.
    for user in (volunteer, officer):
        notifications_refresh(user, TODAY)
        [note] = Notification.objects.filter(user=user, kind="follow_up")
        assert NEXT_STEP not in note.text and MASK in note.text


def test_the_assessment_form_hides_health_notes_and_keeps_them(client, make_user, phu_thuong, record):
    volunteer, person = record["volunteer"], record["person"]
    url = reverse("casework:assessment", args=[person.pk]) + f"?month={TODAY:%Y-%m}"
    html = page(client, volunteer, url)
    assert ASSESSMENT_NOTES not in html and MASK in html
    assessment = record["assessment"]
    data = {
        "drug_use": "none",
        "participation": assessment.participation,
        "work_status": assessment.work_status,
        "family_relations": assessment.family_relations,
        "compliance": assessment.compliance,
        "rating": assessment.rating_id,
        "notes": "",  # a field the page did not show: ignored
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assessment.refresh_from_db()
    assert assessment.notes == ASSESSMENT_NOTES and assessment.health_related

    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong, username="reader-officer")
    html = page(client, officer, url)
    assert ASSESSMENT_NOTES in html
    assert len(health_logged(officer)) == 1


# --- API -----------------------------------------------------------------------------------------------------------


def api_get(client, user, url: str) -> Any:
    client.force_login(user)
    response = client.get("/api/v1/" + url)
    assert response.status_code == 200, (url, response.content)
    return response.json()


def api_answers(client, user, record) -> dict[str, Any]:
    return {
        "contacts": api_get(client, user, "contacts/")["results"],
        "contact": api_get(client, user, f"contacts/{record['contact'].pk}/"),
        "plans": api_get(client, user, "plans/")["results"],
        "goals": api_get(client, user, "plan-goals/")["results"],
        "goal": api_get(client, user, f"plan-goals/{record['health_goal'].pk}/"),
        "assessments": api_get(client, user, "assessments/")["results"],
    }


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_the_api_masks_health_text_and_logs_nothing(client, make_user, phu_thuong, record, role):
    user = reader(make_user, phu_thuong, record, role)
    answers = api_answers(client, user, record)
    [contact] = answers["contacts"]
    assert answers["contact"] == contact
    assert contact["health_related"] is True
    assert contact["notes"] == MASK and contact["next_step"] == MASK
    assert contact["topics"] == [Topic.FAMILY]
    [plan] = answers["plans"]
    assert plan["notes"] == MASK
    goals = {g["id"]: g for g in plan["goals"]}
    assert goals == {g["id"]: g for g in answers["goals"]}
    health_goal = goals[record["health_goal"].pk]
    assert health_goal == answers["goal"]
    assert health_goal["goal"] == MASK and health_goal["actions"] == MASK
    assert goals[record["work_goal"].pk]["goal"] == WORK_GOAL
    [assessment] = answers["assessments"]
    assert assessment["notes"] == MASK
    worklist = api_get(client, user, "worklist/")
    assert all(NEXT_STEP not in item["detail"] for item in worklist)
    assert health_logged(user, "health text") == []


@pytest.mark.parametrize("role", READING_ROLES)
def test_the_api_shows_health_text_and_logs_it(client, make_user, phu_thuong, record, role):
    user = reader(make_user, phu_thuong, record, role)
    answers = api_answers(client, user, record)
    [contact] = answers["contacts"]
    assert contact["next_step"] == NEXT_STEP and contact["notes"] == CONTACT_NOTES
    assert contact["topics"] == [Topic.HIV_PREVENTION, Topic.FAMILY]
    [plan] = answers["plans"]
    assert plan["notes"] == PLAN_NOTES
    assert answers["goal"]["goal"] == HEALTH_GOAL
    assert answers["assessments"][0]["notes"] == ASSESSMENT_NOTES
    # One entry per answer (six), each naming the person.
    entries = health_logged(user, SEEN_API_HEALTH_TEXT)
    assert len(entries) == 6
    assert {e.object_id for e in entries} == {str(record["person"].pk)}
    [item] = [i for i in api_get(client, user, "worklist/") if i["kind"] == "follow_up"]
    assert item["detail"] == NEXT_STEP
    assert len(health_logged(user, SEEN_API_HEALTH_TEXT)) == 7


def test_the_schema_documents_the_mask(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    schema = client.get("/api/schema/", headers={"Accept-Language": "en"}).content.decode()
    assert "health content — not shown" in schema or "nội dung sức khỏe — không hiển thị" in schema


# --- writes --------------------------------------------------------------------------------------------------------


def test_a_volunteer_reviews_a_health_goal_without_changing_its_texts(client, record):
    volunteer, goal = record["volunteer"], record["health_goal"]
    with pytest.raises(ValidationError) as refused:
        services.goal_update(actor=volunteer, plan_goal=goal, expected_version=goal.version, goal="Đi làm")
    assert set(refused.value.message_dict) == {"goal"}
    with pytest.raises(ValidationError):
        services.goal_update(actor=volunteer, plan_goal=goal, expected_version=goal.version, domain=PlanDomain.WORK)

    # The page leaves the texts out; what it posts changes the status and the review date only.
    client.force_login(volunteer)
    url = reverse("casework:goal_edit", args=[goal.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and HEALTH_GOAL not in html and HEALTH_ACTIONS not in html and MASK in html
    response = client.post(
        url,
        {"version": goal.version, "status": GoalStatus.IN_PROGRESS, "reviewed_on": f"{TODAY:%d/%m/%Y}", "goal": "x"},
    )
    assert response.status_code == 302, response.content.decode()
    goal = PlanGoal.objects.get(pk=goal.pk)
    assert goal.status == GoalStatus.IN_PROGRESS and goal.reviewed_on == TODAY
    assert (goal.goal, goal.actions, goal.domain) == (HEALTH_GOAL, HEALTH_ACTIONS, PlanDomain.SOCIAL)

    # Through the API: the texts are refused with a message, the status goes through.
    client.force_login(volunteer)
    refused_patch = patch(client, f"plan-goals/{goal.pk}/", {"version": goal.version, "review_notes": "Đã khám"})
    assert refused_patch.status_code == 400 and "review_notes" in refused_patch.json()
    done = patch(client, f"plan-goals/{goal.pk}/", {"version": goal.version, "status": GoalStatus.ACHIEVED})
    assert done.status_code == 200, done.content
    assert done.json()["goal"] == MASK
    assert PlanGoal.objects.get(pk=goal.pk).goal == HEALTH_GOAL


def test_an_officer_changes_a_health_goal_and_the_mark_follows(record):
    officer, goal = record["plan"].created_by, record["health_goal"]
    updated = services.goal_update(
        actor=officer, plan_goal=goal, expected_version=goal.version, goal="Tham gia sinh hoạt câu lạc bộ", actions="-"
    )
    assert not updated.health_related
    updated = services.goal_update(
        actor=officer, plan_goal=updated, expected_version=updated.version, review_notes="Đã đi khám bệnh"
    )
    assert updated.health_related


def test_a_volunteer_may_write_health_text_then_sees_it_masked(client, record):
    volunteer, person = record["volunteer"], record["person"]
    contact = services.contact_record(
        actor=volunteer, person=person, date=TODAY, mode="phone", next_step="Nhắc uống thuốc ARV"
    )
    assert Contact.objects.get(pk=contact.pk).health_related
    quick_view = page(client, volunteer, reverse("casework:person", args=[person.pk]))
    assert "Nhắc uống thuốc ARV" not in quick_view
