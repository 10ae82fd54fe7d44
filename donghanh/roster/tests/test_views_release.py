"""The pages of the path out of a facility: the notice, the release, the post-rehab decision and its deadline,
the list of releases waiting for a decision, and the release section of the person page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.services import person_register
from donghanh.roster import release
from donghanh.roster.models import ReleaseNotice
from donghanh.roster.selectors import decision_due

pytestmark = pytest.mark.django_db

D = datetime.date
FACILITY = "Cơ sở cai nghiện ma túy số 2 Hà Nội"


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def officer_client(english, officer):
    english.force_login(officer)
    return english


SENT_ON = D(2025, 2, 3)
NOTICE_ON = D(2026, 2, 2)
EXPECTED_ON = D(2026, 2, 12)


def in_facility(officer, unit, name="Nguyễn Văn Hải", start=SENT_ON):
    """A person sent to compulsory rehab at FACILITY on `start`."""
    person = person_register(
        actor=officer, unit=unit, full_name=name, sex="male", birth_year=1990, registered_on=D(2024, 1, 15)
    )
    episode_open(
        actor=officer, person=person, episode_type=EpisodeType.COMPULSORY_REHAB, start_date=start, facility=FACILITY,
        decision_number="12/2025/QĐ-TA", decision_date=start,
    )  # fmt: skip
    return person


@pytest.fixture
def person(officer, phu_thuong):
    return in_facility(officer, phu_thuong)


def announce(officer, person, on=NOTICE_ON, expected=EXPECTED_ON):
    return release.release_notice_record(actor=officer, person=person, notice_date=on, expected_release_date=expected)


def field_error(page, name):
    """The messages under a field (people/_field.html marks each field's block with data-field)."""
    node = page.find(data_field=name)
    errors = [n for n in node.iter() if "invalid-feedback" in (n.attrs.get("class") or "")] if node else []
    return " ".join(e.text for e in errors)


def value(page, name):
    return page.get("input", name=name).attrs.get("value")


def detail(client, notice):
    return parse(client.get(reverse("roster:release_detail", args=[notice.pk])))


# --- the notice ----------------------------------------------------------------------------------


@time_machine.travel(D(2026, 2, 2), tick=False)
def test_the_notice_form_proposes_the_facility_and_records_the_notice(officer_client, person):
    url = reverse("roster:release_notice_add", args=[person.pk])
    page = parse(officer_client.get(url))
    assert value(page, "facility") == FACILITY
    assert value(page, "notice_date") == "02/02/2026"
    response = officer_client.post(
        url, {"notice_date": "02/02/2026", "facility": "", "expected_release_date": "12/02/2026"}
    )
    notice = ReleaseNotice.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:release_detail", args=[notice.pk])
    assert (notice.facility, notice.expected_release_date) == (FACILITY, D(2026, 2, 12))


@time_machine.travel(D(2026, 2, 2), tick=False)
def test_a_refused_notice_keeps_what_was_typed_and_names_the_field(officer_client, officer, phu_thuong, person):
    url = reverse("roster:release_notice_add", args=[person.pk])
    typed = {"notice_date": "02/02/2026", "facility": "Cơ sở Bình Minh", "expected_release_date": "01/02/2026"}
    response = officer_client.post(url, typed)
    assert response.status_code == 400
    page = parse(response)
    assert field_error(page, "expected_release_date") == "The release is expected on or after the notice."
    assert [value(page, name) for name in typed] == list(typed.values())
    # Someone with no facility measure: the facility must be named.
    home = person_register(actor=officer, unit=phu_thuong, full_name="Lê Văn Tư", sex="male", birth_year=1991)
    other = parse(
        officer_client.post(
            reverse("roster:release_notice_add", args=[home.pk]),
            {**typed, "facility": "", "expected_release_date": "12/02/2026"},
        )
    )
    assert field_error(other, "facility") == "Name the facility that sent the notice."
    garbled = parse(officer_client.post(url, {**typed, "notice_date": "2/30/2026"}))
    assert field_error(garbled, "notice_date") == "Type the date as dd/mm/yyyy."
    assert not ReleaseNotice.objects.exists()


# --- the detail page, the deadline and the three forms --------------------------------------------


@time_machine.travel(D(2026, 2, 5), tick=False)
def test_before_the_release_the_page_counts_from_the_expected_day_and_offers_the_release_form(
    officer_client, officer, person
):
    notice = announce(officer, person)
    page = detail(officer_client, notice)
    assert page.get(data_testid="notice-state").attrs["data-state"] == "notified"
    assert page.get(data_testid="due-date").text == "26/02/2026"
    assert page.find(data_testid="release-record-form") is not None
    assert page.find(data_testid="release-close-form") is not None
    assert page.find(data_testid="release-decide-form") is None
    entry = AccessLogEntry.objects.get(user=officer)
    assert (entry.detail, entry.object_id) == ("release notice", str(notice.pk))


def test_across_tet_a_release_on_12_february_2026_is_due_on_26_february(officer_client, officer, person):
    # Thursday 12/02: Friday 13 is the first working day, Tết closes 16–20/02, then 23, 24, 25, 26.
    with time_machine.travel(D(2026, 2, 12), tick=False):
        notice = announce(officer, person)
        response = officer_client.post(
            reverse("roster:release_record", args=[notice.pk]),
            {"released_on": "12/02/2026", "certificate_received_on": "12/02/2026"},
        )
        assert response["Location"] == reverse("roster:release_detail", args=[notice.pk])
    notice.refresh_from_db()
    assert decision_due(notice) == D(2026, 2, 26)
    with time_machine.travel(D(2026, 2, 26), tick=False):
        page = detail(officer_client, notice)
        assert page.get(data_testid="notice-state").attrs["data-state"] == "awaiting_decision"
        due = page.get(data_testid="decision-due")
        assert (page.get(data_testid="due-date").text, due.attrs["data-overdue"]) == ("26/02/2026", "no")
        assert page.find(data_testid="release-decide-form") is not None
        assert page.find(data_testid="release-record-form") is None
    with time_machine.travel(D(2026, 2, 27), tick=False):
        page = detail(officer_client, notice)
        assert page.get(data_testid="decision-due").attrs["data-overdue"] == "yes"
        assert "text-danger" in page.get(data_testid="due-date").attrs["class"]


def test_across_a_weekend_the_fifth_working_day_is_the_next_thursday(officer_client, officer, person):
    with time_machine.travel(D(2026, 3, 5), tick=False):  # a Thursday
        notice = announce(officer, person, on=D(2026, 3, 1), expected=D(2026, 3, 5))
        release.release_record(actor=officer, notice=notice, released_on=D(2026, 3, 5))
    with time_machine.travel(D(2026, 3, 12), tick=False):
        assert detail(officer_client, notice).get(data_testid="decision-due").attrs["data-overdue"] == "no"
    with time_machine.travel(D(2026, 3, 13), tick=False):
        page = detail(officer_client, notice)
        assert page.get(data_testid="due-date").text == "12/03/2026"
        assert page.get(data_testid="decision-due").attrs["data-overdue"] == "yes"


@time_machine.travel(D(2026, 2, 12), tick=False)
def test_a_refused_release_keeps_what_was_typed(officer_client, officer, person):
    notice = announce(officer, person)
    typed = {"released_on": "12/02/2026", "certificate_received_on": "11/02/2026"}
    response = officer_client.post(reverse("roster:release_record", args=[notice.pk]), typed)
    assert response.status_code == 400
    page = parse(response)
    assert field_error(page, "certificate_received_on") == "The certificate is received on or after the release."
    assert [value(page, name) for name in typed] == list(typed.values())
    future = parse(
        officer_client.post(reverse("roster:release_record", args=[notice.pk]), {"released_on": "13/02/2026"})
    )
    assert field_error(future, "released_on") == "The date cannot be in the future."
    notice.refresh_from_db()
    assert notice.released_on is None


@time_machine.travel(D(2026, 2, 20), tick=False)
def test_the_decision_opens_post_rehab_management_and_returns_to_the_person(officer_client, officer, person):
    notice = announce(officer, person)
    release.release_record(actor=officer, notice=notice, released_on=D(2026, 2, 12))
    url = reverse("roster:release_decide", args=[notice.pk])
    refused = officer_client.post(url, {"decision_number": "45/QĐ-UBND", "decision_date": "10/02/2026"})
    assert refused.status_code == 400
    page = parse(refused)
    assert field_error(page, "decision_date") == "The decision comes on or after the release."
    assert value(page, "decision_number") == "45/QĐ-UBND"
    response = officer_client.post(
        url, {"decision_number": "45/QĐ-UBND", "decision_date": "13/02/2026", "issuing_body": "Chủ tịch UBND phường"}
    )
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    notice.refresh_from_db()
    measure = notice.decision_episode
    assert (measure.episode_type, measure.start_date, measure.decision_number) == (
        EpisodeType.POST_REHAB_MANAGEMENT, D(2026, 2, 13), "45/QĐ-UBND",
    )  # fmt: skip
    person_page = parse(officer_client.get(response["Location"]))
    assert "Post-rehab management" in person_page.get(data_testid=f"episode-{measure.pk}").text
    [row] = person_page.get(data_testid="release-notices").find_all(data_testid="release-notice")
    assert row.attrs["data-state"] == "decided"


@time_machine.travel(D(2026, 2, 20), tick=False)
def test_a_notice_closes_without_a_decision_with_the_reason(officer_client, officer, person):
    notice = announce(officer, person)
    url = reverse("roster:release_close", args=[notice.pk])
    page = parse(officer_client.post(url, {"on": "20/02/2026", "reason": ""}))
    assert field_error(page, "reason") == "Say why no decision will be issued."
    assert value(page, "on") == "20/02/2026"
    response = officer_client.post(url, {"on": "20/02/2026", "reason": "Tòa án gia hạn thời gian cai nghiện"})
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    notice.refresh_from_db()
    assert (notice.closed_on, notice.is_pending) == (D(2026, 2, 20), False)
    closed = detail(officer_client, notice)
    assert closed.get(data_testid="notice-state").attrs["data-state"] == "closed"
    assert closed.find(data_testid="release-close-form") is None and closed.find(data_testid="decision-due") is None


# --- who may --------------------------------------------------------------------------------------


@time_machine.travel(D(2026, 2, 12), tick=False)
def test_scope_and_roles(client, make_user, officer, person, phu_thuong, hai_chau):
    notice = announce(officer, person)
    pages = [reverse("roster:release_detail", args=[notice.pk])]
    actions = [
        reverse(f"roster:{name}", args=[notice.pk]) for name in ("release_record", "release_decide", "release_close")
    ]
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert [client.get(url).status_code for url in pages] == [404]
    assert [client.post(url, {}).status_code for url in actions] == [404, 404, 404]
    assert client.get(reverse("roster:release_notice_add", args=[person.pk])).status_code == 404
    # Health staff see legal measures but do not manage them: the page, no forms, no actions.
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))
    page = parse(client.get(pages[0]))
    assert page.find(data_testid="release-record-form") is None
    assert [client.post(url, {}).status_code for url in actions] == [403, 403, 403]
    # A volunteer sees no legal history at all.
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert client.get(pages[0]).status_code == 403
    assert client.get(reverse("roster:releases")).status_code == 403
    # The commune police act on it as the officer does.
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))
    response = client.post(actions[0], {"released_on": "12/02/2026"})
    assert response.status_code == 302
    assert client.get(actions[0]).status_code == 405


