"""The people pages as users see them: the list, registration, a person's page and its forms.

State is built through the services; assertions read the rendered pages (elements by
data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people import services
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.models import DrugTest, DrugUseHistory, HealthStatus, Person

pytestmark = pytest.mark.django_db

D = datetime.date
PHU_THUONG, BA_DINH, HAI_CHAU = "00091", "00004", "20242"
REGISTERED = D(2025, 9, 1)
LIST = reverse("people:list")
REGISTER = reverse("people:register")


def url(name: str, person: Person) -> str:
    return reverse(f"people:{name}", args=[person.pk])


def register(actor, at, full_name="Nguyễn Văn Hùng", *, on=REGISTERED, **fields):
    fields.setdefault("sex", Sex.MALE)
    if "birth_date" not in fields:
        fields.setdefault("birth_year", 1990)
    return services.person_register(actor=actor, unit=at, full_name=full_name, registered_on=on, **fields)


def login(client, user):
    client.force_login(user)
    return client


def names_in_list(response) -> list[str]:
    table = parse(response).find(data_testid="people-table")
    return [] if table is None else [row[1] for row in table.rows()]


def access_log(person: Person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk)).order_by("pk"))


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


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def da_nang_officer(make_user, hai_chau):
    return make_user(Role.COMMUNE_OFFICER, hai_chau, full_name="Cán bộ Hải Châu")


@pytest.fixture
def hung(officer, phu_thuong):
    return register(officer, phu_thuong, citizen_id="001090012345")


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
    assert many <= 7  # session, user, roles, count, page, measures, commune names


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


def test_empty_list_says_so_and_offers_registration(client, officer):
    page = parse(login(client, officer).get(LIST))
    empty = page.get(data_testid="empty")
    assert [href for _, href in empty.links()] == [REGISTER]
    assert page.find(data_testid="people-table") is None


def test_menu_and_home_link_to_people_for_those_who_may_see_them(client, make_user, officer, unit):
    login(client, officer)
    home = parse(client.get(reverse("home")))
    assert LIST in [href for _, href in home.links()]
    assert REGISTER in [href for _, href in home.get(data_testid="people-card").links()]
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


# --- a person's page -----------------------------------------------------------------------------


def test_person_page_shows_identity_residence_whereabouts_and_periods(client, officer, hung):
    services.whereabouts_record(
        actor=officer, person=hung, status=Whereabouts.IN_FACILITY, since=D(2025, 10, 1), place="Cơ sở cai nghiện số 1"
    )
    page = parse(login(client, officer).get(url("detail", hung)))
    assert page.get(data_testid="citizen-id").text.startswith("001090012345")
    assert page.get(data_testid="managing-commune").text.startswith("Phường Phú Thượng")
    history = page.get(data_testid="whereabouts-history").rows()
    assert [row[0] for row in history] == ["01/10/2025", "01/09/2025"]
    assert "Cơ sở cai nghiện số 1" in history[0][2]
    periods = page.get(data_testid="management-periods").rows()
    assert periods[0][0].startswith("Phường Phú Thượng") and periods[0][1] == "01/09/2025"
    for testid in ("edit", "record-whereabouts", "transfer", "merge"):
        assert page.find(data_testid=testid) is not None


def test_person_outside_the_scope_answers_404(client, hung, da_nang_officer):
    login(client, da_nang_officer)
    for name in ("detail", "edit", "whereabouts", "transfer", "merge", "drug_use", "test_add", "determination_add"):
        assert client.get(url(name, hung)).status_code == 404, name
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404


def test_volunteer_sees_no_sensitive_section_and_leaves_no_access_log(
    client, make_user, phu_thuong, officer, hung, assign_volunteer
):
    services.drug_use_record(actor=officer, person=hung, substances=["heroin"])
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, hung)
    response = login(client, volunteer).get(url("detail", hung))
    assert response.status_code == 200
    page = parse(response)
    for testid in ("legal-measures", "drug-use", "drug-tests", "health", "edit"):
        assert page.find(data_testid=testid) is None, testid
    assert access_log(hung) == []
    assert client.get(url("drug_use", hung)).status_code == 403


def test_police_see_drug_tests_but_not_hiv_status(client, make_user, phu_thuong, officer, hung):
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    services.health_record(actor=health_staff, person=hung, hiv_status="positive")
    services.drug_test_add(
        actor=officer,
        person=hung,
        date=D(2025, 9, 5),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "positive"},
    )
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    page = parse(login(client, police).get(url("detail", hung)))
    tests = page.get(data_testid="drug-tests").rows()
    assert tests[0][0] == "05/09/2025" and len(tests) == 1
    assert page.find(data_testid="health") is None
    assert page.find(data_testid="hiv-status") is None
    [entry] = access_log(hung)
    assert entry.user == police
    assert "drug tests" in entry.detail and "drug use" in entry.detail
    assert "HIV" not in entry.detail
    assert entry.unit == phu_thuong
    assert client.get(url("health", hung)).status_code == 403


def test_health_staff_see_hiv_status(client, make_user, phu_thuong, hung):
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    services.health_record(actor=health_staff, person=hung, hiv_status="negative", hiv_test_date=D(2025, 9, 3))
    page = parse(login(client, health_staff).get(url("detail", hung)))
    assert "03/09/2025" in page.get(data_testid="hiv-status").text
    assert page.find(data_testid="record-health") is not None
    [entry] = access_log(hung)
    assert "HIV status" in entry.detail


def test_each_view_of_sensitive_sections_writes_one_entry_naming_them(client, officer, hung):
    login(client, officer)
    client.get(url("detail", hung))
    client.get(url("detail", hung))
    entries = access_log(hung)
    assert len(entries) == 2
    expected = ["legal measures", "drug use", "addiction determinations", "drug tests", "HIV status"]
    assert entries[0].detail == ", ".join(expected)
    assert entries[0].action == AccessLogEntry.Action.VIEW
    assert entries[0].object_repr == str(hung)


def test_legal_measures_are_included_for_those_who_may_see_them(client, make_user, officer, phu_thuong, hung):
    episode_open(actor=officer, person=hung, episode_type=EpisodeType.DRUG_USER_MANAGEMENT, start_date=D(2025, 9, 10))
    page = parse(login(client, officer).get(url("detail", hung)))
    assert page.find(data_testid="legal-measures") is not None
    assert "legal measures" in access_log(hung)[0].detail
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assert parse(login(client, volunteer).get(url("detail", hung))).find(data_testid="legal-measures") is None


# --- changes to a person -------------------------------------------------------------------------


def test_edit_saves_and_a_refused_edit_keeps_what_was_typed(client, officer, hung):
    login(client, officer)
    form = parse(client.get(url("edit", hung)))
    assert form.get("input", name="full_name").attrs["value"] == "Nguyễn Văn Hùng"
    assert form.find("input", name="unit") is None  # the commune changes only by a transfer
    data = form_data(full_name="Nguyễn Văn Hùng", citizen_id="001090012345", birth_year="1990", occupation="Bảo vệ")
    del data["registered_on"], data["whereabouts"]
    assert client.post(url("edit", hung), data).status_code == 302
    hung.refresh_from_db()
    assert hung.occupation == "Bảo vệ"

    refused = client.post(url("edit", hung), {**data, "birth_year": "1991", "occupation": "Lái xe"})
    assert refused.status_code == 400
    assert field_errors(refused, "birth_year")
    assert parse(refused).get("input", name="occupation").attrs["value"] == "Lái xe"
    hung.refresh_from_db()
    assert (hung.birth_year, hung.occupation) == (1990, "Bảo vệ")


def test_whereabouts_are_recorded_and_a_future_date_refused(client, officer, hung):
    login(client, officer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    refused = client.post(url("whereabouts", hung), {"status": "detained", "since": tomorrow, "place": "Trại tạm giam"})
    assert refused.status_code == 400
    assert field_errors(refused, "since")
    assert parse(refused).get("input", name="place").attrs["value"] == "Trại tạm giam"
    response = client.post(url("whereabouts", hung), {"status": "detained", "since": "02/10/2025", "place": "Trại"})
    assert response.status_code == 302
    now = parse(client.get(url("detail", hung))).get(data_testid="whereabouts-now").text
    assert "02/10/2025" in now


def test_commune_picker_searches_every_current_commune(client, officer):
    login(client, officer)
    response = client.get(reverse("people:commune_picker"), {"field": "to_unit", "to_unit_query": "hai chau"})
    radios = parse(response).find_all("input", type="radio", name="to_unit")
    assert radios
    hai_chau = OrgUnit.objects.get(code=HAI_CHAU, level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
    assert str(hai_chau.pk) in [r.attrs["value"] for r in radios]
    legacy = OrgUnit.objects.filter(era=OrgUnit.Era.LEGACY, level=OrgUnit.Level.COMMUNE).values_list("pk", flat=True)
    assert not {int(r.attrs["value"]) for r in radios} & set(legacy)
    assert parse(client.get(reverse("people:commune_picker"), {"field": 'x"><b', "q": "hai chau"})).find(
        "input", name="to_unit"
    )


def test_transfer_moves_the_person_to_another_commune(client, officer, hung, da_nang_officer, hai_chau):
    login(client, officer)
    refused = client.post(url("transfer", hung), {"to_unit": "", "on": "01/10/2025"})
    assert refused.status_code == 400
    assert field_errors(refused, "to_unit")
    early = client.post(url("transfer", hung), {"to_unit": str(hai_chau.pk), "on": "01/08/2025"})
    assert early.status_code == 400
    assert field_errors(early, "on")
    assert parse(early).get(data_testid="to_unit-chosen").find("input", value=str(hai_chau.pk)) is not None

    response = client.post(url("transfer", hung), {"to_unit": str(hai_chau.pk), "on": "01/10/2025"})
    assert response.status_code == 302
    assert response["Location"] == LIST  # no longer in the user's scope
    assert client.get(url("detail", hung)).status_code == 404
    assert names_in_list(client.get(LIST)) == []
    assert names_in_list(client.get(LIST, {"as_of": "15/09/2025"})) == ["Nguyễn Văn Hùng"]

    login(client, da_nang_officer)
    assert names_in_list(client.get(LIST)) == ["Nguyễn Văn Hùng"]
    periods = parse(client.get(url("detail", hung))).get(data_testid="management-periods").rows()
    assert [(row[1], row[2]) for row in periods] == [("01/10/2025", periods[0][2]), ("01/09/2025", "30/09/2025")]
    assert periods[0][0].startswith("Phường Hải Châu")


def test_merge_through_the_pages_and_the_merged_record_redirects(client, officer, phu_thuong, hung):
    copy = register(officer, phu_thuong, "Nguyễn Văn Hùng", other_names="Hùng Béo", birth_year=1990)
    services.drug_test_add(
        actor=officer,
        person=copy,
        date=D(2025, 9, 5),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "negative"},
    )
    login(client, officer)
    search = parse(client.get(url("merge", hung), {"q": "hung beo"}))
    results = search.get(data_testid="merge-results")
    assert [href for _, href in results.links()] == [f"?duplicate={copy.pk}"]
    assert parse(client.get(url("merge", hung), {"q": hung.code})).find(data_testid="empty") is not None  # not itself

    confirm = parse(client.get(url("merge", hung), {"duplicate": copy.pk}))
    rows = confirm.get(data_testid="merge-compare").rows()
    assert [hung.code, copy.code] == rows[0][1:]
    assert ["0", "1"] in [row[1:] for row in rows]  # drug tests counted
    response = client.post(url("merge", hung), {"duplicate": copy.pk})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.merged_into == hung
    assert DrugTest.objects.get().person == hung

    followed = client.get(url("detail", copy))
    assert followed.status_code == 302
    assert followed["Location"] == url("detail", hung)
    assert names_in_list(client.get(LIST)) == ["Nguyễn Văn Hùng"]
    assert client.get(url("merge", hung), {"duplicate": "abc"}).status_code == 404


def test_merged_record_outside_the_scope_still_answers_404(client, officer, phu_thuong, hung, da_nang_officer):
    copy = register(officer, phu_thuong, "Nguyễn Văn Hùng", birth_year=1990)
    services.person_merge(actor=officer, keep=hung, duplicate=copy)
    assert login(client, da_nang_officer).get(url("detail", copy)).status_code == 404


# --- sensitive forms -----------------------------------------------------------------------------


def test_drug_use_form_records_and_shows_the_recorded_history(client, officer, hung):
    login(client, officer)
    refused = client.post(
        url("drug_use", hung), {"substances": ["heroin"], "primary_substance": "cannabis", "age_first_use": "17"}
    )
    assert refused.status_code == 400
    assert field_errors(refused, "primary_substance")
    page = parse(refused)
    assert "checked" in page.get("input", name="substances", value="heroin").attrs
    assert page.get("input", name="age_first_use").attrs["value"] == "17"

    data = {"substances": ["heroin", "methamphetamine"], "primary_substance": "heroin", "age_first_use": "17"}
    assert client.post(url("drug_use", hung), {**data, "injecting": "on"}).status_code == 302
    history = DrugUseHistory.objects.get(person=hung)
    assert (history.substances, history.injecting) == (["heroin", "methamphetamine"], True)
    assert access_log(hung) == []
    form = parse(client.get(url("drug_use", hung)))
    assert "checked" in form.get("input", name="substances", value="methamphetamine").attrs
    [entry] = access_log(hung)  # the form showed the recorded history
    assert entry.detail == "drug use"


def test_drug_test_form_takes_one_result_per_substance(client, make_user, phu_thuong, hung):
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    login(client, health_staff)
    page = parse(client.get(url("test_add", hung)))
    heroin = page.get("select", name="result_heroin")
    assert heroin.find("option", value="") is not None  # "not tested"
    typed = {"date": "05/09/2025", "sample": "urine", "tested_by": "Trạm y tế phường"}
    refused = client.post(url("test_add", hung), typed)
    assert refused.status_code == 400
    assert parse(refused).find(data_testid="form-errors") is not None
    assert parse(refused).get("input", name="tested_by").attrs["value"] == "Trạm y tế phường"
    response = client.post(url("test_add", hung), {**typed, "result_heroin": "positive", "result_cannabis": "negative"})
    assert response.status_code == 302
    test = DrugTest.objects.get(person=hung)
    assert {r.substance: r.result for r in test.results.all()} == {"heroin": "positive", "cannabis": "negative"}
    assert test.recorded_by == health_staff


def test_determination_form_follows_the_criteria(client, officer, hung):
    login(client, officer)
    response = client.post(
        url("determination_add", hung), {"date": "05/09/2025", "facility": "Trạm y tế", "criteria_met": "4"}
    )
    assert response.status_code == 302
    determinations = parse(client.get(url("detail", hung))).get(data_testid="determinations").rows()
    assert determinations[0][:3] == ["05/09/2025", "Trạm y tế", "4/6"]
    refused = client.post(url("determination_add", hung), {"date": "05/09/2025", "facility": "", "criteria_met": "9"})
    assert refused.status_code == 400
    assert field_errors(refused, "facility") and field_errors(refused, "criteria_met")


def test_health_form_only_for_health_staff(client, make_user, phu_thuong, officer, hung):
    assert login(client, officer).get(url("health", hung)).status_code == 403
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)
    login(client, health_staff)
    response = client.post(url("health", hung), {"hiv_status": "negative", "hiv_test_date": "03/09/2025"})
    assert response.status_code == 302
    assert HealthStatus.objects.get(person=hung).hiv_test_date == D(2025, 9, 3)
    refused = client.post(url("health", hung), {"hiv_status": "negative", "hiv_test_date": "3 tháng 9"})
    assert refused.status_code == 400
    assert field_errors(refused, "hiv_test_date")


# --- what every page is made of ------------------------------------------------------------------


def test_people_pages_carry_no_inline_script_or_style(client, officer, hung):
    login(client, officer)
    for name in ("detail", "edit", "whereabouts", "transfer", "merge", "drug_use", "test_add", "determination_add"):
        assert_csp_and_no_inline_code(client.get(url(name, hung)), name)
    assert_csp_and_no_inline_code(client.get(LIST), "list")
    assert_csp_and_no_inline_code(client.get(REGISTER), "register")
    assert_csp_and_no_inline_code(client.get(url("merge", hung), {"q": "nguyen"}), "merge search")


def test_anonymous_visitors_are_sent_to_log_in(client, hung):
    for target in (LIST, REGISTER, url("detail", hung), reverse("people:similar")):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
