"""The scored instruments (BARC-10, ASSIST) and the case-work section of a person's page, as users see them.

State is built through the services; assertions read the rendered pages (elements by data-testid
and data attributes, which do not change with the language) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime
import json

import pytest

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services
from donghanh.casework.choices import ContactMode, DrugUseInMonth, PlanDomain
from donghanh.casework.models import InstrumentRecord, MonthlyAssessment, RatingLevel
from donghanh.casework.tests.test_views_plans import (
    THIS_MONTH,
    TODAY,
    YESTERDAY,
    dmy,
    field_errors,
    person_page,
    selected,
    url,
)
from donghanh.core.dates import shift_month_start
from donghanh.core.tests.pages import Node, parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db

ASSIST_SUBSTANCES = [
    "tobacco", "alcohol", "cannabis", "cocaine", "amphetamines", "inhalants", "sedatives", "hallucinogens", "opioids",
    "other",
]  # fmt: skip
CANNABIS_18 = {
    "q1": "yes",
    "q2": "weekly",
    "q3": "monthly",
    "q4": "once_twice",
    "q5": "never",
    "q6": "yes_past_3_months",
    "q7": "no",
}
BARC10_50 = [6, 5, 5, 4, 6, 5, 4, 6, 5, 4]


def access_log(person: Person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk)).order_by("pk"))


def checked(page: Node, name: str) -> str:
    chosen = [i.attrs.get("value") or "" for i in page.find_all("input", name=name) if "checked" in i.attrs]
    return chosen[0] if chosen else ""


def alerts(response) -> str:
    return " ".join(node.text for node in parse(response).find_all(role="alert"))


def assist_post(**substances: dict[str, str]) -> dict[str, str]:
    """The ASSIST form: Q1 "no" for every substance not given, the answers given for the others."""
    data = {"date": dmy(YESTERDAY), "injection": "no"}
    for substance in ASSIST_SUBSTANCES:
        for question, answer in substances.get(substance, {"q1": "no"}).items():
            data[f"{substance}_{question}"] = answer
    return data


def barc10_post(answers: list[int], day: datetime.date = TODAY) -> dict[str, str]:
    return {"date": dmy(day), **{f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}}


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def health_staff(make_user, phu_thuong):
    return make_user(Role.HEALTH_STAFF, phu_thuong)


# --- the scored instruments ----------------------------------------------------------------------


def test_barc10_is_scored_and_shown_on_the_person_page(client, volunteer, hung):
    client.force_login(volunteer)
    form = client.get(url("instrument_add", hung.pk, "barc10"))
    assert_csp_and_no_inline_code(form, "BARC-10 form")
    radios = parse(form).find_all("input", name="item_1")
    assert [r.attrs["value"] for r in radios] == ["1", "2", "3", "4", "5", "6"]

    response = client.post(url("instrument_add", hung.pk, "barc10"), barc10_post(BARC10_50))
    assert response.status_code == 302
    assert response["Location"] == person_page(hung) + "#casework"
    record = InstrumentRecord.objects.get(person=hung)
    assert (record.instrument, record.score, record.recorded_by) == ("barc10", 50, volunteer)
    shown = client.get(response["Location"])
    assert "50/60" in alerts(shown)
    rows = parse(shown).get(data_testid="barc10-table").rows()
    assert rows == [[dmy(TODAY), "50/60", rows[0][2]]]
    assert parse(shown).get(data_testid="barc10-table").find(data_meets="true") is not None


def test_a_barc10_form_with_a_statement_unanswered_comes_back_with_the_answers_kept(client, officer, hung):
    client.force_login(officer)
    data = barc10_post(BARC10_50)
    del data["item_7"]
    response = client.post(url("instrument_add", hung.pk, "barc10"), data)
    assert response.status_code == 400
    page = parse(response)
    assert field_errors(page, "item_7")
    assert checked(page, "item_1") == "6" and checked(page, "item_10") == "4"
    assert not InstrumentRecord.objects.exists()


def test_assist_worked_example_is_scored_and_shown_to_health_staff(client, health_staff, hung):
    client.force_login(health_staff)
    form = client.get(url("instrument_add", hung.pk, "assist"))
    assert_csp_and_no_inline_code(form, "ASSIST form")
    grid = parse(form).get(data_testid="assist-grid")
    assert [row.attrs["data-assist-row"] for row in grid.find_all("tr") if "data-assist-row" in row.attrs] == (
        ASSIST_SUBSTANCES
    )
    assert grid.find("select", name="tobacco_q5") is None  # not asked for tobacco
    assert grid.find("select", name="alcohol_q5") is not None
    assert not AccessLogEntry.objects.exists()  # an empty form shows nothing recorded

    response = client.post(url("instrument_add", hung.pk, "assist"), assist_post(cannabis=CANNABIS_18))
    assert response.status_code == 302 and response["Location"] == person_page(hung) + "#casework"
    record = InstrumentRecord.objects.get(person=hung)
    assert record.score == 18 and record.scores == {"cannabis": {"score": 18, "risk": "moderate"}}
    shown = client.get(response["Location"])
    assert "18" in alerts(shown)
    table = parse(shown).get(data_testid="assist-table")
    assert [th.attrs.get("data-substance") for th in table.get("thead").find_all("th")] == [None, "cannabis"]
    [row] = table.rows()
    assert row[0] == dmy(YESTERDAY) and row[1].startswith("18")
    assert table.get("td", data_substance="cannabis").attrs["data-risk"] == "moderate"
    [entry] = access_log(hung)[-1:]
    assert "ASSIST scores" in entry.detail


def test_refused_assist_answers_are_listed_and_what_was_typed_is_kept(client, officer, hung):
    client.force_login(officer)
    data = assist_post(cannabis={"q1": "yes", "q2": "weekly", "q6": "no"}, opioids={"q1": "no", "q2": "daily"})
    response = client.post(url("instrument_add", hung.pk, "assist"), data)
    assert response.status_code == 400
    page = parse(response)
    errors = page.get(data_testid="form-errors").find_all("li")
    assert len(errors) >= 3  # cannabis Q3, Q4, Q5 and Q7 missing; opioids answered past Q1
    assert checked(page, "cannabis_q1") == "yes" and checked(page, "opioids_q1") == "no"
    assert selected(page, "cannabis_q2") == "weekly" and selected(page, "cannabis_q6") == "no"
    assert selected(page, "opioids_q2") == "daily"
    assert selected(page, "injection") == "no"
    assert not InstrumentRecord.objects.exists()


def test_assist_needs_the_right_to_record_drug_use(client, volunteer, hung):
    client.force_login(volunteer)
    assert client.get(url("instrument_add", hung.pk, "assist")).status_code == 403
    assert client.post(url("instrument_add", hung.pk, "assist"), assist_post(cannabis=CANNABIS_18)).status_code == 403
    assert not InstrumentRecord.objects.exists()


# --- the case-work section of the person's page -------------------------------------------------


def good() -> RatingLevel:
    return RatingLevel.objects.get(scale__unit__isnull=True, code="good")


def assess(actor, person, month, **fields):
    values = {
        "drug_use": DrugUseInMonth.NONE,
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        "rating": good(),
        **fields,
    }
    return services.assessment_submit(actor=actor, person=person, month=month, **values)


def fill(officer, person, contacts: int = 6, months: int = 3, instruments: int = 2) -> None:
    """Case work of every kind about `person`."""
    for n in range(contacts):
        services.contact_record(
            actor=officer,
            person=person,
            date=TODAY - datetime.timedelta(days=n),
            mode=ContactMode.HOME_VISIT,
            topics=["harms", "family"],
            next_step=f"Bước {n}",
        )
    plan = services.plan_create(actor=officer, person=person, start_date=shift_month_start(THIS_MONTH, -months))
    for domain in (PlanDomain.WORK, PlanDomain.FAMILY, PlanDomain.HEALTH):
        services.goal_add(actor=officer, plan=plan, domain=domain, goal=f"Mục tiêu {domain}", actions="Làm")
    for n in range(months):
        assess(officer, person, shift_month_start(THIS_MONTH, -n), drug_use=DrugUseInMonth.SUSPECTED if n else "none")
    for n in range(instruments):
        day = TODAY - datetime.timedelta(days=30 * n)
        services.instrument_record(
            actor=officer, person=person, instrument="barc10", date=day, answers=[4 + n % 2] * 10
        )
        services.instrument_record(
            actor=officer, person=person, instrument="assist", date=day, answers={"cannabis": CANNABIS_18}
        )


def test_the_person_page_shows_case_work_with_links(client, officer, hung, volunteer):
    fill(officer, hung)
    client.force_login(officer)
    response = client.get(person_page(hung))
    assert_csp_and_no_inline_code(response, "person page with case work")
    section = parse(response).get(id="casework")
    assert section.attrs["data-testid"] == "casework"
    links = [href for _text, href in section.links()]
    for target in (
        url("contact_add", hung.pk),
        url("person", hung.pk),
        url("plan", hung.pk),
        url("assign", hung.pk),
        url("instrument_add", hung.pk, "barc10"),
        url("instrument_add", hung.pk, "assist"),
    ):
        assert target in links, target
    assert section.get(data_testid="volunteer-name").text.startswith("Lê Thị Mai")
    contacts = section.get(data_testid="contacts").rows()
    assert len(contacts) == 5 and contacts[0][0] == dmy(TODAY)
    assessments = section.get(data_testid="assessments").rows()
    assert [row[0] for row in assessments] == [f"{shift_month_start(THIS_MONTH, -n):%m/%Y}" for n in range(3)]
    assert section.get(data_testid="assessments").find(data_drug_use="suspected") is not None
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    # The charts read the same figures from data blocks; their scripts are static files.
    barc10 = json.loads(section.get("script", id="barc10-chart-data").text)
    assert barc10["values"] == [50, 40] and barc10["threshold"] == 47
    assist = json.loads(section.get("script", id="assist-chart-data").text)
    assert [s["key"] for s in assist["series"]] == ["cannabis"] and assist["series"][0]["values"] == [18, 18]
    sources = [s.attrs.get("src") or "" for s in parse(response).find_all("script")]
    assert any(src.endswith("vendor/chartjs/chart.umd.min.js") for src in sources)
    assert any(src.endswith("casework/charts.js") for src in sources)
    [entry] = access_log(hung)
    assert entry.detail.endswith("monthly drug use, ASSIST scores")


def test_a_volunteer_sees_case_work_without_drug_use_and_leaves_no_access_log(client, officer, volunteer, hung):
    fill(officer, hung)
    client.force_login(volunteer)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="assist") is None
    assert section.find("script", id="assist-chart-data") is None
    assert section.find(data_testid="add-assist") is None
    assert section.find(data_testid="assign-volunteer") is None
    assert section.find(data_testid="log-contact") is not None
    assessments = section.get(data_testid="assessments")
    assert assessments.find(data_drug_use="suspected") is None and len(assessments.rows()[0]) == 2
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    assert access_log(hung) == []


def test_without_the_right_to_see_drug_use_nothing_of_it_is_shown_or_logged(client, make_user, unit, officer, hung):
    fill(officer, hung)
    auditor = make_user(Role.AUDITOR, unit("01", level=OrgUnit.Level.PROVINCE))
    client.force_login(auditor)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="assist") is None
    assert section.find(data_testid="log-contact") is None
    assert len(section.get(data_testid="barc10-table").rows()) == 2
    assert access_log(hung) == []


def test_police_see_assist_scores_and_the_log_says_so_once(client, make_user, phu_thuong, officer, hung):
    fill(officer, hung, contacts=1, months=1, instruments=1)
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.get(data_testid="assist-table").get("td", data_substance="cannabis").attrs["data-risk"] == "moderate"
    [entry] = access_log(hung)
    words = entry.detail.split(", ")
    assert "ASSIST scores" in words and "monthly drug use" in words and "HIV status" not in words


def test_no_case_work_recorded_adds_nothing_to_the_access_log(client, officer, hung):
    client.force_login(officer)
    section = parse(client.get(person_page(hung))).get(data_testid="casework")
    assert section.find(data_testid="no-volunteer") is not None
    assert section.find("canvas") is None
    [entry] = access_log(hung)
    assert "ASSIST" not in entry.detail and "monthly" not in entry.detail


# Measured: session, user and roles (3), the person page's own reads (8), its access-log entry (1),
# seven for case work (volunteer, contacts, assessments, classifications, instruments, plan, goal counts)
# seven for the roster's sections (periods, holds, the latest move, release notices, relapses), and two for privacy
# (the person's consents, their data-subject requests).
PERSON_PAGE_QUERIES = 29


def test_the_person_page_reads_case_work_in_a_fixed_number_of_queries(
    client, officer, hung, lan, volunteer, django_assert_max_num_queries
):
    fill(officer, hung, contacts=2, months=2, instruments=1)
    fill(officer, lan, contacts=8, months=6, instruments=5)
    client.force_login(officer)
    client.get(person_page(hung))  # warm the caches the first request fills
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES) as few:
        assert client.get(person_page(hung)).status_code == 200
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES) as many:
        assert client.get(person_page(lan)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_monthly_assessments_older_than_a_year_are_left_out(client, officer, hung):
    for n in (0, 11, 12):
        assess(officer, hung, shift_month_start(THIS_MONTH, -n))
    assert MonthlyAssessment.objects.count() == 3
    client.force_login(officer)
    rows = parse(client.get(person_page(hung))).get(data_testid="assessments").rows()
    assert [row[0] for row in rows] == [f"{shift_month_start(THIS_MONTH, -n):%m/%Y}" for n in (0, 11)]
