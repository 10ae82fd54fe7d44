"""API: referrals through their closed loop, treatment follow-ups, who sees which, the access log, and the schema.

The services use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.dates import add_months_civil
from donghanh.support import services
from donghanh.support.api.referrals import FOLLOW_UP_DETAIL, REFERRAL_DETAIL
from donghanh.support.models import AdherenceFollowUp, Referral
from donghanh.support.tests.helpers import register

pytestmark = pytest.mark.django_db

API = "/api/v1/"
REFERRALS = API + "referrals/"
FOLLOW_UPS = API + "follow-ups/"
TODAY = timezone.localdate()
SENT = TODAY - datetime.timedelta(days=60)
LONG_AGO = TODAY - datetime.timedelta(days=400)
THIS_MONTH = TODAY.replace(day=1)
ENGLISH = {"Accept-Language": "en"}


def send(actor, person, partner, kind="methadone", on=SENT) -> Referral:
    return services.referral_send(
        actor=actor, person=person, partner=partner, kind=kind, reason="Điều trị thay thế", sent_on=on
    )


def accepted(actor, referral, on=SENT) -> Referral:
    return services.referral_change(actor=actor, referral=referral, status="accepted", on=on)


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers or None)


def get(client, url, params=None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.content)
    return response.json()


def ids(body) -> list[int]:
    return [row["id"] for row in body["results"]]


def logged(person, detail=REFERRAL_DETAIL):
    return AccessLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person", detail=detail)


# --- the loop --------------------------------------------------------------------------------------


def test_a_referral_is_sent_accepted_and_completed_with_every_change_returned(api, officer, person, clinic):
    sent = post(
        api,
        REFERRALS,
        {"person": person.pk, "partner": clinic.pk, "kind": "methadone", "reason": "Điều trị thay thế",
         "sent_on": SENT.isoformat()},
    )  # fmt: skip
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body == {
        **body,
        "person": person.pk,
        "person_code": person.code,
        "partner": clinic.pk,
        "partner_name": "Cơ sở Methadone Tây Hồ",
        "kind": "methadone",
        "referred_by": officer.username,
        "status": "sent",
        "status_on": SENT.isoformat(),
        "is_open": True,
        "events": [{"status": "sent", "on": SENT.isoformat(), "by": officer.username, "note": ""}],
    }
    change = f"{REFERRALS}{body['id']}/change/"
    later = SENT + datetime.timedelta(days=5)
    moved = post(api, change, {"status": "accepted", "on": later.isoformat()})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["status"], moved.json()["status_on"], moved.json()["is_open"]) == (
        "accepted", later.isoformat(), True,
    )  # fmt: skip
    done = post(api, change, {"status": "completed", "on": TODAY.isoformat(), "note": "Ổn định"}).json()
    assert (done["status"], done["is_open"]) == ("completed", False)
    assert done["events"] == [
        {"status": "sent", "on": SENT.isoformat(), "by": officer.username, "note": ""},
        {"status": "accepted", "on": later.isoformat(), "by": officer.username, "note": ""},
        {"status": "completed", "on": TODAY.isoformat(), "by": officer.username, "note": "Ổn định"},
    ]
    assert api.get(f"{REFERRALS}{body['id']}/").json() == done


def test_an_illegal_change_is_refused_with_the_service_s_message(api, officer, person, clinic):
    referral = send(officer, person, clinic)
    change = f"{REFERRALS}{referral.pk}/change/"
    skipped = post(api, change, {"status": "completed", "on": TODAY.isoformat()}, **ENGLISH)
    assert skipped.status_code == 400
    assert skipped.json() == {"status": ["A referral that is sent can become: accepted, declined, lost to follow-up."]}
    early = post(api, change, {"status": "accepted", "on": (SENT - datetime.timedelta(days=1)).isoformat()}, **ENGLISH)
    assert early.json() == {"on": [f"The change cannot be before the last one ({SENT:%d/%m/%Y})."]}
    future = post(api, change, {"status": "accepted", "on": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and future.json().keys() == {"on"}
    assert post(api, change, {"status": "forgotten", "on": TODAY.isoformat()}).status_code == 400
    assert post(api, change, {"status": "declined", "on": TODAY.isoformat()}).status_code == 200
    final = post(api, change, {"status": "accepted", "on": TODAY.isoformat()}, **ENGLISH)
    assert final.json() == {"status": ["The referral is already declined; it cannot change any more."]}
    assert referral.events.count() == 2


def test_sending_is_checked_by_the_service_and_the_scope(api, officer, person, clinic, make_user, hai_chau, client):
    data = {"person": person.pk, "partner": clinic.pk, "kind": "methadone", "reason": "Điều trị", "sent_on": TODAY}
    future = post(api, REFERRALS, {**data, "sent_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, **ENGLISH)
    assert future.json() == {"sent_on": ["The date cannot be in the future."]}
    assert post(api, REFERRALS, {**data, "reason": " "}, **ENGLISH).json() == {
        "reason": ["Say why the person is referred."]
    }
    elsewhere = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far_person = register(elsewhere, hai_chau, "Phan Văn Hải")
    far_partner = services.partner_add(actor=elsewhere, unit=hai_chau, name="Phòng khám Hải Châu", kind="ngo")
    outside = post(api, REFERRALS, {**data, "person": far_person.pk})
    assert outside.status_code == 400 and outside.json().keys() == {"person"}
    outside = post(api, REFERRALS, {**data, "partner": far_partner.pk})
    assert outside.status_code == 400 and outside.json().keys() == {"partner"}
    far = send(elsewhere, far_person, far_partner, kind="employment")
    assert api.get(f"{REFERRALS}{far.pk}/").status_code == 404
    assert post(api, f"{REFERRALS}{far.pk}/change/", {"status": "accepted", "on": TODAY}).status_code == 404
    # The police send referrals, but not for HIV care; a volunteer sends none.
    client.force_login(make_user(Role.COMMUNE_POLICE, person.unit))
    assert post(client, REFERRALS, {**data, "kind": "hiv_treatment"}).status_code == 403
    assert post(client, REFERRALS, data).status_code == 201
    client.force_login(make_user(Role.VOLUNTEER, person.unit))
    assert post(client, REFERRALS, {**data, "kind": "employment"}).status_code == 403
    assert Referral.objects.count() == 2


# --- follow-ups ---------------------------------------------------------------------------------------


def test_treatment_is_followed_through_the_referral_and_listed(api, officer, person, clinic, employer, phu_thuong):
    referral = send(officer, person, clinic)
    url = f"{REFERRALS}{referral.pk}/follow-ups/"
    month = {"month": f"{THIS_MONTH:%Y-%m}", "attendance": "regular", "source": "clinic"}
    early = post(api, url, month, **ENGLISH)
    assert early.json() == {"month": ["Follow a referral from the month the treatment was accepted."]}
    accepted(officer, referral)
    recorded = post(api, url, month)
    assert recorded.status_code == 201, recorded.content
    assert recorded.json() == {
        "id": recorded.json()["id"],
        "referral": referral.pk,
        "person": person.pk,
        "person_code": person.code,
        "month": f"{THIS_MONTH:%Y-%m}",
        "attendance": "regular",
        "source": "clinic",
        "note": "",
        "recorded_by": officer.username,
    }
    corrected = post(api, url, {**month, "attendance": "irregular", "source": "family", "note": "Bỏ 3 buổi"})
    assert corrected.json()["id"] == recorded.json()["id"] and corrected.json()["attendance"] == "irregular"
    last_month = add_months_civil(THIS_MONTH, -1)
    post(api, url, {**month, "month": f"{last_month:%Y-%m}", "attendance": "regular"})
    assert [(f["month"], f["attendance"]) for f in get(api, url)] == [
        (f"{THIS_MONTH:%Y-%m}", "irregular"),
        (f"{last_month:%Y-%m}", "regular"),
    ]
    assert post(api, url, {**month, "month": "03/2025"}).status_code == 400
    next_month = add_months_civil(THIS_MONTH, 1)
    assert post(api, url, {**month, "month": f"{next_month:%Y-%m}"}).json().keys() == {"month"}
    job = accepted(officer, send(officer, person, employer, kind="employment"))
    not_treatment = post(api, f"{REFERRALS}{job.pk}/follow-ups/", month, **ENGLISH)
    assert not_treatment.json() == {"non_field_errors": ["Only treatment referrals are followed month by month."]}

    # The top-level list, filtered.
    other = register(officer, phu_thuong, "Trần Văn Nam", 1991)
    theirs = accepted(officer, send(officer, other, clinic))
    services.follow_up_record(actor=officer, referral=theirs, month=last_month, attendance="stopped", source="person")
    assert len(get(api, FOLLOW_UPS)["results"]) == 3
    assert [f["attendance"] for f in get(api, FOLLOW_UPS, {"referral": theirs.pk})["results"]] == ["stopped"]
    assert [f["referral"] for f in get(api, FOLLOW_UPS, {"person": person.pk})["results"]] == [referral.pk] * 2
    only_last = get(api, FOLLOW_UPS, {"month_from": f"{last_month:%Y-%m}", "month_to": f"{last_month:%Y-%m}"})
    assert sorted(f["attendance"] for f in only_last["results"]) == ["regular", "stopped"]
    assert get(api, FOLLOW_UPS, {"month_from": f"{next_month:%Y-%m}"})["count"] == 0
    assert api.get(FOLLOW_UPS, {"month_from": "May 2025"}).status_code == 400
    assert api.get(f"{FOLLOW_UPS}{recorded.json()['id']}/").json()["attendance"] == "irregular"


def test_follow_ups_are_read_by_read_only_roles_and_written_by_recording_ones(
    client, officer, person, clinic, make_user, unit
):
    referral = accepted(officer, send(officer, person, clinic))
    services.follow_up_record(actor=officer, referral=referral, month=THIS_MONTH, attendance="regular", source="clinic")
    url = f"{REFERRALS}{referral.pk}/follow-ups/"
    client.force_login(make_user(Role.PROVINCE_OFFICER, unit("01", level=1)))  # sees drug use, records nothing
    assert len(get(client, url)) == 1
    assert get(client, FOLLOW_UPS)["count"] == 1
    month = {"month": f"{THIS_MONTH:%Y-%m}", "attendance": "stopped", "source": "person"}
    assert post(client, url, month).status_code == 403
    assert AdherenceFollowUp.objects.get().attendance == "regular"


# --- who sees which, and the access log ------------------------------------------------------------


@pytest.fixture
def referrals(officer, person, clinic, employer, make_user, phu_thuong):
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    methadone = accepted(officer, send(officer, person, clinic))
    hiv = accepted(health, send(health, person, clinic, kind="hiv_treatment"))
    for referral in (methadone, hiv):
        services.follow_up_record(
            actor=officer, referral=referral, month=THIS_MONTH, attendance="regular", source="clinic"
        )
    job = send(officer, person, employer, kind="employment")
    return {"methadone": methadone, "hiv": hiv, "job": job, "health": health}


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (Role.COMMUNE_OFFICER, {"methadone", "hiv", "job"}),
        (Role.HEALTH_STAFF, {"methadone", "hiv", "job"}),
        (Role.COMMUNE_POLICE, {"methadone", "job"}),  # no HIV status for the police
        (Role.VOLUNTEER, {"job"}),  # nothing sensitive for a volunteer, even about their own person
        (Role.AUDITOR, {"job"}),  # reads support, not health or drug use
    ],
)
def test_health_and_drug_treatment_referrals_are_shown_only_to_roles_that_may(
    client, person, referrals, make_user, phu_thuong, assign_volunteer, role, seen
):
    user = make_user(role, phu_thuong)
    if role == Role.VOLUNTEER:
        assign_volunteer(user, person)
    client.force_login(user)
    shown = {referral["kind"].replace("_treatment", "").replace("employment", "job") for referral in
             get(client, REFERRALS)["results"]}  # fmt: skip
    assert shown == seen
    for name in ("methadone", "hiv", "job"):
        expected = 200 if name in seen else 404
        assert client.get(f"{REFERRALS}{referrals[name].pk}/").status_code == expected, name
        assert client.get(f"{REFERRALS}{referrals[name].pk}/follow-ups/").status_code == expected, name
    follow_ups = {row["referral"] for row in get(client, FOLLOW_UPS)["results"]}
    assert follow_ups == {referrals[name].pk for name in seen if name != "job"}
    # One entry per person shown with a sensitive referral (the list, then each one shown), none otherwise.
    sensitive = seen - {"job"}
    assert logged(person).filter(user=user).count() == (1 + len(sensitive) if sensitive else 0)
    assert logged(person, FOLLOW_UP_DETAIL).filter(user=user).exists() is bool(sensitive)


def test_a_page_of_referrals_logs_each_person_once(api, officer, person, clinic, employer, phu_thuong, referrals):
    other = register(officer, phu_thuong, "Trần Văn Nam", 1991)
    send(officer, other, employer, kind="employment")  # nothing sensitive about Nam
    get(api, REFERRALS)
    assert logged(person).count() == 1
    assert not logged(other).exists()
    get(api, REFERRALS, {"kind": "employment"})
    assert logged(person).count() == 1  # only the employment referrals were shown
    api.get(f"{REFERRALS}{referrals['job'].pk}/")
    assert logged(person).count() == 1
    api.get(f"{REFERRALS}{referrals['hiv'].pk}/")
    assert logged(person).count() == 2
    get(api, FOLLOW_UPS)
    assert logged(person, FOLLOW_UP_DETAIL).count() == 1


# --- filters -------------------------------------------------------------------------------------------


def test_referrals_are_filtered_by_person_partner_kind_status_openness_and_dates(
    api, officer, person, clinic, employer, phu_thuong
):
    other = register(officer, phu_thuong, "Trần Văn Nam", 1991)
    old = send(officer, person, employer, kind="employment", on=LONG_AGO)
    services.referral_change(actor=officer, referral=old, status="lost", on=SENT)
    methadone = accepted(officer, send(officer, person, clinic))
    training = send(officer, other, employer, kind="training", on=TODAY)
    assert ids(get(api, REFERRALS)) == [training.pk, methadone.pk, old.pk]
    assert ids(get(api, REFERRALS, {"person": person.pk})) == [methadone.pk, old.pk]
    assert ids(get(api, REFERRALS, {"partner": employer.pk})) == [training.pk, old.pk]
    assert ids(get(api, REFERRALS, {"kind": "methadone"})) == [methadone.pk]
    assert ids(get(api, REFERRALS, {"status": "lost"})) == [old.pk]
    assert ids(get(api, REFERRALS, {"open": "true"})) == [training.pk, methadone.pk]
    assert ids(get(api, REFERRALS, {"open": "false"})) == [old.pk]
    assert ids(get(api, REFERRALS, {"sent_from": SENT.isoformat()})) == [training.pk, methadone.pk]
    assert ids(get(api, REFERRALS, {"sent_from": SENT.isoformat(), "sent_to": SENT.isoformat()})) == [methadone.pk]
    assert ids(get(api, REFERRALS, {"sent_to": (SENT - datetime.timedelta(days=1)).isoformat()})) == [old.pk]
    assert api.get(REFERRALS, {"status": "forgotten"}).status_code == 400
    assert api.get(REFERRALS, {"sent_to": "31/02/2025"}).status_code == 400


# --- query counts ----------------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


# Session, user, grants, count, page, one access-log insert; and for referrals their changes (with their authors).
LIST_QUERIES = {REFERRALS: 7, FOLLOW_UPS: 6}


def person_in_treatment(officer, unit, clinic, employer, n: int) -> Referral:
    someone = register(officer, unit, f"Người {n}", 1980 + n)
    referral = accepted(officer, send(officer, someone, clinic))
    services.follow_up_record(actor=officer, referral=referral, month=THIS_MONTH, attendance="regular", source="clinic")
    services.referral_change(actor=officer, referral=send(officer, someone, employer, kind="employment"),
                             status="declined", on=TODAY)  # fmt: skip
    return referral


@pytest.mark.parametrize("url", list(LIST_QUERIES))
def test_list_queries_do_not_grow_with_rows(api, officer, phu_thuong, clinic, employer, url, django_assert_num_queries):
    referral = person_in_treatment(officer, phu_thuong, clinic, employer, 0)
    queries_for(api, url)  # warm the caches (content types)
    with django_assert_num_queries(LIST_QUERIES[url]):
        api.get(url)
    for n in range(1, 6):
        person_in_treatment(officer, phu_thuong, clinic, employer, n)
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert api.get(url).status_code == 200
    # A referral's own follow-ups: session, user, grants, the referral, its follow-ups, the access-log entry.
    with django_assert_num_queries(6):
        api.get(f"{REFERRALS}{referral.pk}/follow-ups/")


# --- schema -----------------------------------------------------------------------------------------------


def test_schema_lists_the_support_endpoints(api):
    paths = yaml.safe_load(api.get(reverse("api-schema")).content)["paths"]
    assert set(paths[f"{API}service-types/"]) == {"get"}
    assert set(paths[f"{API}services/"]) == {"get", "post"}
    assert set(paths[f"{API}services/{{id}}/"]) == {"get", "patch"}
    assert set(paths[f"{API}referrals/"]) == {"get", "post"}
    assert set(paths[f"{API}referrals/{{id}}/change/"]) == {"post"}
    assert set(paths[f"{API}referrals/{{id}}/follow-ups/"]) == {"get", "post"}
    assert set(paths[f"{API}follow-ups/"]) == {"get"}
    parameters = {p["name"] for p in paths[f"{API}referrals/"]["get"]["parameters"]}
    assert {"person", "partner", "kind", "status", "open", "sent_from", "sent_to", "page"} <= parameters
    parameters = {p["name"] for p in paths[f"{API}services/"]["get"]["parameters"]}
    assert {"person", "service_type", "category", "started_from", "started_to", "provider"} <= parameters
    assert {p["name"] for p in paths[f"{API}follow-ups/"]["get"]["parameters"]} >= {"referral", "month_from"}
