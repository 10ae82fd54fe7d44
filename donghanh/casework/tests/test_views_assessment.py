"""The volunteer's pages as users see them: a contact, the monthly assessment and notifications.

State is built through the services. The pages use today's date, so the dates here are relative
to it: assignments and measures start 400 days ago, long enough for every month on the list to be due.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.casework.models import Contact, MonthlyAssessment, Notification, RatingLevel
from donghanh.casework.notifications import notifications_refresh
from donghanh.casework.tests.test_views_field import (
    LONG_AGO,
    THIS_MONTH,
    TODAY,
    WORKLIST,
    access_log,
    assessment_post,
    assessment_url,
    good,
    items,
    url,
    vi,
)
from donghanh.core.dates import shift_month_start
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.people.services import drug_test_add

pytestmark = pytest.mark.django_db

CONFIRMED_NEEDS_TEST = "Use confirmed by a test needs the positive test of the month linked."


@pytest.fixture
def volunteer(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Vũ Minh Tâm")


@pytest.fixture
def hung(follow, volunteer, assign_volunteer):
    """Hùng, assigned to the volunteer for 400 days."""
    person = follow("Nguyễn Văn Hùng", phone="0912345678", family_contacts="Mẹ: 0987654321")
    assign_volunteer(volunteer, person, start=LONG_AGO)
    return person


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


def test_a_bad_month_offers_this_month_keeping_where_the_user_came_from(client, volunteer, hung):
    client.force_login(volunteer)
    person_page = reverse("casework:person", args=[hung.pk])
    page = parse(client.get(url("assessment", hung), {"month": "abc", "next": person_page}))
    this_month = page.get(data_testid="assess-this-month").attrs["href"]
    assert this_month == f"{url('assessment', hung)}?{urlencode({'next': person_page})}"
    assert page.get(data_testid="bad-month-back").attrs["href"] == person_page
    assert page.get(data_testid="bad-month-back").text == vi("Back")
    foreign = parse(client.get(url("assessment", hung), {"month": "abc", "next": "https://example.com/"}))
    assert foreign.get(data_testid="assess-this-month").attrs["href"] == url("assessment", hung)
    assert foreign.get(data_testid="bad-month-back").attrs["href"] == reverse("casework:worklist")
    assert foreign.get(data_testid="bad-month-back").text == vi("Back to the work list")


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
