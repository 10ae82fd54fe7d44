"""The people pages as users see them: a person's page, the changes made from it and its sensitive forms.

State is built through the services; assertions read the rendered pages (elements by
data-testid) and the records the pages leave behind.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people import services
from donghanh.people.choices import Whereabouts
from donghanh.people.models import DrugTest, DrugUseHistory, HealthStatus, Person
from donghanh.people.tests.conftest import register
from donghanh.people.tests.test_views import (
    HAI_CHAU,
    LIST,
    REGISTER,
    D,
    field_errors,
    form_data,
    login,
    names_in_list,
    url,
)

pytestmark = pytest.mark.django_db


def access_log(person: Person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk)).order_by("pk"))


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
    [period] = page.get(data_testid="management-periods").find_all(data_testid="roster-period")
    assert period.get(data_testid="period-commune").text == "Phường Phú Thượng"
    assert period.get(data_testid="period-dates").text.startswith("01/09/2025")
    for testid in ("edit", "record-whereabouts", "transfer-propose", "merge"):
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
    # In the order of the page: measures (10), release notices and possible relapses (15), the registry's own (50).
    expected = [
        "legal measures", "release notices", "possible relapses", "drug use", "addiction determinations", "drug tests",
        "HIV status",
    ]  # fmt: skip
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
    assert form.get("input", name="version").attrs["value"] == "1"  # the version the form was loaded at
    data = form_data(full_name="Nguyễn Văn Hùng", citizen_id="001090012345", birth_year="1990", occupation="Bảo vệ")
    del data["registered_on"], data["whereabouts"]
    assert client.post(url("edit", hung), {**data, "version": "1"}).status_code == 302
    hung.refresh_from_db()
    assert (hung.occupation, hung.version) == ("Bảo vệ", 2)

    refused = client.post(url("edit", hung), {**data, "version": "2", "birth_year": "1991", "occupation": "Lái xe"})
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


def test_the_move_page_sends_to_the_proposal_the_other_commune_answers(client, officer, hung, da_nang_officer):
    response = login(client, officer).get(url("transfer", hung))
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:transfer_propose", args=[hung.pk])
    assert login(client, da_nang_officer).get(url("transfer", hung)).status_code == 404


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
    for name in ("detail", "edit", "whereabouts", "merge", "drug_use", "test_add", "determination_add"):
        assert_csp_and_no_inline_code(client.get(url(name, hung)), name)
    assert_csp_and_no_inline_code(client.get(LIST), "list")
    assert_csp_and_no_inline_code(client.get(REGISTER), "register")
    assert_csp_and_no_inline_code(client.get(url("merge", hung), {"q": "nguyen"}), "merge search")


def test_anonymous_visitors_are_sent_to_log_in(client, hung):
    for target in (LIST, REGISTER, url("detail", hung), reverse("people:similar")):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- two officers editing the same person --------------------------------------------------------


def test_a_change_made_meanwhile_is_shown_and_what_was_typed_is_kept(client, officer, make_user, phu_thuong, hung):
    """Lan and Minh load the form; Lan saves; Minh's save shows who changed what, keeps his typing, and saves once
    he has seen it."""
    lan = make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Trần Thị Lan")
    minh = make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Lê Văn Minh")
    data = form_data(full_name="Nguyễn Văn Hùng", citizen_id="001090012345", birth_year="1990", occupation="Thợ hồ")
    del data["registered_on"], data["whereabouts"]
    loaded = parse(login(client, minh).get(url("edit", hung))).get("input", name="version").attrs["value"]

    login(client, lan)
    assert client.post(url("edit", hung), {**data, "version": loaded, "phone": "0987654321"}).status_code == 302

    login(client, minh)
    stale = client.post(url("edit", hung), {**data, "version": loaded, "occupation": "Lái xe"})
    assert stale.status_code == 409
    page = parse(stale)
    notice = page.get(data_testid="version-conflict").text
    assert "Trần Thị Lan" in notice and "trong khi bạn đang sửa" in notice
    assert timezone.localtime().strftime("%d/%m/%Y") in notice
    changes = page.get(data_testid="version-changes").find_all("li")
    assert f"Số điện thoại: {hung.phone or '—'} → 0987654321" in [li.text for li in changes]
    assert not [li.text for li in changes if li.text.lower().startswith("phiên bản")]  # the counter is not a change
    assert page.get("input", name="occupation").attrs["value"] == "Lái xe"  # his typing is kept
    assert page.get("input", name="version").attrs["value"] == "2"  # and the form is now at the current version
    hung.refresh_from_db()
    assert (hung.occupation, hung.phone, hung.version) == ("Thợ hồ", "0987654321", 2)  # nothing of his written

    again = {**data, "version": "2", "occupation": "Lái xe", "phone": "0987654321"}
    assert client.post(url("edit", hung), again).status_code == 302
    hung.refresh_from_db()
    assert (hung.occupation, hung.phone, hung.version) == ("Lái xe", "0987654321", 3)
    assert hung.history.order_by("-history_date", "-history_id").first().history_user == minh


def test_a_form_without_its_version_saves_nothing(client, officer, hung):
    data = form_data(full_name="Nguyễn Văn Hùng", citizen_id="001090012345", birth_year="1990", occupation="Lái xe")
    del data["registered_on"], data["whereabouts"]
    assert login(client, officer).post(url("edit", hung), data).status_code == 409
    hung.refresh_from_db()
    assert hung.occupation != "Lái xe" and hung.version == 1


def test_a_health_status_recorded_meanwhile_is_not_overwritten(client, make_user, phu_thuong, hung):
    """Both pages were opened before anything was recorded: the second save meets the first and writes nothing."""
    first = make_user(Role.HEALTH_STAFF, phu_thuong, full_name="Đỗ Thị Yến")
    second = make_user(Role.HEALTH_STAFF, phu_thuong, full_name="Lý Văn Sơn")
    loaded = parse(login(client, second).get(url("health", hung))).get("input", name="version").attrs["value"]
    assert loaded == "0"  # nothing recorded yet
    login(client, first)
    assert client.post(url("health", hung), {"hiv_status": "positive", "version": "0"}).status_code == 302

    login(client, second)
    stale = client.post(url("health", hung), {"hiv_status": "negative", "version": loaded})
    assert stale.status_code == 409
    assert "Đỗ Thị Yến" in parse(stale).get(data_testid="version-conflict").text
    assert HealthStatus.objects.get(person=hung).hiv_status == "positive"
    again = parse(stale).get("input", name="version").attrs["value"]
    assert client.post(url("health", hung), {"hiv_status": "negative", "version": again}).status_code == 302
    assert HealthStatus.objects.get(person=hung).hiv_status == "negative"
