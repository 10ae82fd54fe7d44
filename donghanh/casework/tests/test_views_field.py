"""The volunteer's pages as users see them: the work list, my people, a person at a glance, a contact, the
monthly assessment and notifications.

State is built through the services. The pages use today's date, so the dates here are relative
to it: assignments and measures start 400 days ago, long enough for every month on the list to be due.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.choices import DrugUseInMonth, Topic
from donghanh.casework.models import Assignment, Contact, MonthlyAssessment, Notification, RatingLevel, VolunteerTeam
from donghanh.casework.notifications import notifications_refresh
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.tests.pages import Node, parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import drug_test_add, person_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=400)
THIS_MONTH = month_start(TODAY)
WORKLIST = reverse("casework:worklist")
MY_PEOPLE = reverse("casework:my_people")
CONFIRMED_NEEDS_TEST = "Use confirmed by a test needs the positive test of the month linked."


def vi(text: object) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(str(text)) if isinstance(text, str) else str(text)


def url(name: str, person: Person) -> str:
    return reverse(f"casework:{name}", args=[person.pk])


def assessment_url(person: Person, month: datetime.date = THIS_MONTH, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"month": f"{month:%Y-%m}", **params}.items())
    return f"{url('assessment', person)}?{query}"


def good() -> RatingLevel:
    return RatingLevel.objects.get(scale__unit__isnull=True, code="good")


def assessment_post(**fields: object) -> dict[str, object]:
    return {
        "drug_use": "none",
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        "rating": good().pk,
        "notes": "Đi làm đều.",
        **fields,
    }


def items(response) -> list[Node]:
    return parse(response).get(data_testid="worklist").find_all(data_testid="worklist-item")


def people_on(response) -> set[int]:
    return {int(node.attrs["data-person"] or 0) for node in parse(response).find_all(data_testid="my-person")}


def access_log(person: Person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk)).order_by("pk"))


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def follow(officer, phu_thuong):
    """A person of Phú Thượng under post-rehab management for 400 days."""

    def make(full_name: str = "Nguyễn Văn Hùng", **fields: object) -> Person:
        fields.setdefault("current_hamlet", "Tổ dân phố 3")
        person = person_register(
            actor=officer,
            unit=phu_thuong,
            full_name=full_name,
            sex=Sex.MALE,
            birth_year=1990,
            registered_on=LONG_AGO - datetime.timedelta(days=30),
            **fields,
        )
        episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)
        return person

    return make


@pytest.fixture
def volunteer(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Vũ Minh Tâm")


@pytest.fixture
def hung(follow, volunteer, assign_volunteer):
    """Hùng, assigned to the volunteer for 400 days."""
    person = follow("Nguyễn Văn Hùng", phone="0912345678", family_contacts="Mẹ: 0987654321")
    assign_volunteer(volunteer, person, start=LONG_AGO)
    return person


@pytest.fixture
def binh(follow):
    """Bình, followed in the same commune but not assigned to anyone."""
    return follow("Trần Văn Bình")


# --- scope: a volunteer sees the people assigned to them now ---------------------------------------


def test_a_volunteer_sees_only_the_people_assigned_to_them(client, volunteer, hung, binh):
    client.force_login(volunteer)
    assert people_on(client.get(MY_PEOPLE)) == {hung.pk}
    assert client.get(url("person", hung)).status_code == 200
    assert client.get(url("person", binh)).status_code == 404
    assert client.get(url("contact_add", binh)).status_code == 404
    assert client.get(assessment_url(binh)).status_code == 404
    worklist = items(client.get(WORKLIST))
    assert worklist, "the assigned person's assessments and contacts are due"
    assert {node.attrs["data-person"] for node in worklist} == {str(hung.pk)}


def test_a_volunteer_loses_access_when_the_assignment_ends(client, officer, volunteer, hung):
    assignment = Assignment.objects.get(person=hung, end_date__isnull=True)
    services.assignment_end(actor=officer, assignment=assignment, end_date=TODAY - datetime.timedelta(days=1))
    client.force_login(volunteer)
    assert client.get(url("person", hung)).status_code == 404
    assert client.get(url("contact_add", hung)).status_code == 404
    assert client.post(assessment_url(hung), assessment_post()).status_code == 404
    assert people_on(client.get(MY_PEOPLE)) == set()
    assert parse(client.get(MY_PEOPLE)).find(data_testid="my-people-empty") is not None
    assert items(client.get(WORKLIST)) == []
    assert parse(client.get(WORKLIST)).find(data_testid="worklist-empty") is not None
    assert not MonthlyAssessment.objects.exists()


def test_roles_without_case_work_are_refused_and_visitors_sent_to_log_in(client, make_user, phu_thuong, hung):
    assert client.get(WORKLIST).status_code == 302
    assert client.get(url("person", hung)).status_code == 302
    client.force_login(make_user(Role.BOARD_MEMBER, phu_thuong))
    for page in (WORKLIST, MY_PEOPLE, url("person", hung), url("contact_add", hung), assessment_url(hung)):
        assert client.get(page).status_code == 403, page


def test_an_auditor_sees_the_quick_view_but_may_not_record(client, make_user, unit, hung):
    client.force_login(make_user(Role.AUDITOR, unit("01", level=1)))
    page = parse(client.get(url("person", hung)))
    assert page.get(data_testid="person-name").text == "Nguyễn Văn Hùng"
    assert page.find(data_testid="log-contact") is None
    assert client.get(url("contact_add", hung)).status_code == 403


# --- the work list ------------------------------------------------------------------------------


def test_the_work_list_groups_what_is_due_and_links_to_where_it_is_done(client, volunteer, hung):
    client.force_login(volunteer)
    response = client.get(WORKLIST)
    assert_csp_and_no_inline_code(response, "work list")
    page = parse(response)
    overdue = page.get(data_testid="worklist-group-overdue").find_all(data_testid="worklist-item")
    # Never contacted for more than 30 days: late, like the months not assessed.
    assert {node.attrs["data-kind"] for node in overdue} == {"assessment_overdue", "no_contact"}
    assert "list-group-item-danger" in (overdue[0].attrs["class"] or "")
    due = page.get(data_testid="worklist-group-due").find_all(data_testid="worklist-item")
    kinds = {node.attrs["data-kind"] for node in due}
    assert "assessment_due" in kinds
    [current] = [n for n in due if f"month={THIS_MONTH:%Y-%m}" in (n.attrs["href"] or "")]
    assert "Nguyễn Văn Hùng" in current.text and f"{THIS_MONTH:%m/%Y}" in current.text
    due_date = shift_month_start(THIS_MONTH, 1) + datetime.timedelta(days=4)  # the last of the five grace days
    assert f"{due_date:%d/%m/%Y}" in current.text
    href = urlsplit(current.attrs["href"] or "")
    assert href.path == url("assessment", hung)
    assert parse_qs(href.query) == {"month": [f"{THIS_MONTH:%Y-%m}"], "next": [WORKLIST]}


@override_settings(LIST_PAGE_SIZE=2)
def test_a_long_work_list_comes_in_pages(client, volunteer, hung):
    client.force_login(volunteer)
    first = client.get(WORKLIST)
    assert len(items(first)) == 2
    assert "?page=2" in [href for _text, href in parse(first).links()]
    assert len(items(client.get(WORKLIST, {"page": 2}))) >= 1


def test_the_officers_work_list_shows_people_without_a_volunteer_and_idle_volunteers(
    client, officer, phu_thuong, hung, binh
):
    team = VolunteerTeam.objects.get(unit=phu_thuong)
    services.volunteer_add(
        actor=officer,
        team=team,
        full_name="Lê Thị Rảnh",
        sex="female",
        affiliation="womens_union",
        start_date=LONG_AGO,
    )
    client.force_login(officer)
    page = parse(client.get(WORKLIST))
    unassigned = page.get(data_testid="worklist-group-unassigned").find_all(data_testid="worklist-item")
    assert [(n.attrs["data-person"], n.attrs["href"]) for n in unassigned] == [(str(binh.pk), url("assign", binh))]
    idle = page.get(data_testid="worklist-group-idle_volunteer").find_all(data_testid="worklist-item")
    assert ["Lê Thị Rảnh" in n.text for n in idle] == [True]
    # Both people's assessments are the officer's to see to as well.
    persons = {n.attrs["data-person"] for n in items(client.get(WORKLIST)) if n.attrs["data-kind"] == "assessment_due"}
    assert persons == {str(hung.pk), str(binh.pk)}


# --- my people ----------------------------------------------------------------------------------


def test_my_people_shows_the_last_contact_and_this_months_assessment(client, volunteer, hung, follow, assign_volunteer):
    lan = follow("Phạm Thị Lan", current_hamlet="Tổ dân phố 7")
    assign_volunteer(volunteer, lan, start=LONG_AGO)
    services.contact_record(actor=volunteer, person=hung, date=TODAY, mode="phone")
    services.assessment_submit(actor=volunteer, person=hung, month=THIS_MONTH, **assessment_post(rating=good()))
    client.force_login(volunteer)
    response = client.get(MY_PEOPLE)
    assert_csp_and_no_inline_code(response, "my people")
    cards = {int(n.attrs["data-person"] or 0): n for n in parse(response).find_all(data_testid="my-person")}
    assert cards[hung.pk].get(data_testid="last-contact").text == f"{TODAY:%d/%m/%Y}"
    assert "Tổ dân phố 3" in cards[hung.pk].text
    assert cards[hung.pk].get(data_testid="assessed").find(**{"class": "badge text-bg-success"}) is not None
    assert cards[lan.pk].get(data_testid="assessed").find(**{"class": "badge text-bg-warning"}) is not None
    links = dict(cards[lan.pk].links())
    assert any(href.startswith(url("contact_add", lan)) for href in links.values())
    assert any(href.startswith(assessment_url(lan)) for href in links.values())


def test_my_people_reads_in_a_fixed_number_of_queries(
    client, volunteer, hung, follow, assign_volunteer, django_assert_max_num_queries
):
    client.force_login(volunteer)

    def load() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MY_PEOPLE).status_code == 200
        return len(queries)

    few = load()
    for n in range(4):
        person = follow(f"Người số {n}")
        assign_volunteer(volunteer, person, start=LONG_AGO)
        services.contact_record(actor=volunteer, person=person, date=TODAY, mode="phone")
    assert load() == few
    with django_assert_max_num_queries(5):  # session, user, roles, count, the page
        response = client.get(MY_PEOPLE)
    assert len(people_on(response)) == 5


def test_an_officer_sees_everyone_followed_with_their_volunteer(client, officer, hung, binh):
    client.force_login(officer)
    page = parse(client.get(MY_PEOPLE))
    assert people_on(client.get(MY_PEOPLE)) == {hung.pk, binh.pk}
    assert "Vũ Minh Tâm" in page.get(data_testid="my-people").text


# --- a person at a glance -----------------------------------------------------------------------


def test_the_quick_view_shows_basics_volunteer_next_step_and_recent_contacts(client, volunteer, hung):
    for days in range(7, 0, -1):
        services.contact_record(actor=volunteer, person=hung, date=TODAY - datetime.timedelta(days=days), mode="phone")
    services.contact_record(
        actor=volunteer,
        person=hung,
        date=TODAY,
        mode="home_visit",
        topics=["relapse_prevention"],
        next_step="Đưa đi khám tại trạm y tế",
        next_step_date=TODAY + datetime.timedelta(days=7),
    )
    client.force_login(volunteer)
    response = client.get(url("person", hung))
    assert_csp_and_no_inline_code(response, "quick view")
    page = parse(response)
    basics = page.get(data_testid="basics").text
    assert "0912345678" in basics and "Mẹ: 0987654321" in basics
    assert "Vũ Minh Tâm" in page.get(data_testid="volunteer").text
    next_step = page.get(data_testid="next-step").text
    assert "Đưa đi khám tại trạm y tế" in next_step
    assert f"{TODAY + datetime.timedelta(days=7):%d/%m/%Y}" in next_step
    contacts = page.get(data_testid="contacts").find_all(data_testid="contact")
    assert len(contacts) == 5
    assert f"{TODAY:%d/%m/%Y}" in contacts[0].text and vi(Topic.RELAPSE_PREVENTION.label) in contacts[0].text
    assert page.get(data_testid="full-record").attrs["href"] == reverse("people:detail", args=[hung.pk])
    assert page.get(data_testid="plan-link").attrs["href"] == url("plan", hung)


def test_a_volunteer_never_sees_monthly_drug_use_and_leaves_no_access_log(client, officer, volunteer, hung):
    services.assessment_submit(
        actor=officer,
        person=hung,
        month=shift_month_start(THIS_MONTH, -1),
        **assessment_post(drug_use="suspected", rating=good()),
    )
    client.force_login(volunteer)
    page = parse(client.get(url("person", hung)))
    assert len(page.get(data_testid="assessments").rows()) == 1
    assert page.find(data_testid="drug-use-column") is None
    assert vi(DrugUseInMonth.SUSPECTED.label) not in page.get(data_testid="assessments").text
    form = parse(client.get(assessment_url(hung, shift_month_start(THIS_MONTH, -1))))
    assert form.find("input", name="drug_tests") is None
    assert form.find(data_field="drug_tests") is None
    # The recorded drug-use answer is not put back in the form for someone who may not see it.
    assert [i.attrs.get("value") for i in form.find_all("input", name="drug_use") if "checked" in i.attrs] == []
    assert form.find(data_testid="correction") is not None
    assert access_log(hung) == []


def test_an_officer_sees_monthly_drug_use_and_the_view_is_logged(client, officer, hung):
    services.assessment_submit(
        actor=officer, person=hung, month=THIS_MONTH, **assessment_post(drug_use="suspected", rating=good())
    )
    client.force_login(officer)
    page = parse(client.get(url("person", hung)))
    assert page.find(data_testid="drug-use-column") is not None
    [row] = page.get(data_testid="assessments").rows()
    assert row[0] == f"{THIS_MONTH:%m/%Y}" and row[2] == vi(DrugUseInMonth.SUSPECTED.label)
    [entry] = access_log(hung)
    assert entry.detail == "monthly drug use" and entry.user == officer and entry.unit == hung.unit


# --- a contact ----------------------------------------------------------------------------------


def test_a_volunteer_logs_a_contact(client, volunteer, hung):
    client.force_login(volunteer)
    form = client.get(url("contact_add", hung))
    assert_csp_and_no_inline_code(form, "contact form")
    assert parse(form).get("input", name="date").attrs["value"] == f"{TODAY:%d/%m/%Y}"
    response = client.post(
        url("contact_add", hung),
        {
            "date": f"{TODAY:%d/%m/%Y}",
            "mode": "home_visit",
            "topics": ["harms", "family"],
            "notes": "Gia đình hợp tác.",
            "next_step": "Gọi lại",
            "next_step_date": f"{TODAY + datetime.timedelta(days=7):%d/%m/%Y}",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("person", hung)
    contact = Contact.objects.get(person=hung)
    assert (contact.mode, contact.topics, contact.next_step) == ("home_visit", ["harms", "family"], "Gọi lại")
    assert contact.volunteer is not None and contact.volunteer.user == volunteer
    assert contact.recorded_by == volunteer
    followed = client.get(response["Location"])
    assert "Gọi lại" in parse(followed).get(data_testid="next-step").text


def test_a_contact_goes_back_to_a_local_next_page_only(client, volunteer, hung):
    client.force_login(volunteer)
    data = {"date": f"{TODAY:%d/%m/%Y}", "mode": "phone"}
    back = client.post(f"{url('contact_add', hung)}?next={WORKLIST}", data)
    assert back["Location"] == WORKLIST
    elsewhere = client.post(url("contact_add", hung), {**data, "next": "https://example.com/"})
    assert elsewhere["Location"] == url("person", hung)


def test_a_refused_contact_keeps_what_was_typed(client, volunteer, hung):
    client.force_login(volunteer)
    response = client.post(
        url("contact_add", hung),
        {
            "date": f"{TODAY:%d/%m/%Y}",
            "mode": "family_meeting",
            "topics": ["legal"],
            "notes": "Bàn về giấy tờ.",
            "next_step": "Làm lại CCCD",
            "next_step_date": f"{TODAY - datetime.timedelta(days=3):%d/%m/%Y}",
        },
    )
    assert response.status_code == 400
    page = parse(response)
    errors = page.get(data_field="next_step_date").text
    assert vi("The next step cannot be before the contact.") in errors
    assert "checked" in page.get("input", name="mode", value="family_meeting").attrs
    assert "checked" in page.get("input", name="topics", value="legal").attrs
    assert "Bàn về giấy tờ." in page.get("textarea", name="notes").text
    assert page.get("input", name="next_step").attrs["value"] == "Làm lại CCCD"
    assert not Contact.objects.exists()


def test_a_contact_without_a_mode_is_refused_by_the_form(client, volunteer, hung):
    client.force_login(volunteer)
    response = client.post(url("contact_add", hung), {"date": "31/02/2025"})
    assert response.status_code == 400
    page = parse(response)
    assert page.get(data_field="mode").find(data_testid="field-error") is not None
    assert page.get(data_field="date").find(data_testid="field-error") is not None


# --- the monthly assessment ---------------------------------------------------------------------


def test_an_assessment_submitted_leaves_the_work_list(client, volunteer, hung):
    client.force_login(volunteer)
    due = [n for n in items(client.get(WORKLIST)) if f"month={THIS_MONTH:%Y-%m}" in (n.attrs["href"] or "")]
    assert len(due) == 1
    form = client.get(due[0].attrs["href"])
    assert_csp_and_no_inline_code(form, "assessment form")
    assert f"{THIS_MONTH:%m/%Y}" in parse(form).get(data_testid="assessment-month").text
    ratings = [i.attrs["value"] for i in parse(form).find_all("input", name="rating")]
    assert ratings == [str(level.pk) for level in RatingLevel.objects.filter(scale__unit__isnull=True).order_by("rank")]

    response = client.post(due[0].attrs["href"], assessment_post())
    assert response.status_code == 302 and response["Location"] == WORKLIST
    assessment = MonthlyAssessment.objects.get(person=hung, month=THIS_MONTH)
    assert (assessment.rating, assessment.assessed_by, assessment.drug_use) == (good(), volunteer, "none")
    after = client.get(WORKLIST)
    saved = vi("Assessment of %(month)s saved for %(name)s.") % {"month": f"{THIS_MONTH:%m/%Y}", "name": hung.full_name}
    assert saved in parse(after).get("main").text
    assert not [n for n in items(after) if f"month={THIS_MONTH:%Y-%m}" in (n.attrs["href"] or "")]


def test_a_second_submission_corrects_the_month(client, volunteer, hung):
    client.force_login(volunteer)
    client.post(assessment_url(hung), assessment_post())
    page = parse(client.get(assessment_url(hung)))
    assert page.find(data_testid="correction") is not None
    assert "checked" in page.get("input", name="work_status", value="casual").attrs
    assert "Đi làm đều." in page.get("textarea", name="notes").text
    client.post(assessment_url(hung), assessment_post(work_status="stable"))
    assert MonthlyAssessment.objects.get(person=hung).work_status == "stable"


def test_confirmed_drug_use_without_a_test_is_refused_and_keeps_the_input(client, volunteer, hung):
    client.force_login(volunteer)
    response = client.post(assessment_url(hung), assessment_post(drug_use="confirmed", notes="Tái sử dụng?"))
    assert response.status_code == 400
    page = parse(response)
    message = page.get(data_field="drug_use").text
    assert vi(CONFIRMED_NEEDS_TEST) in message
    assert "checked" in page.get("input", name="drug_use", value="confirmed").attrs
    assert "Tái sử dụng?" in page.get("textarea", name="notes").text
    assert not MonthlyAssessment.objects.exists()


def test_an_officer_links_the_positive_test_of_the_month(client, officer, hung):
    test = drug_test_add(
        actor=officer, person=hung, date=TODAY, sample="urine", tested_by="Trạm y tế", results={"heroin": "positive"}
    )
    client.force_login(officer)
    form = parse(client.get(assessment_url(hung)))
    boxes = form.find_all("input", name="drug_tests")
    assert [b.attrs["value"] for b in boxes] == [str(test.pk)]
    assert f"{TODAY:%d/%m/%Y}" in form.get(data_field="drug_tests").text
    assert [e.detail for e in access_log(hung)] == ["drug tests"]
    response = client.post(assessment_url(hung), assessment_post(drug_use="confirmed", drug_tests=[test.pk]))
    assert response.status_code == 302
    assessment = MonthlyAssessment.objects.get(person=hung)
    assert assessment.drug_use == "confirmed" and list(assessment.drug_tests.all()) == [test]
    # Opening the month again shows the answer and the linked test, and is logged.
    again = parse(client.get(assessment_url(hung)))
    assert "checked" in again.get("input", name="drug_use", value="confirmed").attrs
    assert "checked" in again.get("input", name="drug_tests", value=str(test.pk)).attrs
    assert access_log(hung)[-1].detail == "monthly drug use, drug tests"


@pytest.mark.parametrize("month", ["abc", "2025-13", "2025-1", "0000-01"])
def test_a_bad_month_is_a_clear_400(client, volunteer, hung, month):
    client.force_login(volunteer)
    response = client.get(f"{url('assessment', hung)}?month={month}")
    assert response.status_code == 400
    assert parse(response).get(data_testid="bad-month").text


def test_a_month_not_begun_cannot_be_assessed(client, volunteer, hung):
    client.force_login(volunteer)
    next_month = shift_month_start(THIS_MONTH, 1)
    response = client.get(assessment_url(hung, next_month))
    assert response.status_code == 400
    text = parse(response).get(data_testid="bad-month").text
    assert text == vi("A month that has not begun cannot be assessed.")
    assert client.post(assessment_url(hung, next_month), assessment_post()).status_code == 400
    assert not MonthlyAssessment.objects.exists()


def test_the_assessment_defaults_to_this_month(client, volunteer, hung):
    client.force_login(volunteer)
    assert client.post(url("assessment", hung), assessment_post()).status_code == 302
    assert MonthlyAssessment.objects.get(person=hung).month == THIS_MONTH


# --- notifications ------------------------------------------------------------------------------


def test_notifications_list_newest_first_and_open_marks_read(client, volunteer, make_user, phu_thuong, hung):
    created = notifications_refresh(volunteer, TODAY)
    assert created
    client.force_login(volunteer)
    worklist = parse(client.get(WORKLIST))
    assert worklist.get(data_testid="unread-count").text == str(len(created))
    response = client.get(reverse("casework:notifications"))
    assert_csp_and_no_inline_code(response, "notifications")
    rows = parse(response).find_all(data_testid="notification")
    assert len(rows) == len(created)
    assert all(row.attrs["data-read"] == "no" for row in rows)
    assert rows[0].find(**{"class": "fw-bold text-break"}) is not None

    notification = Notification.objects.filter(user=volunteer).order_by("-created_at", "-pk").first()
    read_url = reverse("casework:notification_read", args=[notification.pk])
    assert client.get(read_url).status_code == 405
    opened = client.post(read_url)
    assert opened.status_code == 302 and opened["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    rows = parse(client.get(reverse("casework:notifications"))).find_all(data_testid="notification")
    assert sum(row.attrs["data-read"] == "yes" for row in rows) == 1

    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert client.post(read_url).status_code == 404  # someone else's notification


def test_a_notification_pointing_elsewhere_goes_back_to_the_list(client, volunteer):
    notification = Notification.objects.create(
        user=volunteer, kind="follow_up", key="x", text="Gọi lại", url="https://example.com/"
    )
    client.force_login(volunteer)
    response = client.post(reverse("casework:notification_read", args=[notification.pk]))
    assert response["Location"] == reverse("casework:notifications")


# --- the way in -----------------------------------------------------------------------------------


def test_the_menu_and_home_page_lead_to_the_work_list(client, volunteer, make_user, phu_thuong, hung):
    client.force_login(volunteer)
    home = parse(client.get(reverse("home")))
    assert home.get(data_testid="nav-worklist").attrs["href"] == WORKLIST
    assert home.get(data_testid="open-worklist").attrs["href"] == WORKLIST
    client.force_login(make_user(Role.BOARD_MEMBER, phu_thuong))
    home = parse(client.get(reverse("home")))
    assert home.find(data_testid="nav-worklist") is None and home.find(data_testid="worklist-card") is None