# --- the list of releases waiting for a decision --------------------------------------------------


@override_settings(LIST_PAGE_SIZE=2)
def test_the_list_shows_overdue_decisions_first_then_by_deadline_one_page_at_a_time(
    officer_client, officer, phu_thuong, hai_chau, make_user
):
    with time_machine.travel(D(2026, 3, 2), tick=False):
        later = announce(
            officer, in_facility(officer, phu_thuong, "Trần Văn Ba"), on=D(2026, 3, 2), expected=D(2026, 3, 20)
        )
        soon = announce(
            officer, in_facility(officer, phu_thuong, "Lê Văn Năm"), on=D(2026, 3, 2), expected=D(2026, 3, 9)
        )
        late = announce(
            officer, in_facility(officer, phu_thuong, "Phạm Văn Tám"), on=D(2026, 2, 2), expected=D(2026, 2, 10)
        )
        other = make_user(Role.COMMUNE_OFFICER, hai_chau)
        announce(other, in_facility(other, hai_chau, "Hồ Văn Xa"), on=D(2026, 2, 2), expected=D(2026, 2, 3))
    with time_machine.travel(D(2026, 3, 10), tick=False):
        first = parse(officer_client.get(reverse("roster:releases")))
        rows = first.get(data_testid="releases").find_all(data_testid="release-row")
        assert [(r.attrs["data-notice"], r.attrs["data-overdue"]) for r in rows] == [
            (str(late.pk), "yes"), (str(soon.pk), "no"),
        ]  # fmt: skip
        assert [r.get(data_testid="release-due").text for r in rows] == ["24/02/2026", "16/03/2026"]
        second = parse(officer_client.get(reverse("roster:releases") + "?page=2", headers={"HX-Request": "true"}))
        assert [r.attrs["data-notice"] for r in second.find_all(data_testid="release-row")] == [str(later.pk)]
        assert second.find("h1") is None  # the table alone for htmx
    assert AccessLogEntry.objects.filter(user=officer, detail="release notice").count() == 3


