"""API: the case-work endpoints under /api/v1/ — scoped (a volunteer to their assigned people), sensitive parts
(the month's drug-use answer, ASSIST) shown only to roles that may see drug use and logged; assessments,
classifications, instruments, the work list and coverage.

The endpoints' helpers are here, and test_api_records (teams, contacts, plans, query counts, the schema) imports
them. The services use today's date, so the dates here are relative to it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.models import Assignment, RatingLevel, Volunteer
from donghanh.core.dates import month_start, previous_quarter, quarter_months, quarter_of, shift_month_start
from donghanh.episodes.services import episode_open
from donghanh.people.models import Person
from donghanh.people.services import drug_test_add, person_register

pytestmark = pytest.mark.django_db

API = "/api/v1/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
LONG_AGO = TODAY - datetime.timedelta(days=400)
THIS_MONTH = month_start(TODAY)
ENGLISH = {"Accept-Language": "en"}
BARC10 = [5, 5, 4, 4, 5, 6, 4, 5, 5, 5]
ASSIST = {
    "cannabis": {
        "q1": "yes",
        "q2": "weekly",
        "q3": "monthly",
        "q4": "once_twice",
        "q5": "never",
        "q6": "yes_past_3_months",
        "q7": "no",
    }
}


def vi(text: str) -> str:
    """What a Vietnamese response says for this English message (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def other_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


@pytest.fixture
def volunteer_user(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Lê Thị Hoa")


def register(actor, unit, name="Nguyễn Văn An", **fields) -> Person:
    fields.setdefault("sex", "male")
    fields.setdefault("birth_year", 1990)
    fields.setdefault("registered_on", LONG_AGO)
    return person_register(actor=actor, unit=unit, full_name=name, **fields)


def level(code: str = "good") -> RatingLevel:
    return RatingLevel.objects.get(scale__unit__isnull=True, code=code)


def assess(actor, person, month=THIS_MONTH, rating="good", **fields):
    fields = {
        "drug_use": "none",
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        **fields,
    }
    return services.assessment_submit(actor=actor, person=person, month=month, rating=level(rating), **fields)


def assessment_data(person, month=THIS_MONTH, **fields) -> dict[str, Any]:
    return {
        "person": person.pk,
        "month": f"{month:%Y-%m}",
        "drug_use": "none",
        "participation": "full",
        "work_status": "stable",
        "family_relations": "good",
        "compliance": "complies",
        "rating": "good",
        **fields,
    }


def positive_test(actor, person, day=TODAY):
    return drug_test_add(
        actor=actor, person=person, date=day, sample="urine", tested_by="Trạm y tế", results={"heroin": "positive"}
    )


def post(client, url, data, **headers):
    return client.post(API + url, data, content_type="application/json", headers=headers or None)


def patch(client, url, data, **headers):
    return client.patch(API + url, data, content_type="application/json", headers=headers or None)


def get(client, url, params=None, **headers) -> Any:
    response = client.get(API + url, params or {}, headers=headers or None)
    assert response.status_code == 200, (url, response.content)
    return response.json()


def ids(body) -> list[int]:
    return [row["id"] for row in body["results"]]


def logged(person, detail=None):
    found = AccessLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person")
    return found.filter(detail=detail) if detail else found


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def casework(officer, phu_thuong, volunteer_user, assign_volunteer):
    """Two people of Phú Thượng with a contact, a plan, an assessment and a BARC-10 each; An has a volunteer."""
    an = register(officer, phu_thuong, "Nguyễn Văn An")
    binh = register(officer, phu_thuong, "Trần Văn Bình", birth_year=1992)
    assign_volunteer(volunteer_user, an, LONG_AGO)
    records: dict[str, Any] = {"an": an, "binh": binh}
    for key, person in (("an", an), ("binh", binh)):
        records[f"contact_{key}"] = services.contact_record(actor=officer, person=person, date=TODAY, mode="phone")
        records[f"plan_{key}"] = services.plan_create(actor=officer, person=person, start_date=LONG_AGO)
        records[f"goal_{key}"] = services.goal_add(
            actor=officer, plan=records[f"plan_{key}"], domain="work", goal="Có việc làm ổn định", actions="Học nghề"
        )
        records[f"assessment_{key}"] = assess(officer, person)
        records[f"barc_{key}"] = services.instrument_record(
            actor=officer, person=person, instrument="barc10", date=TODAY, answers=BARC10
        )
    return records


PERSON_LISTS = ["contacts/", "plans/", "assessments/", "instruments/", "assignments/", "plan-goals/"]


# --- scope -------------------------------------------------------------------------------------------


def test_a_volunteer_sees_only_their_people_until_the_assignment_ends(client, officer, volunteer_user, casework):
    an, binh = casework["an"], casework["binh"]
    login(client, volunteer_user)

    assert ids(get(client, "contacts/")) == [casework["contact_an"].pk]
    assert ids(get(client, "plans/")) == [casework["plan_an"].pk]
    assert ids(get(client, "plan-goals/")) == [casework["goal_an"].pk]
    assert ids(get(client, "assessments/")) == [casework["assessment_an"].pk]
    assert ids(get(client, "instruments/")) == [casework["barc_an"].pk]
    assert [row["person"] for row in get(client, "assignments/")["results"]] == [an.pk]
    assert ids(get(client, "people/")) == [an.pk]
    assert client.get(f"{API}contacts/{casework['contact_binh'].pk}/").status_code == 404
    assert client.get(f"{API}plans/{casework['plan_binh'].pk}/").status_code == 404
    # Their own volunteer record, not the team's others.
    [own] = get(client, "volunteers/")["results"]
    assert own["user"] == volunteer_user.pk and own["is_active"] is True
    # They write about their people only.
    visit = {"date": TODAY.isoformat(), "mode": "home_visit"}
    assert post(client, "contacts/", {**visit, "person": an.pk}).status_code == 201
    refused = post(client, "contacts/", {**visit, "person": binh.pk})
    assert refused.status_code == 400 and refused.json().keys() == {"person"}

    assignment = Assignment.objects.get(person=an)
    services.assignment_end(actor=officer, assignment=assignment, end_date=YESTERDAY, reason="Chuyển đi")

    for url in [*PERSON_LISTS, "people/"]:
        assert get(client, url)["results"] == [], url
    assert client.get(f"{API}contacts/{casework['contact_an'].pk}/").status_code == 404
    assert client.get(f"{API}assessments/{casework['assessment_an'].pk}/").status_code == 404
    assert post(client, "contacts/", {**visit, "person": an.pk}).status_code == 400


def test_another_communes_officer_gets_empty_lists_and_404(client, other_officer, casework):
    login(client, other_officer)
    for url in [*PERSON_LISTS, "volunteers/", "volunteer-teams/", "classifications/"]:
        assert get(client, url)["results"] == [], url
    volunteer = Volunteer.objects.get()
    for url in [
        f"contacts/{casework['contact_an'].pk}/",
        f"plans/{casework['plan_an'].pk}/",
        f"plan-goals/{casework['goal_an'].pk}/",
        f"assessments/{casework['assessment_an'].pk}/",
        f"instruments/{casework['barc_an'].pk}/",
        f"assignments/{Assignment.objects.get().pk}/",
        f"volunteers/{volunteer.pk}/",
        f"volunteer-teams/{volunteer.team_id}/",
    ]:
        assert client.get(API + url).status_code == 404, url
    assert patch(client, f"plan-goals/{casework['goal_an'].pk}/", {"status": "achieved"}).status_code == 404
    assert post(client, f"plans/{casework['plan_an'].pk}/close/", {}).status_code == 404
    end = post(client, f"assignments/{Assignment.objects.get().pk}/end/", {"end_date": TODAY.isoformat()})
    assert end.status_code == 404


def test_read_only_roles_are_refused_writes(client, make_user, phu_thuong, unit, casework):
    an = casework["an"]
    contact = {"person": an.pk, "date": TODAY.isoformat(), "mode": "phone"}
    for role, at in ((Role.AUDITOR, phu_thuong), (Role.PROVINCE_OFFICER, unit("01", level=1))):
        login(client, make_user(role, at))
        assert len(get(client, "contacts/")["results"]) == 2
        assert post(client, "contacts/", contact).status_code == 403
        assert post(client, "plans/", {"person": an.pk, "start_date": TODAY.isoformat()}).status_code == 403
        assert post(client, "assessments/", assessment_data(an)).status_code == 403
        assert post(client, "volunteer-teams/", {"unit": phu_thuong.pk, "name": "Đội"}).status_code == 403

    login(client, make_user(Role.HEALTH_STAFF, phu_thuong))  # records case work, does not keep the team
    assert post(client, "contacts/", contact).status_code == 201
    assignment = {"person": an.pk, "volunteer": Volunteer.objects.get().pk, "start_date": TODAY.isoformat()}
    assert post(client, "assignments/", assignment).status_code == 403
    classification = {"person": an.pk, "year": 2025, "quarter": 1, "level": "good"}
    assert post(client, "classifications/", classification).status_code == 403


def test_anonymous_requests_are_refused(client):
    for url in ["contacts/", "worklist/", "coverage/", "assessments/"]:
        assert client.get(API + url).status_code in {401, 403}


# --- assessments and the sensitive drug-use answer ---------------------------------------------------------


def test_drug_use_is_hidden_from_volunteers_and_logged_for_officers(client, api, officer, volunteer_user, casework):
    an = casework["an"]
    test = positive_test(officer, an)
    assessment = assess(officer, an, drug_use="confirmed", drug_tests=[test], rating="poor")

    rows = {row["person"]: row for row in get(api, "assessments/")["results"]}
    assert rows[an.pk]["drug_use"] == "confirmed" and rows[an.pk]["drug_tests"] == [test.pk]
    assert rows[an.pk]["rating"] == "poor" and rows[an.pk]["month"] == f"{THIS_MONTH:%Y-%m}"
    assert logged(an, "API: monthly drug use").count() == 1
    assert logged(casework["binh"], "API: monthly drug use").count() == 1
    entry = logged(an).get()
    assert (entry.user, entry.unit) == (officer, an.unit)
    assert get(api, f"assessments/{assessment.pk}/")["drug_use"] == "confirmed"
    assert logged(an, "API: monthly drug use").count() == 2

    login(client, volunteer_user)
    [row] = get(client, "assessments/")["results"]
    assert "drug_use" not in row and "drug_tests" not in row
    assert (row["rating"], row["rating_label"]) == ("poor", "Yếu")  # the scale's own Vietnamese label
    single = get(client, f"assessments/{assessment.pk}/")
    assert "drug_use" not in single and "drug_tests" not in single
    assert not AccessLogEntry.objects.filter(user=volunteer_user).exists()


def test_assessment_submit_and_correct(client, officer, volunteer_user, casework):
    an = casework["an"]
    login(client, volunteer_user)
    last_month = shift_month_start(THIS_MONTH, -1)
    response = post(client, "assessments/", assessment_data(an, month=last_month, notes="Tiến bộ"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["month"] == f"{last_month:%Y-%m}" and body["rating"] == "good" and "drug_use" not in body
    assert body["volunteer_name"] == "Lê Thị Hoa" and body["assessed_by"] == volunteer_user.pk

    corrected = post(client, "assessments/", assessment_data(an, month=last_month, rating="fair"))
    assert corrected.status_code == 200 and corrected.json()["id"] == body["id"]
    assert corrected.json()["rating"] == "fair"
    assert len(get(client, "assessments/", {"month": f"{last_month:%Y-%m}"})["results"]) == 1
    assert client.get(API + "assessments/", {"month": "May 2025"}).status_code == 400

    # A volunteer cannot link tests, so cannot record use confirmed by a test.
    test = positive_test(officer, an)
    linked = post(client, "assessments/", assessment_data(an, drug_use="confirmed", drug_tests=[test.pk]))
    assert linked.status_code == 400 and linked.json().keys() == {"drug_tests"}
    confirmed = post(client, "assessments/", assessment_data(an, drug_use="confirmed"), **ENGLISH)
    assert confirmed.json() == {"drug_use": ["Use confirmed by a test needs the positive test of the month linked."]}


# --- classifications ---------------------------------------------------------------------------------


def test_classification_confirm_and_override(client, api, officer, make_user, phu_thuong, casework):
    an = casework["an"]
    year, quarter = previous_quarter(*quarter_of(TODAY))
    for month, rating in zip(quarter_months(year, quarter), ("good", "fair", "fair"), strict=True):
        assess(officer, an, month=month, rating=rating)
    data = {"person": an.pk, "year": year, "quarter": quarter, "level": "fair"}

    response = post(api, "classifications/", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["derived"], body["level"], body["overridden"]) == ("fair", "fair", False)

    unexplained = post(api, "classifications/", {**data, "level": "good"}, **ENGLISH)
    assert unexplained.status_code == 400
    assert unexplained.json() == {
        "reason": ["Give the reason for a classification other than the one the months give."]
    }
    overridden = post(api, "classifications/", {**data, "level": "good", "reason": "Có việc làm ổn định"})
    assert overridden.status_code == 200 and overridden.json()["overridden"] is True
    assert overridden.json()["override_reason"] == "Có việc làm ổn định"
    assert post(api, "classifications/", {**data, "quarter": 5}).json().keys() == {"quarter"}

    [row] = get(api, "classifications/", {"person": an.pk})["results"]
    assert (row["level"], row["derived"]) == ("good", "fair")
    login(client, make_user(Role.COMMUNE_POLICE, phu_thuong))  # sees it, does not confirm
    assert get(client, "classifications/")["count"] == 1
    assert post(client, "classifications/", data).status_code == 403


# --- instruments --------------------------------------------------------------------------------------------


def test_assist_is_hidden_without_the_right_to_see_drug_use(client, api, officer, volunteer_user, casework):
    an = casework["an"]
    response = post(
        api,
        "instruments/",
        {"person": an.pk, "instrument": "assist", "date": TODAY.isoformat(), "answers": ASSIST, "injection": "no"},
    )
    assert response.status_code == 201, response.content
    assist = response.json()
    assert assist["scores"] == {"cannabis": {"score": assist["score"], "risk": "moderate"}}
    assert assist["answers"]["injection"] == "no"

    assert get(api, "instruments/", {"person": an.pk})["count"] == 2
    assert logged(an, "API: ASSIST scores").count() == 1
    assert not logged(casework["binh"], "API: ASSIST scores").exists()  # BARC-10 only
    assert get(api, "instruments/", {"instrument": "barc10"})["count"] == 2
    assert logged(an, "API: ASSIST scores").count() == 1
    assert get(api, f"instruments/{assist['id']}/")["instrument"] == "assist"
    assert logged(an, "API: ASSIST scores").count() == 2

    login(client, volunteer_user)
    assert ids(get(client, "instruments/")) == [casework["barc_an"].pk]
    assert client.get(f"{API}instruments/{assist['id']}/").status_code == 404
    barc = {"person": an.pk, "instrument": "barc10", "date": TODAY.isoformat(), "answers": BARC10}
    recorded = post(client, "instruments/", barc)
    assert recorded.status_code == 201 and recorded.json()["score"] == sum(BARC10)
    refused = post(client, "instruments/", {**barc, "instrument": "assist", "answers": ASSIST})
    assert refused.status_code == 403
    assert not AccessLogEntry.objects.filter(user=volunteer_user).exists()


def test_instrument_answers_are_checked(api, officer, phu_thuong):
    person = register(officer, phu_thuong)
    barc = {"person": person.pk, "instrument": "barc10", "date": TODAY.isoformat(), "answers": BARC10[:9]}
    short = post(api, "instruments/", barc, **ENGLISH)
    assert short.status_code == 400 and short.json() == {"answers": ["BARC-10 has 10 items; 9 answers were given."]}
    assert post(api, "instruments/", {**barc, "answers": {"a": 1}}).json().keys() == {"answers"}
    assist = {**barc, "instrument": "assist", "answers": ["yes"]}
    assert post(api, "instruments/", assist).json().keys() == {"answers"}
    unknown = post(api, "instruments/", {**assist, "answers": {"coffee": {"q1": "yes"}}}, **ENGLISH)
    assert unknown.json() == {"answers": ["Unknown substance “coffee”."]}


# --- the work list and coverage -------------------------------------------------------------------------


def test_the_work_list_shows_the_due_assessment_until_it_is_posted(
    client, officer, phu_thuong, volunteer_user, assign_volunteer
):
    person = register(officer, phu_thuong)
    assign_volunteer(volunteer_user, person, THIS_MONTH)
    login(client, volunteer_user)

    items = client.get(API + "worklist/").json()
    due = [item for item in items if item["kind"] == "assessment_due"]
    assert due == [
        {
            "kind": "assessment_due",
            "kind_label": vi("Monthly assessment due"),
            "subject": person.full_name,
            "url": reverse("casework:assessment", args=[person.pk]) + f"?month={THIS_MONTH:%Y-%m}",
            "due_date": (shift_month_start(THIS_MONTH, 1) + datetime.timedelta(days=4)).isoformat(),
            "person_id": person.pk,
            "detail": f"{THIS_MONTH:%m/%Y}",
            "overdue": False,
            "actions": [],
        }
    ]
    assert post(client, "assessments/", assessment_data(person)).status_code == 201
    after = client.get(API + "worklist/").json()
    assert [item for item in after if item["kind"].startswith("assessment")] == []
    assert {item["kind"] for item in after} == {"no_contact"}


def test_coverage_counts_both_sides(client, api, officer, other_officer, phu_thuong, hai_chau, make_user):
    team = services.team_create(actor=officer, unit=phu_thuong, name="Đội")

    def volunteer(name: str, **fields: Any) -> Volunteer:
        fields.setdefault("start_date", LONG_AGO)
        return services.volunteer_add(
            actor=officer, team=team, full_name=name, sex="female", affiliation="youth_union", **fields
        )

    hoa, lan, idle = volunteer("Hoa"), volunteer("Lan"), volunteer("Mai")
    volunteer("Đã nghỉ", end_date=YESTERDAY)
    an, binh = register(officer, phu_thuong, "Nguyễn Văn An"), register(officer, phu_thuong, "Trần Văn Bình")
    cuong = register(officer, phu_thuong, "Lê Văn Cường")
    register(officer, phu_thuong, "Phạm Văn Dũng")  # neither under a measure nor helped: not followed
    for person, helper in ((an, hoa), (binh, lan)):
        services.assignment_make(actor=officer, person=person, volunteer=helper, start_date=LONG_AGO)
    episode_open(actor=officer, person=cuong, episode_type="post_rehab_management", start_date=LONG_AGO)
    elsewhere = register(other_officer, hai_chau, "Võ Văn Em")
    episode_open(actor=other_officer, person=elsewhere, episode_type="post_rehab_management", start_date=LONG_AGO)

    body = get(api, "coverage/", {"unit": "00091"})
    assert body == {
        "unit": {"id": phu_thuong.pk, "code": "00091", "name": phu_thuong.name},
        "on": TODAY.isoformat(),
        "volunteers": 3,
        "volunteers_helping": 2,
        "volunteers_helping_share": pytest.approx(2 / 3),
        "idle_volunteers": [{"id": idle.pk, "full_name": "Mai", "team": team.pk, "team_name": "Đội"}],
        "people": 3,
        "people_with_volunteer": 2,
        "people_covered_share": pytest.approx(2 / 3),
        "people_without_volunteer": [{"id": cuong.pk, "code": cuong.code, "full_name": "Lê Văn Cường"}],
    }
    assert get(api, "coverage/", {"unit": phu_thuong.pk}) == body
    assert get(api, "coverage/") == body  # the unit of the officer's role
    earlier = get(api, "coverage/", {"unit": "00091", "on": (LONG_AGO - datetime.timedelta(days=1)).isoformat()})
    assert (earlier["volunteers"], earlier["people"], earlier["people_covered_share"]) == (0, 0, None)
    assert api.get(API + "coverage/", {"unit": "20242"}).status_code == 404
    assert api.get(API + "coverage/", {"on": "31/02/2025"}).status_code == 400

    province = get(login(client, make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)), "coverage/", {"unit": "01"})
    assert (province["volunteers"], province["people"], province["people_with_volunteer"]) == (3, 3, 2)
    assert get(login(client, other_officer), "coverage/")["people_without_volunteer"][0]["id"] == elsewhere.pk
