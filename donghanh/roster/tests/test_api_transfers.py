"""API: /api/v1/transfers/ — a move proposed by the commune the person leaves or reported by the one they arrive
in (by exact code or citizen ID), answered by the other; both communes see it, the arriving one only the person's
name, code and year of birth until the move; the person changes roster on the move date; the province completes a
move left unanswered."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.people.models import Person
from donghanh.roster.models import TransferRequest
from donghanh.roster.tests.test_api_people import ENGLISH, post, queries_for
from donghanh.roster.transfers import transfer_propose

pytestmark = pytest.mark.django_db

D = datetime.date
TRANSFERS = "/api/v1/transfers/"
MINIMAL = {"person_code", "person_name", "person_birth_year"}


@pytest.fixture
def arriving(make_user: Any, hai_chau: Any) -> Any:
    """An officer of Hải Châu (Đà Nẵng), where the person moves."""
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_the_leaving_commune_proposes_and_the_arriving_one_accepts(client, officer, arriving, register, hai_chau):
    person = register(citizen_id="001090012345")
    data = {"person": person.pk, "to_unit": hai_chau.pk, "move_date": "2025-04-01", "note": "Theo gia đình"}
    created = post(login(client, officer), TRANSFERS, data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["person"], body["status"], body["proposed_by_side"], body["answering_unit"]) == (
        person.pk,
        "pending",
        "leaving",
        hai_chau.pk,
    )
    url = f"{TRANSFERS}{body['id']}/"

    # The arriving commune sees the move, and of the person only their name, code and year of birth.
    login(client, arriving)
    (row,) = client.get(TRANSFERS).json()["results"]
    assert row["person"] is None
    assert {key: row[key] for key in MINIMAL} == {
        "person_code": person.code,
        "person_name": person.full_name,
        "person_birth_year": 1990,
    }
    assert "citizen_id" not in row and "birth_date" not in row
    assert client.get(f"/api/v1/people/{person.pk}/").status_code == 404
    assert post(client, f"{url}accept/", {"move_date": "2025-05-01"}, **ENGLISH).json() == {
        "move_date": ["This endpoint does not write this field: it takes no fields."]
    }

    accepted = post(client, f"{url}accept/", {})
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["person"]) == ("accepted", person.pk)  # now theirs
    person.refresh_from_db()
    assert person.unit_id == hai_chau.pk
    periods = list(person.periods.order_by("start_date"))
    assert [(p.unit.code, p.start_date, p.end_date, p.end_reason) for p in periods] == [
        ("00091", D(2024, 1, 2), D(2025, 3, 31), "transferred"),
        ("20242", D(2025, 4, 1), None, ""),
    ]
    # The commune the person left still sees the move, and no longer the person.
    login(client, officer)
    assert client.get(url).json()["person"] is None
    assert client.get(f"/api/v1/people/{person.pk}/").status_code == 404


def test_the_arriving_commune_reports_by_exact_code_or_citizen_id(client, officer, arriving, register, hai_chau):
    person = register(citizen_id="001090012345")
    login(client, arriving)
    data = {"to_unit": hai_chau.pk, "move_date": "2025-04-01"}

    assert post(client, TRANSFERS, data).json().keys() == {"person"}
    assert post(client, TRANSFERS, {**data, "person_code": "DH9999999"}).json().keys() == {"person_code"}
    assert post(client, TRANSFERS, {**data, "citizen_id": "001090099999"}).json().keys() == {"citizen_id"}
    assert post(client, TRANSFERS, {**data, "person": person.pk}).json().keys() == {"person"}  # not in scope
    both = post(client, TRANSFERS, {**data, "person_code": person.code, "citizen_id": "001090012345", "q": "x"})
    assert both.json().keys() == {"q"}  # unknown fields are refused before anything else

    reported = post(client, TRANSFERS, {**data, "citizen_id": "0010 9001 2345"})
    assert reported.status_code == 201, reported.content
    body = reported.json()
    assert (body["person"], body["person_code"], body["proposed_by_side"]) == (None, person.code, "arriving")
    assert body["answering_unit"] == person.unit_id
    again = post(client, TRANSFERS, {**data, "person_code": person.code})
    assert again.status_code == 400 and "non_field_errors" in again.json()  # one pending move at a time

    # The arriving side cannot answer its own report; the commune the person leaves does.
    url = f"{TRANSFERS}{body['id']}/"
    assert post(client, f"{url}accept/", {}).status_code == 403
    login(client, officer)
    assert client.get(TRANSFERS).json()["results"][0]["person"] == person.pk
    assert post(client, f"{url}accept/", {}).json()["status"] == "accepted"
    assert Person.objects.get(pk=person.pk).unit_id == hai_chau.pk


def test_refusing_withdrawing_and_who_may(client, make_user, officer, arriving, register, hai_chau, unit):
    person = register()
    transfer = transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 4, 1))
    url = f"{TRANSFERS}{transfer.pk}/"

    login(client, make_user(Role.COMMUNE_OFFICER, unit("00004")))  # a third commune
    assert client.get(url).status_code == 404
    assert client.get(TRANSFERS).json()["count"] == 0
    login(client, arriving)
    assert post(client, f"{url}refuse/", {}).json().keys() == {"reason"}
    assert post(client, f"{url}withdraw/", {}).status_code == 403  # only the proposer withdraws
    refused = post(client, f"{url}refuse/", {"reason": "Không cư trú tại đây"})
    assert refused.status_code == 200, refused.content
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == ("refused", "Không cư trú tại đây")
    assert post(client, f"{url}accept/", {}).status_code == 400  # already answered
    assert Person.objects.get(pk=person.pk).unit_id == officer.role_assignments.get().unit_id

    second = transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 5, 1))
    login(client, officer)
    withdrawn = post(client, f"{TRANSFERS}{second.pk}/withdraw/", {})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "cancelled"
    listed = client.get(TRANSFERS, {"status": "refused"}).json()["results"]
    assert [t["id"] for t in listed] == [transfer.pk]
    wrong = client.get(TRANSFERS, {"status": "lost"}, headers=ENGLISH).json()
    assert wrong["status"] == [
        "“lost” is not a valid choice. Accepted: pending, accepted, refused, completed_by_province, cancelled."
    ]


def test_the_province_completes_a_move_left_unanswered(client, make_user, officer, register, unit, settings):
    person = register()
    other_commune = unit("00004")  # in Hà Nội too
    transfer = transfer_propose(actor=officer, person=person, to_unit=other_commune, move_date=D(2025, 4, 1))
    url = f"{TRANSFERS}{transfer.pk}/complete/"

    login(client, officer)
    assert post(client, url, {}).status_code == 403  # a commune does not complete moves
    login(client, make_user(Role.PROVINCE_OFFICER, unit("01", level=1)))
    early = post(client, url, {}, **ENGLISH)
    assert early.status_code == 400 and str(settings.ROSTER_TRANSFER_ANSWER_DAYS) in early.json()["non_field_errors"][0]

    waited = timezone.now() - datetime.timedelta(days=settings.ROSTER_TRANSFER_ANSWER_DAYS)
    TransferRequest.objects.filter(pk=transfer.pk).update(proposed_at=waited)
    completed = post(client, url, {})
    assert completed.status_code == 200, completed.content
    assert completed.json()["status"] == "completed_by_province"
    person.refresh_from_db()
    assert person.unit_id == other_commune.pk and person.periods.get(end_date__isnull=True).start_date == D(2025, 4, 1)


def test_refusals_of_a_proposal(client, officer, register, hai_chau, phu_thuong):
    person = register()
    login(client, officer)
    data = {"person": person.pk, "to_unit": hai_chau.pk, "move_date": "2025-04-01"}
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert post(client, TRANSFERS, {**data, "move_date": future}).json().keys() == {"move_date"}
    assert post(client, TRANSFERS, {**data, "move_date": "2023-12-01"}).json().keys() == {"move_date"}
    assert post(client, TRANSFERS, {**data, "to_unit": phu_thuong.pk}).json().keys() == {"to_unit"}
    assert post(client, TRANSFERS, {**data, "to_unit": phu_thuong.parent_id}).json().keys() == {"to_unit"}
    assert post(client, TRANSFERS, {**data, "status": "accepted"}).json().keys() == {"status"}
    assert not TransferRequest.objects.exists()


def test_the_list_costs_a_fixed_number_of_queries(client, officer, register, hai_chau):
    login(client, officer)
    transfer_propose(actor=officer, person=register(), to_unit=hai_chau, move_date=D(2025, 4, 1))
    queries_for(client, TRANSFERS)
    few = queries_for(client, TRANSFERS)
    for n in range(5):
        person = register(full_name=f"Người Thêm {n}", birth_year=1980 + n)
        transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 4, 1))
    assert queries_for(client, TRANSFERS) == few
