"""The people pages as users see them: the list and registration.

The pages' helpers are here, and test_views_person imports them; the officers and Hùng are in conftest.

State is built through the services; assertions read the rendered pages (elements by
data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people import services
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.models import Person
from donghanh.people.tests.conftest import register

pytestmark = pytest.mark.django_db

D = datetime.date
PHU_THUONG, BA_DINH, HAI_CHAU = "00091", "00004", "20242"
REGISTERED = D(2025, 9, 1)
LIST = reverse("people:list")
REGISTER = reverse("people:register")


def url(name: str, person: Person) -> str:
    return reverse(f"people:{name}", args=[person.pk])


def login(client, user):
    client.force_login(user)
    return client


def names_in_list(response) -> list[str]:
    table = parse(response).find(data_testid="people-table")
    return [] if table is None else [row[1] for row in table.rows()]


def form_data(**overrides):
    """What a person types into the registration form."""
    data = {
        "full_name": "Trần Văn Bình",
        "other_names": "Bình Còi",
        "sex": Sex.MALE,
        "birth_date": "",
        "birth_year": "1988",
        "citizen_id": "",
        "ethnicity": "01",
        "phone": "0912345678",
        "current_hamlet": "Tổ 5",
        "current_street": "12 ngõ 3",
        "permanent_unit": "",
        "permanent_hamlet": "",
        "permanent_street": "",
        "occupation": "Thợ xây",
        "education": "lower_secondary",
        "marital_status": "single",
        "household_poverty": "none",
        "dependants": "0",
        "family_contacts": "Mẹ: 0987654321",
        "needs": "Học nghề",
        "registered_on": "01/09/2025",
        "whereabouts": Whereabouts.AT_RESIDENCE,
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> str:
    box = parse(response).find(data_field=name)
    assert box is not None, f"no field {name} on the page"
    return " ".join(div.text for div in box.find_all("div") if "invalid-feedback" in (div.attrs.get("class") or ""))


# --- the list ------------------------------------------------------------------------------------


def test_commune_sees_only_its_people_and_the_province_all_of_its_communes(
    client, make_user, unit, officer, da_nang_officer, phu_thuong, hai_chau
):
    register(officer, phu_thuong, "Nguyễn Văn Hùng")
    ba_dinh_officer = make_user(Role.COMMUNE_OFFICER, unit(BA_DINH))
    register(ba_dinh_officer, unit(BA_DINH), "Lê Văn Tám")
    register(da_nang_officer, hai_chau, "Phạm Thị Hoa", sex=Sex.FEMALE)

    assert names_in_list(login(client, officer).get(LIST)) == ["Nguyễn Văn Hùng"]
    assert names_in_list(login(client, da_nang_officer).get(LIST)) == ["Phạm Thị Hoa"]
    province_officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE))
    response = login(client, province_officer).get(LIST)
    assert sorted(names_in_list(response)) == ["Lê Văn Tám", "Nguyễn Văn Hùng"]
    assert "2" in parse(response).get(data_testid="people-count").text
    # The province officer may not register anyone: no button.
    assert parse(response).find(data_testid="register") is None


def test_list_row_shows_commune_whereabouts_and_measures_on_the_date(client, officer, hung):
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10))
    services.whereabouts_record(actor=officer, person=hung, status=Whereabouts.IN_FACILITY, since=D(2025, 10, 1))
    login(client, officer)
    today_row = parse(client.get(LIST)).get(data_testid="people-table").rows()[0]
    assert today_row[0] == hung.code
    assert today_row[1:3] == ["Nguyễn Văn Hùng", "1990"]
    assert today_row[5] == "Phường Phú Thượng"
    assert "01/10/2025" in today_row[6]
    assert today_row[7] != "—"  # the measure opened on 10/09/2025 runs today

    before = parse(client.get(LIST, {"as_of": "05/09/2025"})).get(data_testid="people-table").rows()[0]
    assert "01/09/2025" in before[6]  # at residence since registration
    assert before[7] == "—"  # no measure yet on 05/09/2025
    assert parse(client.get(LIST, {"as_of": "05/09/2025"})).find(data_testid="register") is not None


def test_as_of_a_date_before_registration_lists_no_one(client, officer, hung):
    response = login(client, officer).get(LIST, {"as_of": "31/08/2025"})
    assert response.status_code == 200
    assert names_in_list(response) == []
    assert parse(response).find(data_testid="empty") is not None
    assert names_in_list(client.get(LIST, {"as_of": "01/09/2025"})) == ["Nguyễn Văn Hùng"]


def test_filters_by_name_without_diacritics_by_code_sex_and_age(client, officer, phu_thuong, hung):
    lan = register(officer, phu_thuong, "Trần Thị Lan", sex=Sex.FEMALE, birth_year=2010)
    login(client, officer)
    assert names_in_list(client.get(LIST, {"q": "tran thi"})) == ["Trần Thị Lan"]
    assert names_in_list(client.get(LIST, {"q": lan.code})) == ["Trần Thị Lan"]
    assert names_in_list(client.get(LIST, {"sex": Sex.MALE})) == ["Nguyễn Văn Hùng"]
    assert names_in_list(client.get(LIST, {"age_band": "under18", "as_of": "01/10/2025"})) == ["Trần Thị Lan"]
    refused = client.get(LIST, {"as_of": "31/02/2025"})
    assert parse(refused).find(data_testid="filter-errors") is not None


def test_filter_by_measure_needs_the_right_to_see_legal_measures(
    client, make_user, officer, phu_thuong, hung, assign_volunteer
):
    binh = register(officer, phu_thuong, "Trần Văn Bình")
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10))
    wanted = {"episode_type": EpisodeType.DRUG_USER_MANAGEMENT}
    assert names_in_list(login(client, officer).get(LIST, wanted)) == ["Nguyễn Văn Hùng"]
    assert parse(client.get(LIST)).find("select", name="episode_type") is not None
    assert len(parse(client.get(LIST)).get(data_testid="people-table").find_all("th")) == 8

    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, hung)
    assign_volunteer(volunteer, binh)
    login(client, volunteer)
    page = parse(client.get(LIST))
    assert page.find("select", name="episode_type") is None  # not offered
    assert len(page.get(data_testid="people-table").rows()) == 2
    assert names_in_list(client.get(LIST, wanted)) == []  # and matches no one when forced
    assert len(page.get(data_testid="people-table").find_all("th")) == 7  # no column of measures


def test_list_query_count_does_not_grow_with_rows(client, officer, phu_thuong):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    for n in range(2):
        person = register(officer, phu_thuong, f"Người Thứ {n}")
        episode_open(
            actor=officer, person=person, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10)
        )
    login(client, officer)
    few = count_queries()
    for n in range(2, 10):
        person = register(officer, phu_thuong, f"Người Thứ {n}")
        episode_open(
            actor=officer, person=person, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10)
        )
    many = count_queries()
    assert len(names_in_list(client.get(LIST))) == 10
    assert few == many
    assert many <= 7  # session, user, roles, count (up to the cap), page, measures, commune names


def test_htmx_list_answers_with_the_table_only_and_pages_by_fifty(client, officer, phu_thuong):
    for n in range(51):
        register(officer, phu_thuong, f"Người Thứ {n:02d}")
    login(client, officer)
    response = client.get(LIST, {"sex": Sex.MALE}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and '<nav class="navbar' not in content
    page = parse(content)
    assert len(page.get(data_testid="people-table").rows()) == 50
    assert "51" in page.get(data_testid="people-count").text
    next_links = [href for _, href in page.links() if "page=2" in href]
    assert next_links and "sex=male" in next_links[0]  # the filters stay in the page links
    assert len(names_in_list(client.get(LIST, {"sex": Sex.MALE, "page": 2}))) == 1


@override_settings(LIST_PAGE_SIZE=4, LIST_COUNT_CAP=6)
def test_a_list_longer_than_the_cap_is_not_counted_to_its_end(client, officer, phu_thuong):
    for n in range(9):
        register(officer, phu_thuong, f"Người Thứ {n}")
    login(client, officer)
    english = {"Accept-Language": "en"}
    first = parse(client.get(LIST, headers=english))
    assert "More than 6 people" in first.get(data_testid="people-count").text
    assert "Page 1" in first.text and "Page 1 of" not in first.text
    third = client.get(LIST, {"page": 3}, headers=english)
    assert names_in_list(third) == ["Người Thứ 8"]
    assert not [href for _, href in parse(third).links() if "page=4" in href]  # the end, found by reading past it


def test_empty_list_says_so_and_offers_registration(client, officer):
    page = parse(login(client, officer).get(LIST))
    empty = page.get(data_testid="empty")
    # Register one by one, or bring the commune's register in from Excel.
    assert [href for _, href in empty.links()] == [REGISTER, "/imports/new/?kind=people"]
    assert page.find(data_testid="people-table") is None


def test_menu_and_home_link_to_people_for_those_who_may_see_them(client, make_user, officer, unit):
    login(client, officer)
    home = parse(client.get(reverse("home")))
    assert LIST in [href for _, href in home.links()]
    assert REGISTER in [href for _, href in home.get(data_testid="home-work-summary").links()]
    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=OrgUnit.Level.NATION))
    home = parse(login(client, admin).get(reverse("home")))
    assert LIST not in [href for _, href in home.links()]
    assert client.get(LIST).status_code == 403


# --- registration --------------------------------------------------------------------------------


def test_registration_form_preselects_the_only_managed_commune(client, officer):
    page = parse(login(client, officer).get(REGISTER))
    assert page.get(data_testid="managing-commune").text.startswith("Phường Phú Thượng")
    assert page.get("input", name="unit").attrs["value"] == str(officer.role_assignments.get().unit_id)
    chosen = [
        o.attrs["value"] for o in page.get("select", name="ethnicity").find_all("option") if "selected" in o.attrs
    ]
    assert chosen == ["01"]
    assert page.get("input", name="registered_on").attrs["value"] == timezone.localdate().strftime("%d/%m/%Y")


def test_registration_with_several_communes_uses_the_picker(client, officer, unit):
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=unit(BA_DINH))
    page = parse(login(client, officer).get(REGISTER))
    assert page.find(data_testid="managing-commune") is None
    search = page.get("input", name="unit_query")
    assert search.attrs["hx-get"] == reverse("orgunits:picker")
    response = client.post(REGISTER, form_data(unit=str(unit(BA_DINH).pk)))
    assert response.status_code == 302
    assert Person.objects.get(full_name="Trần Văn Bình").unit == unit(BA_DINH)
    # A commune the user does not manage is refused on the field.
    refused = client.post(REGISTER, form_data(full_name="Lê Văn C", unit=str(unit(HAI_CHAU).pk)))
    assert refused.status_code == 400
    assert field_errors(refused, "unit")


def test_registration_succeeds_and_opens_the_new_record(client, officer, phu_thuong):
    response = login(client, officer).post(REGISTER, form_data(unit=str(phu_thuong.pk)))
    person = Person.objects.get(full_name="Trần Văn Bình")
    assert response.status_code == 302
    assert response["Location"] == url("detail", person)
    assert (person.unit, person.birth_year, person.occupation, person.current_hamlet) == (
        phu_thuong,
        1988,
        "Thợ xây",
        "Tổ 5",
    )
    assert person.periods.get().start_date == D(2025, 9, 1)
    page = client.get(response["Location"])
    assert person.code in parse(page).get(data_testid="person-name").text
    assert person.code in " ".join(str(m) for m in page.context["messages"])


def test_refused_registration_keeps_everything_typed(client, officer, phu_thuong):
    # Digit 4 = 1: a woman born 1900–1999, but "male" was chosen; digits 5–6 = 90, not 1988.
    typed = form_data(unit=str(phu_thuong.pk), citizen_id="001190012345")
    response = login(client, officer).post(REGISTER, typed)
    assert response.status_code == 400
    assert not Person.objects.filter(full_name="Trần Văn Bình").exists()
    page = parse(response)
    assert page.get("input", name="full_name").attrs["value"] == "Trần Văn Bình"
    assert page.get("input", name="citizen_id").attrs["value"] == "001190012345"
    assert page.get("input", name="current_hamlet").attrs["value"] == "Tổ 5"
    assert page.get("textarea", name="needs").text == "Học nghề"
    assert "checked" in page.get("input", name="sex", value=Sex.MALE).attrs
    assert field_errors(response, "sex")
    assert field_errors(response, "birth_year")
    assert page.find(data_testid="form-errors") is not None


def test_registration_needs_a_date_or_a_year_of_birth(client, officer, phu_thuong):
    response = login(client, officer).post(REGISTER, form_data(unit=str(phu_thuong.pk), birth_year=""))
    assert response.status_code == 400
    assert field_errors(response, "birth_year")
    response = client.post(REGISTER, form_data(unit=str(phu_thuong.pk), birth_year="", birth_date="15/03/1987"))
    assert response.status_code == 302
    assert Person.objects.get(full_name="Trần Văn Bình").birth_year == 1987


def test_duplicate_citizen_id_is_refused_with_a_link_to_the_existing_person(
    client, officer, phu_thuong, hung, da_nang_officer, hai_chau
):
    response = login(client, officer).post(
        REGISTER, form_data(unit=str(phu_thuong.pk), citizen_id="001090012345", birth_year="1990")
    )
    assert response.status_code == 400
    assert field_errors(response, "citizen_id")
    duplicate = parse(response).get(data_testid="duplicate")
    assert url("detail", hung) in [href for _, href in duplicate.links()]
    # From a commune that may not see the existing record: the refusal, without a link.
    response = login(client, da_nang_officer).post(
        REGISTER, form_data(unit=str(hai_chau.pk), citizen_id="001090012345", birth_year="1990")
    )
    assert response.status_code == 400
    assert field_errors(response, "citizen_id")
    assert parse(response).get(data_testid="duplicate").links() == []


def test_similar_names_are_shown_before_registering(client, officer, hung, da_nang_officer, hai_chau):
    elsewhere = register(da_nang_officer, hai_chau, "Nguyễn Văn Hùng", birth_year=1991)
    register(officer, hung.unit, "Nguyễn Văn Hùng", birth_year=1970)  # too old to be the same man
    login(client, officer)
    response = client.get(reverse("people:similar"), {"full_name": "nguyen van hung", "birth_year": "1990"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    panel = parse(response).get(data_testid="similar")
    found = panel.find_all(data_testid="similar-person")
    assert len(found) == 2
    assert [href for _, href in panel.links()] == [url("detail", hung)]  # the other commune's: no link
    assert any(elsewhere.unit.name in item.text for item in found)
    # Without the year, everyone of that name.
    response = client.get(reverse("people:similar"), {"full_name": "nguyen van hung"})
    assert len(parse(response).find_all(data_testid="similar-person")) == 3
    nothing = client.get(reverse("people:similar"), {"full_name": "zzz khong ai"})
    assert parse(nothing).find(data_testid="no-similar") is not None
    form = parse(client.get(REGISTER)).get("input", name="full_name")
    assert form.attrs["hx-get"] == reverse("people:similar")
