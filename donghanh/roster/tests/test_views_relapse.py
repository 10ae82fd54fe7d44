"""Possible relapses: raised by a positive test or an assessment reporting use during management, reported by
the police, and confirmed (with the follow-up, a click from where it is done) or dismissed by an officer."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services as casework
from donghanh.casework.models import RatingLevel
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.services import drug_test_add, person_register
from donghanh.roster.models import RelapseSignal

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture(autouse=True)
def on_a_day():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def police(make_user, phu_thuong):
    return make_user(Role.COMMUNE_POLICE, phu_thuong)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


def register(officer, unit, name="Nguyễn Văn Hùng"):
    return person_register(
        actor=officer, unit=unit, full_name=name, sex="male", birth_year=1990, registered_on=D(2025, 1, 2)
    )


@pytest.fixture
def person(officer, phu_thuong):
    """Under post-rehab management since 05/01/2026."""
    person = register(officer, phu_thuong)
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2026, 1, 5))
    return person


TEST_DAY = D(2026, 3, 2)


def positive_test(actor, person, day=TEST_DAY):
    return drug_test_add(
        actor=actor, person=person, date=day, sample="urine", tested_by="Trạm y tế phường",
        results={"heroin": "negative", "methamphetamine": "positive"},
    )  # fmt: skip


def field_error(page, name):
    node = page.find(data_field=name)
    errors = [n for n in node.iter() if "invalid-feedback" in (n.attrs.get("class") or "")] if node else []
    return " ".join(e.text for e in errors)


def checked(page, name):
    return [n.attrs["value"] for n in page.find_all("input", name=name) if "checked" in n.attrs]


# --- where possible relapses come from ------------------------------------------------------------


def test_a_positive_test_during_post_rehab_management_raises_one(officer, person, phu_thuong):
    test = positive_test(officer, person)
    [signal] = RelapseSignal.objects.filter(person=person)
    assert (signal.source, signal.date, signal.drug_test_id, signal.state) == (
        "drug_test",
        D(2026, 3, 2),
        test.pk,
        "open",
    )
    # A negative test, or a positive one of someone under no management, raises nothing.
    drug_test_add(
        actor=officer, person=person, date=D(2026, 3, 3), sample="urine", tested_by="Trạm y tế",
        results={"heroin": "negative"},
    )  # fmt: skip
    positive_test(officer, register(officer, phu_thuong, "Lê Văn Khỏe"))
    assert RelapseSignal.objects.count() == 1


def test_an_assessment_answering_use_raises_one(officer, person):
    casework.assessment_submit(
        actor=officer, person=person, month=D(2026, 2, 1), drug_use="suspected", participation="partial",
        work_status="casual", family_relations="strained", compliance="partly",
        rating=RatingLevel.objects.get(scale__unit__isnull=True, code="good"),
    )  # fmt: skip
    [signal] = RelapseSignal.objects.filter(person=person)
    assert (signal.source, signal.assessment.month) == ("assessment", D(2026, 2, 1))


# --- the police report ----------------------------------------------------------------------------


def test_the_police_report_use_and_a_refusal_keeps_what_was_typed(english, police, person, officer, phu_thuong):
    english.force_login(police)
    url = reverse("roster:relapse_report", args=[person.pk])
    page = parse(english.get(url))
    assert page.get("input", name="date").attrs["value"] == "10/03/2026"
    missing = english.post(url, {"date": "08/03/2026", "note": ""})
    assert missing.status_code == 400
    assert field_error(parse(missing), "note") == "Say what was reported."
    not_watched = register(officer, phu_thuong, "Lê Văn Khỏe")
    typed = {"date": "08/03/2026", "note": "Bắt quả tang sử dụng ma túy đá"}
    refused = parse(english.post(reverse("roster:relapse_report", args=[not_watched.pk]), typed))
    assert field_error(refused, "date") == "The person was not under post-rehab or drug-user management on that day."
    assert refused.get("textarea", name="note").text == typed["note"]
    response = english.post(url, typed)
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    [signal] = RelapseSignal.objects.all()
    assert (signal.source, signal.note, signal.person_id) == ("police_report", typed["note"], person.pk)


def test_who_may_report(client, make_user, person, phu_thuong, hai_chau):
    url = reverse("roster:relapse_report", args=[person.pk])
    client.force_login(make_user(Role.COMMUNE_POLICE, hai_chau))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.PROVINCE_OFFICER, phu_thuong.parent))
    assert client.get(url).status_code == 403


# --- deciding -------------------------------------------------------------------------------------


def test_confirming_goes_where_the_follow_up_is_done(english, officer, person):
    signal = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    english.force_login(officer)
    url = reverse("roster:relapse_resolve", args=[signal.pk])
    page = parse(english.get(url + "?state=confirmed&follow_up=voluntary_rehab"))
    assert (checked(page, "state"), checked(page, "follow_up")) == (["confirmed"], ["voluntary_rehab"])
    links = {n.attrs["data-testid"]: n.attrs["href"] for n in page.get(data_testid="follow-ups").find_all("a")}
    assert links["follow-up-determination"] == reverse("people:determination_add", args=[person.pk])
    assert AccessLogEntry.objects.filter(user=officer, detail="possible relapses", object_id=str(signal.pk)).exists()
    # Confirmed without a follow-up: refused on that field, the choice kept.
    refused = english.post(url, {"state": "confirmed", "note": "Tái nghiện"})
    assert refused.status_code == 400
    assert field_error(parse(refused), "follow_up") == "Choose the follow-up of a confirmed relapse."
    assert checked(parse(refused), "state") == ["confirmed"]
    response = english.post(url, {"state": "confirmed", "follow_up": "voluntary_rehab", "on": "10/03/2026"})
    target = reverse("episodes:open", args=[person.pk]) + "?episode_type=voluntary_community_rehab"
    assert response["Location"] == target
    signal.refresh_from_db()
    assert (signal.state, signal.follow_up, signal.resolved_on) == ("confirmed", "voluntary_rehab", TODAY)
    # The measure form opens with the type proposed.
    open_page = parse(english.get(target))
    [chosen] = [o for o in open_page.get("select", name="episode_type").find_all("option") if "selected" in o.attrs]
    assert chosen.attrs["value"] == "voluntary_community_rehab"
    # Decided: no second decision.
    again = parse(english.get(url))
    assert again.find(data_testid="relapse-resolve-form") is None
    assert again.get(data_testid="relapse-state").attrs["data-state"] == "confirmed"


def test_dismissing_returns_to_the_person_and_the_determination_follow_up(english, officer, person):
    first = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    second = RelapseSignal.objects.get(drug_test=positive_test(officer, person, D(2026, 3, 9)))
    english.force_login(officer)
    dismissed = english.post(reverse("roster:relapse_resolve", args=[first.pk]), {"state": "dismissed"})
    assert dismissed["Location"] == reverse("people:detail", args=[person.pk])
    confirmed = english.post(
        reverse("roster:relapse_resolve", args=[second.pk]), {"state": "confirmed", "follow_up": "determination"}
    )
    assert confirmed["Location"] == reverse("people:determination_add", args=[person.pk])
    assert RelapseSignal.objects.filter(state="open").count() == 0


def test_who_may_decide(client, make_user, officer, person, phu_thuong, hai_chau):
    signal = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    url = reverse("roster:relapse_resolve", args=[signal.pk])
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))  # sees drug use, does not decide measures
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))
    assert client.post(url, {"state": "dismissed"}).status_code == 302


# --- the list and the person page -----------------------------------------------------------------


def test_the_list_shows_the_open_ones_of_the_scope(client, make_user, officer, person, phu_thuong, hai_chau):
    mine = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    other_officer = make_user(Role.COMMUNE_OFFICER, hai_chau)
    elsewhere = register(other_officer, hai_chau, "Hồ Văn Xa")
    episode_open(
        actor=other_officer, person=elsewhere, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2026, 1, 5)
    )
    positive_test(other_officer, elsewhere)
    decided = RelapseSignal.objects.get(drug_test=positive_test(officer, person, D(2026, 3, 5)))
    decided.state, decided.resolved_on = "dismissed", TODAY
    decided.save()
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    for user, can_decide in ((officer, True), (health, False)):
        client.force_login(user)
        rows = parse(client.get(reverse("roster:relapses"))).find_all(data_testid="relapse-row")
        assert [r.attrs["data-signal"] for r in rows] == [str(mine.pk)]
        assert (rows[0].find(data_testid="relapse-resolve") is not None) is can_decide
    assert AccessLogEntry.objects.filter(user=health, detail="possible relapses").count() == 1


def test_the_person_page_lists_open_ones_with_the_report_button(client, officer, police, person):
    signal = RelapseSignal.objects.get(drug_test=positive_test(officer, person))
    client.force_login(police)
    section = parse(client.get(reverse("people:detail", args=[person.pk]))).get(data_testid="release-section")
    [row] = section.find_all(data_testid="relapse-signal")
    assert (row.attrs["data-signal"], row.attrs["data-source"]) == (str(signal.pk), "drug_test")
    assert row.get(data_testid="relapse-resolve").attrs["href"] == reverse("roster:relapse_resolve", args=[signal.pk])
    report = section.get(data_testid="relapse-report")
    assert report.attrs["href"] == reverse("roster:relapse_report", args=[person.pk])
    assert "possible relapses" in AccessLogEntry.objects.filter(user=police).latest("pk").detail