# --- the person page ------------------------------------------------------------------------------


@time_machine.travel(D(2026, 2, 27), tick=False)
def test_the_person_page_shows_notices_with_their_deadline_and_the_buttons_the_role_allows(
    client, officer, person, make_user, phu_thuong, assign_volunteer
):
    notice = announce(officer, person)
    release.release_record(actor=officer, notice=notice, released_on=D(2026, 2, 12))
    url = reverse("people:detail", args=[person.pk])
    client.force_login(officer)
    page = parse(client.get(url))
    section = page.get(data_testid="release-section")
    [row] = section.find_all(data_testid="release-notice")
    due = row.get(data_testid="release-notice-due")
    assert ("26/02/2026" in due.text, due.attrs["data-overdue"]) == (True, "yes")
    assert row.get(data_testid="release-notice-open").attrs["href"] == reverse(
        "roster:release_detail", args=[notice.pk]
    )
    assert section.find(data_testid="release-notice-add") is None  # one pending notice at a time
    assert section.find(data_testid="relapse-report") is not None
    assert "release notices" in AccessLogEntry.objects.filter(user=officer).latest("pk").detail
    # Health staff: the notices and relapses, no notice to record; volunteers: no section at all.
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))
    health = parse(client.get(url)).get(data_testid="release-section")
    assert health.find(data_testid="release-notice") is not None and health.find(data_testid="relapse-signals-empty")
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person, start=D(2026, 2, 13))
    client.force_login(volunteer)
    volunteer_page = parse(client.get(url))
    assert volunteer_page.find(data_testid="person-name") is not None
    assert volunteer_page.find(data_testid="release-section") is None


def test_a_notice_from_before_the_decree_has_no_deadline_and_no_page_fails(officer_client, officer, phu_thuong):
    early = person_register(
        actor=officer, unit=phu_thuong, full_name="Phạm Văn Xưa", sex="male", birth_year=1985,
        registered_on=D(2020, 5, 4),
    )  # fmt: skip
    notice = release.release_notice_record(
        actor=officer, person=early, notice_date=D(2021, 4, 1), expected_release_date=D(2021, 5, 4), facility=FACILITY
    )
    assert notice.expected_release_date < D(2022, 1, 1)  # before the deadline rule is in force
    assert officer_client.get(reverse("roster:release_detail", args=[notice.pk])).status_code == 200
    releases = parse(officer_client.get(reverse("roster:releases")))
    [row] = releases.find_all(data_testid="release-row")
    assert row.attrs["data-overdue"] == "no"
    assert officer_client.get(reverse("people:detail", args=[early.pk])).status_code == 200
    assert officer_client.get(reverse("casework:worklist")).status_code == 200
    answer = officer_client.get(f"/api/v1/release-notices/{notice.pk}/")
    assert answer.status_code == 200 and answer.json()["decision_due"] is None
