"""The model pages' forms as users see them: setting a model up and editing it, changing its status, naming its
board and enrolling members.

State is built through the services; assertions read the rendered pages (elements by data-testid).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import BoardMember, CommunityModel, Membership
from donghanh.community.tests.conftest import D, kind, register
from donghanh.community.tests.test_views_models import page_of, vi
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code

pytestmark = pytest.mark.django_db

CREATE = reverse("community:model_create")


def field_errors(response, name: str) -> list[str]:
    field = parse(response).get(data_field=name)
    return [node.text for node in field.find_all("div") if "invalid-feedback" in (node.attrs.get("class") or "")]


# --- setting up and editing a model -------------------------------------------------------------


def model_post(**fields):
    return {
        "model_type": kind("early_intervention_club").pk,
        "name": "CLB Can thiệp sớm Phú Thượng",
        "decision_number": "112/QĐ-UBND",
        "decision_date": "02/03/2025",
        "decision_body": "",
        "established_on": "05/03/2025",
        "status": "pilot",
        "meeting_place": "Nhà văn hóa tổ 12",
        "schedule": "monthly",
        "notes": "",
        **fields,
    }


def test_setting_up_a_model(client, officer, phu_thuong):
    client.force_login(officer)
    response = client.get(CREATE)
    assert_csp_and_no_inline_code(response, "model form")
    form = parse(response)
    assert form.get(data_testid="model-unit").text.startswith("Phường Phú Thượng")
    response = client.post(CREATE, model_post(unit=phu_thuong.pk))
    model = CommunityModel.objects.get(name="CLB Can thiệp sớm Phú Thượng")
    assert response.status_code == 302 and response["Location"] == page_of(model)
    assert (model.unit, model.status, model.established_on) == (phu_thuong, "pilot", D(2025, 3, 5))
    assert model.decision_body == vi("People's Committee of %(unit)s") % {"unit": phu_thuong.name}
    assert list(model.status_changes.values_list("status", "on")) == [("pilot", D(2025, 3, 5))]


def test_setting_up_a_model_refused_keeps_what_was_typed(client, officer, phu_thuong):
    client.force_login(officer)
    response = client.post(CREATE, model_post(unit=phu_thuong.pk, established_on="01/03/2025"))
    assert response.status_code == 400
    with translation.override("vi"):
        assert field_errors(response, "established_on") == [
            translation.gettext("A model is established by its decision, not before it.")
        ]
    assert parse(response).get("input", name="name").attrs["value"] == "CLB Can thiệp sớm Phú Thượng"
    assert not CommunityModel.objects.exists()


def test_a_province_officer_chooses_the_unit_and_cannot_choose_another_province(
    client, province_officer, unit, hai_chau
):
    client.force_login(province_officer)
    commune = unit("00004")
    refused = client.post(CREATE, model_post(unit=hai_chau.pk))
    assert refused.status_code == 400 and field_errors(refused, "unit")
    assert client.post(CREATE, model_post(unit=commune.pk)).status_code == 302
    assert CommunityModel.objects.get().unit == commune


def test_only_managers_set_up_models(client, make_user, phu_thuong, board_member):
    for user in (make_user(Role.COMMUNE_POLICE, phu_thuong), board_member):
        client.force_login(user)
        assert client.get(CREATE).status_code == 403


def test_editing_a_model(client, officer, club, world):
    client.force_login(officer)
    url = reverse("community:model_edit", args=[club.pk])
    form = parse(client.get(url))
    assert form.get("input", name="decision_date").attrs["value"] == "15/01/2024"
    assert form.find("input", name="unit") is None and form.find(data_field="status") is None
    post = model_post(name="CLB Vững bước mới", decision_date="15/01/2024", established_on="15/01/2024")
    post["version"] = form.get("input", name="version").attrs["value"]
    blank = client.post(url, post)  # who issued the decision stays known
    assert blank.status_code == 400 and field_errors(blank, "decision_body")
    post["decision_body"] = "UBND phường Phú Thượng"
    assert client.post(url, post).status_code == 302
    club.refresh_from_db()
    assert (club.name, club.model_type.code, club.decision_number) == (
        "CLB Vững bước mới", "early_intervention_club", "112/QĐ-UBND",
    )  # fmt: skip
    refused = client.post(url, {**post, "name": "Điểm tư vấn Phú Thượng", "version": club.version})
    assert refused.status_code == 400 and field_errors(refused, "name")
    # Another commune's model is not found; a board member may not edit.
    assert client.get(reverse("community:model_edit", args=[world["neighbour"].pk])).status_code == 404


def test_changing_the_status(client, officer, club):
    client.force_login(officer)
    url = reverse("community:model_status", args=[club.pk])
    assert client.post(url, {"status": "active", "on": "01/06/2024", "note": "Sau 6 tháng"}).status_code == 302
    club.refresh_from_db()
    assert (club.status, club.status_since) == ("active", D(2024, 6, 1))
    refused = client.post(url, {"status": "stable", "on": "01/05/2024"})
    assert refused.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext("The change cannot be before the last one (%(day)s).") % {"day": "01/06/2024"}
    assert field_errors(refused, "on") == [expected]
    assert parse(refused).get("input", name="on").attrs["value"] == "01/05/2024"
    club.refresh_from_db()
    assert club.status == "active"
    # The current status is not offered.
    values = [i.attrs.get("value") for i in parse(client.get(url)).find_all("input", name="status")]
    assert "active" not in values and "stable" in values


# --- the board ----------------------------------------------------------------------------------


def test_adding_and_ending_a_board_seat(client, officer, club, make_user, phu_thuong, hai_chau):
    login = make_user(Role.BOARD_MEMBER, phu_thuong, full_name="Lê Văn Nam")
    stranger = make_user(Role.COMMUNE_OFFICER, hai_chau)
    client.force_login(officer)
    url = reverse("community:board_add", args=[club.pk])
    options = [o.attrs.get("value") for o in parse(client.get(url)).get("select", name="user").find_all("option")]
    assert str(login.pk) in options and str(officer.pk) in options and str(stranger.pk) not in options
    post = {"role": "chair", "full_name": "Lê Văn Nam", "position": "Bí thư Đoàn", "phone": "0912000111",
            "user": login.pk, "start_date": "01/03/2024"}  # fmt: skip
    assert client.post(url, post).status_code == 302
    seat = BoardMember.objects.get(model=club)
    assert (seat.user, seat.role, seat.start_date) == (login, "chair", D(2024, 3, 1))
    # A second chair in the same period is refused, and so is a login of another province.
    refused = client.post(url, {**post, "full_name": "Phạm Thu", "user": ""})
    assert refused.status_code == 400 and field_errors(refused, "role")
    assert parse(refused).get("input", name="full_name").attrs["value"] == "Phạm Thu"
    other = client.post(url, {**post, "role": "member", "user": stranger.pk})
    assert other.status_code == 400 and field_errors(other, "user")
    early = client.post(url, {**post, "role": "member", "user": "", "start_date": "01/01/2024"})
    assert early.status_code == 400 and field_errors(early, "start_date")
    # Ending the seat.
    edit = reverse("community:board_edit", args=[seat.pk])
    form = parse(client.get(edit))
    assert form.get("input", name="full_name").attrs["value"] == "Lê Văn Nam"
    loaded = form.get("input", name="version").attrs["value"]
    assert client.post(edit, {**post, "end_date": "31/12/2024", "version": loaded}).status_code == 302
    seat.refresh_from_db()
    assert seat.end_date == D(2024, 12, 31)
    page = parse(client.get(page_of(club)))
    assert "31/12/2024" in page.get(data_testid=f"seat-{seat.pk}").text


def test_a_board_member_cannot_change_the_board(client, board_member, club):
    client.force_login(board_member)
    seat = BoardMember.objects.get(model=club)
    assert client.get(reverse("community:board_add", args=[club.pk])).status_code == 403
    assert client.get(reverse("community:board_edit", args=[seat.pk])).status_code == 403


# --- members ------------------------------------------------------------------------------------


def test_enrolling_a_member(client, officer, club, phu_thuong, members):
    newcomer = register(officer, phu_thuong, "Đặng Văn Em")
    client.force_login(officer)
    url = reverse("community:member_add", args=[club.pk])
    options = {o.attrs.get("value") for o in parse(client.get(url)).get("select", name="person").find_all("option")}
    # Current members are not offered; a former member (An) and the newcomer are.
    assert str(newcomer.pk) in options and str(members["an"].person_id) in options
    assert str(members["binh"].person_id) not in options
    found = parse(client.get(url, {"q": "dang van"})).get("select", name="person").find_all("option")
    assert {o.attrs.get("value") for o in found} == {"", str(newcomer.pk)}
    response = client.post(url, {"person": newcomer.pk, "joined_on": "01/09/2024", "note": "Gia đình giới thiệu"})
    assert response.status_code == 302
    joined = Membership.objects.get(person=newcomer)
    assert (joined.model, joined.joined_on, joined.note) == (club, D(2024, 9, 1), "Gia đình giới thiệu")


def test_enrolling_refused(client, officer, province_officer, club, unit, make_user):
    ba_dinh = unit("00004")
    elsewhere = register(make_user(Role.COMMUNE_OFFICER, ba_dinh), ba_dinh, "Người xã khác")
    client.force_login(province_officer)
    url = reverse("community:member_add", args=[club.pk])
    other = client.post(url, {"person": elsewhere.pk, "joined_on": "01/09/2024"})
    assert other.status_code == 400 and field_errors(other, "person")
    person = register(officer, club.unit, "Vũ Văn Phong")
    early = client.post(url, {"person": person.pk, "joined_on": "01/01/2024", "note": "ghi chú"})
    assert early.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext("%(model)s was established on %(day)s.") % {
            "model": club.name,
            "day": "15/01/2024",
        }
    assert field_errors(early, "joined_on") == [expected]
    kept = parse(early)
    assert kept.get("input", name="note").attrs["value"] == "ghi chú"
    chosen = [o for o in kept.get("select", name="person").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in chosen] == [str(person.pk)]
    assert not Membership.objects.exists()


def test_a_member_leaves(client, officer, club, members):
    binh = members["binh"]
    services.session_record(actor=officer, model=club, date=D(2024, 8, 6), kind="regular", present=[binh])
    client.force_login(officer)
    url = reverse("community:member_leave", args=[binh.pk])
    assert parse(client.get(url)).get(data_testid="leave-form")
    refused = client.post(url, {"left_on": "01/08/2024", "reason": "withdrew"})
    assert refused.status_code == 400 and field_errors(refused, "left_on")
    before = client.post(url, {"left_on": "01/02/2024", "reason": "withdrew"})
    assert before.status_code == 400 and field_errors(before, "left_on")
    assert client.post(url, {"left_on": "31/08/2024", "reason": "withdrew", "note": "Đi làm xa"}).status_code == 302
    binh.refresh_from_db()
    assert (binh.left_on, binh.leave_reason, binh.note) == (D(2024, 8, 31), "withdrew", "Đi làm xa")
    assert parse(client.get(url)).get(data_testid="left")


def test_members_forms_are_for_managers_of_the_model(client, board_member, make_user, hai_chau, club, members):
    client.force_login(board_member)
    assert client.get(reverse("community:member_add", args=[club.pk])).status_code == 403
    assert client.get(reverse("community:member_leave", args=[members["binh"].pk])).status_code == 403
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(reverse("community:member_add", args=[club.pk])).status_code == 404
    assert client.get(reverse("community:member_leave", args=[members["binh"].pk])).status_code == 404
