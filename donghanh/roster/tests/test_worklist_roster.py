"""The roster's lifecycle on the work list: post-rehab decisions due after a release, possible relapses, moves
between communes; people who died have nothing due; a fixed number of queries whatever the number of people."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.casework import services as casework
from donghanh.casework.notifications import notifications_refresh
from donghanh.casework.worklist import work_list
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.models import Person
from donghanh.people.services import drug_test_add, person_register
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record
from donghanh.roster import release, transfers
from donghanh.roster.death import death_record
from donghanh.roster.models import RelapseSignal
from donghanh.roster.selectors import decision_due
from donghanh.support import services as support

pytestmark = pytest.mark.django_db

D = datetime.date
FACILITY = "Cơ sở cai nghiện ma túy số 2 Hà Nội"
ROSTER_KINDS = {"release_decision", "possible_relapse", "transfer_to_answer", "transfer_waiting"}


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


def register(officer, unit, name):
    return person_register(
        actor=officer, unit=unit, full_name=name, sex="male", birth_year=1990, registered_on=D(2024, 1, 15)
    )


def in_facility(officer, unit, name="Nguyễn Văn Hải"):
    person = register(officer, unit, name)
    episode_open(
        actor=officer, person=person, episode_type=EpisodeType.COMPULSORY_REHAB, start_date=D(2025, 2, 3),
        facility=FACILITY, decision_number="12/2025/QĐ-TA", decision_date=D(2025, 2, 3),
    )  # fmt: skip
    return person


MANAGED_FROM = D(2026, 1, 5)
TEST_DAY = D(2026, 3, 2)


def post_rehab(officer, unit, name="Trần Văn Bình", start=MANAGED_FROM):
    person = register(officer, unit, name)
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=start)
    return person


def positive_test(actor, person, day=TEST_DAY):
    return drug_test_add(
        actor=actor, person=person, date=day, sample="urine", tested_by="Trạm y tế phường",
        results={"methamphetamine": "positive"},
    )  # fmt: skip


def roster_items(user, today):
    return [i for i in work_list(user, today) if i.kind in ROSTER_KINDS]


# --- post-rehab decisions -------------------------------------------------------------------------


def test_the_decision_is_due_from_the_notice_on_for_the_officer_and_the_police(officer, make_user, phu_thuong):
    person = in_facility(officer, phu_thuong)
    with time_machine.travel(D(2026, 2, 2), tick=False):
        notice = release.release_notice_record(
            actor=officer, person=person, notice_date=D(2026, 2, 2), expected_release_date=D(2026, 2, 12)
        )
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    for user in (officer, police):
        [item] = roster_items(user, D(2026, 2, 2))
        assert (item.kind, item.person_id, item.due_date, item.late) == (
            "release_decision", person.pk, D(2026, 2, 26), False,
        )  # fmt: skip
        assert item.url == reverse("roster:release_detail", args=[notice.pk])
    # Those who do not decide measures have nothing of it.
    for role in (Role.HEALTH_STAFF, Role.VOLUNTEER):
        assert roster_items(make_user(role, phu_thuong), D(2026, 2, 2)) == []
    assert roster_items(make_user(Role.PROVINCE_OFFICER, phu_thuong.parent), D(2026, 2, 2)) == []


def test_across_tet_the_decision_is_late_after_26_february_then_leaves_the_list(client, officer, phu_thuong):
    person = in_facility(officer, phu_thuong)
    with time_machine.travel(D(2026, 2, 12), tick=False):
        notice = release.release_notice_record(
            actor=officer, person=person, notice_date=D(2026, 2, 2), expected_release_date=D(2026, 2, 12)
        )
        release.release_record(actor=officer, notice=notice, released_on=D(2026, 2, 12))
    [item] = roster_items(officer, D(2026, 2, 26))
    assert (
        (item.due_date, item.late, item.overdue)
        == (D(2026, 2, 26), False, False)
        == (decision_due(notice), False, False)
    )
    [late] = roster_items(officer, D(2026, 2, 27))
    assert (late.late, late.overdue) == (True, True)
    client.force_login(officer)
    with time_machine.travel(D(2026, 2, 27), tick=False):
        page = parse(client.get(reverse("casework:worklist")))
        overdue = page.get(data_testid="worklist-group-overdue").find_all(data_testid="worklist-item")
        assert [(i.attrs["data-kind"], i.attrs["href"]) for i in overdue] == [
            ("release_decision", reverse("roster:release_detail", args=[notice.pk]))
        ]
        release.release_decide(actor=officer, notice=notice, decision_number="45/QĐ-UBND", decision_date=D(2026, 2, 27))
    assert roster_items(officer, D(2026, 2, 27)) == []


# --- possible relapses ----------------------------------------------------------------------------


def test_an_open_possible_relapse_is_on_the_deciders_lists_with_the_choices_a_click_away(
    client, officer, make_user, phu_thuong
):
    person = post_rehab(officer, phu_thuong)
    with time_machine.travel(D(2026, 3, 10), tick=False):
        signal = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    [item] = roster_items(officer, D(2026, 3, 10))
    url = reverse("roster:relapse_resolve", args=[signal.pk])
    assert (item.kind, item.url, item.due_date, item.person_id) == ("possible_relapse", url, None, person.pk)
    assert [href for _label, href in item.actions] == [
        f"{url}?state=confirmed&follow_up=determination",
        f"{url}?state=confirmed&follow_up=voluntary_rehab",
        f"{url}?state=confirmed&follow_up=compulsory_proposal",
        f"{url}?state=dismissed",
    ]
    assert roster_items(make_user(Role.HEALTH_STAFF, phu_thuong), D(2026, 3, 10)) == []
    client.force_login(officer)
    with time_machine.travel(D(2026, 3, 10), tick=False):
        page = parse(client.get(reverse("casework:worklist")))
        actions = page.get(data_testid="worklist-actions", data_key=item.key).find_all(data_testid="worklist-action")
        assert [a.attrs["href"] for a in actions] == [href for _label, href in item.actions]
        api = client.get("/api/v1/worklist/").json()
        [listed] = [i for i in api if i["kind"] == "possible_relapse"]
        assert [a["url"] for a in listed["actions"]] == [href for _label, href in item.actions]
        notifications_refresh(officer, D(2026, 3, 10))
        assert officer.notifications.get(kind="possible_relapse").url == url
        client.post(url, {"state": "dismissed"})
    assert roster_items(officer, D(2026, 3, 10)) == []


# --- moves between communes -----------------------------------------------------------------------


def test_a_pending_move_is_on_both_communes_lists(officer, make_user, phu_thuong, hai_chau, settings):
    settings.ROSTER_TRANSFER_ANSWER_DAYS = 7
    person = post_rehab(officer, phu_thuong)
    receiving = make_user(Role.COMMUNE_OFFICER, hai_chau)
    with time_machine.travel(D(2026, 3, 2), tick=False):
        transfers.transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2026, 3, 1))
    [waiting] = roster_items(officer, D(2026, 3, 10))
    [to_answer] = roster_items(receiving, D(2026, 3, 10))
    assert (waiting.kind, waiting.late, waiting.due_date) == ("transfer_waiting", False, D(2026, 3, 9))
    assert (to_answer.kind, to_answer.late, to_answer.due_date) == ("transfer_to_answer", True, D(2026, 3, 9))
    assert to_answer.person_id == person.pk and "Hải Châu" in to_answer.detail
    assert roster_items(receiving, D(2026, 3, 9))[0].late is False
    assert roster_items(make_user(Role.HEALTH_STAFF, phu_thuong), D(2026, 3, 10)) == []


# --- people who died ------------------------------------------------------------------------------


def test_a_person_who_died_has_nothing_due_on_any_list(officer, make_user, phu_thuong, hai_chau):
    """Every source leaves them out, even when a death was written without closing what it should (an import)."""
    today = D(2026, 3, 10)
    with time_machine.travel(today, tick=False):
        followed = post_rehab(officer, phu_thuong, "Trần Văn Bình", start=D(2025, 3, 20))  # ends within 30 days
        positive_test(officer, followed)
        casework.contact_record(
            actor=officer, person=followed, date=D(2026, 1, 20), mode="home_visit", next_step="Thăm lại",
            next_step_date=D(2026, 2, 1),
        )  # fmt: skip
        clinic = support.partner_add(
            actor=officer, unit=phu_thuong, name="Cơ sở Methadone Tây Hồ", kind="methadone_clinic",
            offers_treatment=True,
        )  # fmt: skip
        consent_record(
            actor=officer, person=followed, purpose=Purpose.REFERRAL_SHARING, given_on=D(2026, 1, 5),
            method="signed_form", form_number="01/ĐY-2026", given_by="person",
        )  # fmt: skip
        support.referral_send(
            actor=officer, person=followed, partner=clinic, kind="methadone", reason="Điều trị", sent_on=D(2026, 1, 5)
        )
        leaving = in_facility(officer, phu_thuong, "Nguyễn Văn Hải")
        release.release_notice_record(
            actor=officer, person=leaving, notice_date=D(2026, 3, 2), expected_release_date=D(2026, 3, 12)
        )
        moving = post_rehab(officer, phu_thuong, "Lê Văn Cường")
        transfers.transfer_propose(actor=officer, person=moving, to_unit=hai_chau, move_date=D(2026, 3, 1))
    before = {i.person_id for i in work_list(officer, today)}
    kinds = {i.kind for i in work_list(officer, today)}
    assert {followed.pk, leaving.pk, moving.pk} <= before
    assert {"assessment_overdue", "no_contact", "follow_up", "referral_overdue", "episode_ending"} <= kinds
    assert {"release_decision", "possible_relapse", "transfer_waiting"} <= kinds
    Person.objects.filter(pk__in=[followed.pk, leaving.pk, moving.pk]).update(died_on=D(2026, 3, 5))
    assert work_list(officer, today) == []
    assert [i for i in work_list(make_user(Role.COMMUNE_OFFICER, hai_chau), today) if i.person_id] == []


def test_a_death_recorded_takes_everything_of_the_person_off_the_list(officer, phu_thuong):
    with time_machine.travel(D(2026, 3, 10), tick=False):
        person = in_facility(officer, phu_thuong)
        release.release_notice_record(
            actor=officer, person=person, notice_date=D(2026, 3, 2), expected_release_date=D(2026, 3, 12)
        )
        assert [i.kind for i in roster_items(officer, D(2026, 3, 10))] == ["release_decision"]
        death_record(actor=officer, person=person, died_on=D(2026, 3, 8), source="family")
    assert [i for i in work_list(officer, D(2026, 3, 10)) if i.person_id == person.pk] == []


# --- cost -----------------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_two_people_or_six(officer, make_user, phu_thuong, hai_chau):
    receiving = make_user(Role.COMMUNE_OFFICER, hai_chau)

    added = iter(range(100))

    def add(n):
        with time_machine.travel(D(2026, 3, 10), tick=False):
            for _ in range(n):
                i = next(added)
                leaving = in_facility(officer, phu_thuong, f"Người rời cơ sở {i}")
                release.release_notice_record(
                    actor=officer, person=leaving, notice_date=D(2026, 3, 2), expected_release_date=D(2026, 3, 12)
                )
                watched = post_rehab(officer, phu_thuong, f"Người theo dõi {i}")
                positive_test(officer, watched)
                transfers.transfer_propose(actor=officer, person=watched, to_unit=hai_chau, move_date=D(2026, 3, 9))

    def count(user):
        with CaptureQueriesContext(connection) as queries:
            items = roster_items(user, D(2026, 3, 10))
        return len(queries), len(items)

    count(receiving)  # the user's scope is read once, then kept
    add(1)
    few = count(officer), count(receiving)
    add(3)
    many = count(officer), count(receiving)
    assert (few[0][1], many[0][1], few[1][1], many[1][1]) == (3, 12, 1, 4)
    assert (few[0][0], few[1][0]) == (many[0][0], many[1][0])


def test_the_deadlines_read_in_bulk_are_those_of_the_rules_one_by_one():
    from donghanh.roster.dues import decision_dues, overdue_cutoff
    from donghanh.roster.models import ReleaseNotice

    days = [D(2025, 12, 20) + datetime.timedelta(days=n) for n in range(120)]  # New Year, Tết, weekends
    notices = [ReleaseNotice(pk=n, notice_date=day, expected_release_date=day) for n, day in enumerate(days, 1)]
    bulk = decision_dues(notices)
    assert [bulk[n.pk] for n in notices] == [decision_due(n) for n in notices]
    for today in days[30:]:
        cutoff = overdue_cutoff(today)
        assert decision_due(ReleaseNotice(expected_release_date=cutoff)) < today
        assert decision_due(ReleaseNotice(expected_release_date=cutoff + datetime.timedelta(days=1))) >= today
