"""The commune officer's pages as users see them: who may open them, the teams and their volunteers.

The pages' helpers are here, and test_views_coverage and test_views_quarter import them; the team and its
`world` of volunteers and people are in conftest.

State is built through the services; the pages use today's date, so dates here are relative to it.
Assertions read the rendered pages (elements by data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import Compliance, DrugUseInMonth, FamilyRelations, Participation, WorkStatus
from donghanh.casework.models import Assignment, Volunteer, VolunteerTeam
from donghanh.casework.selectors import rating_levels_for
from donghanh.casework.tests.conftest import DAY, LONG_AGO, TODAY, add_volunteer, register
from donghanh.core.dates import previous_quarter, quarter_of
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open

pytestmark = pytest.mark.django_db

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


def text(response, testid: str) -> str:
    return parse(response).get(data_testid=testid).text


def selected(select):
    """The option chosen in a <select>."""
    chosen = [option for option in select.find_all("option") if "selected" in option.attrs]
    assert len(chosen) == 1, chosen
    return chosen[0]


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
    version = world["team"].version
    assert client.post(edit, {"name": "Đội mới", "decision_number": "99/QĐ", "version": version}).status_code == 302
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
    refused = client.post(edit, {**data, "version": world["mai"].version})
    assert refused.status_code == 400
    field = parse(refused).get(data_field="end_date")
    assert vi("The end cannot be before the start.") in field.text
    assert Volunteer.objects.get(pk=world["mai"].pk).end_date is None


def test_a_volunteer_who_stops_leaves_their_people_without_a_volunteer(client, world, officer):
    client.force_login(officer)
    lan = world["lan"]
    data = volunteer_post(full_name=lan.full_name, start_date=LONG_AGO.strftime("%d/%m/%Y"), user=lan.user_id)
    data["end_date"] = TODAY.strftime("%d/%m/%Y")
    data["version"] = lan.version
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
