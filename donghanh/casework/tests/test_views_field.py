"""The volunteer's pages as users see them: who sees whom, the work list, my people, a person at a glance and the
way in from the menu.

The pages' helpers are here, and test_views_assessment imports them; `follow` is in conftest.

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
from donghanh.casework.models import Assignment, MonthlyAssessment, RatingLevel, VolunteerTeam
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.tests.pages import Node, parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=400)
THIS_MONTH = month_start(TODAY)
WORKLIST = reverse("casework:worklist")
MY_PEOPLE = reverse("casework:my_people")


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
        next_step="Đưa đi đăng ký học nghề",
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
    assert "Đưa đi đăng ký học nghề" in next_step
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


# --- the way in -----------------------------------------------------------------------------------


def test_the_menu_and_home_page_lead_to_the_work_list(client, volunteer, make_user, phu_thuong, hung):
    client.force_login(volunteer)
    home = parse(client.get(reverse("home")))
    assert home.get(data_testid="nav-worklist").attrs["href"] == WORKLIST
    assert home.get(data_testid="open-worklist").attrs["href"] == WORKLIST
    client.force_login(make_user(Role.BOARD_MEMBER, phu_thuong))
    home = parse(client.get(reverse("home")))
    assert home.find(data_testid="nav-worklist") is None and home.find(data_testid="worklist-card") is None
