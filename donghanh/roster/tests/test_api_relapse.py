"""API: /api/v1/relapse-signals/ — possible relapses raised by a positive test or reported by the police during
management, confirmed with a follow-up or dismissed; only for roles that may see drug use, each person logged."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.episodes.choices import EpisodeType
from donghanh.people.services import drug_test_add
from donghanh.roster.models import RelapseSignal
from donghanh.roster.relapse import relapse_report
from donghanh.roster.tests.test_api_people import ENGLISH, post, queries_for

pytestmark = pytest.mark.django_db

D = datetime.date
SIGNALS = "/api/v1/relapse-signals/"


@pytest.fixture
def police(make_user: Any, phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_POLICE, phu_thuong)


@pytest.fixture
def managed(register: Any, measure: Any) -> Any:
    """A person under post-rehab management since 01/02/2024."""
    person = register()
    measure(person, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    return person


def test_the_police_report_use_and_an_officer_confirms_it(client, police, officer, managed, register):
    client.force_login(police)
    data = {"person": managed.pk, "date": "2024-06-03", "note": "Phát hiện sử dụng tại nhà"}
    created = post(client, SIGNALS, data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["state"], body["person_code"], body["note"]) == (
        "police_report",
        "open",
        managed.code,
        "Phát hiện sử dụng tại nhà",
    )
    unmanaged = register(full_name="Trần Văn Bình")
    assert post(client, SIGNALS, {**data, "person": unmanaged.pk}).json().keys() == {"date"}
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert post(client, SIGNALS, {**data, "date": future}).json().keys() == {"date"}
    assert post(client, SIGNALS, {**data, "note": ""}).json().keys() == {"note"}

    url = f"{SIGNALS}{body['id']}/resolve/"
    client.force_login(officer)
    assert post(client, url, {"state": "confirmed"}).json().keys() == {"follow_up"}
    wrong = post(client, url, {"state": "open"}, **ENGLISH).json()
    assert wrong == {"state": ["“open” is not a valid choice. Accepted: confirmed, dismissed."]}
    wrong = post(client, url, {"state": "confirmed", "follow_up": "prison"}, **ENGLISH).json()
    assert wrong == {
        "follow_up": ["“prison” is not a valid choice. Accepted: determination, voluntary_rehab, compulsory_proposal."]
    }
    resolved = post(client, url, {"state": "confirmed", "follow_up": "determination", "on": "2024-06-10"})
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["state"], resolved.json()["follow_up"], resolved.json()["resolved_on"]) == (
        "confirmed",
        "determination",
        "2024-06-10",
    )
    assert post(client, url, {"state": "dismissed"}).status_code == 400  # already decided


def test_a_positive_test_raises_one_and_the_list_filters_and_is_scoped(
    client, make_user, officer, managed, phu_thuong, hai_chau
):
    test = drug_test_add(
        actor=officer,
        person=managed,
        date=D(2024, 7, 1),
        sample="urine",
        tested_by="Trạm y tế",
        results={"methamphetamine": "positive"},
    )
    reported = relapse_report(actor=officer, person=managed, date=D(2024, 8, 1), note="Công an báo")
    client.force_login(officer)
    rows = client.get(SIGNALS).json()["results"]
    assert [(r["source"], r["drug_test"]) for r in rows] == [("police_report", None), ("drug_test", test.pk)]
    assert AccessLogEntry.objects.filter(object_id=str(managed.pk), detail="API: possible relapses").count() == 1
    assert [r["id"] for r in client.get(SIGNALS, {"source": "police_report"}).json()["results"]] == [reported.pk]
    assert client.get(SIGNALS, {"state": "dismissed"}).json()["count"] == 0
    assert client.get(SIGNALS, {"state": "maybe"}).status_code == 400

    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(SIGNALS).json()["count"] == 0
    assert client.get(f"{SIGNALS}{reported.pk}/").status_code == 404
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))  # may not see drug use
    assert client.get(SIGNALS).status_code == 403
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))  # sees and reports, does not decide
    assert client.get(SIGNALS).json()["count"] == 2
    assert post(client, f"{SIGNALS}{reported.pk}/resolve/", {"state": "dismissed"}).status_code == 403
    assert RelapseSignal.objects.get(pk=reported.pk).state == "open"


def test_the_list_costs_a_fixed_number_of_queries(client, officer, register, measure):
    client.force_login(officer)

    def add(n: int) -> None:
        person = register(full_name=f"Người Thêm {n}", birth_year=1980 + n)
        measure(person, EpisodeType.DRUG_USER_MANAGEMENT, D(2024, 2, 1))
        relapse_report(actor=officer, person=person, date=D(2024, 5, 1), note="Công an báo")

    add(0)
    queries_for(client, SIGNALS)
    few = queries_for(client, SIGNALS)
    for n in range(1, 6):
        add(n)
    assert queries_for(client, SIGNALS) == few
