"""The commune officer's pages as users see them: teams, volunteers, coverage, assignments, overdue
assessments, the quarter's sign-off and the rating scale.

State is built through the services; the pages use today's date, so dates here are relative to it.
Assertions read the rendered pages (elements by data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import Compliance, DrugUseInMonth, FamilyRelations, Participation, WorkStatus
from donghanh.casework.models import Assignment, QuarterlyClassification, RatingScale, Volunteer, VolunteerTeam
from donghanh.casework.selectors import rating_levels_for
from donghanh.casework.worklist import assessment_months
from donghanh.core.dates import previous_quarter, quarter_months, quarter_of
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
LONG_AGO = TODAY - 400 * DAY
LAST_QUARTER = previous_quarter(*quarter_of(TODAY))
TEAMS = reverse("casework:teams")
COVERAGE = reverse("casework:coverage")
OVERDUE = reverse("casework:overdue")
SCALE = reverse("casework:scale")


def vi(text: str) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def quarter_url(year: int, quarter: int) -> str:
    return reverse("casework:quarter", args=[year, quarter])


def texts(response, testid: str) -> list[str]:
    return [node.text for node in parse(response).find_all(data_testid=testid)]


def text(response, testid: str) -> str:
    return parse(response).get(data_testid=testid).text


def selected(select):
    """The option chosen in a <select>."""
    chosen = [option for option in select.find_all("option") if "selected" in option.attrs]
    assert len(chosen) == 1, chosen
    return chosen[0]


def add_volunteer(officer, team, name, **fields):
    fields.setdefault("sex", "female")
    fields.setdefault("affiliation", "youth_union")
    fields.setdefault("start_date", LONG_AGO)
    return services.volunteer_add(actor=officer, team=team, full_name=name, **fields)


def register(officer, at, name):
    return person_register(
        actor=officer, unit=at, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=LONG_AGO - 10 * DAY
    )


def follow(officer, person, start=LONG_AGO):
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=start)
    return person


def assess(officer, person, month, rating):
    level = next(lv for lv in rating_levels_for(person.unit) if lv.code == rating)
    return services.assessment_submit(
        actor=officer,
        person=person,
        month=month,
        drug_use=DrugUseInMonth.NONE,
        participation=Participation.FULL,
        work_status=WorkStatus.CASUAL,
        family_relations=FamilyRelations.GOOD,
        compliance=Compliance.COMPLIES,
        rating=level,
    )


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def hai_chau_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau)


@pytest.fixture
def volunteer_user(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, full_name="Trần Thị Lan")


@pytest.fixture
def team(officer, phu_thuong):
    return services.team_create(actor=officer, unit=phu_thuong, name="Đội tình nguyện Phú Thượng")


@pytest.fixture
def world(officer, team, phu_thuong, volunteer_user):
    """Phú Thượng: 3 active volunteers (Lan helps two, Mai one, Hoa nobody) and one who stopped;
    4 people followed (3 with a volunteer, Dũng without one) and one registered but not followed."""
    lan = add_volunteer(officer, team, "Trần Thị Lan", user=volunteer_user, phone="0912000111", hamlet="Tổ 3")
    mai = add_volunteer(officer, team, "Lê Thị Mai", affiliation="womens_union")
    hoa = add_volunteer(officer, team, "Phạm Thị Hoa", affiliation="veterans")
    gone = add_volunteer(officer, team, "Đỗ Văn Cũ", end_date=TODAY - 30 * DAY)
    hung = follow(officer, register(officer, phu_thuong, "Nguyễn Văn Hùng"))
    binh = register(officer, phu_thuong, "Trần Văn Bình")
    cuong = register(officer, phu_thuong, "Lê Văn Cường")
    dung = follow(officer, register(officer, phu_thuong, "Phạm Văn Dũng"))
    register(officer, phu_thuong, "Hoàng Văn Em")  # registered, not followed
    for person, volunteer in ((hung, lan), (binh, lan), (cuong, mai)):
        services.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=LONG_AGO)
    return {
        "team": team,
        "lan": lan,
        "mai": mai,
        "hoa": hoa,
        "gone": gone,
        "hung": hung,
        "binh": binh,
        "cuong": cuong,
        "dung": dung,
    }


# --- who may open the pages ---------------------------------------------------------------------


def test_a_volunteer_is_refused_every_officer_page(client, world, volunteer_user):
    client.force_login(volunteer_user)
    pages = [
        TEAMS,
        COVERAGE,
        OVERDUE,
        reverse("casework:quarter_latest"),
        quarter_url(*LAST_QUARTER),
        reverse("casework:team_detail", args=[world["team"].pk]),
        reverse("casework:volunteer_detail", args=[world["lan"].pk]),
        reverse("casework:assign", args=[world["hung"].pk]),
        reverse("casework:team_create"),
        SCALE,
    ]
    for page in pages:
        assert client.get(page).status_code == 403, page
    home = parse(client.get(reverse("home")))
    assert home.find(data_testid="nav-volunteers") is None


def test_another_communes_officer_gets_404_for_phu_thuongs_records(client, world, hai_chau_officer):
    client.force_login(hai_chau_officer)
    assert client.get(TEAMS).status_code == 200
    for page in (
        reverse("casework:team_detail", args=[world["team"].pk]),
        reverse("casework:team_edit", args=[world["team"].pk]),
        reverse("casework:volunteer_add", args=[world["team"].pk]),
        reverse("casework:volunteer_detail", args=[world["lan"].pk]),
        reverse("casework:volunteer_edit", args=[world["lan"].pk]),
        reverse("casework:assign", args=[world["hung"].pk]),
        f"{COVERAGE}?unit={world['team'].unit_id}",
    ):
        assert client.get(page).status_code == 404, page
    assignment = Assignment.objects.get(person=world["hung"])
    end = reverse("casework:assignment_end", args=[assignment.pk])
    assert client.post(end, {"end_date": TODAY.strftime("%d/%m/%Y"), "reason": "x"}).status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).end_date is None


def test_health_staff_see_the_team_but_cannot_manage_it(client, world, make_user, phu_thuong):
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    client.force_login(health)
    page = client.get(reverse("casework:team_detail", args=[world["team"].pk]))
    assert page.status_code == 200
    assert parse(page).find(data_testid="volunteer-add") is None
    assert parse(client.get(TEAMS)).find(data_testid="team-create") is None
    assert client.get(reverse("casework:assign", args=[world["hung"].pk])).status_code == 403
    assert client.get(reverse("casework:volunteer_edit", args=[world["lan"].pk])).status_code == 403


def test_every_page_carries_the_csp_and_no_inline_code(client, world, officer, make_user, unit):
    client.force_login(officer)
    year, quarter = LAST_QUARTER
    for page in (
        TEAMS,
        reverse("casework:team_create"),
        reverse("casework:team_detail", args=[world["team"].pk]),
        reverse("casework:team_edit", args=[world["team"].pk]),
        reverse("casework:volunteer_add", args=[world["team"].pk]),
        reverse("casework:volunteer_detail", args=[world["lan"].pk]),
        reverse("casework:volunteer_edit", args=[world["lan"].pk]),
        COVERAGE,
        reverse("casework:assign", args=[world["hung"].pk]),
        OVERDUE,
        quarter_url(year, quarter),
    ):
        assert_csp_and_no_inline_code(client.get(page), page)
    client.force_login(make_user(Role.PROVINCE_OFFICER, unit("01", level=1)))
    assert_csp_and_no_inline_code(client.get(SCALE), SCALE)


# --- teams --------------------------------------------------------------------------------------


def test_the_teams_list_counts_volunteers_and_people(client, world, officer):
    client.force_login(officer)
    page = client.get(TEAMS)
    assert parse(page).find(data_testid="team-create") is not None
    assert parse(page).find(data_testid="nav-volunteers") is not None
    rows = parse(page).get(data_testid="team-table").rows()
    assert len(rows) == 1
    assert rows[0][0] == "Đội tình nguyện Phú Thượng"
    assert rows[0][2:] == ["3", "2", "4", "3"]  # active volunteers, helping, people followed, with a volunteer


def test_the_teams_list_filters_by_commune_and_answers_htmx_with_the_table(client, world, officer):
    client.force_login(officer)
    assert len(parse(client.get(TEAMS, {"q": "phu thuong"})).get(data_testid="team-table").rows()) == 1
    response = client.get(TEAMS, {"q": "hai chau"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert parse(response).find(data_testid="empty") is not None


def test_an_officer_without_a_team_sees_the_empty_state(client, hai_chau_officer):
    client.force_login(hai_chau_officer)
    empty = parse(client.get(TEAMS)).get(data_testid="empty")
    assert (vi("Set up the team"), reverse("casework:team_create")) in empty.links()


def test_the_teams_list_queries_do_not_grow_with_teams(client, make_user, officer, world, unit):
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=1))
    client.force_login(province_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TEAMS).status_code == 200
        return len(queries)

    few = count()
    for code in ("00004", "00008", "00025"):  # more communes of Hà Nội, each with a team and people
        commune = unit(code)
        other = make_user(Role.COMMUNE_OFFICER, commune)
        team = services.team_create(actor=other, unit=commune, name=f"Đội {commune.name}")
        volunteer = add_volunteer(other, team, "Tình nguyện viên")
        person = follow(other, register(other, commune, "Người Được Giúp"))
        services.assignment_make(actor=other, person=person, volunteer=volunteer, start_date=LONG_AGO)
    many = count()
    assert len(parse(client.get(TEAMS)).get(data_testid="team-table").rows()) == 4
    assert few == many
    assert many <= 5  # session, user, roles, count, the page with its figures


def test_a_team_is_set_up_for_the_officers_commune(client, officer, phu_thuong):
    client.force_login(officer)
    create = reverse("casework:team_create")
    page = client.get(create)
    assert phu_thuong.name in text(page, "team-commune")
    refused = client.post(create, {"unit": phu_thuong.pk, "name": "Đội Phú Thượng", "established_on": "31/02/2026"})
    assert refused.status_code == 400
    form = parse(refused).get(data_testid="team-form")
    assert form.get("input", name="name").attrs["value"] == "Đội Phú Thượng"  # what was typed stays
    response = client.post(
        create,
        {"unit": phu_thuong.pk, "name": "Đội Phú Thượng", "established_on": "15/03/2025", "decision_number": "12/QĐ"},
    )
    team = VolunteerTeam.objects.get(unit=phu_thuong)
    assert response.status_code == 302 and response["Location"] == reverse("casework:team_detail", args=[team.pk])
    assert team.established_on == datetime.date(2025, 3, 15) and team.decision_number == "12/QĐ"
    assert parse(client.get(create)).find(data_testid="no-commune") is not None  # one team per commune


def test_a_commune_outside_the_officers_scope_cannot_be_chosen(client, officer, hai_chau):
    client.force_login(officer)
    response = client.post(reverse("casework:team_create"), {"unit": hai_chau.pk, "name": "Đội Hải Châu"})
    assert response.status_code == 400
    assert not VolunteerTeam.objects.exists()


def test_the_team_page_lists_its_volunteers(client, world, officer):
    client.force_login(officer)
    page = client.get(reverse("casework:team_detail", args=[world["team"].pk]))
    rows = {row[0]: row for row in parse(page).get(data_testid="volunteer-table").rows()}
    assert set(rows) == {"Trần Thị Lan", "Lê Thị Mai", "Phạm Thị Hoa", "Đỗ Văn Cũ"}
    lan = rows["Trần Thị Lan"]
    assert lan[2:4] == ["0912000111", "Tổ 3"]
    assert lan[4] == vi("since %(since)s") % {"since": LONG_AGO.strftime("%d/%m/%Y")}
    assert lan[5] == vi("Yes") and rows["Lê Thị Mai"][5] == vi("No")
    assert [rows[n][6] for n in ("Trần Thị Lan", "Lê Thị Mai", "Phạm Thị Hoa", "Đỗ Văn Cũ")] == ["2", "1", "0", "0"]
    stopped = f"{LONG_AGO:%d/%m/%Y} – {TODAY - 30 * DAY:%d/%m/%Y} {vi('Stopped')}"
    assert rows["Đỗ Văn Cũ"][4] == stopped
    coverage_link = parse(page).get(data_testid="team-coverage").attrs["href"]
    assert coverage_link == f"{COVERAGE}?unit={world['team'].unit_id}"


def test_the_team_is_edited_and_a_refused_change_keeps_the_input(client, world, officer):
    client.force_login(officer)
    edit = reverse("casework:team_edit", args=[world["team"].pk])
    refused = client.post(edit, {"name": "", "decision_number": "99/QĐ"})
    assert refused.status_code == 400
    assert parse(refused).get("input", name="decision_number").attrs["value"] == "99/QĐ"
    assert client.post(edit, {"name": "Đội mới", "decision_number": "99/QĐ"}).status_code == 302
    world["team"].refresh_from_db()
    assert (world["team"].name, world["team"].decision_number) == ("Đội mới", "99/QĐ")


# --- volunteers ---------------------------------------------------------------------------------


def volunteer_post(**fields):
    return {
        "full_name": "Vũ Thị Hằng",
        "sex": "female",
        "birth_year": "1995",
        "affiliation": "youth_union",
        "phone": "0987654321",
        "hamlet": "Tổ 7",
        "training": "Tập huấn kỹ năng tư vấn 2025",
        "start_date": TODAY.strftime("%d/%m/%Y"),
        "end_date": "",
        "user": "",
        **fields,
    }


def test_a_volunteer_is_added_with_a_login_of_the_commune(client, world, officer, make_user, phu_thuong, hai_chau):
    free = make_user(Role.VOLUNTEER, phu_thuong, full_name="Vũ Thị Hằng")
    elsewhere = make_user(Role.VOLUNTEER, hai_chau)
    client.force_login(officer)
    add = reverse("casework:volunteer_add", args=[world["team"].pk])
    options = {o.attrs["value"] for o in parse(client.get(add)).get("select", name="user").find_all("option")}
    assert options == {"", str(free.pk)}  # not Lan's login (taken), not another commune's volunteer
    refused = client.post(add, volunteer_post(user=elsewhere.pk))
    assert refused.status_code == 400
    assert parse(refused).get("input", name="full_name").attrs["value"] == "Vũ Thị Hằng"
    response = client.post(add, volunteer_post(user=free.pk))
    volunteer = Volunteer.objects.get(full_name="Vũ Thị Hằng")
    assert response["Location"] == reverse("casework:volunteer_detail", args=[volunteer.pk])
    assert volunteer.user == free and volunteer.birth_year == 1995 and volunteer.team == world["team"]


def test_a_volunteers_end_before_their_start_is_shown_on_the_field(client, world, officer):
    client.force_login(officer)
    edit = reverse("casework:volunteer_edit", args=[world["mai"].pk])
    data = volunteer_post(full_name="Lê Thị Mai", start_date=TODAY.strftime("%d/%m/%Y"))
    data["end_date"] = (TODAY - DAY).strftime("%d/%m/%Y")
    refused = client.post(edit, data)
    assert refused.status_code == 400
    field = parse(refused).get(data_field="end_date")
    assert vi("The end cannot be before the start.") in field.text
    assert Volunteer.objects.get(pk=world["mai"].pk).end_date is None


def test_a_volunteer_who_stops_leaves_their_people_without_a_volunteer(client, world, officer):
    client.force_login(officer)
    lan = world["lan"]
    data = volunteer_post(full_name=lan.full_name, start_date=LONG_AGO.strftime("%d/%m/%Y"), user=lan.user_id)
    data["end_date"] = TODAY.strftime("%d/%m/%Y")
    response = client.post(reverse("casework:volunteer_edit", args=[lan.pk]), data, follow=True)
    assert response.status_code == 200
    ended = Assignment.objects.filter(volunteer=lan)
    assert [a.end_date for a in ended] == [TODAY, TODAY]
    # From tomorrow the two people are listed without a volunteer; today the assignments still run.
    page = client.get(reverse("casework:volunteer_detail", args=[lan.pk]))
    assert len(parse(page).get(data_testid="current-assignments").rows()) == 2


def test_the_volunteer_page_shows_current_people_history_and_recent_contacts(client, world, officer):
    lan, mai, hung = world["lan"], world["mai"], world["hung"]
    services.assignment_make(
        actor=officer, person=hung, volunteer=mai, start_date=TODAY - 20 * DAY, reason="Chị Lan bận"
    )
    services.contact_record(actor=officer, person=hung, date=TODAY - 100 * DAY, mode="home_visit", volunteer=lan)
    services.contact_record(actor=officer, person=hung, date=TODAY - 80 * DAY, mode="phone", volunteer=lan)
    services.contact_record(actor=officer, person=world["binh"], date=TODAY - 3 * DAY, mode="phone", volunteer=lan)
    client.force_login(officer)
    page = client.get(reverse("casework:volunteer_detail", args=[lan.pk]))
    current = parse(page).get(data_testid="current-assignments")
    assert [row[0] for row in current.rows()] == ["Trần Văn Bình"]
    assert ("Trần Văn Bình", reverse("people:detail", args=[world["binh"].pk])) in current.links()
    history = parse(page).get(data_testid="assignment-history").rows()
    assert history == [
        ["Nguyễn Văn Hùng", LONG_AGO.strftime("%d/%m/%Y"), (TODAY - 21 * DAY).strftime("%d/%m/%Y"), "Chị Lan bận"]
    ]
    assert text(page, "recent-contacts") == "2"
    assert parse(page).find(data_testid="volunteer-edit") is not None


def test_an_idle_volunteer_is_offered_the_people_without_one(client, world, officer):
    client.force_login(officer)
    hoa = world["hoa"]
    page = client.get(reverse("casework:volunteer_detail", args=[hoa.pk]))
    offered = parse(page).get(data_testid="to-assign").links()
    assign = reverse("casework:assign", args=[world["dung"].pk])
    assert offered == [("Phạm Văn Dũng " + world["dung"].code, f"{assign}?volunteer={hoa.pk}")]
    form = parse(client.get(f"{assign}?volunteer={hoa.pk}")).get("select", name="volunteer")
    assert selected(form).attrs["value"] == str(hoa.pk)


# --- coverage -----------------------------------------------------------------------------------


def test_coverage_counts_both_sides_of_the_rule(client, world, officer):
    client.force_login(officer)
    page = client.get(COVERAGE)
    assert text(page, "volunteers") == "3"
    assert text(page, "volunteers-helping") == "2 (66,7 %)"
    assert text(page, "people") == "4"
    assert text(page, "people-covered") == "3 (75 %)"
    idle = parse(page).get(data_testid="idle-volunteers")
    assert idle.links() == [("Phạm Thị Hoa", reverse("casework:volunteer_detail", args=[world["hoa"].pk]))]
    unassigned = parse(page).get(data_testid="unassigned-people")
    assert ("Phạm Văn Dũng", reverse("people:detail", args=[world["dung"].pk])) in unassigned.links()
    assert (vi("Assign"), reverse("casework:assign", args=[world["dung"].pk])) in unassigned.links()
    assert len(unassigned.find_all("li")) == 1


def test_coverage_of_a_province_goes_down_to_its_communes(client, world, make_user, unit, phu_thuong):
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=1))
    client.force_login(province_officer)
    page = client.get(COVERAGE)
    assert text(page, "volunteers") == "3" and text(page, "people") == "4"
    assert parse(page).find(data_testid="assign-link") is None  # the province does not assign
    choices = {o.attrs["value"] for o in parse(page).get("select", name="unit").find_all("option")}
    assert str(phu_thuong.pk) in choices
    commune = client.get(COVERAGE, {"unit": phu_thuong.pk})
    assert text(commune, "people-covered") == "3 (75 %)"
    assert client.get(COVERAGE, {"unit": unit("20242").pk}).status_code == 404  # Hải Châu: outside the province


def test_long_coverage_lists_show_the_first_rows(client, world, officer, settings):
    settings.LIST_PAGE_SIZE = 1
    add_volunteer(officer, world["team"], "Vũ Thị Hằng")
    client.force_login(officer)
    page = parse(client.get(COVERAGE))
    assert len(page.get(data_testid="idle-volunteers").find_all("li")) == 1
    more = "and %(count)s more: choose a commune to see them all."
    with translation.override("vi"):
        expected = translation.ngettext(more, more, 1) % {"count": 1}
    assert page.get(data_testid="idle-more").text == expected


def test_percentages_use_the_decimal_comma():
    template = Template('{{ share|floatformat:"-1" }} %')
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(Context({"share": 62.5})) == "62,5 %"
            assert template.render(Context({"share": 100.0})) == "100 %"


def test_coverage_queries_do_not_grow_with_rows(client, world, officer, phu_thuong):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(COVERAGE).status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        add_volunteer(officer, world["team"], f"Tình nguyện viên {n}")
        follow(officer, register(officer, phu_thuong, f"Người Thứ {n}"))
    many = count()
    assert text(client.get(COVERAGE), "people") == "8"
    assert few == many
    # session, user, roles, the unit, its sub-units, four counts, the two lists
    assert many <= 11


# --- assignments --------------------------------------------------------------------------------


def test_a_reassignment_shows_the_history(client, world, officer):
    client.force_login(officer)
    hung, mai = world["hung"], world["mai"]
    assign = reverse("casework:assign", args=[hung.pk])
    page = client.get(assign)
    assert "Trần Thị Lan" in text(page, "current-volunteer")
    offered = {o.text for o in parse(page).get("select", name="volunteer").find_all("option")}
    assert not any("Trần Thị Lan" in o for o in offered)  # not the one helping now
    assert not any("Đỗ Văn Cũ" in o for o in offered)  # not one who stopped
    start = TODAY - 5 * DAY
    response = client.post(
        assign, {"volunteer": mai.pk, "start_date": start.strftime("%d/%m/%Y"), "reason": "Gần nhà hơn"}
    )
    assert response.status_code == 302 and response["Location"] == assign
    page = client.get(assign)
    assert "Lê Thị Mai" in text(page, "current-volunteer")
    history = parse(page).get(data_testid="assignment-history").rows()
    assert history == [
        ["Trần Thị Lan", LONG_AGO.strftime("%d/%m/%Y"), (start - DAY).strftime("%d/%m/%Y"), "Gần nhà hơn"]
    ]


def test_a_reassignment_before_the_current_start_is_refused_on_the_field(client, world, officer):
    client.force_login(officer)
    assign = reverse("casework:assign", args=[world["hung"].pk])
    too_early = (LONG_AGO - DAY).strftime("%d/%m/%Y")
    refused = client.post(assign, {"volunteer": world["mai"].pk, "start_date": too_early, "reason": "x"})
    assert refused.status_code == 400
    field = parse(refused).get(data_testid="assign-form").get(data_field="start_date")
    assert field.get("input").attrs["value"] == too_early
    assert Assignment.objects.get(person=world["hung"]).volunteer == world["lan"]


def test_an_assignment_is_ended_with_a_reason(client, world, officer):
    client.force_login(officer)
    assignment = Assignment.objects.get(person=world["cuong"])
    end = reverse("casework:assignment_end", args=[assignment.pk])
    assert client.get(end).status_code == 405
    refused = client.post(end, {"end_date": TODAY.strftime("%d/%m/%Y"), "reason": ""})
    assert refused.status_code == 400
    assert parse(refused).find(data_testid="end-form") is not None
    response = client.post(end, {"end_date": TODAY.strftime("%d/%m/%Y"), "reason": "Chuyển đi nơi khác"})
    assert response["Location"] == reverse("casework:assign", args=[world["cuong"].pk])
    assignment.refresh_from_db()
    assert (assignment.end_date, assignment.end_reason) == (TODAY, "Chuyển đi nơi khác")


def test_a_person_without_a_team_is_pointed_to_setting_it_up(client, hai_chau_officer, hai_chau):
    person = follow(hai_chau_officer, register(hai_chau_officer, hai_chau, "Nguyễn Văn An"))
    client.force_login(hai_chau_officer)
    page = client.get(reverse("casework:assign", args=[person.pk]))
    assert page.status_code == 200
    assert parse(page).find(data_testid="no-team") is not None


# --- overdue assessments ------------------------------------------------------------------------


def test_overdue_assessments_across_the_scope(client, world, officer):
    _due, overdue = assessment_months(TODAY)
    hung = world["hung"]
    assess(officer, hung, overdue[0], "good")  # the latest overdue month of Hùng is done
    client.force_login(officer)
    page = client.get(OVERDUE)
    rows = parse(page).get(data_testid="overdue-table").rows()
    # Four people followed, each missing every overdue month, but Hùng one fewer.
    assert len(rows) == 4 * len(overdue) - 1
    hung_rows = [row for row in rows if row[0].startswith("Nguyễn Văn Hùng")]
    assert [row[2] for row in hung_rows] == [m.strftime("%m/%Y") for m in sorted(overdue[1:])]
    assert all(row[3] == "Trần Thị Lan" for row in hung_rows)
    dung = next(row for row in rows if row[0].startswith("Phạm Văn Dũng"))
    assert dung[3] == "—"
    oldest = min(overdue)
    assess_link = f"{reverse('casework:assessment', args=[hung.pk])}?month={oldest:%Y-%m}"
    assert assess_link in [href for _text, href in parse(page).get(data_testid="overdue-table").links()]
    assert rows[0][2] == oldest.strftime("%m/%Y")  # oldest month first


def test_no_overdue_assessment_shows_the_empty_state(client, officer):
    client.force_login(officer)
    assert parse(client.get(OVERDUE)).find(data_testid="empty") is not None


# --- the quarter's sign-off ---------------------------------------------------------------------


@pytest.fixture
def quarter(world, officer):
    """Last quarter: Hùng rated good, fair, poor (derives fair); Bình good, good, poor (derives good);
    Cường rated in one month only; Dũng not rated at all."""
    year, q = LAST_QUARTER
    months = quarter_months(year, q)
    for month, rating in zip(months, ["good", "fair", "poor"], strict=True):
        assess(officer, world["hung"], month, rating)
    for month, rating in zip(months, ["good", "good", "poor"], strict=True):
        assess(officer, world["binh"], month, rating)
    assess(officer, world["cuong"], months[1], "average")
    return year, q


def row_of(response, person: Person):
    return parse(response).get(data_testid="quarter-row", data_person=str(person.pk))


def test_the_latest_quarter_is_the_last_finished_one(client, officer):
    client.force_login(officer)
    response = client.get(reverse("casework:quarter_latest"))
    assert response.status_code == 302 and response["Location"] == quarter_url(*LAST_QUARTER)


def test_the_quarter_shows_the_months_and_what_they_give(client, world, officer, quarter):
    client.force_login(officer)
    page = client.get(quarter_url(*quarter))
    rows = {row[0].split(" DH")[0]: row for row in parse(page).get(data_testid="quarter-table").rows()}
    assert set(rows) == {"Nguyễn Văn Hùng", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"}
    labels = {lv.code: lv.label_vi for lv in rating_levels_for(world["hung"].unit)}
    assert rows["Nguyễn Văn Hùng"][1:5] == [labels["good"], labels["fair"], labels["poor"], labels["fair"]]
    assert rows["Trần Văn Bình"][4] == labels["good"]
    assert rows["Lê Văn Cường"][1:4] == ["—", labels["average"], "—"]
    assert rows["Lê Văn Cường"][4] == vi("A month is missing")
    form = row_of(page, world["hung"]).get("form", id=f"person-{world['hung'].pk}")
    chosen = selected(form.get("select", name="level"))
    assert chosen.text == labels["fair"]  # one click confirms what the months give


def test_confirming_without_override_needs_no_reason(client, world, officer, quarter):
    client.force_login(officer)
    year, q = quarter
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    url = quarter_url(year, q)
    response = client.post(url, {"person": world["hung"].pk, "level": fair.pk, "override_reason": ""})
    assert response.status_code == 302 and response["Location"] == f"{url}#person-{world['hung'].pk}"
    confirmed = QuarterlyClassification.objects.get(person=world["hung"], year=year, quarter=q)
    assert confirmed.level == fair and not confirmed.overridden and confirmed.confirmed_by == officer
    page = client.get(url)
    assert row_of(page, world["hung"]).get(data_testid="confirmed").text.startswith(fair.label_vi)
    summary = texts(page, "summary-level")
    assert summary == [f"{fair.label_vi}: 1"]


def test_an_override_needs_a_reason_shown_on_its_row(client, world, officer, quarter):
    client.force_login(officer)
    year, q = quarter
    good = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "good")
    url = quarter_url(year, q)
    refused = client.post(url, {"person": world["hung"].pk, "level": good.pk, "override_reason": "  "})
    assert refused.status_code == 400
    row = row_of(refused, world["hung"])
    errors = " ".join(node.text for node in row.find_all(data_testid="row-errors"))
    assert vi("Give the reason for a classification other than the one the months give.") in errors
    assert selected(row.get("select", name="level")).attrs["value"] == str(good.pk)
    assert row_of(refused, world["binh"]).find(data_testid="row-errors") is None  # only the row acted on
    assert not QuarterlyClassification.objects.exists()

    reason = "Đã có việc làm ổn định từ tháng cuối"
    response = client.post(url, {"person": world["hung"].pk, "level": good.pk, "override_reason": reason})
    assert response.status_code == 302
    confirmed = QuarterlyClassification.objects.get(person=world["hung"])
    assert confirmed.overridden and confirmed.override_reason == reason
    shown = row_of(client.get(url), world["hung"]).get(data_testid="override-reason").text
    assert reason in shown


def test_the_quarter_moves_back_and_not_past_the_current_one(client, officer, quarter):
    client.force_login(officer)
    page = parse(client.get(quarter_url(*quarter)))
    assert page.get(data_testid="quarter-previous").attrs["href"] == quarter_url(*previous_quarter(*quarter))
    assert page.get(data_testid="quarter-next").attrs["href"] == quarter_url(*quarter_of(TODAY))
    current = parse(client.get(quarter_url(*quarter_of(TODAY))))
    assert current.find(data_testid="quarter-next") is None
    assert client.get(quarter_url(2026, 5)).status_code == 404


def test_roles_that_may_only_look_see_no_form_and_cannot_post(client, world, make_user, phu_thuong, quarter):
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    url = quarter_url(*quarter)
    page = client.get(url)
    assert page.status_code == 200 and parse(page).find(data_testid="classification-form") is None
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    assert client.post(url, {"person": world["hung"].pk, "level": fair.pk}).status_code == 403


def test_another_communes_officer_cannot_confirm(client, world, hai_chau_officer, quarter):
    client.force_login(hai_chau_officer)
    url = quarter_url(*quarter)
    assert parse(client.get(url)).find(data_testid="quarter-table") is None
    fair = next(lv for lv in rating_levels_for(world["hung"].unit) if lv.code == "fair")
    assert client.post(url, {"person": world["hung"].pk, "level": fair.pk}).status_code == 404


def test_the_quarter_queries_do_not_grow_with_rows(client, world, officer, quarter, phu_thuong):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(quarter_url(*quarter)).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        person = follow(officer, register(officer, phu_thuong, f"Người Thứ {n}"))
        assess(officer, person, quarter_months(*quarter)[0], "good")
    assert count() == few


# --- the rating scale ---------------------------------------------------------------------------


def scale_post(name, rows):
    data = {
        "name": name,
        "levels-TOTAL_FORMS": "6",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "6",
    }
    for i in range(6):
        code, label_vi, label_en, progress = rows[i] if i < len(rows) else ("", "", "", False)
        data |= {f"levels-{i}-code": code, f"levels-{i}-label_vi": label_vi, f"levels-{i}-label_en": label_en}
        if progress:
            data[f"levels-{i}-counts_as_progress"] = "on"
    return data


def test_a_province_officer_sets_the_provinces_scale(client, make_user, unit):
    ha_noi = unit("01", level=1)
    client.force_login(make_user(Role.PROVINCE_OFFICER, ha_noi))
    page = client.get(SCALE)
    default = RatingScale.objects.get(unit__isnull=True)
    assert default.name in text(page, "scale-in-force")
    rows = parse(page).get(data_testid="scale-levels").rows()
    assert [row[1] for row in rows] == ["good", "fair", "average", "poor"]
    assert parse(page).get("input", name="levels-0-code").attrs["value"] == "good"  # the form starts from it

    two = [("progressing", "Tiến bộ", "Progressing", True), ("not_progressing", "Chưa tiến bộ", "Not yet", False)]
    refused = client.post(SCALE, scale_post("Thang Hà Nội", [(c, vi_, en, True) for c, vi_, en, _p in two]))
    assert refused.status_code == 400
    assert vi("Some levels must count as progressing and some not.") in text(refused, "form-errors")
    assert parse(refused).get("input", name="levels-1-label_vi").attrs["value"] == "Chưa tiến bộ"
    half_filled = client.post(SCALE, scale_post("Thang Hà Nội", [*two, ("bad", "", "", False)]))
    assert half_filled.status_code == 400
    assert not RatingScale.objects.filter(unit=ha_noi).exists()

    response = client.post(SCALE, scale_post("Thang Hà Nội", two))
    assert response.status_code == 302
    scale = RatingScale.objects.get(unit=ha_noi)
    assert scale.name == "Thang Hà Nội"
    assert list(scale.levels.order_by("rank").values_list("code", "counts_as_progress")) == [
        ("progressing", True),
        ("not_progressing", False),
    ]
    assert "Thang Hà Nội" in text(client.get(SCALE), "scale-in-force")


def test_a_commune_officer_cannot_open_the_scale(client, officer):
    client.force_login(officer)
    assert client.get(SCALE).status_code == 403
    assert client.post(SCALE, scale_post("x", [])).status_code == 403


def test_the_nav_shows_volunteers_to_officers(client, officer):
    client.force_login(officer)
    link = parse(client.get(reverse("home"))).get(data_testid="nav-volunteers")
    assert link.attrs["href"] == TEAMS
