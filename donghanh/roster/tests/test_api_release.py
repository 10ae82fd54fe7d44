"""API: /api/v1/release-notices/ — a facility's notice, the release, the post-rehab decision (which opens the
post-rehab measure) or the end of the wait; the state and the decision's deadline in working days; scoped to
those who see legal measures, each person shown logged, and the list in a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.people.models import WhereaboutsRecord
from donghanh.people.services import whereabouts_record
from donghanh.roster.release import release_notice_record, release_record
from donghanh.roster.tests.test_api_people import ENGLISH, patch, post, queries_for
from donghanh.roster.workdays import add_working_days

pytestmark = pytest.mark.django_db

D = datetime.date
NOTICES = "/api/v1/release-notices/"
FACILITY = "Cơ sở cai nghiện ma túy số 2"


@pytest.fixture
def api(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


@pytest.fixture
def in_facility(officer: Any, register: Any, measure: Any) -> Any:
    """A person under compulsory rehab in a facility since 01/02/2024."""
    person = register()
    measure(person, EpisodeType.COMPULSORY_REHAB, D(2024, 2, 1), facility=FACILITY)
    whereabouts_record(actor=officer, person=person, status="in_facility", since=D(2024, 2, 1), place=FACILITY)
    return person


NOTICE_DAY, RELEASE_DAY = D(2025, 1, 10), D(2025, 1, 24)


def notice_of(officer: Any, person: Any, notice: D = NOTICE_DAY, release: D = RELEASE_DAY) -> Any:
    return release_notice_record(actor=officer, person=person, notice_date=notice, expected_release_date=release)


def test_the_path_from_notice_to_release_to_decision_opens_the_post_rehab_measure(api, in_facility):
    person = in_facility
    data = {"person": person.pk, "notice_date": "2025-01-10", "expected_release_date": "2025-01-24"}
    created = post(api, NOTICES, data)
    assert created.status_code == 201, created.content
    notice = created.json()
    assert (notice["state"], notice["facility"], notice["person_code"]) == ("notified", FACILITY, person.code)
    url = f"{NOTICES}{notice['id']}/"

    released = post(api, f"{url}release/", {"released_on": "2025-01-24"})
    assert released.status_code == 200, released.content
    body = released.json()
    # Received on Friday 24/01/2025; Tết closes offices from 27 to 31/01: five working days end on 07/02.
    assert (body["state"], body["certificate_received_on"], body["decision_due"]) == (
        "awaiting_decision",
        "2025-01-24",
        "2025-02-07",
    )
    assert body["overdue"] is True  # no decision since, and 07/02/2025 is long past
    facility_measure = Episode.objects.get(person=person, episode_type=EpisodeType.COMPULSORY_REHAB)
    assert (facility_measure.actual_end_date, facility_measure.end_reason) == (D(2025, 1, 24), "completed")
    assert WhereaboutsRecord.objects.filter(person=person, status="at_residence", since=D(2025, 1, 24)).exists()
    assert api.get(f"/api/v1/people/{person.pk}/").json()["on_roster"] is True  # awaiting the decision

    decision = {"decision_number": "15/QĐ-UBND", "decision_date": "2025-02-05"}
    decided = post(api, f"{url}decide/", decision)
    assert decided.status_code == 201, decided.content
    body = decided.json()
    assert (body["state"], body["overdue"]) == ("decided", False)
    episode = Episode.objects.get(pk=body["decision_episode"])
    assert (episode.person_id, episode.episode_type, episode.start_date, episode.decision_number) == (
        person.pk,
        EpisodeType.POST_REHAB_MANAGEMENT,
        D(2025, 2, 5),
        "15/QĐ-UBND",
    )
    assert post(api, f"{url}decide/", decision).status_code == 400  # already decided


def test_refusals_name_the_field(api, in_facility):
    person = in_facility
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    data = {"person": person.pk, "notice_date": "2025-01-10", "expected_release_date": "2025-01-24"}
    assert post(api, NOTICES, {**data, "notice_date": future}).json().keys() == {"notice_date"}
    assert post(api, NOTICES, {**data, "expected_release_date": "2025-01-01"}).json().keys() == {
        "expected_release_date"
    }
    refused = post(api, NOTICES, {**data, "state": "decided"}, **ENGLISH)
    assert refused.status_code == 400 and refused.json().keys() == {"state"}
    url = f"{NOTICES}{post(api, NOTICES, data).json()['id']}/"
    assert post(api, f"{url}decide/", {"decision_number": "1", "decision_date": "2025-02-05"}).status_code == 400
    assert post(api, f"{url}release/", {"released_on": future}).json().keys() == {"released_on"}
    early = post(api, f"{url}release/", {"released_on": "2025-01-24", "certificate_received_on": "2025-01-20"})
    assert early.json().keys() == {"certificate_received_on"}
    written_elsewhere = post(api, f"{url}close/", {"on": "2025-01-30", "reason": "x", "released_on": "2025-01-24"})
    assert written_elsewhere.json().keys() == {"released_on"}
    assert patch(api, url, {"facility": "Khác"}).status_code == 405


def test_a_notice_closed_without_a_decision_ends_the_wait(api, officer, in_facility):
    notice = notice_of(officer, in_facility)
    release_record(actor=officer, notice=notice, released_on=D(2025, 1, 24))
    url = f"{NOTICES}{notice.pk}/close/"
    assert post(api, url, {"on": "2025-02-20"}).json().keys() == {"reason"}
    closed = post(api, url, {"on": "2025-02-20", "reason": "Chuyển đi nơi khác"})
    assert closed.status_code == 200, closed.content
    assert (closed.json()["state"], closed.json()["closed_on"]) == ("closed", "2025-02-20")
    assert api.get(f"/api/v1/people/{in_facility.pk}/").json()["on_roster"] is False  # nothing holds them now


def test_the_list_filters_by_person_and_state_and_is_scoped(
    client, make_user, officer, register, measure, hai_chau, phu_thuong
):
    waiting, notified = register(), register(full_name="Trần Văn Bình")
    for person in (waiting, notified):
        measure(person, EpisodeType.COMPULSORY_REHAB, D(2024, 2, 1), facility=FACILITY)
    released = notice_of(officer, waiting)
    release_record(actor=officer, notice=released, released_on=D(2025, 1, 24))
    announced = notice_of(officer, notified, release=D(2025, 3, 3))

    client.force_login(officer)
    assert [n["id"] for n in client.get(NOTICES, {"state": "awaiting_decision"}).json()["results"]] == [released.pk]
    assert [n["id"] for n in client.get(NOTICES, {"person": notified.pk}).json()["results"]] == [announced.pk]
    assert client.get(NOTICES, {"state": ["notified", "awaiting_decision"]}).json()["count"] == 2
    wrong = client.get(NOTICES, {"state": "late"}, headers=ENGLISH)
    assert wrong.status_code == 400
    assert wrong.json()["state"][0] == (
        "“late” is not a valid choice. Accepted: notified, awaiting_decision, decided, closed."
    )
    row = client.get(f"{NOTICES}{announced.pk}/").json()
    assert row["decision_due"] == add_working_days(D(2025, 3, 3), 5).isoformat() == "2025-03-10"

    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(NOTICES).json()["count"] == 0
    assert client.get(f"{NOTICES}{released.pk}/").status_code == 404
    assert post(client, f"{NOTICES}{released.pk}/close/", {"on": "2025-02-01", "reason": "x"}).status_code == 404
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))  # may not see legal measures
    assert client.get(NOTICES).status_code == 403


def test_reads_are_logged_and_the_list_costs_a_fixed_number_of_queries(api, officer, register, measure):
    first = register()
    measure(first, EpisodeType.COMPULSORY_REHAB, D(2024, 2, 1), facility=FACILITY)
    notice_of(officer, first)
    queries_for(api, NOTICES)
    few = queries_for(api, NOTICES)
    for n in range(5):
        person = register(full_name=f"Người Thêm {n}", birth_year=1980 + n)
        measure(person, EpisodeType.COMPULSORY_REHAB, D(2024, 2, 1), facility=FACILITY)
        notice = notice_of(officer, person, release=D(2025, 1, 20 + n))
        if n % 2:
            release_record(actor=officer, notice=notice, released_on=D(2025, 1, 20 + n))
    assert queries_for(api, NOTICES) == few
    entries = AccessLogEntry.objects.filter(object_id=str(first.pk), detail="API: release notices")
    assert entries.count() == 3 and entries.first().user == officer
